// Backtests on the worker fleet: a backtest over the chain store splits into day ranges that two
// real worker processes (`npm run workers -- --compute-only`) compute as children of the
// backtest's job, and the joined report is the report of one run; the progress bar moves; a basket
// whose sessions depend on each other runs in order and says why; a cancelled run stops its
// ranges. Real Redis (BullMQ), a real database, real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtests, strategyVersions, user } from '@/db/schema';
import { simulateDays } from '@/engine/market/simulator';
import type { BacktestReport } from '@/engine/backtest/backtest';
import { ChainStoreWriter, storeRoot } from '@/datasets/store';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { backtestProcessor } from './index';
import { computeBacktest } from './compute';
import { createConnection, enqueueBacktest, QUEUES, type BacktestProgressMessage } from '../queues';
import { parseDsl, type DslDocument } from '@/engine/dsl';

const root = path.resolve(import.meta.dirname, '..', '..');
const FROM = '2026-11-09';
const TO = '2026-11-20';

let t: TestDb;
let url: string;
let client: Redis;
let queue: Queue;
let compute: Queue;
let flows: FlowProducer;
let dataDir: string;
let parent: Worker;
const processes: ChildProcess[] = [];
const messages: BacktestProgressMessage[] = [];

/** The short straddle with re-cost, any day, and the iron condor by delta beside it. */
function basket(edit?: (b: Record<string, unknown>) => void): DslDocument {
  const read = (n: string) =>
    JSON.parse(readFileSync(path.join(root, 'engine/dsl/examples', n), 'utf8'));
  const json = read('nifty-short-straddle-recost.json');
  const condor = read('nifty-iron-condor-delta.json').basket.strategies[0];
  delete json.basket.strategies[0].daysToExpiry;
  delete condor.daysToExpiry;
  delete condor.conditions;
  json.basket.strategies.push({ ...condor, id: 'condor', entry: { time: '10:05' } });
  edit?.(json.basket);
  const r = parseDsl(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function computeWorker(): ChildProcess {
  const { DATABASE_URL: _none, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/workers.ts'), '--compute-only'],
    {
      cwd: root,
      env: {
        ...inherited,
        REDIS_URL: url,
        DATA_DIR: dataDir,
        WORKER_CONCURRENCY: '1',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  processes.push(child);
  return child;
}

beforeAll(async () => {
  url = await testRedisUrl();
  client = createConnection('client', url);
  queue = new Queue(QUEUES.backtests, { connection: client });
  compute = new Queue(QUEUES.compute, { connection: client });
  flows = new FlowProducer({ connection: client });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-fleet-'));
  const workers = [computeWorker(), computeWorker()];
  const writer = new ChainStoreWriter(storeRoot(dataDir), { source: 'simulator NIFTY seed 5' });
  for (const s of simulateDays({
    underlying: 'NIFTY',
    seed: 5,
    from: FROM,
    to: TO,
    intervalSeconds: 120,
  }))
    await writer.add(s);
  await writer.finish();
  t = await openTestDb();
  parent = new Worker(
    QUEUES.backtests,
    backtestProcessor({
      db: async () => t.db,
      dataDir,
      sharedData: null,
      publish: async (m) => void messages.push(m),
      fleet: { redis: client, flows, queue: compute, limits: { minDays: 2, maxParts: 4 }, pollMs: 100 }, // prettier-ignore
    }),
    { connection: createConnection('worker', url), concurrency: 2 },
  );
  // Both processes are serving the compute queue before any backtest is queued.
  const until = Date.now() + 60_000;
  while ((await compute.getWorkers()).length < workers.length) {
    if (Date.now() > until)
      throw new Error('the compute worker processes did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await parent?.close(true);
  for (const p of processes) p.kill('SIGTERM');
  await Promise.all(
    processes.map((p) =>
      p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve(),
    ),
  );
  await Promise.all([queue?.close(), compute?.close(), flows?.close()]);
  client?.disconnect();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function backtest(doc: DslDocument, from = FROM, to = TO) {
  const ownerId = `trader-${Math.random().toString(36).slice(2)}`;
  await t.db.insert(user).values({ id: ownerId, name: ownerId, email: `${ownerId}@example.test` });
  const [v] = await t.db
    .insert(strategyVersions)
    .values({ ownerId, version: 1, name: doc.basket.name, dsl: doc, graph: {} })
    .returning({ id: strategyVersions.id });
  const dataSource = { kind: 'store' as const, underlying: 'NIFTY', from, to };
  const settings = { costModel: 'india-index-options' as const };
  const [row] = await t.db
    .insert(backtests)
    .values({ ownerId, strategyVersionId: v.id, dataSource, settings, status: 'queued' })
    .returning();
  await enqueueBacktest(queue, row.id, 1);
  const oneRun = () =>
    computeBacktest({
      document: doc,
      source: dataSource,
      overrides: { costModel: 'india-index-options', latency: 'none', riskLimits: {} },
      dataDir,
      sharedData: null,
    });
  return { id: row.id, oneRun };
}

const get = async (id: string) =>
  (await t.db.select().from(backtests).where(eq(backtests.id, id)))[0];

async function settled(id: string) {
  await expect
    .poll(async () => (await get(id)).status, { timeout: 120_000, interval: 100 })
    .toMatch(/succeeded|failed|cancelled/);
  return get(id);
}

const withoutRun = (r: BacktestReport) => ({ ...r, data: { ...r.data, run: undefined } });

describe('backtests on the worker fleet', () => {
  it('splits ten sessions into 4 day ranges run by both worker processes; the joined report is the one-run report', async () => {
    const doc = basket();
    const { id, oneRun } = await backtest(doc);
    const row = await settled(id);
    expect(row.error).toBeNull();
    expect(row.status).toBe('succeeded');
    const report = row.report as BacktestReport;
    expect(report.data.run).toEqual({
      mode: 'split by days',
      parts: 4,
      why: expect.stringMatching(/4 day ranges ran on the worker fleet/),
    });
    const whole = await oneRun();
    expect(whole.orders.length).toBeGreaterThan(40);
    expect(withoutRun(report)).toEqual(withoutRun(whole));

    const parts = await Promise.all([0, 1, 2, 3].map((i) => compute.getJob(`${id}|part|${i}`)));
    expect(parts.every((p) => p?.finishedOn)).toBe(true);
    const by = new Set(parts.map((p) => p!.processedBy));
    expect([...by].every((n) => /^compute-\d+$/.test(n ?? ''))).toBe(true);
    expect(by.size).toBe(2);
    // The progress bar only moves forward, inside [0, 1], and ends at 1 (a quiet machine may
    // finish ten sessions before the first progress write).
    const mine = messages.filter((m) => m.id === id);
    const progress = mine.map((m) => m.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: 'succeeded', progress: 1 });
  }, 180_000);

  it('runs a basket with a drawdown limit in order, in one piece, and says why', async () => {
    const doc = basket((b) => (b.maxDrawdownPct = 50));
    const { id, oneRun } = await backtest(doc);
    const row = await settled(id);
    expect(row.status).toBe('succeeded');
    const report = row.report as BacktestReport;
    expect(report.data.run).toEqual({
      mode: 'one run',
      parts: 1,
      why: expect.stringMatching(/run in order: the basket's drawdown limit \(50%\)/),
    });
    expect(await compute.getJob(`${id}|part|0`)).toBeUndefined();
    expect(withoutRun(report)).toEqual(withoutRun(await oneRun()));
  }, 180_000);

  it('a cancelled split backtest stops its day ranges and stays cancelled', async () => {
    const { id } = await backtest(basket());
    // Cancelled as soon as it runs (the ten sessions finish in a few seconds on an idle machine).
    await expect
      .poll(async () => (await get(id)).status, { timeout: 60_000, interval: 20 })
      .toBe('running');
    const cancelled = await t.db.update(backtests).set({ status: 'cancelled' }).where(and(eq(backtests.id, id), eq(backtests.status, 'running'))).returning({ id: backtests.id }); // prettier-ignore
    expect(cancelled).toHaveLength(1);
    // The parent's job finishes once every range has stopped or was never started.
    await expect
      .poll(async () => (await queue.getJob(id))?.finishedOn, { timeout: 30_000, interval: 100 })
      .toBeGreaterThan(0);
    const parts = await Promise.all([0, 1, 2, 3].map((i) => compute.getJob(`${id}|part|${i}`)));
    for (const p of parts) if (p) expect(await p.getState()).not.toMatch(/active|waiting/);
    expect((await get(id)).status).toBe('cancelled');
    expect((await get(id)).report).toBeNull();
  }, 120_000);
});

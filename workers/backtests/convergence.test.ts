// Backtest rows and their jobs always converge, and one user cannot take every worker: a job
// BullMQ gives up on (a worker killed too often) fails its row with the reason, a job Redis lost
// is queued again with a note, a run whose worker died restarts and says so, runs past their
// time limit stop, one user's runs wait for their share while another user's go ahead, and the
// computation stays off the event loop. Real Redis (BullMQ) and a real database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtests, strategyVersions, sweeps, user } from '@/db/schema';
import { straddle } from '@/engine/backtest/golden-straddle';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { backtestProcessor, processBacktest } from './index';
import { sweepBacktests } from './sweep';
import { createConnection, enqueueBacktest, enqueueSweep, QUEUES } from '../queues';

let t: TestDb;
let url: string;
let client: Redis;
let queue: Queue;
let dataDir: string;
const workers: Worker[] = [];

beforeAll(async () => {
  url = await testRedisUrl();
  client = createConnection('client', url);
  queue = new Queue(QUEUES.backtests, { connection: client });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-convergence-'));
  t = await openTestDb();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  await queue?.close();
  client?.disconnect();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let n = 0;
async function owner(): Promise<{ ownerId: string; versionId: string }> {
  const ownerId = `user-${++n}-${Date.now()}`;
  await t.db.insert(user).values({ id: ownerId, name: ownerId, email: `${ownerId}@example.test` });
  const [v] = await t.db
    .insert(strategyVersions)
    .values({ ownerId, version: 1, name: 'straddle', dsl: straddle(), graph: {} })
    .returning({ id: strategyVersions.id });
  return { ownerId, versionId: v.id };
}

const simulator = (days: number) => ({
  kind: 'simulator',
  underlying: 'NIFTY',
  from: '2026-01-05',
  to: new Date(Date.parse('2026-01-05') + (days - 1) * 86_400_000).toISOString().slice(0, 10),
  seed: 11,
  intervalSeconds: 60,
});

async function row(
  who: { ownerId: string; versionId: string },
  opts: { status?: 'queued' | 'running'; days?: number; updatedAt?: Date } = {},
) {
  const [r] = await t.db
    .insert(backtests)
    .values({
      ownerId: who.ownerId,
      strategyVersionId: who.versionId,
      dataSource: simulator(opts.days ?? 1),
      settings: {},
      status: opts.status ?? 'queued',
      updatedAt: opts.updatedAt ?? new Date(Date.now() - 60_000),
    })
    .returning();
  return r;
}

const get = async (id: string) =>
  (await t.db.select().from(backtests).where(eq(backtests.id, id)))[0];

function startWorker(opts: { concurrency?: number; userConcurrency?: number } = {}) {
  const w = new Worker(
    QUEUES.backtests,
    backtestProcessor({
      db: async () => t.db,
      dataDir,
      sharedData: null,
      userConcurrency: opts.userConcurrency,
      deferMs: 300,
    }),
    { connection: createConnection('worker', url), concurrency: opts.concurrency ?? 2 },
  );
  workers.push(w);
  return w;
}

async function until(id: string, status: RegExp, timeout = 60_000) {
  await expect.poll(async () => (await get(id)).status, { timeout, interval: 100 }).toMatch(status);
  return get(id);
}

describe('rows and jobs converge', () => {
  it('fails a row whose job BullMQ gave up on after its worker stopped, with the reason', async () => {
    const who = await owner();
    const r = await row(who, { status: 'running' });
    // A worker takes the job, then dies without finishing it (its lock is never renewed).
    const doomed = new Worker(QUEUES.backtests, () => new Promise(() => {}), {
      connection: createConnection('worker', url),
      lockDuration: 1_000,
      stalledInterval: 300,
      maxStalledCount: 0,
    });
    await enqueueBacktest(queue, r.id, 1);
    await expect
      .poll(async () => (await queue.getJob(r.id))?.getState(), { timeout: 10_000 })
      .toBe('active');
    await doomed.close(true);
    // Another worker's stalled check finds the job without its lock: stalled once too often.
    const checker = new Worker(QUEUES.backtests, async () => 'ran', {
      connection: createConnection('worker', url),
      stalledInterval: 300,
      maxStalledCount: 0,
    });
    await expect
      .poll(async () => (await queue.getJob(r.id))?.getState(), { timeout: 15_000 })
      .toBe('failed');
    await checker.close();

    expect((await get(r.id)).status).toBe('running'); // what main left forever
    const swept = await sweepBacktests({ db: t.db, queue, dataDir, graceMs: 0 });
    expect(swept.failed).toContain(r.id);
    const after = await get(r.id);
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(
      /The worker running this backtest stopped .* so it was not started again/,
    );
  });

  it('queues a run again when Redis lost its job, and says so in the notes', async () => {
    const who = await owner();
    const r = await row(who);
    expect(await queue.getJob(r.id)).toBeUndefined();
    const swept = await sweepBacktests({ db: t.db, queue, dataDir, graceMs: 0, maxRequeues: 1 });
    expect(swept.requeued).toEqual([r.id]);
    expect((await get(r.id)).notes).toEqual([
      expect.stringMatching(/^Queued again at .*had lost it/),
    ]);
    await queue.remove(r.id);
    await t.db
      .update(backtests)
      .set({ updatedAt: new Date(0) })
      .where(eq(backtests.id, r.id));
    // Lost a second time: with at most one requeue it fails instead of looping.
    const again = await sweepBacktests({ db: t.db, queue, dataDir, graceMs: 0, maxRequeues: 1 });
    expect(again.failed).toEqual([r.id]);
    expect((await get(r.id)).error).toMatch(/lost this backtest 2 times/);
  });

  it('fails a parameter sweep whose job Redis lost, and leaves one whose job waits alone', async () => {
    const who = await owner();
    const sweep = async () =>
      (
        await t.db
          .insert(sweeps)
          .values({
            ownerId: who.ownerId,
            strategyVersionId: who.versionId,
            dataSource: simulator(1),
            settings: {},
            spec: { axes: [{ field: 'stopLossPct', values: [20, 30] }], outOfSamplePct: 30 },
            combinations: 2,
            status: 'running',
            updatedAt: new Date(Date.now() - 60_000),
          })
          .returning()
      )[0];
    const lost = await sweep();
    const waiting = await sweep();
    await enqueueSweep(queue, waiting.id);
    const swept = await sweepBacktests({ db: t.db, queue, dataDir, graceMs: 0 });
    expect(swept.sweepsFailed).toEqual([lost.id]);
    const [after] = await t.db.select().from(sweeps).where(eq(sweeps.id, lost.id));
    expect(after).toMatchObject({ status: 'failed', error: expect.stringMatching(/job queue lost this sweep .* run it again from its page/) }); // prettier-ignore
    const [untouched] = await t.db.select().from(sweeps).where(eq(sweeps.id, waiting.id));
    expect(untouched.status).toBe('running');
    await queue.remove(waiting.id);
  });

  it('restarts a run whose worker died mid-way from the beginning, with a visible note', async () => {
    const who = await owner();
    const r = await row(who, { status: 'running' });
    const outcome = await processBacktest(t.db, r.id, { dataDir, sharedData: null });
    expect(outcome).toBe('succeeded');
    const after = await get(r.id);
    expect(after.status).toBe('succeeded');
    expect(after.attempts).toBe(1);
    expect(after.notes).toEqual([
      expect.stringMatching(/^Restarted from the beginning at .* the worker running it stopped/),
    ]);
  });

  it('stops a run that passes its time limit and says which limit', async () => {
    const who = await owner();
    const r = await row(who, { days: 300 });
    const outcome = await processBacktest(t.db, r.id, {
      dataDir,
      sharedData: null,
      maxRuntimeMs: 1_500,
    });
    expect(outcome).toBe('failed');
    expect((await get(r.id)).error).toMatch(
      /still running after 2 s, the limit on this server \(BACKTEST_MAX_MINUTES\); backtest a shorter range/,
    );
  });
});

describe('sharing the workers', () => {
  it("keeps one user's runs within their share while another user's run goes ahead", async () => {
    const flooder = await owner();
    const other = await owner();
    startWorker({ concurrency: 3, userConcurrency: 1 });
    const flood: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await row(flooder, { days: 60 });
      await enqueueBacktest(queue, r.id, i + 1);
      flood.push(r.id);
    }
    // The three jobs start together and race for the owner's one slot: any of them may win it.
    let first = '';
    await expect
      .poll(
        async () => {
          for (const id of flood) if ((await get(id)).status === 'running') first = id;
          return first;
        },
        { timeout: 30_000, interval: 100 },
      )
      .not.toBe('');
    const mine = await row(other, { days: 1 });
    await enqueueBacktest(queue, mine.id, 1);
    let most = 0;
    const watch = setInterval(async () => {
      const rows = await t.db
        .select()
        .from(backtests)
        .where(eq(backtests.ownerId, flooder.ownerId));
      most = Math.max(most, rows.filter((x) => x.status === 'running').length);
    }, 100);
    const done = await until(mine.id, /succeeded|failed/, 60_000);
    clearInterval(watch);
    expect(done.status).toBe('succeeded');
    // The other user's one-day run finished while the flooder's first run was still going.
    expect((await get(first)).status).toBe('running');
    expect(most).toBe(1);
    await Promise.all(workers.splice(0).map((w) => w.close(true)));
    for (const id of flood)
      await t.db.update(backtests).set({ status: 'cancelled' }).where(eq(backtests.id, id));
  });

  it(
    'computes on a worker thread: the event loop stays free while a long backtest runs',
    {
      timeout: 90_000,
    },
    async () => {
      const who = await owner();
      const r = await row(who, { days: 15 });
      const before = performance.eventLoopUtilization();
      const outcome = await processBacktest(t.db, r.id, { dataDir, sharedData: null });
      const used = performance.eventLoopUtilization(before);
      expect(outcome).toBe('succeeded');
      expect(used.utilization).toBeLessThan(0.35);
      // The same run on the event loop (the old way, kept for measuring) keeps it busy.
      const inline = await row(who, { days: 15 });
      const b2 = performance.eventLoopUtilization();
      await processBacktest(t.db, inline.id, { dataDir, sharedData: null, execution: 'inline' });
      expect(performance.eventLoopUtilization(b2).utilization).toBeGreaterThan(0.6);
    },
  );
});

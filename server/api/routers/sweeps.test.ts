// sweeps.* end to end on real Redis (BullMQ) and a real database: a small grid runs as compute
// jobs under the sweep's job, fills in its results (each equal to a direct backtest of that
// combination), and ends with the in-sample choice and its warnings; grids over the limits are
// refused with the reason; every call is owner-scoped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlowProducer, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { straddle } from '@/engine/backtest/golden-straddle';
import { summarize } from '@/engine/sweep/analysis';
import { applyCombination, SweepSpecSchema } from '@/engine/sweep/grid';
import { insertStrategy } from '@/server/testing/strategies';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { Auth } from '@/server/auth';
import { createTestAuth, signUp } from '@/server/testing/accounts';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { backtestProcessor, computeProcessor } from '@/workers/backtests';
import { computeBacktest } from '@/workers/backtests/compute';
import { closeQueues, createConnection, QUEUES } from '@/workers/queues';

let t: TestDb;
let auth: Auth;
let dataDir: string;
let client: Redis;
let flows: FlowProducer;
let compute: Queue;
const workers: Worker[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-sweeps-'));
  process.env.REDIS_URL = await testRedisUrl();
  process.env.DATA_DIR = dataDir;
  resetEnv();
  client = createConnection('client', process.env.REDIS_URL);
  flows = new FlowProducer({ connection: client });
  compute = new Queue(QUEUES.compute, { connection: client });
  t = await openTestDb();
  auth = createTestAuth(t.db);
  const deps = { dataDir, sharedData: null, redis: client };
  workers.push(
    new Worker(
      QUEUES.backtests,
      backtestProcessor({
        ...deps,
        db: async () => t.db,
        fleet: { redis: client, flows, queue: compute, pollMs: 100 },
      }),
      { connection: createConnection('worker', process.env.REDIS_URL), concurrency: 2 },
    ),
    new Worker(QUEUES.compute, computeProcessor(deps), {
      connection: createConnection('worker', process.env.REDIS_URL),
      concurrency: 2,
    }),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([flows?.close(), compute?.close()]);
  client?.disconnect();
  await closeQueues();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function trader(email: string) {
  const headers = await signUp(auth, { email });
  const ctx = await createContext({ headers, db: t.db, auth });
  const strategyId = await insertStrategy(t.db, ctx.session!.user.id);
  return { caller: appRouter.createCaller(ctx), strategyId };
}

const week = {
  kind: 'simulator' as const,
  underlying: 'NIFTY',
  from: '2026-11-09',
  to: '2026-11-13',
  seed: 9,
  intervalSeconds: 300,
};
const grid = {
  axes: [
    { field: 'stopLossPct', values: [20, 40] },
    { field: 'entryTime', values: ['09:20', '10:30'] },
  ],
  outOfSamplePct: 40,
};

describe('sweeps', () => {
  it('runs a 2 x 2 grid on the fleet: every result is the backtest of its combination, then the in-sample choice and warnings', async () => {
    const { caller, strategyId } = await trader('sweeper@example.test');
    const created = await caller.sweeps.create({ strategyId, dataSource: week, spec: grid });
    expect(created).toMatchObject({ status: 'queued', combinations: 4 });
    await expect
      .poll(async () => (await caller.sweeps.get({ id: created.id })).status, {
        timeout: 120_000,
        interval: 200,
      })
      .toMatch(/succeeded|failed|cancelled/);
    const s = await caller.sweeps.get({ id: created.id });
    expect(s.error).toBeNull();
    expect(s.status).toBe('succeeded');
    expect(s.results.map((r) => r.combo)).toEqual([
      [20, '09:20'],
      [20, '10:30'],
      [40, '09:20'],
      [40, '10:30'],
    ]);
    // Each cell is what a backtest of that combination alone reports.
    const spec = SweepSpecSchema.parse(grid);
    for (const r of [s.results[0], s.results[3]]) {
      const report = await computeBacktest({
        document: applyCombination(straddle(), spec, r.combo),
        source: week,
        overrides: { costModel: 'basket', latency: 'none', riskLimits: {} },
        dataDir,
        sharedData: null,
      });
      expect(r).toEqual({ ...summarize(r.index, r.combo, report, 40) });
      expect(r.whole.netPnl).toBe(report.summary.netPnl);
    }
    // The last 40 % of the sessions are out of sample, the rest in sample.
    const { whole, inSample, outOfSample } = s.results[0];
    expect(whole.days).toBeGreaterThanOrEqual(4);
    expect(outOfSample.days).toBe(Math.round(whole.days * 0.4));
    expect(inSample.days + outOfSample.days).toBe(whole.days);
    expect(outOfSample.to).toBe('2026-11-13');
    expect(inSample.to! < outOfSample.from!).toBe(true);
    expect(s.analysis?.chosen?.label).toMatch(/^Stop-loss % (20|40), Entry time (09:20|10:30)$/);
    expect(s.analysis?.warnings.join(' ')).toMatch(/Only \d in-sample sessions: too few/);
    const listed = await caller.sweeps.list();
    expect(listed[0]).toMatchObject({ id: s.id, done: 4, strategyName: expect.any(String) });
  }, 180_000);

  it('refuses grids over the limits, fields that do not exist and combinations that are not valid strategies', async () => {
    const { caller, strategyId } = await trader('limits@example.test');
    const values = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
    await expect(
      caller.sweeps.create({
        strategyId,
        dataSource: week,
        spec: {
          axes: [
            { field: 'stopLossPct', values: values(21) },
            { field: 'lots', values: values(20) },
          ],
        },
      }),
    ).rejects.toThrow(/the grid has 420 combinations .*a sweep runs at most 400: drop values or a field/); // prettier-ignore
    await expect(
      caller.sweeps.create({
        strategyId,
        dataSource: { ...week, from: '2026-10-01', to: '2026-10-31' },
        spec: { axes: [{ field: 'stopLossPct', values: values(20) }, { field: 'lots', values: values(20) }] }, // prettier-ignore
      }),
    ).rejects.toThrow(/400 combinations over 31 days is 12400 day-backtests; this server runs at most 12000/); // prettier-ignore
    await expect(
      caller.sweeps.create({ strategyId, dataSource: week, spec: { axes: [{ field: 'delta', values: [1] }] } }), // prettier-ignore
    ).rejects.toThrow(/a field to sweep: one of stopLossPct, targetPct/);
    await expect(
      caller.sweeps.create({ strategyId, dataSource: week, spec: { axes: [{ field: 'exitTime', values: ['09:10'] }] } }), // prettier-ignore
    ).rejects.toThrow(/Exit time 09:10 is not a valid strategy: .*exit time must be after entry time/); // prettier-ignore
    await expect(
      caller.sweeps.create({ strategyId, dataSource: week, spec: { axes: [{ field: 'stopLossPct', values: [-5] }] } }), // prettier-ignore
    ).rejects.toThrow(/Stop-loss %: -5 is not valid/);
    expect(await caller.sweeps.list()).toEqual([]);
  });

  it("is owner-scoped: another trader's sweep and strategy are not found, and cannot be cancelled", async () => {
    const alice = await trader('alice-sweeps@example.test');
    const bob = await trader('bob-sweeps@example.test');
    const mine = await alice.caller.sweeps.create({
      strategyId: alice.strategyId,
      dataSource: week,
      spec: { axes: [{ field: 'lots', values: [1] }] },
    });
    await expect(bob.caller.sweeps.get({ id: mine.id })).rejects.toThrow(/does not exist or is not yours/); // prettier-ignore
    await expect(bob.caller.sweeps.cancel({ id: mine.id })).rejects.toThrow(/does not exist or is not yours/); // prettier-ignore
    expect(await bob.caller.sweeps.list()).toEqual([]);
    await expect(
      bob.caller.sweeps.create({ strategyId: alice.strategyId, dataSource: week, spec: grid }),
    ).rejects.toThrow(/not found|not yours/i);
    // Alice can cancel her own (or it has finished already, which says so).
    await alice.caller.sweeps.cancel({ id: mine.id }).then(
      (r) => expect(r.status).toBe('cancelled'),
      (e: Error) => expect(e.message).toMatch(/already finished; there is nothing to cancel/),
    );
  }, 60_000);
});

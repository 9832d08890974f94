// backtests.* end to end on real Redis (BullMQ) and a real database (PGlite or Postgres): the
// job carries only the id, the worker reloads everything, reports progress, stops on cancel
// and stores the report; every call is owner-scoped.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { strategies } from '@/db/schema';
import { straddle, straddleDay } from '@/engine/backtest/golden-straddle';
import { decompile } from '@/engine/graph';
import { insertStrategy } from '@/server/testing/strategies';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { Auth } from '@/server/auth';
import { createTestAuth, signUp } from '@/server/testing/accounts';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { backtestProcessor } from '@/workers/backtests';
import { sharedDataDir } from '@/datasets/source';
import { closeQueues, createConnection, publishBacktestProgress, QUEUES } from '@/workers/queues';
import type { Redis } from 'ioredis';

let t: TestDb;
let auth: Auth;
let worker: Worker;
let dataDir: string;
let publisher: Redis;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-backtests-'));
  process.env.REDIS_URL = await testRedisUrl();
  process.env.DATA_DIR = dataDir;
  resetEnv();
  publisher = createConnection('client', process.env.REDIS_URL);
  t = await openTestDb();
  auth = createTestAuth(t.db);
  worker = new Worker(
    QUEUES.backtests,
    backtestProcessor({
      db: async () => t.db,
      dataDir,
      sharedData: sharedDataDir(),
      publish: (m) => publishBacktestProgress(publisher, m),
    }),
    {
      connection: createConnection('worker', process.env.REDIS_URL),
      concurrency: 2,
    },
  );
  await worker.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  publisher?.disconnect();
  await closeQueues();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function userWithStrategy(email: string, valid = true) {
  const headers = await signUp(auth, { email });
  const ctx = await createContext({ headers, db: t.db, auth });
  const strategyId = await insertStrategy(t.db, ctx.session!.user.id, { valid });
  return { caller: appRouter.createCaller(ctx), strategyId };
}

const ndjson = straddleDay.map((s) => JSON.stringify(s)).join('\n') + '\n';

async function settled(caller: Awaited<ReturnType<typeof userWithStrategy>>['caller'], id: string) {
  await expect
    .poll(async () => (await caller.backtests.get({ id })).status, {
      timeout: 30_000,
      interval: 100,
    })
    .toMatch(/succeeded|failed|cancelled/);
  return caller.backtests.get({ id });
}

describe('backtests API and job', () => {
  it('runs an uploaded NDJSON day and stores the same report the engine gives', async () => {
    const { caller, strategyId } = await userWithStrategy('upload@example.test');
    const created = await caller.backtests.create({
      strategyId,
      dataSource: { kind: 'upload', filename: 'day.ndjson', content: ndjson },
      settings: { costModel: 'none' },
    });
    expect(created.status).toBe('queued');
    expect(readdirSync(path.join(dataDir, 'uploads'))).toHaveLength(1);
    const done = await settled(caller, created.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.progress).toBe(1);
    const report = done.report as { summary: Record<string, unknown>; orders: unknown[] };
    expect(report.summary).toMatchObject({ netPnl: 221, trades: 2, costs: 0 });
    expect(report.orders).toHaveLength(4);
    // A second run of the unchanged strategy reuses the version saved for the first.
    const again = await caller.backtests.create({
      strategyId,
      dataSource: { kind: 'upload', filename: 'day.ndjson', content: ndjson },
      settings: { costModel: 'none' },
    });
    expect(again.strategyVersionId).toBe(created.strategyVersionId);
    await settled(caller, again.id);
    const byVersion = await caller.backtests.create({
      strategyVersionId: created.strategyVersionId,
      dataSource: { kind: 'upload', filename: 'day.ndjson', content: ndjson },
      settings: { costModel: 'none' },
    });
    expect((await settled(caller, byVersion.id)).report).toMatchObject({
      summary: { netPnl: 221 },
    });
    const list = (await caller.backtests.list()).filter((b) => b.id === created.id);
    expect(list.map((b) => [b.id, b.strategyName, b.summary?.netPnl])).toEqual([
      [created.id, 'Golden straddle (backtested)', 221],
    ]);
  });

  it('streams progress over SSE (the HTTP subscription the app uses) until the run ends', async () => {
    const headers = await signUp(auth, { email: 'progress@example.test' });
    const ctx = await createContext({ headers, db: t.db, auth });
    const [s] = await t.db
      .insert(strategies)
      .values({
        ownerId: ctx.session!.user.id,
        name: 'Golden straddle',
        dsl: straddle(),
        graph: decompile(straddle()) as unknown as Record<string, unknown>,
      })
      .returning();
    const caller = appRouter.createCaller(ctx);
    const created = await caller.backtests.create({
      strategyId: s.id,
      dataSource: {
        kind: 'simulator',
        underlying: 'NIFTY',
        from: '2026-11-16',
        to: '2026-11-17',
        seed: 5,
      },
    });

    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id: created.id })));
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request(`http://localhost/api/trpc/backtests.progress?input=${input}`, { headers }),
      router: appRouter,
      createContext: () => createContext({ headers, db: t.db, auth }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    const seen = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)))
      .map((d) => superjson.deserialize<{ status?: string; progress?: number }>(d))
      .filter((d): d is { status: string; progress: number } => typeof d?.status === 'string');
    expect(text).toMatch(/^id: succeeded:1$/m);
    expect(seen[seen.length - 1]).toMatchObject({ status: 'succeeded', progress: 1 });
    const progresses = seen.map((x) => x.progress);
    expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);
    expect(seen.some((x) => x.status === 'running' && x.progress > 0 && x.progress < 1)).toBe(true);
  });

  it('stops a running backtest on cancel and keeps it cancelled', async () => {
    const { caller, strategyId } = await userWithStrategy('cancel@example.test');
    const created = await caller.backtests.create({
      strategyId,
      dataSource: {
        kind: 'simulator',
        underlying: 'NIFTY',
        from: '2026-11-02',
        to: '2026-11-27',
        seed: 9,
      },
    });
    await expect
      .poll(async () => (await caller.backtests.get({ id: created.id })).progress, {
        timeout: 30_000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    const cancelled = await caller.backtests.cancel({ id: created.id });
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 1500));
    const after = await caller.backtests.get({ id: created.id });
    expect(after.status).toBe('cancelled');
    expect(after.report).toBeNull();
    await expect(caller.backtests.cancel({ id: created.id })).rejects.toThrow(/already cancelled/);
  });

  it('fails a run on bad data with the reason, not silently', async () => {
    const { caller, strategyId } = await userWithStrategy('baddata@example.test');
    const created = await caller.backtests.create({
      strategyId,
      dataSource: { kind: 'upload', filename: 'bad.ndjson', content: '{"ts":"not a time"}\n' },
    });
    const done = await settled(caller, created.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/\S/);
  });

  it('refuses an invalid strategy, a non-snapshot upload and an unknown underlying up front', async () => {
    const { caller, strategyId } = await userWithStrategy('invalid@example.test', false);
    await expect(
      caller.backtests.create({
        strategyId,
        dataSource: {
          kind: 'simulator',
          underlying: 'NIFTY',
          from: '2026-11-16',
          to: '2026-11-16',
          seed: 1,
        },
      }),
    ).rejects.toThrow(/not valid yet/);
    await expect(
      caller.backtests.create({
        dataSource: {
          kind: 'simulator',
          underlying: 'NIFTY',
          from: '2026-11-16',
          to: '2026-11-16',
          seed: 1,
        },
      }),
    ).rejects.toThrow(/either strategyId .* or strategyVersionId/);
    const ok = await userWithStrategy('valid@example.test');
    await expect(
      ok.caller.backtests.create({
        strategyId: ok.strategyId,
        dataSource: { kind: 'upload', filename: 'notes.txt', content: 'hello' },
      }),
    ).rejects.toThrow(/not a snapshot file/);
    await expect(
      ok.caller.backtests.create({
        strategyId: ok.strategyId,
        dataSource: {
          kind: 'simulator',
          underlying: 'DOGE',
          from: '2026-11-16',
          to: '2026-11-16',
          seed: 1,
        },
      }),
    ).rejects.toThrow(/unknown underlying/);
  });

  it("never shows or cancels user A's backtests for user B", async () => {
    const a = await userWithStrategy('alice-bt@example.test');
    const b = await userWithStrategy('bob-bt@example.test');
    const created = await a.caller.backtests.create({
      strategyId: a.strategyId,
      dataSource: { kind: 'upload', filename: 'day.ndjson', content: ndjson },
    });
    await expect(b.caller.backtests.get({ id: created.id })).rejects.toThrow(
      /does not exist or is not yours/,
    );
    await expect(b.caller.backtests.cancel({ id: created.id })).rejects.toThrow(
      /does not exist or is not yours/,
    );
    await expect(
      b.caller.backtests.create({
        strategyId: a.strategyId,
        dataSource: { kind: 'upload', filename: 'day.ndjson', content: ndjson },
      }),
    ).rejects.toThrow(/does not exist or is not yours/);
    expect(await b.caller.backtests.list()).toEqual([]);
    await settled(a.caller, created.id);
  });

  const realDay = 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet';
  it.skipIf(!sharedDataDir())(
    'runs on a real dataset from the shared data folder and lists it',
    async () => {
      const { caller, strategyId } = await userWithStrategy('dataset@example.test');
      expect((await caller.backtests.datasets()).map((d) => d.path)).toContain(realDay);
      const created = await caller.backtests.create({
        strategyId,
        dataSource: { kind: 'dataset', path: realDay },
        settings: { costModel: 'india-index-options' },
      });
      const done = await settled(caller, created.id);
      expect(done.error).toBeNull();
      const report = done.report as {
        data: { snapshots: number; import: { badRows: number } };
        from: string;
      };
      expect(report.data.snapshots).toBe(288);
      expect(report.from).toBe('2026-08-18T10:43:00+05:30');
      await expect(
        caller.backtests.create({
          strategyId,
          dataSource: { kind: 'dataset', path: '../secrets' },
        }),
      ).rejects.toThrow(/without "\.\."/);
    },
    60_000,
  );
});

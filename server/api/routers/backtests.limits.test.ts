// What one user can do to the backtest service and what it answers: ranges and uploads within
// limits, NUL refused at the door, failures stored clean (never stuck "running"), uploads
// deleted with their backtest and swept when orphaned, progress streams that are 404 for
// another user's backtest and capped per user. Real Redis (BullMQ) and a real database.
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Redis } from 'ioredis';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { straddleDay } from '@/engine/backtest/golden-straddle';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { Auth } from '@/server/auth';
import { createBacktest } from '@/server/services/backtests';
import { createTestAuth, signUp } from '@/server/testing/accounts';
import { insertStrategy } from '@/server/testing/strategies';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { backtestProcessor } from '@/workers/backtests';
import { sweepBacktests } from '@/workers/backtests/sweep';
import { closeQueues, createConnection, publishBacktestProgress, QUEUES } from '@/workers/queues';

let t: TestDb;
let auth: Auth;
let worker: Worker;
let dataDir: string;
let publisher: Redis;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-backtest-limits-'));
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
      sharedData: null,
      publish: (m) => publishBacktestProgress(publisher, m),
    }),
    { connection: createConnection('worker', process.env.REDIS_URL), concurrency: 2 },
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

async function person(email: string) {
  const headers = await signUp(auth, { email });
  const ctx = await createContext({ headers, db: t.db, auth });
  const userId = ctx.session!.user.id;
  return {
    headers,
    userId,
    caller: appRouter.createCaller(ctx),
    strategyId: await insertStrategy(t.db, userId),
  };
}
type Person = Awaited<ReturnType<typeof person>>;

async function settled(p: Person, id: string) {
  await expect
    .poll(async () => (await p.caller.backtests.get({ id })).status, {
      timeout: 30_000,
      interval: 100,
    })
    .toMatch(/succeeded|failed|cancelled/);
  return p.caller.backtests.get({ id });
}

const day = straddleDay.map((s) => JSON.stringify(s)).join('\n') + '\n';
const sim = (from: string, to: string, intervalSeconds?: number) => ({
  kind: 'simulator' as const,
  underlying: 'NIFTY',
  from,
  to,
  seed: 3,
  ...(intervalSeconds ? { intervalSeconds } : {}),
});

describe('backtest limits', () => {
  it('refuses a 100-year simulator range up front, naming the limit, and allows less at finer intervals', async () => {
    const p = await person('range@example.test');
    await expect(
      p.caller.backtests.create({
        strategyId: p.strategyId,
        dataSource: sim('1926-01-01', '2025-12-31'),
      }),
    ).rejects.toThrow(/36525 days; this server backtests at most 1830 days at 60 s snapshots/);
    await expect(
      p.caller.backtests.create({
        strategyId: p.strategyId,
        dataSource: sim('2026-01-01', '2026-03-31', 1),
      }),
    ).rejects.toThrow(/at most 30 days at 1 s snapshots \(1830 days at 60 s\)/);
    expect(await p.caller.backtests.list()).toEqual([]);
  });

  it('refuses an upload with a NUL character at the door, and stores a NUL-bearing failure clean', async () => {
    const p = await person('nul@example.test');
    await expect(
      p.caller.backtests.create({
        strategyId: p.strategyId,
        dataSource: { kind: 'upload', filename: 'day.ndjson', content: `${day}\u0000` },
      }),
    ).rejects.toThrow(/NUL/);
    // An escaped NUL is valid JSON text; the importer's message about it holds a real NUL, which
    // Postgres refuses: the failure must still be recorded, not leave the row "running".
    const line = JSON.stringify({ ...straddleDay[0], underlying: 'NIF\u0000TY' });
    const created = await p.caller.backtests.create({
      strategyId: p.strategyId,
      dataSource: { kind: 'upload', filename: 'nul.ndjson', content: `${line}\n` },
    });
    const done = await settled(p, created.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/unknown-underlying|not in the instrument catalog|NIFTY/);
    expect(done.error).not.toContain('\u0000');
    // A file with good snapshots and one such row succeeds; its import notes are stored clean.
    const mixed = await p.caller.backtests.create({
      strategyId: p.strategyId,
      dataSource: { kind: 'upload', filename: 'mixed.ndjson', content: `${line}\n${day}` },
    });
    const ok = await settled(p, mixed.id);
    expect(ok.status).toBe('succeeded');
    const samples = (ok.report as { data: { import: { samples: { message: string }[] } } }).data
      .import.samples;
    expect(samples).toHaveLength(1);
    expect(samples[0].message).not.toContain('\u0000');
  });

  it('names an uploaded file by its name in errors, never by its path on the server', async () => {
    const p = await person('paths@example.test');
    const created = await p.caller.backtests.create({
      strategyId: p.strategyId,
      dataSource: { kind: 'upload', filename: 'mine.csv', content: 'a,b\n1,2\n' },
    });
    const done = await settled(p, created.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('"mine.csv"');
    expect(done.error).toMatch(/unrecognised CSV columns/);
    expect(done.error).not.toContain(dataDir);
    expect(done.error).not.toMatch(/uploads\/|\/tmp\//);
  });

  it('keeps uploads within a quota, deletes a file with its backtest, and sweeps orphans', async () => {
    const p = await person('quota@example.test');
    const bytes = Buffer.byteLength(day);
    const limits = { maxDays: 1830, uploadQuotaBytes: Math.floor(bytes * 1.5) };
    const upload = { kind: 'upload' as const, filename: 'day.ndjson', content: day };
    const first = await createBacktest(
      t.db,
      p.userId,
      { strategyId: p.strategyId, dataSource: upload },
      { dataDir },
      limits,
    );
    await expect(
      createBacktest(
        t.db,
        p.userId,
        { strategyId: p.strategyId, dataSource: upload },
        { dataDir },
        limits,
      ),
    ).rejects.toMatchObject({
      userMessage: expect.stringMatching(
        /Your uploaded data takes .* MB of your .* MB, and "day.ndjson" .* does not fit\. Delete backtests/,
      ),
    });
    const file = path.join(dataDir, (first.dataSource as { file: string }).file);
    expect(existsSync(file)).toBe(true);
    await settled(p, first.id);
    await p.caller.backtests.delete({ id: first.id });
    expect(existsSync(file)).toBe(false);
    await expect(p.caller.backtests.get({ id: first.id })).rejects.toThrow(/does not exist/);
    // With the first one gone the quota has room again.
    const second = await createBacktest(
      t.db,
      p.userId,
      { strategyId: p.strategyId, dataSource: upload },
      { dataDir },
      limits,
    );
    const kept = path.join(dataDir, (second.dataSource as { file: string }).file);

    const orphan = path.join(dataDir, 'uploads', '00000000-0000-4000-8000-000000000000.ndjson');
    const fresh = path.join(dataDir, 'uploads', '00000000-0000-4000-8000-000000000001.ndjson');
    writeFileSync(orphan, day);
    writeFileSync(fresh, day);
    const old = Date.now() / 1000 - 2 * 3600;
    utimesSync(orphan, old, old);
    utimesSync(kept, old, old);
    const queue = new Queue(QUEUES.backtests, { connection: publisher });
    const swept = await sweepBacktests({ db: t.db, queue, dataDir });
    await queue.close();
    expect(swept.uploadsRemoved).toBe(1);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(fresh)).toBe(true); // may belong to a backtest being created right now
    expect(existsSync(kept)).toBe(true);
    await settled(p, second.id);
  });
});

describe('many at once', () => {
  it('starts four backtests of a changed strategy at once, all on one new version', async () => {
    const p = await person('burst@example.test');
    const made = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        p.caller.backtests.create({
          strategyId: p.strategyId,
          dataSource: { ...sim('2026-11-16', '2026-11-16'), seed },
        }),
      ),
    );
    expect(new Set(made.map((b) => b.strategyVersionId)).size).toBe(1);
    for (const b of made) await settled(p, b.id);
  });
});

describe('progress streams', () => {
  async function subscribe(headers: Headers, id: string) {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id })));
    const controller = new AbortController();
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request(`http://localhost/api/trpc/backtests.progress?input=${input}`, {
        headers,
        signal: controller.signal,
      }),
      router: appRouter,
      createContext: () => createContext({ headers, db: t.db, auth }),
      onError: () => {},
    });
    return { res, close: () => controller.abort() };
  }

  /** tRPC streams a subscription's error as its one event: the shape the browser's client reads. */
  async function streamError(s: { res: Response }) {
    expect(s.res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await s.res.text();
    const lines = text.split('\n');
    const at = lines.indexOf('event: serialized-error');
    expect(at, text).toBeGreaterThanOrEqual(0);
    return superjson.deserialize<{ message: string; data: Record<string, unknown> }>(
      JSON.parse(lines[at + 1].slice('data: '.length)),
    );
  }

  it("answers another user's backtest with a plain 404 and caps one user's open streams", async () => {
    const alice = await person('alice-stream@example.test');
    const bob = await person('bob-stream@example.test');
    const created = await alice.caller.backtests.create({
      strategyId: alice.strategyId,
      dataSource: sim('2026-11-02', '2026-11-27'),
    });
    const denied = await streamError(await subscribe(bob.headers, created.id));
    expect(denied).toMatchObject({
      message: 'That backtest does not exist or is not yours.',
      data: { code: 'NOT_FOUND', httpStatus: 404 },
    });
    expect(JSON.stringify(denied)).not.toContain(created.id);

    const open = [];
    for (let i = 0; i < 8; i++) {
      const s = await subscribe(alice.headers, created.id);
      expect(s.res.status).toBe(200);
      // Reading the first event makes the stream count as open.
      const reader = s.res.body!.getReader();
      await reader.read();
      open.push({ ...s, reader });
    }
    expect(await streamError(await subscribe(alice.headers, created.id))).toMatchObject({
      message: expect.stringContaining('watching 8 backtests already'),
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 },
    });
    for (const s of open) {
      await s.reader.cancel();
      s.close();
    }
    await alice.caller.backtests.cancel({ id: created.id });
    // Closed streams give their places back.
    const again = await subscribe(alice.headers, created.id);
    expect(await again.res.text()).toMatch(/^id: cancelled:/m);
  });

  it('ends the stream as soon as the run is cancelled, without waiting for a poll', async () => {
    const p = await person('stream-end@example.test');
    const created = await p.caller.backtests.create({
      strategyId: p.strategyId,
      dataSource: sim('2026-10-01', '2026-11-27'),
    });
    const s = await subscribe(p.headers, created.id);
    const text = s.res.text();
    await expect
      .poll(async () => (await p.caller.backtests.get({ id: created.id })).status, {
        timeout: 20_000,
      })
      .toBe('running');
    const at = Date.now();
    await p.caller.backtests.cancel({ id: created.id });
    const all = await text;
    expect(Date.now() - at).toBeLessThan(2_000);
    expect(all).toMatch(/^id: cancelled:/m);
  });
});

/**
 * The fault suite: the production app (`npm start`, its own private Redis, PGlite or a Postgres
 * database of its own) is abused and broken while a sampler asks /api/health five times a second.
 * Four 100-year backtests, a NUL-byte upload and a 100 MB body at the door; one user flooding the
 * workers while another backtests; kill -9 of the private Redis, of the app three times in a row
 * mid-backtest, and (on Postgres) of a worker process. Afterwards every backtest is finished or
 * running with a live job, nothing is lost, health answered within a second throughout (p99 of
 * the sampler, while the app was up), and Ctrl-C still ends the app with Redis gone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  privateDatabaseUrl,
  removeDataDir,
  startApp,
  tempDataDir,
  type RunningApp,
} from '@/tests/e2e/app-process';
import { signUpAndIn, type SignedIn } from '@/tests/support/app-client';
import { HealthSampler } from '@/tests/support/health-sampler';
import { rawRequest } from '@/tests/support/raw-http';

const root = path.resolve(import.meta.dirname, '..', '..');
const onPostgres = !!process.env.DATABASE_URL?.trim();
const document = JSON.parse(
  readFileSync(path.join(root, 'engine/dsl/examples/nifty-short-straddle-recost.json'), 'utf8'),
) as unknown;

let app: RunningApp;
let port: number;
let base: string;
let dataDir: string;
let database: Awaited<ReturnType<typeof privateDatabaseUrl>>;
let sampler: HealthSampler;
let alice: SignedIn;
let bob: SignedIn;
const strategyOf = new Map<SignedIn, string>();
/** Every backtest created in the suite, by owner: none may be lost. */
const created = new Map<SignedIn, string[]>();
/** Worker processes seen (Postgres): an app killed with -9 leaves them to drain and exit. */
const workerPids = new Set<number>();

// The app runs its own Redis here even when CI gives a shared one: killing it is a fault to test.
const start = () =>
  startApp({
    dataDir,
    port,
    databaseUrl: database.url,
    env: { REDIS_URL: undefined, LOG_LEVEL: 'warn' },
  });

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = tempDataDir();
  database = await privateDatabaseUrl();
  app = await start();
  sampler = new HealthSampler(base).start();
  alice = await signUpAndIn(base, { email: 'flood@example.test', password: 'vega-flood-at-open' });
  bob = await signUpAndIn(base, { email: 'steady@example.test', password: 'theta-steady-2-exp' });
  for (const who of [alice, bob]) {
    const r = await who.api.strategies.import.mutate({ name: 'Straddle', document });
    if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.errors)}`);
    strategyOf.set(who, r.strategy.id);
    created.set(who, []);
  }
}, 300_000);

afterAll(async () => {
  await sampler?.stop();
  if (app && app.pid) await app.stop();
  for (const pid of workerPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await database?.drop();
  if (dataDir) removeDataDir(dataDir);
});

function days(from: string, n: number, seed = 7) {
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + (n - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { kind: 'simulator' as const, underlying: 'NIFTY', from, to, seed };
}

async function backtest(who: SignedIn, dataSource: ReturnType<typeof days>) {
  const row = await who.api.backtests.create.mutate({
    strategyId: strategyOf.get(who)!,
    dataSource,
  });
  created.get(who)!.push(row.id);
  return row.id;
}

const get = (who: SignedIn, id: string) => who.api.backtests.get.query({ id });

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms: number) {
  const end = Date.now() + ms;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err; // the app may be restarting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what}: not within ${ms / 1000} s (last: ${JSON.stringify(last)}${lastErr ? `, ${String(lastErr)}` : ''})`,
  );
}

const running = (who: SignedIn, id: string) =>
  until(
    `backtest ${id} running`,
    () => get(who, id),
    (b) => (b.status === 'running' ? b.progress > 0 : b.status !== 'queued'),
    180_000,
  );

const finished = (who: SignedIn, id: string, ms = 240_000) =>
  until(
    `backtest ${id} finished`,
    () => get(who, id),
    (b) => b.status === 'succeeded' || b.status === 'failed' || b.status === 'cancelled',
    ms,
  );

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function isWorker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/workers.ts');
  } catch {
    return false;
  }
}

describe('faults', () => {
  it('refuses four 100-year backtests, a NUL-byte upload and a 100 MB body at the door', async () => {
    sampler.mark('door');
    const century = await Promise.allSettled(
      [1, 2, 3, 4].map(() =>
        alice.api.backtests.create.mutate({
          strategyId: strategyOf.get(alice)!,
          dataSource: { ...days('1925-01-01', 36_525), to: '2024-12-31' },
        }),
      ),
    );
    for (const r of century) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/this server backtests at most/);
    }
    await expect(
      alice.api.backtests.create.mutate({
        strategyId: strategyOf.get(alice)!,
        dataSource: { kind: 'upload', filename: 'day.ndjson', content: '{"ts":"x"}\u0000\n' },
      }),
    ).rejects.toThrow(/NUL character/);
    const big = await rawRequest(
      port,
      'POST',
      '/api/trpc/strategies.create',
      {
        'content-type': 'application/json',
        'content-length': 100 * 1024 * 1024,
        cookie: alice.cookie,
      },
      { bytes: 100 * 1024 * 1024 },
    );
    expect(big.status).toBe(413);
    expect(await alice.api.backtests.list.query()).toEqual([]);
  });

  it("lets one user flood the workers while another user's backtest goes ahead", async () => {
    sampler.mark('flood');
    const flood = await Promise.all(
      [1, 2, 3, 4].map((i) => backtest(alice, days('2025-01-06', 90, i))),
    );
    await running(alice, flood[0]);
    const mine = await backtest(bob, days('2025-03-03', 2));
    const done = await finished(bob, mine, 120_000);
    expect(done.status).toBe('succeeded');
    const theirs = await Promise.all(flood.map((id) => get(alice, id)));
    expect(theirs.filter((b) => b.status === 'running').length).toBeLessThanOrEqual(2);
    expect(theirs.some((b) => b.status === 'queued' || b.status === 'running')).toBe(true);
    for (const id of flood) await alice.api.backtests.cancel.mutate({ id }).catch(() => {});
  });

  it('comes back from kill -9 of the private Redis mid-backtest', async () => {
    sampler.mark('redis-kill');
    const id = await backtest(bob, days('2025-04-07', 30));
    await running(bob, id);
    const redisPid = Number(readFileSync(path.join(dataDir, 'redis', 'redis-server.pid'), 'utf8'));
    process.kill(redisPid, 'SIGKILL');
    const pidNow = () => Number(readFileSync(path.join(dataDir, 'redis', 'redis-server.pid'), 'utf8')); // prettier-ignore
    // A new redis-server first (health answers from a report up to a second old, which may
    // predate the kill), then health with it.
    await until('a new private redis-server', async () => pidNow(), (pid) => pid !== redisPid, 60_000); // prettier-ignore
    await until(
      'health with Redis back',
      async () => (await (await fetch(`${base}/api/health`)).json()) as Record<string, string>,
      (h) => h.redis === 'ok' && h.workers === 'ok',
      60_000,
    );
    expect((await finished(bob, id)).status).toMatch(/succeeded|failed/);
  });

  it('survives kill -9 of the app mid-backtest three times in a row', async () => {
    let victim = await backtest(bob, days('2025-05-05', 60));
    const victims = [victim];
    for (let kill = 1; kill <= 3; kill++) {
      let b = await running(bob, victim);
      if (b.status !== 'running') {
        // (Postgres) the orphaned worker finished it meanwhile: kill the app under a new one.
        victim = await backtest(bob, days('2025-05-05', 60, 10 + kill));
        victims.push(victim);
        b = await running(bob, victim);
      }
      for (const c of children(app.pid)) if (isWorker(c)) workerPids.add(c);
      sampler.mark(`app-kill-${kill}`);
      process.kill(app.pid, 'SIGKILL');
      await app.exited;
      app = await start();
      sampler.mark(`after-app-kill-${kill}`);
    }
    for (const id of victims) {
      const b = await finished(bob, id);
      expect(b.status, JSON.stringify(b)).toMatch(/succeeded|failed/);
      if (b.status === 'failed') expect(b.error).toMatch(/stopped .* times/);
    }
    const restarted = await Promise.all(victims.map((id) => get(bob, id)));
    // In the embedded default the run dies with the app, restarts, and says so.
    if (!onPostgres)
      expect(restarted.flatMap((b) => b.notes)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Restarted from the beginning/)]),
      );
  });

  it.runIf(onPostgres)('survives kill -9 of a worker process mid-backtest', async () => {
    sampler.mark('worker-kill');
    const id = await backtest(bob, days('2025-06-02', 30));
    await running(bob, id);
    const workers = children(app.pid).filter(isWorker);
    expect(workers.length).toBeGreaterThan(0);
    process.kill(workers[0], 'SIGKILL');
    await until(
      'a new worker process',
      async () => children(app.pid).filter(isWorker),
      (now) => now.length > 0 && !now.includes(workers[0]),
      30_000,
    );
    const b = await finished(bob, id);
    expect(b.status).toMatch(/succeeded|failed/);
    expect(b.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Restarted from the beginning/)]),
    );
  });

  it('afterwards: every backtest settled, nothing lost, health quick throughout, Ctrl-C ends it', async () => {
    sampler.mark('settling');
    for (const who of [alice, bob]) {
      const rows = await until(
        `${who.email}'s backtests settled`,
        () => who.api.backtests.list.query(),
        (list) => list.every((b) => b.status !== 'queued' && b.status !== 'running'),
        240_000,
      );
      expect(rows.map((b) => b.id).sort()).toEqual([...created.get(who)!].sort());
      expect((await who.api.strategies.list.query()).map((s) => s.name)).toEqual(['Straddle']);
    }
    await sampler.stop();
    const f = sampler.figures();
    console.log(`health while the app was up: ${JSON.stringify(f)}`);
    console.log(`slowest answers: ${JSON.stringify(sampler.slowest(8))}`);
    expect(f.answered).toBeGreaterThan(50);
    expect(sampler.samples.filter((s) => s.status === 'timeout')).toEqual([]);
    expect(f.p99).toBeLessThan(1_000);

    // Redis dies, and Ctrl-C right after still ends the app, with exit code 0.
    process.kill(
      Number(readFileSync(path.join(dataDir, 'redis', 'redis-server.pid'), 'utf8')),
      'SIGKILL',
    );
    const at = Date.now();
    expect(await app.stop()).toBe(0);
    expect(Date.now() - at).toBeLessThan(40_000);
  });
});

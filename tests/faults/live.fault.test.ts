/**
 * Faults of the live flow (issue 10): paper deployments trade while the things under them die.
 * - On Postgres, with separate `npm run workers` processes: 100 SIGKILLs of a worker at random
 *   points while ticks are being evaluated and orders routed (each worker restarted), then no
 *   order twice, none lost, every state's positions equal to its fills, replay identical; and a
 *   Redis restart that loses every queue and scheduler, after which the deployments resume and
 *   say what they missed.
 * - On both databases: the app killed with -9 and started again: a running deployment resumes
 *   from Postgres and says what it missed while the app was down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvents } from 'bullmq';
import { eq } from 'drizzle-orm';
import { schema } from '@/db/client';
import type { DslDocument } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { createRng } from '@/engine/market/random';
import { simulateSession } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { createDeployment } from '@/server/services/deployments';
import { endFeed, publishTick } from '@/workers/deployments';
import { FEED_GAP } from '@/workers/deployments/feed-gap';
import { waitQuiet } from '@/workers/deployments/quiet';
import { QUEUES, SHARD_QUEUE_NAMES, createConnection } from '@/workers/queues';
import {
  freePort,
  privateDatabaseUrl,
  removeDataDir,
  startApp,
  tempDataDir,
  type RunningApp,
} from '@/tests/e2e/app-process';
import { signUpAndIn } from '@/tests/support/app-client';
import {
  auditDeployment,
  createTrader,
  exampleDocument,
  recordedDeployment,
  startLiveWorld,
  type LiveWorld,
} from '@/tests/support/live-world';

const postgresUrl = process.env.DATABASE_URL?.trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms: number) {
  const end = Date.now() + ms;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    await sleep(200);
  }
  throw new Error(`${what}: not within ${ms / 1000} s (last: ${JSON.stringify(last)?.slice(0, 500)}${lastErr ? `, ${String(lastErr)}` : ''})`); // prettier-ignore
}

/**
 * The straddle example made busy: entries spread over the first minutes, tight stops and targets
 * that re-enter at once, so orders go out on most ticks and a kill is rarely far from one.
 */
function busyStraddle(i: number): DslDocument {
  const doc = exampleDocument('nifty-short-straddle-recost');
  const s = doc.basket.strategies[0];
  s.entry = { ...s.entry, time: `09:${String(16 + (i % 10)).padStart(2, '0')}` };
  const pct = 3 + (i % 4);
  for (const leg of s.legs) {
    leg.stopLoss = { typeVersion: 1, type: 'pct', value: pct };
    leg.target = { typeVersion: 1, type: 'pct', value: pct };
    leg.reEntryOnStopLoss = { typeVersion: 1, type: 'asap', count: 20 };
    leg.reEntryOnTarget = { typeVersion: 1, type: 'asap', count: 20 };
  }
  delete (doc.basket as { maxDailyLoss?: unknown }).maxDailyLoss;
  return doc;
}

describe.skipIf(!postgresUrl)(
  'live flow on Postgres with worker processes (skipped on PGlite: the embedded database is one process, so its workers run inside the app)',
  () => {
    const FEED = 'recorded:faults-NIFTY';
    const DEPLOYMENTS = 16;
    const KILLS = Number(process.env.LIVE_FAULT_KILLS ?? 100);
    let world: LiveWorld;
    const ids: string[] = [];
    const ticks: ChainSnapshot[] = [
      ...simulateSession({ underlying: 'NIFTY', seed: 11, date: '2026-08-18', intervalSeconds: 15, strikesEachSide: 12 }), // prettier-ignore
    ];

    beforeAll(async () => {
      world = await startLiveWorld(postgresUrl!);
      const owner = await createTrader(world.db, 'fault-trader');
      for (let i = 0; i < DEPLOYMENTS; i++)
        ids.push(await recordedDeployment(world.db, owner, busyStraddle(i), FEED));
      // Four, so that one is nearly always up and ready to kill while the last one killed is
      // replaced (a worker takes 1-2 s to start): the kills are not spaced by start-ups.
      for (let i = 0; i < 4; i++) world.workers.spawn();
      await Promise.all([...world.workers.live].map((w) => w.ready));
    }, 120_000);

    afterAll(async () => {
      await world?.close();
    }, 60_000);

    it(`${KILLS} SIGKILLs of a worker mid-tick: no order twice, none lost, positions = fills, replay identical`, async () => {
      const rng = createRng(20261129);
      // Jobs a dead worker left active and BullMQ gave to another: the kills hit work in flight.
      let stalled = 0;
      const watchers = [QUEUES.deployments, ...SHARD_QUEUE_NAMES, QUEUES.inbox, QUEUES.orders].map(
        (q) => {
          const e = new QueueEvents(q, { connection: createConnection('worker', world.redis.url) });
          e.on('stalled', () => stalled++);
          e.on('error', () => {});
          return e;
        },
      );
      await Promise.all(watchers.map((w) => w.waitUntilReady()));

      let next = 0;
      let publishing = true;
      const publisher = (async () => {
        while (publishing && next < ticks.length - 1) {
          await publishTick(world.deps, FEED, ticks[next++]);
          await sleep(400);
        }
      })();
      const began = Date.now();
      for (let k = 0; k < KILLS; k++) {
        await until('a worker ready to kill', async () => world.workers.readyOnes(), (r) => r.length > 0, 60_000); // prettier-ignore
        await sleep(Math.floor(rng.next() * 500));
        const ready = world.workers.readyOnes();
        if (ready.length === 0) {
          k--;
          continue;
        }
        await world.workers.kill(ready[Math.floor(rng.next() * ready.length)]);
        world.workers.spawn();
        if ((k + 1) % 10 === 0) console.error(`[live faults] ${k + 1} kills, ${Math.round((Date.now() - began) / 1000)} s, tick ${next}, stalled ${stalled}`); // prettier-ignore
      }
      publishing = false;
      await publisher;
      const killMs = Date.now() - began;
      // The last tick once more with no kills around it: what a dead worker did not evaluate, the next tick does.
      await publishTick(world.deps, FEED, ticks[next++]);
      console.error(`[live faults] settling ${Math.round((Date.now() - began) / 1000)} s`);
      await waitQuiet(world.db, ids, 150_000);
      console.error(`[live faults] settled ${Math.round((Date.now() - began) / 1000)} s`);
      const mid = await Promise.all(ids.map((id) => auditDeployment(world.db, id)));
      await endFeed(world.deps, FEED);
      await waitQuiet(world.db, ids, 120_000);
      const end = await Promise.all(ids.map((id) => auditDeployment(world.db, id, { flat: true })));
      await Promise.all(watchers.map((w) => w.close()));

      const intents = end.reduce((n, a) => n + a.intents, 0);
      const fills = end.reduce((n, a) => n + a.fills, 0);
      console.log(
        `live faults: ${world.workers.killed} kills in ${Math.round(killMs / 1000)} s over ${next} ticks; ${stalled} jobs recovered from dead workers; ${intents} intents, ${fills} fills in ${ids.length} deployments`,
      );
      expect(world.workers.killed).toBe(KILLS);
      expect(stalled).toBeGreaterThan(0);
      expect(intents).toBeGreaterThan(ids.length * 4);
      expect(mid.flatMap((a) => a.problems.map((p) => `${a.deploymentId} (mid-session): ${p}`))).toEqual([]); // prettier-ignore
      expect(end.flatMap((a) => a.problems.map((p) => `${a.deploymentId}: ${p}`))).toEqual([]);
      for (const a of end) expect(a.replay.identical).toBe(true);
    }, 1_200_000);

    it('a Redis restart that loses every queue mid-session: the deployments resume and say what they missed', async () => {
      const owner = await createTrader(world.db, 'redis-trader');
      const doc = exampleDocument('nifty-short-straddle-recost');
      const [strategy] = await world.db
        .insert(schema.strategies)
        .values({ ownerId: owner, name: doc.basket.name, dsl: doc, graph: decompile(doc) })
        .returning();
      // A simulated session at 120x: a 60 s tick every half second, ticked by a scheduler in Redis.
      const dep = await createDeployment(world.db, owner, { strategyId: strategy.id, mode: 'paper', feed: 'session', speed: 120 }); // prettier-ignore
      const steps = async () => {
        const [st] = await world.db.select().from(schema.deploymentState).where(eq(schema.deploymentState.deploymentId, dep.id)); // prettier-ignore
        return st.steps;
      };
      await until('the session deployment ticking', steps, (n) => n >= 6, 60_000);
      const before = await steps();
      const pid = world.redis.pid;
      // Redis hangs for 3 s (6 ticks of the session) and then dies. A bare SIGKILL is not enough:
      // the supervisor restarts it within about half a second, less than the session's tick, and
      // then the deployment rightly missed nothing and says nothing (the test failed so, by chance).
      const frozenAt = new Date();
      process.kill(pid, 'SIGSTOP');
      await sleep(3_000);
      process.kill(pid, 'SIGKILL');
      await until(
        'Redis back',
        async () => world.redis.pid,
        (p) => p !== pid,
        20_000,
      );
      await until('the deployment ticking again', steps, (n) => n >= before + 6, 60_000);
      const gaps = await until(
        'an event saying what was missed',
        () => world.db.select().from(schema.deploymentEvents).where(eq(schema.deploymentEvents.deploymentId, dep.id)), // prettier-ignore
        (rows) => rows.some((r) => r.type === FEED_GAP && r.createdAt >= frozenAt),
        30_000,
      );
      // The gap of the outage (a loaded machine may have skipped a tick before it, too).
      const gap = gaps.filter((r) => r.type === FEED_GAP && r.createdAt >= frozenAt).sort((a, b) => (b.data as { missed: number }).missed - (a.data as { missed: number }).missed)[0]; // prettier-ignore
      console.log(`after the Redis restart: ${gap.message}`);
      expect(gap.message).toMatch(
        /^Missed \d+ ticks? of NIFTY between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d/,
      );
      // At least the ticks of the 3 s Redis was frozen (60 s of the session a half second).
      expect((gap.data as { missed: number }).missed).toBeGreaterThanOrEqual(5);
      await endFeed(world.deps, dep.feedId);
      await waitQuiet(world.db, [dep.id], 60_000);
      const audit = await auditDeployment(world.db, dep.id, { flat: true });
      expect(audit.problems).toEqual([]);
    }, 180_000);
  },
);

describe('live flow: the app restarted', () => {
  let app: RunningApp;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof privateDatabaseUrl>>;
  let port: number;
  const start = () =>
    startApp({ dataDir, port, databaseUrl: database.url, env: { REDIS_URL: undefined, LOG_LEVEL: 'warn' } }); // prettier-ignore

  beforeAll(async () => {
    port = await freePort();
    dataDir = tempDataDir();
    database = await privateDatabaseUrl();
    app = await start();
  }, 300_000);

  afterAll(async () => {
    if (app?.pid) await app.stop();
    await database?.drop();
    if (dataDir) removeDataDir(dataDir);
  }, 120_000);

  it('kill -9 of the app: a running paper deployment resumes from Postgres and says what it missed', async () => {
    const base = `http://127.0.0.1:${port}`;
    const trader = await signUpAndIn(base, { email: 'restart@example.test', password: 'gamma-restart-at-noon' }); // prettier-ignore
    const imported = await trader.api.strategies.import.mutate({ name: 'Straddle', document: exampleDocument('nifty-short-straddle-recost') }); // prettier-ignore
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
    const { id } = await trader.api.deployments.create.mutate({ strategyId: imported.strategy.id, mode: 'paper', feed: 'session', speed: 60 }); // prettier-ignore
    const get = () => trader.api.deployments.get.query({ id });
    const seen = await until('the deployment ticking', get, (d) => d.pnlSeries.length >= 4, 90_000);
    const lastBefore = seen.pnlSeries.at(-1)!.ts;

    process.kill(app.pid, 'SIGKILL');
    await app.exited;
    app = await start();

    const after = await until(
      'the deployment ticking after the restart',
      get,
      (d) => Date.parse(d.pnlSeries.at(-1)!.ts) > Date.parse(lastBefore) + 120_000,
      120_000,
    );
    expect(after.status).toBe('running');
    expect(after.pnlSeries.length).toBeGreaterThan(seen.pnlSeries.length);
    // The decision trace (SSE) says what the deployment missed while the app was down.
    const gap = await until('a feed gap event', () => eventsOf(base, trader.cookie, id), (t) => /Missed \d+ ticks? of NIFTY/.test(t), 30_000); // prettier-ignore
    console.log(`after the app restart: ${/Missed [^"]*/.exec(gap)?.[0]}`);
    await trader.api.deployments.kill.mutate({ id });
  }, 300_000);
});

/** The deployment's events stream (tRPC SSE) read for a moment, as the deployment page does. */
async function eventsOf(base: string, cookie: string, id: string): Promise<string> {
  const ac = new AbortController();
  const url = `${base}/api/trpc/deployments.events?input=${encodeURIComponent(JSON.stringify({ json: { id } }))}`;
  const res = await fetch(url, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: ac.signal,
  });
  let text = '';
  const reader = res.body!.getReader();
  const stopAt = Date.now() + 2_000;
  try {
    while (Date.now() < stopAt) {
      const r = await Promise.race([reader.read(), sleep(stopAt - Date.now()).then(() => null)]);
      if (!r || r.done) break;
      text += Buffer.from(r.value).toString('utf8');
    }
  } finally {
    ac.abort();
  }
  return text;
}

/**
 * The live flow under load (issue 10): 1,000 paper deployments across 5 underlyings on loopback
 * Redis and Postgres, a tick of each underlying every second, evaluated and routed by separate
 * `npm run workers` processes. Measures tick → fill latency (the tick's publication in this
 * process to the commit of the fill's row in Postgres), evaluations per second per worker process and per CPU
 * second of the workers (their user + system time from /proc), the private Postgres server's CPU
 * per evaluation (its postmaster and backends, from /proc), where a fill's time went (stagesMs:
 * recording the tick, reaching the deciding transaction, deciding and writing), and the scaling
 * from 1 to 2 worker processes, in interleaved rounds (1, 2, 2, 1, ...) over one continuing
 * session; figures are medians of the rounds. Latency is wall time by nature (what a trader
 * waits); CPU per evaluation is what the pass/fail of the work itself rests on.
 *
 * Postgres: DATABASE_URL when set, else a private server from Debian's postgresql binaries.
 * Redis: a private redis-server. Knobs: LIVE_LOAD (busy, the default, or steady: see LOAD),
 * LIVE_DEPLOYMENTS (1000), LIVE_ROUNDS (2 per side),
 * LIVE_TICKS (30 measured ticks a round), LIVE_WARMUP (3 unmeasured ticks a round first: the
 * round's worker processes are new, so their code is cold for what the measured ticks do first;
 * LIVE_WARMUP=65 gives them the previous minute's entries too, as a worker that has served the
 * session so far has seen), LIVE_SHARDS (evaluate jobs a tick fans out to per underlying; the workers' default),
 * LIVE_PROBE_TICKS and LIVE_PROBE_WARM (the in-process probe's measured and unmeasured ticks:
 * LIVE_ROUNDS=0 LIVE_PROBE_WARM=60 measures an hour-old session's evaluations in a minute and a half).
 * The worker processes inherit this process's environment: EVALUATE_CONCURRENCY=4 runs them so.
 */
import { and, gte, lte, sql } from 'drizzle-orm';
import { schema, wrap } from '../db/client.ts';
import { column, rowsOf } from '../db/columns.ts';
import type { DslDocument } from '../engine/dsl/index.ts';
import { simulateSession } from '../engine/market/simulator.ts';
import type { ChainSnapshot } from '../engine/market/snapshot.ts';
import {
  DEFAULT_SHARDS,
  evaluateDue,
  evaluateShard,
  publishTicks,
} from '../workers/deployments/index.ts';
import { recordTick } from '../workers/deployments/feed-store.ts';
import { waitQuiet } from '../workers/deployments/quiet.ts';
import {
  createTrader,
  exampleDocument,
  recordedDeployment,
  startLiveWorld,
  type LiveWorld,
} from '../tests/support/live-world.ts';
import { emit, median, processCpuSeconds, round } from './_harness.ts';
import { startPrivatePostgres } from './_postgres.ts';

const DEPLOYMENTS = Number(process.env.LIVE_DEPLOYMENTS ?? 1000);
const ROUNDS = Number(process.env.LIVE_ROUNDS ?? 2);
const TICKS = Number(process.env.LIVE_TICKS ?? 30);
const WARMUP = Number(process.env.LIVE_WARMUP ?? 3);
const SHARDS = Number(process.env.LIVE_SHARDS ?? DEFAULT_SHARDS);
const UNDERLYINGS = ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'SENSEX'];
/**
 * busy: a minute of market a second and stops of 4-8 % re-entering at once, so about half the
 * fleet trades on every tick (a stress). steady: a second of market a second, the template's own
 * stops (25 %), and each round's ticks around a minute when a thirtieth of the fleet enters (the
 * bursts a session has: entries are set to the minute).
 */
const LOAD = (process.env.LIVE_LOAD ?? 'busy') as 'busy' | 'steady';
if (LOAD !== 'busy' && LOAD !== 'steady') throw new Error(`LIVE_LOAD=${String(LOAD)}: give busy or steady`); // prettier-ignore
const TARGET_P99_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A short straddle that keeps trading: entries spread over the first half hour, tight stops and targets re-entering at once. */
function strategyFor(underlying: string, i: number): DslDocument {
  const doc = exampleDocument('nifty-short-straddle-recost');
  doc.basket.name = `${underlying} straddle ${i}`;
  delete (doc.basket as { maxDailyLoss?: unknown }).maxDailyLoss;
  const s = doc.basket.strategies[0];
  s.underlying = underlying;
  s.entry = { ...s.entry, time: `09:${String(16 + (i % 30)).padStart(2, '0')}` };
  const pct = 4 + (i % 5);
  if (LOAD === 'steady') return doc;
  for (const leg of s.legs) {
    leg.stopLoss = { typeVersion: 1, type: 'pct', value: pct };
    leg.target = { typeVersion: 1, type: 'pct', value: pct };
    leg.reEntryOnStopLoss = { typeVersion: 1, type: 'asap', count: 20 };
    leg.reEntryOnTarget = { typeVersion: 1, type: 'asap', count: 20 };
  }
  return doc;
}

/** A worker's CPU seconds so far; 0 once it has exited. */
function cpuOf(pid: number): number {
  try {
    return processCpuSeconds(pid);
  } catch {
    return 0;
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

type Round = Awaited<ReturnType<typeof runRound>>;

/** What a fill is timed by: its transaction's commit where the server keeps commit timestamps, else its row's stamp. */
let fillClock: 'commit' | 'row' = 'row';

async function runRound(
  world: LiveWorld,
  ids: string[],
  feeds: Map<string, ChainSnapshot[]>,
  cursor: { next: number },
  processes: number,
  dbCpu: (() => number) | null,
) {
  for (let i = 0; i < processes; i++) world.workers.spawn();
  await Promise.all([...world.workers.live].map((w) => w.ready));
  const deps = { ...world.deps, shards: SHARDS };
  const published = new Map<string, number>();
  const tickOnce = async () => {
    const k = cursor.next++;
    // A second of the market: every underlying's tick, published together as a feed worker does.
    const at = Date.now();
    for (const u of UNDERLYINGS) published.set(`${u}|${feeds.get(u)![k].ts}`, at);
    await publishTicks(deps, UNDERLYINGS.map((u) => ({ feedId: `recorded:bench-${u}`, snapshot: feeds.get(u)![k] }))); // prettier-ignore
  };
  const second = async (fn: () => Promise<void>) => {
    const at = Date.now();
    await fn();
    await sleep(Math.max(0, 1000 - (Date.now() - at)));
  };
  // steady: a round's measured ticks run from 5 s before a minute to 24 s after it (that minute's entries).
  if (LOAD === 'steady') cursor.next = Math.max(cursor.next, 60 * (Math.floor((cursor.next + WARMUP + 5) / 60) + 1) - 5 - WARMUP); // prettier-ignore
  for (let i = 0; i < WARMUP; i++) await second(tickOnce);
  const pids = [...world.workers.live].map((w) => w.pid);
  const cpu0 = pids.map(cpuOf);
  const db0 = dbCpu?.() ?? 0;
  const from = new Date();
  const firstMeasured = cursor.next;
  for (let i = 0; i < TICKS; i++) await second(tickOnce);
  const lastMeasured = cursor.next - 1;
  // Every fill of the measured ticks, however late: the flow settles before the figures are read.
  await waitQuiet(world.db, ids, 120_000).catch(() => {});
  const to = new Date();
  const cpu = pids.map((p, i) => cpuOf(p) - cpu0[i]);
  const dbSeconds = dbCpu ? dbCpu() - db0 : null;
  const wallS = (to.getTime() - from.getTime()) / 1000;
  const measuredTs = new Set<string>();
  for (const u of UNDERLYINGS)
    for (let k = firstMeasured; k <= lastMeasured; k++) measuredTs.add(feeds.get(u)![k].ts);

  // Each fill with the two moments between its tick's publication and its row: the tick's row
  // (feed_snapshots, recorded before any job is queued) and the transaction that decided the
  // order (order_intents.created_at is that transaction's start, before its locks). A fill is
  // timed by the commit of the transaction that wrote it (when anything else can see it), where
  // the server keeps commit timestamps (the private one does); else by its row's stamp.
  const fills = rowsOf<{ ts: string; contract: string; fillAt: number; decidedAt: number; tickAt: number }>(
    await world.db.execute(sql`select f.ts, o.contract,
        extract(epoch from ${sql.raw(fillClock === 'commit' ? 'pg_xact_commit_timestamp(f.xmin)' : 'f.created_at')}) * 1000 as "fillAt",
        extract(epoch from i.created_at) * 1000 as "decidedAt",
        extract(epoch from s.created_at) * 1000 as "tickAt"
      from fills f
      join orders o on o.id = f.order_id
      join order_intents i on i.id = o.intent_id
      join deployments d on d.id = f.deployment_id
      join feed_snapshots s on s.feed_id = d.feed_id
        and s.underlying = split_part(o.contract, ' ', 1) and s.ts = f.ts
      where f.ts = any(${column([...measuredTs])}::text[])`),
  ); // prettier-ignore
  const latencies: number[] = [];
  const stages = { publicationToTickRow: [] as number[], tickRowToDecision: [] as number[], decisionToFill: [] as number[] }; // prettier-ignore
  for (const f of fills) {
    const at = published.get(`${f.contract.split(' ')[0]}|${f.ts}`);
    if (at === undefined) continue;
    const [fillAt, decidedAt, tickAt] = [Number(f.fillAt), Number(f.decidedAt), Number(f.tickAt)];
    latencies.push(fillAt - at);
    stages.publicationToTickRow.push(tickAt - at);
    stages.tickRowToDecision.push(decidedAt - tickAt);
    stages.decisionToFill.push(fillAt - decidedAt);
  }
  const [ev] = await world.db
    .select({ n: sql<number>`count(*)::int`, skipped: sql<number>`coalesce(sum(${schema.deploymentInputs.skipped}), 0)::int` }) // prettier-ignore
    .from(schema.deploymentInputs)
    .where(and(sql`${schema.deploymentInputs.kind} = 'snapshot'`, gte(schema.deploymentInputs.createdAt, from), lte(schema.deploymentInputs.createdAt, to))); // prettier-ignore
  await world.workers.stopAll();
  const cpuTotal = cpu.reduce((a, b) => a + b, 0);
  return {
    processes,
    fillClock,
    ticks: TICKS,
    fills: latencies.length,
    tickToFillP50Ms: round(pct(latencies, 50), 1),
    tickToFillP99Ms: round(pct(latencies, 99), 1),
    tickToFillMaxMs: round(Math.max(...latencies), 1),
    /**
     * Where a fill's time went, p50 and p99 of each stage (Postgres's clock for the rows, this
     * process's for the publication): publication → the tick's row (recording it); → the start of
     * the transaction that decided the order (queueing the jobs, a job's wait for a worker, its
     * reads and dry run); → the fill (fillClock: the commit of the transaction that wrote it, which
     * for a paper order is the one that decided it: locks, steps, the venue, the write, the commit).
     */
    stagesMs: Object.fromEntries(Object.entries(stages).map(([k, xs]) => [k, { p50: round(pct(xs, 50), 1), p99: round(pct(xs, 99), 1) }])), // prettier-ignore
    evaluations: ev.n,
    ticksSkipped: ev.skipped,
    evaluationsPerSecondPerProcess: round(ev.n / wallS / processes, 1),
    workerCpuSeconds: round(cpuTotal, 2),
    evaluationsPerWorkerCpuSecond: round(ev.n / Math.max(cpuTotal, 1e-9), 1),
    /** The private Postgres server's CPU over the same span (null with DATABASE_URL: not ours to read). */
    databaseCpuSeconds: dbSeconds === null ? null : round(dbSeconds, 2),
    databaseCpuMsPerEvaluation: dbSeconds === null ? null : round((dbSeconds * 1000) / Math.max(ev.n, 1), 3), // prettier-ignore
    wallSeconds: round(wallS, 1),
  };
}

/**
 * What one evaluation costs, in this process with no worker running: every shard of a few ticks
 * evaluated here on a drizzle that counts its queries; CPU from process.cpuUsage. A tick's paper
 * orders are sent and their fills applied by the evaluate job itself, so they are in the figures,
 * as is the Redis work (pub/sub, alerts); the jobs it queues (venue ticks, nudges) are left
 * unserved.
 */
async function probe(
  world: LiveWorld,
  feeds: Map<string, ChainSnapshot[]>,
  cursor: { next: number },
  dbCpu: (() => number) | null,
) {
  if (world.client.kind !== 'postgres') throw new Error('bench/live runs on Postgres');
  let queries = 0;
  const counted = wrap(world.client, { logQuery: () => void queries++ });
  const deps = { ...world.deps, db: async () => counted, shards: SHARDS };
  let evaluations = 0;
  let cpuUs = 0;
  let q = 0;
  let dbS = 0;
  const ticks = Number(process.env.LIVE_PROBE_TICKS ?? 5);
  // Ticks evaluated first and not counted, so that the states have grown (LIVE_ROUNDS=0 and a warm
  // probe measure a late session's evaluations without the worker rounds).
  const warm = Number(process.env.LIVE_PROBE_WARM ?? 0);
  for (let w = 0; w < warm; w++) {
    const k = cursor.next++;
    for (const u of UNDERLYINGS) {
      const feedId = `recorded:bench-${u}`;
      await recordTick(world.db, feedId, feeds.get(u)![k]);
      for (let shard = 0; shard < SHARDS; shard++)
        await evaluateDue(deps, { feedId, underlying: u, ts: feeds.get(u)![k].ts, shard, shards: SHARDS }); // prettier-ignore
      for (let shard = 0; shard < SHARDS; shard++)
        await evaluateShard(deps, { feedId, underlying: u, shard, shards: SHARDS, ts: feeds.get(u)![k].ts }); // prettier-ignore
    }
  }
  for (let i = 0; i < ticks; i++) {
    const k = cursor.next++;
    for (const u of UNDERLYINGS) {
      const s = feeds.get(u)![k];
      const feedId = `recorded:bench-${u}`;
      await recordTick(world.db, feedId, s);
      const q0 = queries;
      const d0 = dbCpu?.() ?? 0;
      const c0 = process.cpuUsage();
      // A tick's two jobs per shard, as publishTicks queues them: the deployments it makes trade,
      // then the whole shard (whose counts are the tick's evaluations).
      for (let shard = 0; shard < SHARDS; shard++)
        await evaluateDue(deps, { feedId, underlying: u, ts: s.ts, shard, shards: SHARDS }); // prettier-ignore
      for (let shard = 0; shard < SHARDS; shard++)
        evaluations += await evaluateShard(deps, { feedId, underlying: u, shard, shards: SHARDS, ts: s.ts }); // prettier-ignore
      const c = process.cpuUsage(c0);
      dbS += (dbCpu?.() ?? 0) - d0;
      cpuUs += c.user + c.system;
      q += queries - q0;
    }
  }
  return {
    evaluations,
    queriesPerEvaluation: round(q / Math.max(evaluations, 1), 2),
    cpuMsPerEvaluation: round(cpuUs / 1000 / Math.max(evaluations, 1), 3),
    /** The private Postgres server's CPU over the probe's evaluations (null with DATABASE_URL). */
    databaseCpuMsPerEvaluation: dbCpu ? round((dbS * 1000) / Math.max(evaluations, 1), 3) : null,
    /** What a tick of the whole fleet costs, evaluated in this one process: worker and database CPU. */
    cpuMsPerTick: round((cpuUs / 1000 + dbS * 1000) / Math.max(ticks, 1), 1),
  };
}

async function main() {
  const pg = process.env.DATABASE_URL?.trim() ? null : await startPrivatePostgres();
  const world = await startLiveWorld(pg?.url ?? process.env.DATABASE_URL!.trim());
  try {
    const [tracked] = rowsOf<{ on: string }>(await world.db.execute(sql`select current_setting('track_commit_timestamp') as on`)); // prettier-ignore
    fillClock = tracked?.on === 'on' ? 'commit' : 'row';
    const ids: string[] = [];
    const perOwner = 50; // MAX_ACTIVE_DEPLOYMENTS
    let owner = '';
    const plan = Array.from({ length: DEPLOYMENTS }, (_, i) => ({ u: UNDERLYINGS[i % UNDERLYINGS.length], i })); // prettier-ignore
    for (let b = 0; b < plan.length; b += perOwner) {
      owner = await createTrader(world.db, `bench-${b / perOwner}`);
      const batch = plan.slice(b, b + perOwner);
      for (let c = 0; c < batch.length; c += 10)
        ids.push(...(await Promise.all(batch.slice(c, c + 10).map((p) => recordedDeployment(world.db, owner, strategyFor(p.u, p.i), `recorded:bench-${p.u}`))))); // prettier-ignore
    }
    // steady: the first 20 minutes of a session by the second (the rounds and the probe use less).
    const take = (it: Iterable<ChainSnapshot>, n: number) => { const out: ChainSnapshot[] = []; for (const x of it) { if (out.length >= n) break; out.push(x); } return out; }; // prettier-ignore
    const feeds = new Map(
      UNDERLYINGS.map((u) => [u, take(simulateSession({ underlying: u, seed: 5, date: '2026-08-18', intervalSeconds: LOAD === 'steady' ? 1 : 60, strikesEachSide: 20 }), LOAD === 'steady' ? 1_200 : Infinity)]), // prettier-ignore
    );
    const cursor = { next: 0 };
    const rounds: Round[] = [];
    // 1, 2, 2, 1, ...: the session moves on between rounds (later minutes trade more or less),
    // and alternating the order keeps that trend from falling on one side.
    for (let r = 0; r < ROUNDS; r++)
      for (const processes of r % 2 === 0 ? [1, 2] : [2, 1]) {
        const got = await runRound(world, ids, feeds, cursor, processes, pg?.cpuSeconds ?? null);
        console.error(`bench live: ${JSON.stringify(got)}`);
        rounds.push(got);
      }
    const side = (n: number) => {
      const of = rounds.filter((r) => r.processes === n);
      return {
        processes: n,
        tickToFillP50Ms: median(of.map((r) => r.tickToFillP50Ms)),
        tickToFillP99Ms: median(of.map((r) => r.tickToFillP99Ms)),
        evaluationsPerSecondPerProcess: median(of.map((r) => r.evaluationsPerSecondPerProcess)),
        evaluationsPerWorkerCpuSecond: median(of.map((r) => r.evaluationsPerWorkerCpuSecond)),
        databaseCpuMsPerEvaluation: pg ? median(of.map((r) => r.databaseCpuMsPerEvaluation ?? NaN)) : null, // prettier-ignore
        evaluationsPerSecond: median(of.map((r) => r.evaluationsPerSecondPerProcess * n)),
        ticksSkipped: median(of.map((r) => r.ticksSkipped)),
      };
    };
    const cost = await probe(world, feeds, cursor, pg?.cpuSeconds ?? null);
    console.error(`bench live, cost of an evaluation: ${JSON.stringify(cost)}`);
    const one = side(1);
    const two = side(2);
    emit({
      benchmark: 'live',
      load: LOAD,
      what: `${DEPLOYMENTS} paper deployments across ${UNDERLYINGS.join(', ')}, one tick of each underlying a second, ${TICKS} measured ticks a round, ${SHARDS} evaluate jobs a tick`,
      database: pg ? 'private Postgres (Debian postgresql, fsync off)' : 'Postgres at DATABASE_URL',
      redis: 'private redis-server on loopback',
      rounds,
      oneProcess: one,
      twoProcesses: two,
      scaling: round(two.evaluationsPerSecond / Math.max(one.evaluationsPerSecond, 1e-9), 2),
      costOfAnEvaluation: cost,
      targetP99Ms: TARGET_P99_MS,
      pass: Math.max(one.tickToFillP99Ms, two.tickToFillP99Ms) <= TARGET_P99_MS,
    });
  } finally {
    await world.close();
    pg?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error((err as Error)?.stack ?? err);
    process.exit(1);
  },
);

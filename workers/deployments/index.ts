/**
 * The live flow's job processors (DESIGN.md "Live flow"): feed ticks record the chain and fan out
 * evaluate jobs per shard; evaluations write state, outbox and events in one transaction (a paper
 * deployment's orders filled in it) and hand the outbox rows left to send to the order router; the
 * router sends them and writes the broker's answers back as the deployment's inputs; a minute clock and a sweep keep everything converging after
 * crashes. Updates go out on Redis pub/sub for the deployment pages.
 */
import type { Job } from 'bullmq';
import { and, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '@/db/client';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { deploymentInputs, deployments, orderIntents } from '@/db/schema';
import { formatTimestamp } from '@/engine/market/calendar';
import { getInstrument } from '@/engine/market/instruments';
import {
  DEPLOYMENT_JOBS,
  DUE_TICKS_MAX,
  DeploymentJobSchema,
  EvaluateJobSchema,
  FeedTickJobSchema,
  PortfolioLimitsJobSchema,
  QUEUES,
  RouteJobSchema,
  VenueTickJobSchema,
  deploymentChannel,
  enqueueAlerts,
  ensureLiveOrdersLoop,
  getQueue,
  jobIdOf,
  notifyChannel,
  nudgeDeployment,
  scheduleFeed,
  SHARD_QUEUES,
  shardQueueName,
  TICK_PRIORITY,
  stopLiveOrdersLoop,
  unscheduleFeed,
} from '../queues';
import {
  aboutToTrade,
  likelyFirst,
  trading,
  enqueueInput,
  evaluateDeployment,
  evaluateDeployments,
  deploymentsOn,
  inShard,
  runningOn,
  type EvaluationResult,
} from './evaluator';
import type { BrokerFeeds } from './broker-feeds';
import type { FeedDownEvent } from './feed-gap';
import { FeedSpecSchema, feedTickAt, tickEveryMs } from './feeds';
import {
  newestTickTs,
  previousTickTs,
  recordTick,
  recordTicks,
  snapshotAt,
  ticksAround,
} from './feed-store';
import { liveWorkRemains, pollLiveOrders } from './live-orders';
import { enforcePortfolioLimits } from './portfolio-limits';
import { reconcileDeployment } from './reconcile';
import { paperVenueTick, routeIntent, routePaperDeployments, type LiveBrokers } from './router';

export type LiveFlowDeps = {
  db: () => Promise<Db>;
  redis: Redis;
  /** Evaluate jobs a tick fans out to (deployments are spread over them by id; DEFAULT_SHARDS). */
  shards?: number;
  liveBrokers?: LiveBrokers;
  /** Broker market-data streams this process holds (absent: it opens none). */
  brokerFeeds?: BrokerFeeds;
  now?: () => number;
};

const JOB_OPTS = { removeOnComplete: 1000, removeOnFail: 1000, attempts: 10, backoff: { type: 'exponential' as const, delay: 200 } }; // prettier-ignore

/** After evaluations: the router gets the new outbox rows, the pages get the updates (a Redis round trip or two for the lot). */
async function afterEvaluations(
  deps: LiveFlowDeps,
  all: readonly (EvaluationResult | null)[],
  /** Deployments whose new rows the caller sends itself (`routePaperDeployments`): no route job. */
  routedHere: ReadonlySet<string> = new Set(),
): Promise<void> {
  const rs = all.filter((r): r is EvaluationResult => !!r && r.applied > 0);
  if (rs.length === 0) return;
  const routes = rs.filter((r) => !routedHere.has(r.deploymentId)).flatMap((r) => r.outbox.map((id) => ({ name: DEPLOYMENT_JOBS.route, data: { intentId: id }, opts: { ...JOB_OPTS, jobId: jobIdOf('route', id) } }))); // prettier-ignore
  if (routes.length) await getQueue(QUEUES.orders).addBulk(routes);
  // A lost enqueue is found by the alerts sweep (notifications not dispatched yet).
  await enqueueAlerts(rs.flatMap((r) => r.deliveries)).catch(() => {});
  const pub = deps.redis.pipeline();
  for (const r of rs) {
    if (r.notifications.length) pub.publish(notifyChannel(r.ownerId), String(r.notifications.length)); // prettier-ignore
    pub.publish(deploymentChannel(r.deploymentId), JSON.stringify({ kind: 'update', pnl: r.pnl, events: r.events.length, skipped: r.skipped })); // prettier-ignore
  }
  await pub.exec().catch(() => {});
}

const afterEvaluation = (deps: LiveFlowDeps, r: EvaluationResult | null) => afterEvaluations(deps, [r]); // prettier-ignore

/** After evaluations: the owners' portfolio limits, and an evaluation for every deployment they paused. */
async function checkLimits(deps: LiveFlowDeps, db: Db, owners: string[]): Promise<void> {
  const paused = await enforcePortfolioLimits(db, owners, (deps.now ?? Date.now)());
  for (const id of paused) await nudgeDeployment(id, `limits|${Date.now()}`);
}

/** A feed asks for its tick of now; a new one is recorded and fans out to the evaluators. */
export async function feedTick(deps: LiveFlowDeps, feedId: string): Promise<string> {
  const db = await deps.db();
  const [dep] = await db
    .select({ id: deployments.id, feed: deployments.feed })
    .from(deployments)
    .where(and(eq(deployments.feedId, feedId), inArray(deployments.status, ['running', 'paused'])))
    .limit(1);
  if (!dep) {
    await deps.brokerFeeds?.release(feedId);
    await unscheduleFeed(feedId);
    return 'no deployment uses this feed any more';
  }
  const spec = FeedSpecSchema.parse(dep.feed);
  if (spec.kind === 'broker') {
    if (!deps.brokerFeeds) return 'this worker opens no broker streams';
    return deps.brokerFeeds.check(brokerFeedDeps(deps), feedId);
  }
  const t = feedTickAt(spec, (deps.now ?? Date.now)());
  if (t.kind === 'idle') return t.why;
  if (t.kind === 'ended') {
    await endFeed(deps, feedId);
    return 'the simulated session closed';
  }
  const published = (await publishTicks(deps, t.snapshots.map((snapshot) => ({ feedId, snapshot })))).map((i) => `${i.snapshot.underlying} ${i.snapshot.ts}`); // prettier-ignore
  if (t.ended) {
    // The last ticks are evaluated before the session's end is applied.
    await settleFeed(deps, feedId);
    await endFeed(deps, feedId);
  }
  return published.length ? `ticks ${published.join(', ')}` : 'no new tick';
}

/** What a broker feed needs of the live flow: publishing ticks, and telling deployments it is down. */
function brokerFeedDeps(deps: LiveFlowDeps) {
  return {
    db: deps.db,
    redis: deps.redis,
    ...(deps.now ? { now: deps.now } : {}),
    publish: (feedId: string, s: Parameters<typeof recordTick>[2]) => publishTick(deps, feedId, s),
    notify: async (ids: string[], event: FeedDownEvent) => {
      const db = await deps.db();
      for (const id of ids) await afterEvaluation(deps, await evaluateDeployment(db, id, { notes: [event] })); // prettier-ignore
    },
  };
}

/** Records a tick and queues its evaluations. False when it was already published. */
export async function publishTick(
  deps: LiveFlowDeps,
  feedId: string,
  snapshot: Parameters<typeof recordTick>[2],
): Promise<boolean> {
  return (await publishTicks(deps, [{ feedId, snapshot }])).length > 0;
}

/**
 * Records ticks published together (a feed's second: a tick per underlying; or several feeds'),
 * in two statements for all of them, and queues their evaluations. Per shard, first one due job
 * (no priority) for all of them: the deployments they make trade, evaluated and filled
 * (`evaluateDue`). Then, behind it, a job per tick that evaluates the whole shard and marks the
 * rest to market. One due job for a publication, not one per tick: a BullMQ worker took the first
 * job alone and fetched the others only as it went (one round trip each, answered between its
 * steps), so in bench/live the other underlyings' due jobs started together after the first one
 * ended, 40-70 ms after the publication; the one job dry-runs first, across the ticks, the
 * deployments each tick is likely to move (`likelyFirst`). Returns the ticks recorded (those not
 * recorded already).
 */
export async function publishTicks<
  T extends { feedId: string; snapshot: Parameters<typeof recordTick>[2] },
>(deps: LiveFlowDeps, items: readonly T[]): Promise<T[]> {
  const db = await deps.db();
  const recorded = await recordTicks(db, items);
  if (recorded.length === 0) return recorded;
  const shards = deps.shards ?? DEFAULT_SHARDS;
  const ticks = recorded.map((i) => ({ feedId: i.feedId, underlying: i.snapshot.underlying, ts: i.snapshot.ts })); // prettier-ignore
  const key = (t: (typeof ticks)[number]) => [t.feedId, t.underlying, t.ts] as const;
  // Only each underlying's newest tick can make a deployment trade now (the due job of an older one
  // finds a newer tick and does nothing: a replay catching up publishes many), DUE_TICKS_MAX a job.
  const newest = [...new Map(ticks.map((t) => [`${t.feedId}|${t.underlying}`, t])).values()];
  const due = Array.from({ length: Math.ceil(newest.length / DUE_TICKS_MAX) }, (_, k) => newest.slice(k * DUE_TICKS_MAX, (k + 1) * DUE_TICKS_MAX)); // prettier-ignore
  // Each shard's jobs on its shard's queue, which the process holding its lease serves.
  await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      getQueue(shardQueueName(shard)).addBulk([
        ...due.map((d) => ({ name: DEPLOYMENT_JOBS.evaluate, data: { ...d[0], shard, shards, due: true, ...(d.length > 1 ? { ticks: d } : {}) }, opts: { ...JOB_OPTS, jobId: jobIdOf('due', ...key(d[0]), shard) } })), // prettier-ignore
        ...ticks.map((t) => ({ name: DEPLOYMENT_JOBS.evaluate, data: { ...t, shard, shards }, opts: { ...JOB_OPTS, jobId: jobIdOf('eval', ...key(t), shard), priority: TICK_PRIORITY } })), // prettier-ignore
      ]),
    ),
  );
  return recorded;
}

/** Evaluates every shard of the feed's newest ticks now (before its end is applied). */
async function settleFeed(deps: LiveFlowDeps, feedId: string): Promise<void> {
  const db = await deps.db();
  const rows = await db
    .select({ underlyings: deployments.underlyings })
    .from(deployments)
    .where(eq(deployments.feedId, feedId))
    .limit(1);
  const shards = deps.shards ?? DEFAULT_SHARDS;
  for (const u of rows[0]?.underlyings ?? [])
    for (let shard = 0; shard < shards; shard++)
      await evaluateShard(deps, { feedId, underlying: u, shard, shards });
}

/** The feed's data ended: every deployment on it ends its sessions and is marked completed. */
export async function endFeed(deps: LiveFlowDeps, feedId: string): Promise<void> {
  const db = await deps.db();
  const ids = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.feedId, feedId), inArray(deployments.status, ['running', 'paused'])));
  for (const { id } of ids) {
    await afterEvaluation(deps, await evaluateDeployment(db, id, { dataEnd: true }));
    await db
      .update(deployments)
      .set({ status: 'completed', statusReason: 'its feed ended', stoppedAt: new Date() })
      .where(eq(deployments.id, id));
  }
  await unscheduleFeed(feedId);
}

/**
 * One shard of a tick: every deployment of the shard on this feed and underlying, at the newest
 * tick (not necessarily the job's: ticks that came faster are skipped and counted). With `due`,
 * only those the tick makes trade (`evaluateDue`). Returns the deployments evaluated.
 */
export async function evaluateShard(
  deps: LiveFlowDeps,
  job: { feedId: string; underlying: string; shard: number; shards: number; ts?: string; due?: boolean; ticks?: Tick[] }, // prettier-ignore
): Promise<number> {
  if (job.due && job.ts) return evaluateDue(deps, { ...job, ts: job.ts });
  const db = await deps.db();
  // When ticks come faster than evaluation, the jobs of older ticks find the shard evaluated at
  // the newest already and return at once, so a backlog drains; they do so before waiting for
  // the due jobs below. The mark is only a shortcut: lost with Redis, the shard is evaluated
  // again, which repeats nothing.
  const mark = `strikeflow:evaluated:${job.feedId}|${job.underlying}|${job.shard}/${job.shards}`;
  const done = async () => {
    const [newest, at] = await Promise.all([newestTickTs(db, job.feedId, job.underlying), deps.redis.get(mark).catch(() => null)]); // prettier-ignore
    return { newest, done: !newest || (!!job.ts && !!at && Date.parse(at) >= Date.parse(newest)) };
  };
  const first = await done();
  if (first.done) return 0;
  // Looked at again only when it waited: a due job may have evaluated it meanwhile.
  const { newest, done: evaluated } = (await dueSettled(deps.redis)) ? await done() : first;
  if (evaluated || !newest) return 0;
  const [tick, ids, previousTs] = await Promise.all([
    snapshotAt(db, job.feedId, job.underlying, newest),
    deploymentsOn(db, job.feedId, job.underlying, { index: job.shard, count: job.shards }),
    previousTickTs(db, job.feedId, job.underlying, newest),
  ]);
  if (!tick) return 0;
  const owners = new Set<string>();
  await evaluateTick(deps, db, { feedId: job.feedId, tick, previousTs }, ids, owners);
  await deps.redis.set(mark, newest, 'EX', 3_600).catch(() => {});
  await checkLimits(deps, db, [...owners]);
  return ids.length;
}

/**
 * A due job: one shard of a publication's ticks (`ticks`, else the one tick of the job), each
 * tick's deployments stepped first in memory on the states this process holds (`aboutToTrade`, a
 * dry run that writes nothing); those a tick makes trade are evaluated and filled now. A tick
 * only while it is its underlying's newest: a newer one has a due job of its own. Each tick's
 * whole-shard job follows and finds these evaluated. The due jobs of other shards of the same
 * publication that this process starts while the first still reads join its pass (`joinDuePass`):
 * one set of reads, and their trades in one transaction a tick. Returns the deployments evaluated
 * (a pass's trades counted by the job that ran it).
 */
export async function evaluateDue(
  deps: LiveFlowDeps,
  job: { feedId: string; underlying: string; ts: string; shard: number; shards: number; ticks?: Tick[] }, // prettier-ignore
): Promise<number> {
  const member = jobIdOf(job.feedId, job.underlying, job.ts, job.shard, job.shards);
  try {
    await deps.redis.zadd(DUE_IN_FLIGHT, Date.now() + DUE_TTL_MS, member).catch(() => 0);
    return await evaluateDueNow(deps, job);
  } finally {
    await deps.redis.zrem(DUE_IN_FLIGHT, member).catch(() => {});
  }
}

/**
 * Due jobs running, across the worker processes (a sorted set in Redis, each member scored with
 * the time it stops counting). A shard's whole evaluation waits for them (a few tens of
 * milliseconds, at most DUE_WAIT_MS): a queue's priority only orders the jobs' starts, and a
 * shard's batches started beside a due job, in its process or the other, took the CPU it needed
 * (with two worker processes, a trade's evaluation then took 70 ms instead of 30). Only running
 * ones count: a due job still queued needs the worker slot a waiting evaluation would hold. A due
 * job that dies stops counting after DUE_TTL_MS; with Redis down, nothing waits.
 */
export const DUE_IN_FLIGHT = 'strikeflow:due-in-flight';
const DUE_TTL_MS = 2_000;
export const DUE_WAIT_MS = 300;

/** Waits for the running due jobs; true when it waited (there were some). */
export async function dueSettled(redis: Redis): Promise<boolean> {
  const until = Date.now() + DUE_WAIT_MS;
  for (let waited = false; Date.now() < until; waited = true) {
    const left = await redis
      .multi()
      .zremrangebyscore(DUE_IN_FLIGHT, '-inf', Date.now())
      .zcard(DUE_IN_FLIGHT)
      .exec()
      .then((r) => Number(r?.[1]?.[1] ?? 0))
      .catch(() => 0);
    if (left === 0) return waited;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

type Tick = { feedId: string; underlying: string; ts: string };

async function evaluateDueNow(
  deps: LiveFlowDeps,
  job: Parameters<typeof evaluateDue>[1],
): Promise<number> {
  const db = await deps.db();
  const pass = joinDuePass(deps, db, job);
  const { work, n: traded } = await pass.result;
  const owners = new Set<string>();
  let n = pass.first ? traded : 0;
  // Then the rest of this shard, tick by tick: a wrong hint costs latency, never an order.
  for (const w of work.get(job.shard) ?? []) {
    const ids = await aboutToTrade(db, w.where.feedId, w.rest, w.where.tick, { yieldToTrades: true }); // prettier-ignore
    if (ids.length === 0) continue;
    await trading(() => evaluateTick(deps, db, w.where, ids, owners));
    n += ids.length;
  }
  if (owners.size > 0) await checkLimits(deps, db, [...owners]);
  return n;
}

type DueWork = {
  where: { feedId: string; tick: ChainSnapshot; previousTs: string | undefined };
  rest: string[];
};

/**
 * A publication's due pass in this process: the reads, and the dry runs and trades of the
 * deployments its ticks are likely to move, of every shard whose due job joined it. One worker
 * process that holds several shard queues gets their due jobs together; each alone read the same
 * ticks, chains and running list, and their dry runs and transactions took turns on the one event
 * loop (bench/live, one process: the second shard's trades committed 15-20 ms after the first's).
 * A due job joins while the pass is still reading; later, it runs a pass of its own. Deployments
 * of a shard this process may have lost the lease of meanwhile are safe to evaluate: every
 * evaluation is under the deployment's lock. Keyed by the shard count and the ticks.
 */
type DuePass = {
  shards: Set<number>;
  /** Until the pass's reads are in: a later due job runs its own. */
  joinable: boolean;
  result: Promise<{ work: Map<number, DueWork[]>; n: number }>;
};
const duePasses = new Map<string, DuePass>();

function joinDuePass(
  deps: LiveFlowDeps,
  db: Db,
  job: Parameters<typeof evaluateDue>[1],
): { result: DuePass['result']; first: boolean } {
  const ticks = job.ticks ?? [job];
  const key = `${job.shards}|${ticks.map((t) => `${t.feedId}|${t.underlying}|${t.ts}`).join(',')}`;
  const open = duePasses.get(key);
  if (open?.joinable && !open.shards.has(job.shard)) {
    open.shards.add(job.shard);
    return { result: open.result, first: false };
  }
  // A shard's own job again (a retry) or one too late to join: a pass of its own.
  const pass = { shards: new Set([job.shard]), joinable: true } as DuePass;
  pass.result = runDuePass(deps, db, ticks, job.shards, pass);
  duePasses.set(key, pass);
  // Its jobs see its failure (and are retried); here it is only forgotten.
  pass.result.finally(() => duePasses.get(key) === pass && duePasses.delete(key)).catch(() => {}); // prettier-ignore
  return { result: pass.result, first: true };
}

async function runDuePass(
  deps: LiveFlowDeps,
  db: Db,
  ticks: readonly Tick[],
  count: number,
  pass: Pick<DuePass, 'shards' | 'joinable'>,
): DuePass['result'] {
  // One wave of queries: the newest tick and the one before each, the feeds' deployments, the chains.
  let reads;
  try {
    reads = await Promise.all([
      ticksAround(db, ticks),
      runningOn(db, [...new Set(ticks.map((t) => t.feedId))]),
      Promise.all(ticks.map((t) => snapshotAt(db, t.feedId, t.underlying, t.ts))),
    ]);
  } finally {
    pass.joinable = false;
  }
  const [around, running, chains] = reads;
  const shards = [...pass.shards];
  const work = new Map<number, DueWork[]>(shards.map((s) => [s, []]));
  const likely: { where: DueWork['where']; ids: string[] }[] = [];
  ticks.forEach((t, i) => {
    // A tick only while it is its underlying's newest: a newer one has a due job of its own.
    const at = around.get(`${t.feedId}|${t.underlying}|${t.ts}`);
    const tick = chains[i];
    if (!tick || at?.newest !== t.ts) return;
    const where = { feedId: t.feedId, tick, previousTs: at.previous ?? undefined };
    const ids: string[] = [];
    for (const s of shards) {
      const { likely: first, rest } = likelyFirst(inShard(running, t.feedId, t.underlying, { index: s, count }), tick); // prettier-ignore
      work.get(s)!.push({ where, rest });
      ids.push(...first);
    }
    likely.push({ where, ids });
  });
  // First, across the ticks and the shards, the deployments each tick is likely to move (a
  // minute's entries, a stop within reach): dry-run, then evaluated and filled, as trades in hand,
  // so that the dry runs of the rest (of this pass, and of any other due job in this process) wait
  // for them. A burst's orders then wait neither for the dry runs of hundreds of deployments that
  // only mark to market, nor for the other underlyings' ticks.
  const found = await trading(async () => {
    const out: string[][] = [];
    for (const l of likely) out.push(await aboutToTrade(db, l.where.feedId, l.ids, l.where.tick));
    return out;
  });
  const owners = new Set<string>();
  await Promise.all(likely.map((l, i) => (found[i].length ? trading(() => evaluateTick(deps, db, l.where, found[i], owners)) : null))); // prettier-ignore
  if (owners.size > 0) await checkLimits(deps, db, [...owners]);
  return { work, n: found.reduce((a, f) => a + f.length, 0) };
}

/**
 * Evaluates `ids` at a tick, in batches (a few queries for each; a paper deployment's orders are
 * filled in its batch's transaction), and settles each batch: any paper rows it could not fill
 * sent here, the paper venue's resting orders given the tick. Deployments
 * another evaluation holds are not waited for in a batch; they follow it. Adds the owners of the
 * deployments evaluated (whose portfolio limits the caller checks).
 */
async function evaluateTick(
  deps: LiveFlowDeps,
  db: Db,
  at: { feedId: string; tick: ChainSnapshot; previousTs: string | undefined },
  ids: readonly string[],
  owners: Set<string>,
): Promise<void> {
  const { feedId, tick } = at;
  const opts = { tick, previousTs: at.previousTs };
  const settle = async (results: readonly (EvaluationResult | null)[]) => {
    const latest = await routeHere(deps, db, results);
    const venue: Parameters<ReturnType<typeof getQueue>['addBulk']>[0] = [];
    for (const r of latest) {
      if (r?.applied) owners.add(r.ownerId);
      // A paper venue's resting orders (limits, partial fills) meet the tick the runtime just saw.
      if (r?.working && r.paper)
        venue.push({ name: DEPLOYMENT_JOBS.venueTick, data: { deploymentId: r.deploymentId, feedId, underlying: tick.underlying, ts: tick.ts }, opts: { ...JOB_OPTS, jobId: jobIdOf('venue', r.deploymentId, tick.ts), priority: TICK_PRIORITY } }); // prettier-ignore
    }
    if (venue.length) await getQueue(QUEUES.orders).addBulk(venue);
  };
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const chunk = ids.slice(next, (next += BATCH));
      const b = await evaluateDeployments(db, chunk, { ...opts, skipLocked: true });
      await settle(b.results);
      // The ones another evaluation held (a command, or the batch of an earlier tick's job still
      // running) once it is done, together.
      const again = await evaluateDeployments(db, b.locked, opts);
      await settle(again.results);
      // A failed step throws here, on its own (the job is retried; the batch is committed).
      for (const f of [...b.failed, ...again.failed])
        await settle([await evaluateDeployment(db, f.deploymentId, opts)]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SHARD_LANES, Math.ceil(ids.length / BATCH)) }, lane)); // prettier-ignore
}

/**
 * After a batch's evaluation: the paper rows its transaction could not fill (a venue that failed,
 * or more rounds of re-entries than `fillAtDecision` takes) are sent to the paper venue here, in
 * one transaction for the batch, and the fills are applied in one more evaluation of the
 * deployments that got them, for a few rounds. Live orders, and anything still decided after the
 * last round, go through the router's jobs as always. Should a round fail, its rows are still
 * pending in the outbox: their route jobs are queued (and the sweep finds any a crash left).
 * Returns each deployment's newest result.
 */
async function routeHere(
  deps: LiveFlowDeps,
  db: Db,
  results: readonly (EvaluationResult | null)[],
): Promise<EvaluationResult[]> {
  let round = results.filter((r): r is EvaluationResult => !!r);
  const newest = new Map(round.map((r) => [r.deploymentId, r]));
  for (let pass = 1; ; pass++) {
    const paper = new Set(pass > ROUTE_ROUNDS ? [] : round.filter((r) => r.paper && r.outbox.length > 0).map((r) => r.deploymentId)); // prettier-ignore
    // The paper orders go to the venue first, the updates and alerts beside them: a fill does not
    // wait for Redis.
    const routing = paper.size ? routePaperDeployments(db, [...paper]) : Promise.resolve([]);
    routing.catch(() => {}); // awaited below, after the updates
    await afterEvaluations(deps, round, paper);
    if (paper.size === 0) break;
    let filled: string[];
    try {
      filled = (await routing).filter((r) => r.reports > 0).map((r) => r.deploymentId);
    } catch {
      await afterEvaluations(
        deps,
        round.filter((r) => paper.has(r.deploymentId)),
      ); // their route jobs
      break;
    }
    if (filled.length === 0) break;
    const again = await evaluateDeployments(db, filled, { skipLocked: true }).catch(() => null);
    // Reports another evaluation holds the deployment for, or whose step failed: its own job.
    const missed = again ? [...again.locked, ...again.failed.map((f) => f.deploymentId)] : filled;
    for (const id of missed) await nudgeDeployment(id, `routed|${Date.now()}`);
    if (!again) break;
    for (const r of again.results)
      newest.set(r.deploymentId, { ...r, applied: r.applied + (newest.get(r.deploymentId)?.applied ?? 0) }); // prettier-ignore
    round = again.results;
  }
  return [...newest.values()];
}

/**
 * Evaluate jobs a tick fans out to per underlying: one per shard queue (two), so that two worker
 * processes share an underlying's deployments while each job still evaluates them in batches of a
 * hundred.
 */
export const DEFAULT_SHARDS = SHARD_QUEUES;

/** Rounds of paper orders a tick's evaluation sends itself: an exit, the re-entry its fill decides, and one more. */
const ROUTE_ROUNDS = 3;

/**
 * Deployments evaluated in one transaction, and batches of a shard in flight at once. A batch
 * holds its deployments' locks until it commits, so it is kept small enough that a command on one
 * of them waits a fraction of a second at most (on PGlite, every other query waits for it too):
 * 100 of the bench's deployments take about 0.1 s of CPU. Each batch and each evaluate job costs a
 * fixed number of queries, so fewer, larger ones cost less: at 1,000 deployments a tick cost
 * 1.8 s of worker and database CPU with 25 a batch and 4 shards, 1.3 s with 100 and 2, 1.1 s with
 * 100 and 1 (bench/live's probe).
 */
const BATCH = 100;
const SHARD_LANES = 2;

/**
 * Every minute: a clock input for deployments on real-time feeds (exit times, stale feeds, order
 * timeouts), and a reconciliation with the broker for every live deployment.
 */
export async function liveClock(deps: LiveFlowDeps): Promise<number> {
  const db = await deps.db();
  const rows = await db
    .select({
      id: deployments.id,
      feed: deployments.feed,
      underlyings: deployments.underlyings,
      mode: deployments.mode,
    }) // prettier-ignore
    .from(deployments)
    .where(inArray(deployments.status, ['running', 'paused']));
  const now = (deps.now ?? Date.now)();
  let n = 0;
  // A live deployment needs the order-update loop (Redis may have lost its scheduler).
  if (await liveWorkRemains(db)) await ensureLiveOrdersLoop();
  for (const r of rows) {
    if (r.mode === 'live')
      await getQueue(QUEUES.orders).add(DEPLOYMENT_JOBS.reconcile, { deploymentId: r.id }, { ...JOB_OPTS, attempts: 1, jobId: jobIdOf('rec', r.id, 'minute', Math.floor(now / 60_000)) }); // prettier-ignore
    const kind = (r.feed as { kind?: string }).kind;
    if (kind !== 'market' && kind !== 'broker') continue;
    const tz = getInstrument(r.underlyings[0]).timezone;
    const id = await enqueueInput(db, r.id, { kind: 'clock', ts: formatTimestamp(Math.floor(now / 1000) * 1000, tz) }); // prettier-ignore
    await nudgeDeployment(r.id, id);
    n++;
  }
  return n;
}

/**
 * Converges after crashes: outbox rows not sent within `staleMs` get their router job again, and
 * inboxes with unapplied inputs get an evaluation (the jobs may have been lost with Redis).
 */
export async function sweep(
  deps: LiveFlowDeps,
  staleMs = 5_000,
): Promise<{ routes: number; inboxes: number }> {
  // prettier-ignore
  const db = await deps.db();
  const cutoff = new Date((deps.now ?? Date.now)() - staleMs);
  const unsent = await db
    .select({ id: orderIntents.id })
    .from(orderIntents)
    .where(
      and(inArray(orderIntents.status, ['pending', 'sending']), lt(orderIntents.createdAt, cutoff)),
    );
  for (const { id } of unsent)
    await getQueue(QUEUES.orders).add(DEPLOYMENT_JOBS.route, { intentId: id }, { ...JOB_OPTS, jobId: jobIdOf('route', id, 'sweep', Math.floor(Date.now() / staleMs)) }); // prettier-ignore
  const waiting = await db
    .selectDistinct({ id: deploymentInputs.deploymentId })
    .from(deploymentInputs)
    .where(and(isNull(deploymentInputs.appliedAt), lt(deploymentInputs.createdAt, cutoff)));
  for (const { id } of waiting)
    await nudgeDeployment(id, `sweep|${Math.floor(Date.now() / staleMs)}`);
  return { routes: unsent.length, inboxes: waiting.length };
}

/** The processor of the `deployments` and `inbox` queues. */
export function deploymentsProcessor(deps: LiveFlowDeps) {
  return async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case DEPLOYMENT_JOBS.feedTick:
        return feedTick(deps, FeedTickJobSchema.parse(job.data).feedId);
      case DEPLOYMENT_JOBS.evaluate:
        return evaluateShard(deps, EvaluateJobSchema.parse(job.data));
      case DEPLOYMENT_JOBS.evaluateDeployment: {
        const { deploymentId } = DeploymentJobSchema.parse(job.data);
        const db = await deps.db();
        const r = await evaluateDeployment(db, deploymentId);
        await afterEvaluation(deps, r);
        // A fill or a command moves the book as much as a tick does.
        if (r?.applied) await checkLimits(deps, db, [r.ownerId]);
        return r?.applied ?? 0;
      }
      case DEPLOYMENT_JOBS.portfolioLimits: {
        const { ownerId } = PortfolioLimitsJobSchema.parse(job.data);
        await checkLimits(deps, await deps.db(), [ownerId]);
        return 'checked';
      }
      case DEPLOYMENT_JOBS.clock:
        return liveClock(deps);
      case DEPLOYMENT_JOBS.sweep:
        return sweep(deps);
      default:
        throw new Error(`unknown deployments job "${job.name}"`);
    }
  };
}

/** The processor of the `orders` queue (the order router). */
export function ordersProcessor(deps: LiveFlowDeps) {
  return async (job: Job): Promise<unknown> => {
    const db = await deps.db();
    switch (job.name) {
      case DEPLOYMENT_JOBS.route: {
        const r = await routeIntent(db, RouteJobSchema.parse(job.data).intentId, deps.liveBrokers);
        if (r.kind === 'sent') await nudge(r.deploymentId);
        return r.kind;
      }
      case DEPLOYMENT_JOBS.venueTick: {
        const j = VenueTickJobSchema.parse(job.data);
        const s = await snapshotAt(db, j.feedId, j.underlying, j.ts);
        const n = s ? await paperVenueTick(db, j.deploymentId, s) : 0;
        if (n > 0) await nudge(j.deploymentId);
        return n;
      }
      case DEPLOYMENT_JOBS.liveOrders: {
        if (!deps.liveBrokers) return 0;
        const r = await pollLiveOrders(db, deps.liveBrokers);
        for (const id of r.touched) await nudge(id);
        if (r.idle) {
          await stopLiveOrdersLoop();
          // A live order routed meanwhile started the loop again before its row was seen here.
          if (await liveWorkRemains(db)) await ensureLiveOrdersLoop();
        }
        return r.touched.length;
      }
      case DEPLOYMENT_JOBS.reconcile: {
        if (!deps.liveBrokers) return 'no live brokers in this worker';
        const { deploymentId } = DeploymentJobSchema.parse(job.data);
        const r = await reconcileDeployment(db, deps.liveBrokers, deploymentId, (deps.now ?? Date.now)()); // prettier-ignore
        if (r.kind === 'checked') for (const id of r.touched) await nudge(id);
        return r.kind === 'skipped' ? r.why : r.kind;
      }
      default:
        throw new Error(`unknown orders job "${job.name}"`);
    }
  };
}

async function nudge(deploymentId: string): Promise<void> {
  await nudgeDeployment(deploymentId, `${Date.now()}|${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * Schedules the feeds of running and paused deployments (idempotent): at start, and after a Redis
 * that lost its data came back, since a feed's scheduler lives only in Redis.
 */
export async function rearmFeeds(deps: LiveFlowDeps): Promise<number> {
  const db = await deps.db();
  const rows = await db
    .selectDistinctOn([deployments.feedId], { feedId: deployments.feedId, feed: deployments.feed })
    .from(deployments)
    .where(inArray(deployments.status, ['running', 'paused']));
  let n = 0;
  for (const r of rows) {
    const spec = FeedSpecSchema.safeParse(r.feed);
    const every = spec.success ? tickEveryMs(spec.data) : null;
    if (every === null) continue;
    await scheduleFeed(r.feedId, every);
    n++;
  }
  return n;
}

/** Schedules the minute clock and the sweep (idempotent; every worker process may call it). */
export async function scheduleLiveFlow(): Promise<void> {
  const q = getQueue(QUEUES.deployments);
  await q.upsertJobScheduler('live-clock', { every: 60_000 }, { name: DEPLOYMENT_JOBS.clock, data: {}, opts: { removeOnComplete: 10, removeOnFail: 10 } }); // prettier-ignore
  await q.upsertJobScheduler('live-sweep', { every: 10_000 }, { name: DEPLOYMENT_JOBS.sweep, data: {}, opts: { removeOnComplete: 10, removeOnFail: 10 } }); // prettier-ignore
  // Live brokers' order updates: the first round stops the loop again when nothing is live.
  await ensureLiveOrdersLoop();
}

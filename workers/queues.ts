/**
 * Every BullMQ queue the app uses, by name, and the one place Redis connections are built.
 * Producers (the web app) fail fast when Redis is away; workers wait for it to come back.
 */
import { RightSchema } from '@/engine/market/snapshot';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { env } from '@/db/env';

/** Queue names. Payloads carry ids only; processors reload what they need from the database. */
export const QUEUES = {
  /** Housekeeping jobs, including the heartbeat workers answer so health can see them. */
  system: 'strikeflow-system',
  /** Backtest runs: one job per backtest, jobId = the backtest id, payload `{ backtestId }`. */
  backtests: 'strikeflow-backtests',
  /** Broker account checks and Kite logins: payload `{ accountId }`, the worker reloads the row. */
  brokers: 'strikeflow-brokers',
  /** The live flow's evaluations: feed ticks, a deployment's inbox, clocks (workers/deployments). */
  deployments: 'strikeflow-deployments',
  /**
   * A deployment's inbox (a trader's command, broker reports, a clock): served by workers of its
   * own, so a square-off or a kill never waits behind a backlog of tick evaluations.
   */
  inbox: 'strikeflow-inbox',
  /** The order router: one job per outbox row, jobId = the order (or cancel) id. */
  orders: 'strikeflow-orders',
  /**
   * Pure computations of the worker fleet, children of a backtest's or a sweep's job: a day range
   * of a split backtest, a sweep combination (workers/backtests/fleet.ts). They carry their input
   * and give back their result, so a compute-only process needs Redis and no database.
   */
  compute: 'strikeflow-compute',
  /** Alert messages (Telegram, webhooks): one job per notification, jobId = `alert|<id>`. */
  alerts: 'strikeflow-alerts',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES] | ShardQueueName;

/**
 * Queues of tick evaluations, one per shard: the evaluate jobs of shard k (of however many a
 * publisher fans out to) go to queue k % SHARD_QUEUES. Each is served by one worker process at a
 * time, the holder of its lease (workers/deployments/shard-lease.ts), so a shard's deployments
 * are evaluated where their states are held decoded. With one shared queue, a shard's jobs went
 * to whichever process was free, and half of the evaluations found the other process had written
 * the state since (bench/live, 2 processes: 48-51 %): the state read again as text and decoded,
 * the closed legs read again, the dry run thrown away.
 */
export const SHARD_QUEUES = 2;
export type ShardQueueName = `${typeof QUEUES.deployments}-shard-${number}`;
export const shardQueueName = (shard: number): ShardQueueName =>
  `${QUEUES.deployments}-shard-${shard % SHARD_QUEUES}`;
export const SHARD_QUEUE_NAMES: readonly ShardQueueName[] = Array.from({ length: SHARD_QUEUES }, (_, q) => shardQueueName(q)); // prettier-ignore

/** The backtests queue's one job: its payload is the backtest id; the worker reloads the rest. */
export const BACKTEST_JOB = 'run-backtest';
export const BacktestJobSchema = z.strictObject({ backtestId: z.uuid() });
export type BacktestJob = z.infer<typeof BacktestJobSchema>;

/**
 * Jobs of the live flow. Payloads carry ids and times only; processors reload the rest.
 * - feed-tick: a feed publishes its snapshot of now (scheduled per feed while deployments use it)
 * - evaluate: the newest tick of (feed, underlying) for one shard of its deployments
 * - evaluate-deployment: one deployment's inbox (a command, broker reports, a clock; queue `inbox`)
 * - route: one outbox row to the broker (queue `orders`, jobId = the row's id)
 * - venue-tick: a paper venue's resting orders meet the newest tick (queue `orders`)
 * - live-clock / sweep: the scheduler's minute clock and its crash sweep
 * - live-orders: live brokers' order updates into their deployments' inboxes (queue `orders`, every second)
 * - reconcile: one live deployment's positions and orders against its broker (queue `orders`)
 */
export const DEPLOYMENT_JOBS = {
  feedTick: 'feed-tick',
  evaluate: 'evaluate',
  evaluateDeployment: 'evaluate-deployment',
  route: 'route',
  venueTick: 'venue-tick',
  clock: 'live-clock',
  sweep: 'live-sweep',
  portfolioLimits: 'portfolio-limits',
  liveOrders: 'live-orders',
  reconcile: 'reconcile',
} as const;

export const FeedTickJobSchema = z.strictObject({ feedId: z.string().min(1).max(200) });
/** Ticks one due job takes at most (a publication with more has more due jobs). */
export const DUE_TICKS_MAX = 64;
export const EvaluateJobSchema = z.strictObject({
  feedId: z.string().min(1).max(200),
  underlying: z.string().min(1).max(40),
  ts: z.string().min(10).max(40),
  shard: z.int().min(0),
  shards: z.int().min(1),
  /** Only the deployments this tick makes trade (evaluated first); absent: all of the shard's. */
  due: z.boolean().optional(),
  /**
   * A due job's ticks when a publication had more than one (the fields above are its first): one
   * job finds the trades of them all, those each tick is likely to move first (`evaluateDue`).
   */
  ticks: z
    .array(
      z.strictObject({
        feedId: z.string().min(1).max(200),
        underlying: z.string().min(1).max(40),
        ts: z.string().min(10).max(40),
      }),
    )
    .min(1)
    .max(DUE_TICKS_MAX)
    .optional(),
});
export const DeploymentJobSchema = z.strictObject({ deploymentId: z.uuid() });
export const PortfolioLimitsJobSchema = z.strictObject({ ownerId: z.string().min(1).max(200) });
export const RouteJobSchema = z.strictObject({ intentId: z.string().min(1).max(120) });
export const VenueTickJobSchema = z.strictObject({
  deploymentId: z.uuid(),
  feedId: z.string().min(1).max(200),
  underlying: z.string().min(1).max(40),
  ts: z.string().min(10).max(40),
});

/** A BullMQ job id from parts: BullMQ refuses ':' in custom ids (order ids and times have them). */
export const jobIdOf = (...parts: (string | number)[]) =>
  parts.map((p) => String(p).replaceAll(':', '.')).join('|');

/** Jobs of the alerts queue: send one notification to the owner's channels; the sweep. */
export const ALERT_JOBS = { deliver: 'deliver-alert', sweep: 'alert-sweep' } as const;
export const AlertJobSchema = z.strictObject({ notificationId: z.int().positive() });
/** Attempts of a delivery job (Telegram's 429s and a webhook's 5xx are retried with backoff). */
export const ALERT_ATTEMPTS = 6;

/** A notification to deliver: its row's id, and its key (`<deployment id>:<seq>`, `test:<uuid>`). */
export type AlertRef = { id: number; key: string };

/**
 * Queues the messages of notifications, in one Redis round trip however many (a busy tick raises
 * hundreds). Idempotent: one job per notification, named by its key. Not by its id: that is a
 * serial of its database, so two databases behind one Redis (a data folder started afresh, each
 * app of the e2e suite) reuse it, and BullMQ drops a job whose id it still holds as done. The key
 * carries a UUID.
 */
export async function enqueueAlerts(refs: readonly AlertRef[]): Promise<void> {
  if (refs.length === 0) return;
  await getQueue(QUEUES.alerts).addBulk(
    refs.map((n) => ({
      name: ALERT_JOBS.deliver,
      data: { notificationId: n.id },
      opts: { jobId: jobIdOf('alert', n.key), attempts: ALERT_ATTEMPTS, backoff: { type: 'alert' }, removeOnComplete: 1000, removeOnFail: 1000 }, // prettier-ignore
    })),
  );
}

/** Redis channel telling a user's pages that a notification arrived (the header's bell). */
export const notifyChannel = (userId: string) => `strikeflow:notify:${userId}`;

/** Redis channel of one deployment's updates (P&L, events), relayed to its page over SSE. */
export const deploymentChannel = (id: string) => `strikeflow:deployment:${id}`;

/** Checks a trader's portfolio limits now (they were just changed), not only after the next tick. */
export async function checkPortfolioLimits(ownerId: string): Promise<void> {
  await getQueue(QUEUES.deployments).add(
    DEPLOYMENT_JOBS.portfolioLimits,
    { ownerId },
    { removeOnComplete: 1000, removeOnFail: 1000, attempts: 3, backoff: { type: 'exponential', delay: 200 } }, // prettier-ignore
  );
}

/** Asks the workers to apply a deployment's inbox now (a command, a report); `key` makes the job id. */
export async function nudgeDeployment(deploymentId: string, key: string | number): Promise<void> {
  await getQueue(QUEUES.inbox).add(
    DEPLOYMENT_JOBS.evaluateDeployment,
    { deploymentId },
    { jobId: jobIdOf('evd', deploymentId, key), removeOnComplete: 1000, removeOnFail: 1000, attempts: 10, backoff: { type: 'exponential', delay: 200 } }, // prettier-ignore
  );
}

/**
 * BullMQ serves a queue's jobs without a priority before any prioritized one: jobs that follow the
 * ticks carry this, so that what trades never waits behind them. A paper venue meeting a tick
 * waits behind routing; the evaluation of a tick's whole shard waits behind the evaluations of
 * the deployments the tick makes trade, on every underlying.
 */
export const TICK_PRIORITY = 10;

/**
 * Asks the workers to reconcile a live deployment with its broker now (at its start; the minute
 * clock does it every minute after).
 */
export async function requestReconciliation(deploymentId: string, at = Date.now()): Promise<void> {
  await getQueue(QUEUES.orders).add(
    DEPLOYMENT_JOBS.reconcile,
    { deploymentId },
    { jobId: jobIdOf('rec', deploymentId, Math.floor(at / 1000)), removeOnComplete: 1000, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } }, // prettier-ignore
  );
}

/** How often live brokers' order updates are collected (a fill reaches the runtime within about this). */
export const LIVE_ORDERS_EVERY_MS = 1_000;
const LIVE_ORDERS_SCHEDULER = 'live-orders';

/**
 * Runs the live order-update loop while live deployments exist (idempotent): started with a live
 * deployment and by the minute clock, it stops itself when no live deployment is left, so an app
 * that trades only on paper does no work for it.
 */
export async function ensureLiveOrdersLoop(): Promise<void> {
  await getQueue(QUEUES.orders).upsertJobScheduler(
    LIVE_ORDERS_SCHEDULER,
    { every: LIVE_ORDERS_EVERY_MS },
    { name: DEPLOYMENT_JOBS.liveOrders, data: {}, opts: { removeOnComplete: 10, removeOnFail: 10 } }, // prettier-ignore
  );
}

export async function stopLiveOrdersLoop(): Promise<void> {
  await getQueue(QUEUES.orders).removeJobScheduler(LIVE_ORDERS_SCHEDULER);
}

/** Keeps a feed ticking every `everyMs` while deployments use it (idempotent). */
export async function scheduleFeed(feedId: string, everyMs: number): Promise<void> {
  await getQueue(QUEUES.deployments).upsertJobScheduler(
    `feed|${feedId}`,
    { every: everyMs },
    { name: DEPLOYMENT_JOBS.feedTick, data: { feedId }, opts: { removeOnComplete: 50, removeOnFail: 50 } }, // prettier-ignore
  );
}

export async function unscheduleFeed(feedId: string): Promise<void> {
  await getQueue(QUEUES.deployments).removeJobScheduler(`feed|${feedId}`);
}

/**
 * What a backtest's live progress bar hears: the row's status and progress as they change,
 * published by the worker running it (and by the sweep that settles runs whose job is gone).
 */
export type BacktestProgressMessage = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  error: string | null;
};

export const backtestChannel = (id: string) => `strikeflow:backtest:${id}`;

export async function publishBacktestProgress(
  redis: Redis,
  m: BacktestProgressMessage,
): Promise<void> {
  await redis.publish(backtestChannel(m.id), JSON.stringify(m));
}

/**
 * Puts a backtest's job on the queue (idempotent: the job id is the backtest id). `priority` is
 * the owner's count of unfinished backtests, so a user with many waiting never starves another
 * user's first (BullMQ serves lower numbers first; 0 would jump every queue).
 */
export async function enqueueBacktest(
  queue: Queue,
  backtestId: string,
  priority: number,
): Promise<void> {
  await queue.add(
    BACKTEST_JOB,
    { backtestId },
    {
      jobId: backtestId,
      priority: Math.min(Math.max(1, Math.round(priority)), 2_000_000),
      removeOnComplete: 1000,
      removeOnFail: 1000,
      attempts: 2,
      backoff: { type: 'fixed', delay: 5_000 },
    },
  );
}
/** A parameter sweep's job on the backtests queue: jobId = the sweep id; its combinations run on the compute queue. */
export const SWEEP_JOB = 'run-sweep';
export const SweepJobSchema = z.strictObject({ sweepId: z.uuid() });

export async function enqueueSweep(queue: Queue, sweepId: string): Promise<void> {
  await queue.add(
    SWEEP_JOB,
    { sweepId },
    { jobId: sweepId, priority: 1, removeOnComplete: 1000, removeOnFail: 1000, attempts: 2, backoff: { type: 'fixed', delay: 5_000 } }, // prettier-ignore
  );
}

/** Checks a broker account against its broker (and finishes a Kite login when a request token waits). */
export const BROKER_CHECK_JOB = 'check-broker-account';
export const BrokerCheckJobSchema = z.strictObject({ accountId: z.uuid() });
export type BrokerCheckJob = z.infer<typeof BrokerCheckJobSchema>;
export const BrokerCheckResultSchema = z.object({
  status: z.enum(['connected', 'login_required', 'error']),
  message: z.string(),
});
export type BrokerCheckResult = z.infer<typeof BrokerCheckResultSchema>;

/**
 * Kite's basket margin for a position's opening orders (brokers queue). The payload names the
 * contracts, never a tradingsymbol or a secret: the worker finds the symbols in the day's
 * instrument dump the way the Kite adapter does, so the margin is asked for what would be traded.
 */
export const BASKET_MARGIN_JOB = 'basket-margin';
export const MAX_BASKET_LEGS = 20;
const basketLegFields = {
  expiry: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  side: z.enum(['BUY', 'SELL']),
  /** Units (lots × lot size), as Kite takes quantity. */
  qty: z.int().positive().max(10_000_000),
};
/** An option leg names its strike and right; a future names neither (both null). */
export const BasketMarginLegSchema = z.discriminatedUnion('instrument', [
  z.strictObject({
    ...basketLegFields,
    instrument: z.literal('option'),
    strike: z.number().positive().max(10_000_000),
    right: RightSchema,
  }),
  z.strictObject({
    ...basketLegFields,
    instrument: z.literal('future'),
    strike: z.null(),
    right: z.null(),
  }),
]);
export type BasketMarginLeg = z.infer<typeof BasketMarginLegSchema>;
export const BasketMarginJobSchema = z.strictObject({
  accountId: z.uuid(),
  underlying: z.string().min(1).max(30),
  product: z.enum(['NRML', 'MIS']),
  legs: z.array(BasketMarginLegSchema).min(1).max(MAX_BASKET_LEGS),
});
export type BasketMarginJob = z.infer<typeof BasketMarginJobSchema>;
/** Kite's figures (rupees) or why there are none; never a credential. */
export const BasketMarginResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    /** The orders margined one by one (Kite's `initial.total`). */
    required: z.number(),
    /** After hedge benefit and premium (Kite's `final.total`): what the account must hold. */
    final: z.number(),
    charges: z.number(),
    components: z.array(z.strictObject({ label: z.string(), amount: z.number() })),
    notes: z.array(z.string()),
    orders: z.array(
      z.strictObject({
        tradingsymbol: z.string(),
        side: z.enum(['BUY', 'SELL']),
        quantity: z.number(),
        total: z.number(),
      }),
    ),
  }),
  z.strictObject({
    ok: z.literal(false),
    kind: z.enum(['login', 'refused', 'instrument', 'unavailable', 'unsupported']),
    message: z.string(),
  }),
]);
export type BasketMarginResult = z.infer<typeof BasketMarginResultSchema>;

/**
 * Adds a job and waits for a worker's answer (for requests a person waits on, like "Test
 * connection"); rejects after `timeoutMs` with a message saying no worker answered.
 */
export async function runJob(
  name: QueueName,
  job: string,
  data: Record<string, unknown>,
  timeoutMs: number,
): Promise<unknown> {
  const queue = getQueue(name);
  // QueueEvents blocks on Redis streams: it needs a connection without a command timeout.
  const events = new QueueEvents(name, { connection: createConnection('worker') });
  events.on('error', () => {});
  try {
    await events.waitUntilReady();
    const added = await queue.add(job, data, { removeOnComplete: 100, removeOnFail: 100 });
    return await added.waitUntilFinished(events, timeoutMs);
  } catch (e) {
    if (/timed out|timeout/i.test((e as Error).message))
      throw new Error(
        `no worker finished the ${job} job within ${Math.round(timeoutMs / 1000)} s; are the workers running?`,
      );
    throw e;
  } finally {
    await events.close();
  }
}

/**
 * Redis pub/sub channel on which the web app relays "this order changed" hints from brokers
 * (Kite postbacks, verified by their checksum) to the live broker of that account:
 * messages are JSON `{ accountId, venueOrderId }`, never anything secret.
 */
export const BROKER_CHANGES_CHANNEL = 'strikeflow:broker-changes';
export const BrokerChangeSchema = z.strictObject({
  accountId: z.uuid(),
  venueOrderId: z.string().min(1).max(64),
});

/** Sorted set of worker id -> time of its last heartbeat answer (workers/heartbeat.ts writes it). */
export const HEARTBEAT_KEY = 'strikeflow:workers:heartbeats';

export type WorkersState = { ok: true; lastBeatMs: number } | { ok: false; reason: string };

/** Workers count as alive when one answered within three heartbeat intervals. */
export async function workersState(
  redis: Redis,
  intervalMs: number,
  now = Date.now(),
): Promise<WorkersState> {
  const latest = await redis.zrevrange(HEARTBEAT_KEY, 0, 0, 'WITHSCORES');
  if (latest.length < 2)
    return {
      ok: false,
      reason: 'no worker has answered the heartbeat yet (start them with `npm run workers`)',
    };
  const last = Number(latest[1]);
  const age = now - last;
  if (age > 3 * intervalMs)
    return {
      ok: false,
      reason: `no worker has answered the heartbeat for ${Math.round(age / 1000)} s`,
    };
  return { ok: true, lastBeatMs: last };
}

/** What health says about this process's private redis-server while it is not answering. */
export type RedisSupervision = {
  state: 'running' | 'restarting' | 'stopped';
  restarts: number;
  lastExit: string | null;
  nextAttemptAt: number | null;
};

// On globalThis: the launcher's copy of this module supervises, Next's copy reads it for health.
const supervision = globalThis as unknown as { __strikeflowRedisSupervision?: RedisSupervision };

/** The supervisor's view of this process's private redis-server, or null when it has none. */
export function privateRedisSupervision(): RedisSupervision | null {
  return supervision.__strikeflowRedisSupervision ?? null;
}

export function setPrivateRedisSupervision(state: RedisSupervision): void {
  supervision.__strikeflowRedisSupervision = state;
}

export function redisUrl(): string {
  const url = env().REDIS_URL ?? process.env.REDIS_URL;
  if (!url)
    throw new Error(
      'REDIS_URL is not set: start the app with `npm start`, which runs a private redis-server, or set REDIS_URL',
    );
  return url;
}

/**
 * role 'worker': blocking commands, retries forever (BullMQ requires maxRetriesPerRequest null).
 * role 'client': commands fail after a short wait so a request or health check never hangs.
 */
export function createConnection(role: 'worker' | 'client', url = redisUrl()): Redis {
  const common: RedisOptions = {
    connectTimeout: 5_000,
    connectionName: `strikeflow-${role}-${process.pid}`,
  };
  const opts: RedisOptions =
    role === 'worker'
      ? { ...common, maxRetriesPerRequest: null, enableReadyCheck: true }
      : {
          ...common,
          maxRetriesPerRequest: 1,
          commandTimeout: 3_000,
          retryStrategy: (n) => Math.min(n * 200, 2_000),
        };
  const conn = new Redis(url, opts);
  // ioredis reports every failed reconnect as an 'error' event; callers see failures on commands.
  conn.on('error', () => {});
  return conn;
}

type Shared = {
  __strikeflowQueues?: { url: string; connection: Redis; queues: Map<QueueName, Queue> };
};
const shared = globalThis as unknown as Shared;

function producers() {
  const url = redisUrl();
  if (!shared.__strikeflowQueues || shared.__strikeflowQueues.url !== url) {
    shared.__strikeflowQueues = {
      url,
      connection: createConnection('client', url),
      queues: new Map(),
    };
  }
  return shared.__strikeflowQueues;
}

/** The process's producer for a queue (one Queue object per name, one Redis connection for all). */
export function getQueue(name: QueueName): Queue {
  const p = producers();
  let q = p.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: p.connection });
    q.on('error', () => {});
    p.queues.set(name, q);
  }
  return q;
}

/** The shared client connection, for reads such as health checks. */
export function getRedis(): Redis {
  return producers().connection;
}

type Watchers = {
  url: string;
  subscriber: Redis;
  listeners: Map<string, Set<(m: BacktestProgressMessage) => void>>;
};
const watching = globalThis as unknown as { __strikeflowWatchers?: Watchers };

function watchers(): Watchers {
  const url = redisUrl();
  let w = watching.__strikeflowWatchers;
  if (!w || w.url !== url) {
    // A subscribed connection serves nothing else; ioredis subscribes again after a reconnect.
    const subscriber = new Redis(url, {
      connectTimeout: 5_000,
      maxRetriesPerRequest: null,
      connectionName: `strikeflow-progress-${process.pid}`,
      retryStrategy: (n) => Math.min(n * 200, 2_000),
    });
    subscriber.on('error', () => {});
    const listeners = new Map<string, Set<(m: BacktestProgressMessage) => void>>();
    subscriber.on('message', (channel: string, text: string) => {
      let m: BacktestProgressMessage;
      try {
        m = JSON.parse(text) as BacktestProgressMessage;
      } catch {
        return;
      }
      for (const l of listeners.get(channel) ?? []) l(m);
    });
    w = { url, subscriber, listeners };
    watching.__strikeflowWatchers = w;
  }
  return w;
}

/**
 * Calls `listener` with every progress message of one backtest until the returned function is
 * called. One subscriber connection per process serves every open progress stream.
 */
export function watchBacktest(
  id: string,
  listener: (m: BacktestProgressMessage) => void,
): () => void {
  const w = watchers();
  const channel = backtestChannel(id);
  let set = w.listeners.get(channel);
  if (!set) {
    set = new Set();
    w.listeners.set(channel, set);
    w.subscriber.subscribe(channel).catch(() => {});
  }
  set.add(listener);
  return () => {
    const s = w.listeners.get(channel);
    if (!s) return;
    s.delete(listener);
    if (s.size === 0) {
      w.listeners.delete(channel);
      w.subscriber.unsubscribe(channel).catch(() => {});
    }
  };
}

export async function closeQueues(): Promise<void> {
  const p = shared.__strikeflowQueues;
  shared.__strikeflowQueues = undefined;
  const w = watching.__strikeflowWatchers;
  watching.__strikeflowWatchers = undefined;
  w?.subscriber.disconnect();
  if (!p) return;
  await Promise.all([...p.queues.values()].map((q) => q.close()));
  p.connection.disconnect();
}

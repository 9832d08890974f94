/**
 * Starts the BullMQ workers of this process (inside the app in the embedded default, or in
 * `npm run workers` processes when DATABASE_URL is set) and drains them on shutdown.
 */
import { FlowProducer, Queue, Worker, type Job, type Processor } from 'bullmq';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { HEARTBEAT_JOB, answerHeartbeat, scheduleHeartbeat } from './heartbeat';
import {
  ALERT_JOBS,
  QUEUES,
  SHARD_QUEUES,
  createConnection,
  shardQueueName,
  getQueue,
  publishBacktestProgress,
  redisUrl,
  type QueueName,
} from './queues';
import { getDb, type Db } from '@/db/client';
import { backtestProcessor, computeProcessor } from './backtests';
import { SWEEP_JOB, SWEEP_SCHEDULER, sweepBacktests } from './backtests/sweep';
import { settleLostSweeps } from './backtests/parameter-sweep';
import { brokerAccountProcessor } from './brokers/accounts';
import {
  deploymentsProcessor,
  ordersProcessor,
  rearmFeeds,
  scheduleLiveFlow,
  type LiveFlowDeps,
} from './deployments';
import { liveBrokersOf } from './deployments/live-brokers';
import { holdShardLeases, type ShardLeases } from './deployments/shard-lease';
import { BrokerFeeds, type BrokerFeedsOptions } from './deployments/broker-feeds';
import { alertBackoff, alertsProcessor } from './alerts';
import { sharedDataDir } from '@/datasets/source';

export type RunningWorkers = { close: (opts?: { force?: boolean }) => Promise<void> };

/**
 * A backtest worker renews its job's lock every 5 s from an event loop the backtest never blocks
 * (it computes on a thread); a worker killed mid-run loses the lock within 10 s and the job is
 * started again by the next stalled check, at most twice before it fails for good.
 */
const BACKTEST_WORKER = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 2 };
const SWEEP_EVERY_MS = 30_000;
/**
 * Live-flow jobs are short and idempotent (Postgres decides what was applied and sent), and exits
 * wait on them: a job of a worker that died goes to another within seconds, not BullMQ's default
 * 30 s, and is tried again however often its workers die (each retry repeats a step, never an order).
 */
const LIVE_WORKER = { lockDuration: 4_000, stalledInterval: 2_000, maxStalledCount: 20 };

export async function startWorkers(
  opts: {
    url?: string;
    heartbeatMs?: number;
    concurrency?: number;
    /** Sweep unfinished backtests at start and every `sweepMs` (off in tests without a database). */
    sweep?: boolean;
    sweepMs?: number;
    db?: () => Promise<Db>;
    /** More queues to serve, by queue name (tests, and later issues until they join the list). */
    extra?: Record<string, Processor>;
    /**
     * Serve only the compute queue (day ranges of backtests, sweep combinations): a process that
     * needs Redis and no database, started with `npm run workers -- --compute-only`.
     */
    computeOnly?: boolean;
    /** How the broker market-data streams of this process behave (tests tune cadence and dates). */
    brokerFeeds?: BrokerFeedsOptions;
    /** The live flow's clock (a test on a fake exchange runs on the exchange's time). */
    now?: () => number;
  } = {},
): Promise<RunningWorkers> {
  const url = opts.url ?? redisUrl();
  const e = env();
  const heartbeatMs = opts.heartbeatMs ?? e.HEARTBEAT_INTERVAL_MS;
  const concurrency = opts.concurrency ?? e.WORKER_CONCURRENCY;
  const client = createConnection('client', url);
  const publish = (m: Parameters<typeof publishBacktestProgress>[1]) =>
    publishBacktestProgress(client, m);
  const backtestQueue = new Queue(QUEUES.backtests, { connection: client });
  backtestQueue.on('error', () => {});
  const computeQueue = new Queue(QUEUES.compute, { connection: client });
  computeQueue.on('error', () => {});
  const flows = new FlowProducer({ connection: client });
  flows.on('error', () => {});
  const compute = computeProcessor({
    dataDir: e.DATA_DIR,
    sharedData: sharedDataDir(),
    redis: client,
    // A compute-only process serves nothing else, so a job runs on its own event loop (yielding
    // every 100 snapshots for lock renewals) instead of paying a fresh thread's start-up (the
    // TypeScript loader and the engine, about a second of CPU) for every day range or combination.
    execution: opts.computeOnly ? 'inline' : e.BACKTEST_EXECUTION,
  });
  const db = opts.db ?? getDb;
  const sweep = async () => {
    const d = await db();
    const settled = await sweepBacktests({ db: d, queue: backtestQueue, dataDir: e.DATA_DIR, publish }); // prettier-ignore
    await settleLostSweeps(d, async (id) => (await backtestQueue.getJob(id))?.getState() ?? 'unknown'); // prettier-ignore
    return settled;
  };
  const brokerFeeds = new BrokerFeeds(opts.brokerFeeds);
  const liveFlow: LiveFlowDeps = { db, redis: client, liveBrokers: liveBrokersOf(), brokerFeeds, ...(opts.now ? { now: opts.now } : {}) }; // prettier-ignore

  const own: Record<QueueName, Processor> = {
    [QUEUES.system]: async (job: Job) => {
      if (job.name === HEARTBEAT_JOB) return answerHeartbeat(client, heartbeatMs);
      if (job.name === SWEEP_JOB) return sweep();
      throw new Error(`unknown system job "${job.name}"`);
    },
    [QUEUES.backtests]: backtestProcessor({
      db,
      dataDir: e.DATA_DIR,
      sharedData: sharedDataDir(),
      publish,
      execution: e.BACKTEST_EXECUTION,
      maxRuntimeMs: e.BACKTEST_MAX_MINUTES * 60_000,
      userConcurrency: e.BACKTEST_USER_CONCURRENCY,
      fleet: { redis: client, flows, queue: computeQueue },
    }),
    [QUEUES.compute]: compute,
    [QUEUES.brokers]: brokerAccountProcessor({ db }),
    [QUEUES.deployments]: deploymentsProcessor(liveFlow),
    [QUEUES.inbox]: deploymentsProcessor(liveFlow),
    [QUEUES.orders]: ordersProcessor(liveFlow),
    [QUEUES.alerts]: alertsProcessor({
      db,
      send: { telegramUrl: e.TELEGRAM_API_URL, allowPrivate: e.ALERT_WEBHOOK_PRIVATE === 'allow' },
    }),
  };
  const processors: Record<string, Processor> = opts.computeOnly
    ? { [QUEUES.compute]: compute }
    : { ...opts.extra, ...own };

  const evaluating = Math.min(concurrency, e.EVALUATE_CONCURRENCY);
  /** `shard`: a shard queue's worker, with the concurrency its lease keeper gives it. */
  const serve = (
    name: string,
    processor: Processor,
    shard: { concurrency: number } | null = null,
  ) => {
    const w = new Worker(name, processor, {
      connection: createConnection('worker', url),
      concurrency: shard ? shard.concurrency : name === QUEUES.deployments ? evaluating : concurrency, // prettier-ignore
      name: `${opts.computeOnly ? 'compute' : 'worker'}-${process.pid}`,
      ...(name === QUEUES.backtests || name === QUEUES.compute ? BACKTEST_WORKER : {}),
      ...(name === QUEUES.deployments || name === QUEUES.inbox || name === QUEUES.orders || shard
        ? LIVE_WORKER
        : {}),
      ...(name === QUEUES.alerts ? { settings: { backoffStrategy: alertBackoff } } : {}),
    });
    w.on('failed', (job, err) =>
      logger.error({ queue: name, job: job?.name, id: job?.id, err }, 'job failed'),
    );
    // ioredis reports every failed reconnect: one warning per outage, not one per retry.
    let warned = false;
    w.on('error', (err) => {
      if (warned) return;
      warned = true;
      logger.warn({ queue: name, err: err.message }, 'worker connection problem');
    });
    w.on('ready', () => (warned = false));
    return w;
  };
  const workers = Object.entries(processors).map(([name, processor]) => serve(name, processor));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // The shard queues of tick evaluations: a worker for each one whose lease this process holds.
  const leases: ShardLeases | null = opts.computeOnly ? null : holdShardLeases(client, SHARD_QUEUES, (q, n) => serve(shardQueueName(q), own[QUEUES.deployments], { concurrency: n }), { concurrency: evaluating }); // prettier-ignore
  const scheduler = new Queue(QUEUES.system, { connection: client });
  scheduler.on('error', () => {});
  // A compute-only process serves backtest day ranges and arms nothing.
  const arm = async () => {
    if (opts.computeOnly) return;
    await scheduleHeartbeat(scheduler, heartbeatMs);
    await scheduleLiveFlow();
    // Feeds live in the database (absent in tests of the queues alone, which turn the sweep off).
    if (opts.sweep !== false)
      await rearmFeeds(liveFlow).catch((err: unknown) => logger.warn({ err }, 'could not arm the feeds of running deployments')); // prettier-ignore
    await getQueue(QUEUES.alerts)
      .upsertJobScheduler(
        'alert-sweep',
        { every: 30_000 },
        { name: ALERT_JOBS.sweep, data: {}, opts: { removeOnComplete: 5, removeOnFail: 5 } },
      ) // prettier-ignore
      .catch((err: unknown) => logger.warn({ err }, 'could not schedule the alerts sweep'));
    if (opts.sweep !== false)
      await scheduler.upsertJobScheduler(
        SWEEP_SCHEDULER,
        { every: opts.sweepMs ?? SWEEP_EVERY_MS },
        { name: SWEEP_JOB, data: {}, opts: { removeOnComplete: 5, removeOnFail: 5 } },
      );
  };
  await arm();
  // A Redis that restarted without its data lost every scheduler (heartbeat, sweeps, the feeds of
  // running deployments): they are armed again on each reconnect, or nothing would tick again.
  let closed = false;
  client.on('ready', () => {
    const again = async (attempt: number): Promise<void> => {
      if (closed) return;
      try {
        await arm();
        logger.info('Redis reconnected: schedulers and feeds armed again');
      } catch (err) {
        if (attempt < 30) {
          await new Promise((r) => setTimeout(r, 1_000));
          return again(attempt + 1);
        }
        logger.error({ err }, 'could not arm the schedulers again after Redis reconnected');
      }
    };
    void again(0);
  });
  if (opts.sweep !== false && !opts.computeOnly) {
    // Settle what the last run of the app left behind before serving anyone.
    await sweep().catch((err: unknown) => logger.warn({ err }, 'start-up backtest sweep failed'));
  }
  logger.debug({ queues: Object.keys(processors), concurrency }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    close: (closeOpts = {}) =>
      (closing ??= (async () => {
        closed = true;
        // The leases first: the other processes take this one's shards at once.
        await leases?.close(closeOpts.force);
        // Worker.close() stops taking jobs and waits for the running ones to finish; with Redis
        // gone that wait never ends, so the launcher forces it (the jobs restart elsewhere).
        await Promise.all(workers.map((w) => w.close(closeOpts.force)));
        await brokerFeeds.close().catch(() => {});
        await Promise.all([
          scheduler.close(),
          backtestQueue.close(),
          computeQueue.close(),
          flows.close(),
        ]).catch(() => {});
        client.disconnect();
        logger.debug('workers drained');
      })()),
  };
}

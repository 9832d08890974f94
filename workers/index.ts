/**
 * Starts the BullMQ workers of this process (inside the app in the embedded default, or in
 * `npm run workers` processes when DATABASE_URL is set) and drains them on shutdown.
 */
import { Queue, Worker, type Job, type Processor } from 'bullmq';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { HEARTBEAT_JOB, answerHeartbeat, scheduleHeartbeat } from './heartbeat';
import { QUEUES, createConnection, redisUrl, type QueueName } from './queues';
import { getDb } from '@/db/client';
import { backtestProcessor } from './backtests';
import { brokerAccountProcessor } from './brokers/accounts';
import {
  deploymentsProcessor,
  ordersProcessor,
  scheduleLiveFlow,
  type LiveFlowDeps,
} from './deployments';
import { liveBrokersOf } from './deployments/live-brokers';
import { sharedDataDir } from '@/datasets/source';

export type RunningWorkers = { close: () => Promise<void> };

export async function startWorkers(
  opts: {
    url?: string;
    heartbeatMs?: number;
    concurrency?: number;
    /** More queues to serve, by queue name (tests, and later issues until they join the list). */
    extra?: Record<string, Processor>;
  } = {},
): Promise<RunningWorkers> {
  const url = opts.url ?? redisUrl();
  const heartbeatMs = opts.heartbeatMs ?? env().HEARTBEAT_INTERVAL_MS;
  const concurrency = opts.concurrency ?? env().WORKER_CONCURRENCY;
  const client = createConnection('client', url);
  const liveFlow: LiveFlowDeps = { db: getDb, redis: client, liveBrokers: liveBrokersOf() };

  const own: Record<QueueName, Processor> = {
    [QUEUES.system]: async (job: Job) => {
      if (job.name === HEARTBEAT_JOB) return answerHeartbeat(client, heartbeatMs);
      throw new Error(`unknown system job "${job.name}"`);
    },
    [QUEUES.backtests]: backtestProcessor({
      db: getDb,
      dataDir: env().DATA_DIR,
      sharedData: sharedDataDir(),
    }),
    [QUEUES.brokers]: brokerAccountProcessor({ db: getDb }),
    [QUEUES.deployments]: deploymentsProcessor(liveFlow),
    [QUEUES.orders]: ordersProcessor(liveFlow),
  };
  const processors: Record<string, Processor> = { ...opts.extra, ...own };

  const workers = Object.entries(processors).map(([name, processor]) => {
    const w = new Worker(name, processor, {
      connection: createConnection('worker', url),
      concurrency,
    });
    w.on('failed', (job, err) =>
      logger.error({ queue: name, job: job?.name, id: job?.id, err }, 'job failed'),
    );
    w.on('error', (err) =>
      logger.warn({ queue: name, err: err.message }, 'worker connection problem'),
    );
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const scheduler = new Queue(QUEUES.system, { connection: client });
  await scheduleHeartbeat(scheduler, heartbeatMs);
  await scheduleLiveFlow();
  logger.debug({ queues: Object.keys(processors), concurrency }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        // Worker.close() stops taking jobs and waits for the running ones to finish.
        await Promise.all(workers.map((w) => w.close()));
        await scheduler.close();
        client.disconnect();
        logger.debug('workers drained');
      })()),
  };
}

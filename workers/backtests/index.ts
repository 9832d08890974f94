/** The `backtests` queue's processor: the job's data is `{ backtestId }` only; everything else comes from Postgres. */
import { DelayedError, type Job } from 'bullmq';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { processBacktest } from './processor';
import type { Execution } from './runner';
import { BACKTEST_JOB, BacktestJobSchema, type BacktestProgressMessage } from '../queues';

export type BacktestWorkerDeps = {
  db: () => Promise<Db>;
  dataDir: string;
  sharedData: string | null;
  publish?: (m: BacktestProgressMessage) => Promise<void>;
  execution?: Execution;
  maxRuntimeMs?: number;
  userConcurrency?: number;
  /** How long a job waits when its owner already has all their runs going. */
  deferMs?: number;
};

export { processBacktest } from './processor';

export function backtestProcessor(deps: BacktestWorkerDeps) {
  return async (job: Job, token?: string): Promise<string> => {
    if (job.name !== BACKTEST_JOB) throw new Error(`unknown backtests job "${job.name}"`);
    const data = BacktestJobSchema.parse(job.data);
    const outcome = await processBacktest(await deps.db(), data.backtestId, {
      dataDir: deps.dataDir,
      sharedData: deps.sharedData,
      publish: deps.publish,
      execution: deps.execution,
      maxRuntimeMs: deps.maxRuntimeMs,
      userConcurrency: deps.userConcurrency,
      onProgress: (f) => job.updateProgress(Math.round(f * 100)),
    });
    if (outcome === 'deferred') {
      // The owner's share of workers is in use: this job waits its turn without holding a slot.
      await job.moveToDelayed(Date.now() + (deps.deferMs ?? 2_000), token);
      throw new DelayedError();
    }
    logger.info({ backtestId: data.backtestId, outcome }, 'backtest finished');
    return outcome;
  };
}

/** The `backtests` queue's processor: the job's data is `{ backtestId }` only; everything else comes from Postgres. */
import type { Job } from 'bullmq';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { processBacktest } from './processor';
import { BACKTEST_JOB, BacktestJobSchema } from '../queues';

export type BacktestWorkerDeps = {
  db: () => Promise<Db>;
  dataDir: string;
  sharedData: string | null;
};

export function backtestProcessor(deps: BacktestWorkerDeps) {
  return async (job: Job): Promise<string> => {
    if (job.name !== BACKTEST_JOB) throw new Error(`unknown backtests job "${job.name}"`);
    const data = BacktestJobSchema.parse(job.data);
    const outcome = await processBacktest(await deps.db(), data.backtestId, {
      dataDir: deps.dataDir,
      sharedData: deps.sharedData,
      onProgress: (f) => job.updateProgress(Math.round(f * 100)),
    });
    logger.info({ backtestId: data.backtestId, outcome }, 'backtest finished');
    return outcome;
  };
}

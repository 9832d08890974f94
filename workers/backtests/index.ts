/** The `backtests` queue's processor: the job's data is `{ backtestId }` only; everything else comes from Postgres. */
import { DelayedError, type Job } from 'bullmq';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { processBacktest } from './processor';
import type { Execution } from './runner';
import {
  COMPUTE_JOBS,
  computeForJob,
  computeInput,
  type ComputeWorkerDeps,
  type FleetDeps,
  type SplitLimits,
} from './fleet';
import {
  BACKTEST_JOB,
  BacktestJobSchema,
  SWEEP_JOB,
  SweepJobSchema,
  type BacktestProgressMessage,
} from '../queues';
import { summarize } from '@/engine/sweep/analysis';
import { processSweep } from './parameter-sweep';

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
  /** The worker fleet, for backtests that split by days (absent: every backtest runs here whole). */
  fleet?: FleetDeps & { limits?: SplitLimits };
};

export { processBacktest } from './processor';

export function backtestProcessor(deps: BacktestWorkerDeps) {
  return async (job: Job, token?: string): Promise<string> => {
    if (job.name === SWEEP_JOB) {
      const { sweepId } = SweepJobSchema.parse(job.data);
      if (!deps.fleet) throw new Error('a sweep needs the worker fleet (the compute queue)');
      const outcome = await processSweep(await deps.db(), sweepId, {
        dataDir: deps.dataDir,
        sharedData: deps.sharedData,
        fleet: { ...deps.fleet, job },
        maxRuntimeMs: deps.maxRuntimeMs,
      });
      logger.info({ sweepId, outcome }, 'sweep finished');
      return outcome;
    }
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
      fleet: deps.fleet ? { ...deps.fleet, job } : undefined,
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

/** The compute queue's processor: a backtest's day range (its ReportPart) or a sweep combination. */
export function computeProcessor(deps: ComputeWorkerDeps) {
  return async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case COMPUTE_JOBS.part: {
        const c = computeInput(job.data, deps);
        return computeForJob(job, c.runId, c.input, 'part', deps);
      }
      case COMPUTE_JOBS.combination: {
        const c = computeInput(job.data, deps);
        const report = await computeForJob(job, c.runId, c.input, 'report', deps);
        // The parent knows each index's values; the result carries the figures only.
        return summarize(c.index, [], report, c.outOfSamplePct ?? 30);
      }
      default:
        throw new Error(`unknown compute job "${job.name}"`);
    }
  };
}

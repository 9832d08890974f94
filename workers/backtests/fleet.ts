/**
 * Backtests on the worker fleet. A long intraday backtest over the chain store is cut into day
 * ranges (engine/backtest/split.ts); each range is a child job on the compute queue, added as one
 * BullMQ flow under the backtest's own job, so every worker process (the app's, `npm run
 * workers`, `npm run workers -- --compute-only`) takes ranges. The backtest's job stays active
 * while its children run: it sums their progress into the row (the progress bar), stops them when
 * the row is cancelled or the time limit passes, and joins their ReportParts into the report one
 * run would have written. A compute job touches no database: it gets its input in its payload
 * (validated again here) and gives back its result, so compute processes need only Redis.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { BacktestCancelled, type BacktestRun } from '@/engine/backtest/backtest';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { dayRanges, whyInOrder, type DayRange } from '@/engine/backtest/split';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import { DataSourceSchema, type DataSource } from '@/datasets/source';
import { listDays, storeRoot } from '@/datasets/store';
import type { BacktestInput } from './compute';
import { startCompute, type Execution, type Running } from './runner';

/** The compute queue's jobs: one day range of a backtest, one combination of a sweep. */
export const COMPUTE_JOBS = { part: 'backtest-part', combination: 'sweep-combination' } as const;

/** What a compute job carries: the run itself (document, source, overrides), never a path or a secret. */
export const ComputeJobSchema = z.strictObject({
  /** The backtest or sweep this job belongs to; its stop flag is read while running. */
  runId: z.uuid(),
  index: z.int().min(0),
  document: z.unknown(),
  source: DataSourceSchema,
  overrides: BacktestOverridesSchema,
  /** A sweep combination: the share of sessions, at the end, judged out of sample. */
  outOfSamplePct: z.int().min(10).max(50).optional(),
});
export type ComputeJob = z.infer<typeof ComputeJobSchema>;

/** Set while a run's children must stop (the row was cancelled, or its time ran out). */
export const stopKey = (runId: string) => `strikeflow:stop:${runId}`;

export type SplitLimits = {
  /** Fewest sessions in one range: below this a split costs more than it saves. */
  minDays: number;
  /** Most ranges of one backtest. */
  maxParts: number;
};
export const DEFAULT_SPLIT: SplitLimits = { minDays: 5, maxParts: 16 };

/** How a backtest will run: its day ranges (one range: one run), and what the report says about it. */
export type SplitPlan = { ranges: DayRange[]; run: BacktestRun | null };

/**
 * Splits a backtest over the chain store by days when its basket's sessions are independent.
 * Only the store reads a day range without reading what comes before it: a file is read whole,
 * and the simulated market is one path (each range would simulate every session before it).
 */
export function splitPlan(
  document: DslDocument,
  source: DataSource,
  dataDir: string,
  limits: SplitLimits = DEFAULT_SPLIT,
): SplitPlan {
  if (source.kind !== 'store') return { ranges: [], run: null };
  const days = listDays(storeRoot(dataDir), source.underlying)
    .map((d) => d.day)
    .filter((d) => d >= source.from && d <= source.to);
  if (days.length < 2 * limits.minDays) return { ranges: [], run: null };
  const why = whyInOrder(document.basket);
  if (why) return { ranges: [], run: { mode: 'one run', parts: 1, why: `run in order: ${why}` } };
  const ranges = dayRanges(days, limits.maxParts, limits.minDays);
  return {
    ranges,
    run: {
      mode: 'split by days',
      parts: ranges.length,
      why: `intraday sessions are independent: ${ranges.length} day ranges ran on the worker fleet and were joined`,
    },
  };
}

export type FleetDeps = {
  /** Client connection (stop flags, progress reads). */
  redis: Redis;
  flows: FlowProducer;
  /** The compute queue (to read its children's progress). */
  queue: Queue;
  /** How often the parent looks at its children. */
  pollMs?: number;
};

type Child = { jobId: string; name: string; data: ComputeJob };

/**
 * Adds `children` to the compute queue under `parent` as one flow and waits for all of them.
 * Resolves with their results in order; rejects with the first child's failure, or with
 * BacktestCancelled after `stop()` (children still waiting are removed, running ones stop).
 */
export function runOnFleet<T>(
  parent: Job,
  children: Child[],
  deps: FleetDeps,
  onProgress: (fraction: number, done: number) => void,
  /** Called with the results so far (by child index) whenever more children have finished. */
  onResults?: (results: Map<number, T>) => void | Promise<void>,
): Running<T[]> {
  let stopped = false;
  const runId = children[0]?.data.runId ?? randomUUID();
  const result = (async () => {
    await deps.flows.addBulk(
      children.map((c) => ({
        name: c.name,
        queueName: deps.queue.name,
        data: c.data,
        opts: {
          jobId: c.jobId,
          parent: { id: parent.id!, queue: parent.queueQualifiedName },
          // A failed child leaves the parent free to finish: it reads the failure and fails the run.
          ignoreDependencyOnFailure: true,
          attempts: 2,
          backoff: { type: 'fixed', delay: 1_000 },
          removeOnComplete: 200,
          removeOnFail: 200,
        },
      })),
    );
    const n = children.length;
    const prefix = `${deps.queue.qualifiedName}:`;
    const byKey = new Map(children.map((c, i) => [`${prefix}${c.jobId}`, i]));
    const collect = async () => {
      const values = await parent.getChildrenValues<T>();
      const out = new Map<number, T>();
      for (const [k, v] of Object.entries(values)) {
        const i = byKey.get(k);
        if (i !== undefined) out.set(i, v);
      }
      return out;
    };
    let reported = 0;
    for (;;) {
      const counts = await parent.getDependenciesCount({
        processed: true,
        unprocessed: true,
        ignored: true,
      });
      if (!counts.unprocessed) break;
      let running = 0;
      const jobs = await Promise.all(children.map((c) => deps.queue.getJob(c.jobId)));
      for (const j of jobs)
        if (j && !j.finishedOn && typeof j.progress === 'number') running += j.progress / 100;
      const done = (counts.processed ?? 0) + (counts.ignored ?? 0);
      onProgress(Math.min(0.99, (done + running) / n), done);
      if (onResults && (counts.processed ?? 0) > reported) {
        reported = counts.processed ?? 0;
        await onResults(await collect());
      }
      await new Promise((r) => setTimeout(r, deps.pollMs ?? 500));
    }
    if (stopped) throw new BacktestCancelled(0);
    const failures = Object.values(await parent.getIgnoredChildrenFailures());
    if (failures.length) throw new Error(failures[0]);
    const values = await collect();
    return children.map((c, i) => {
      const v = values.get(i);
      if (v === undefined)
        throw new Error(`the result of ${c.name} ${c.data.index + 1} is missing`);
      return v;
    });
  })();
  return {
    result,
    stop: async () => {
      stopped = true;
      await deps.redis.set(stopKey(runId), '1', 'PX', 3_600_000);
      // Waiting children go now; running ones see the flag within a progress tick.
      await parent.removeUnprocessedChildren().catch(() => {});
    },
  };
}

/** A backtest's day ranges as compute jobs, ids derived from the backtest so a restart finds them. */
export function partJobs(backtestId: string, input: BacktestInput, ranges: DayRange[]): Child[] {
  const source = input.source;
  if (source.kind !== 'store') throw new Error('only the chain store splits by days');
  return ranges.map((r, index) => ({
    jobId: `${backtestId}|part|${index}`,
    name: COMPUTE_JOBS.part,
    data: {
      runId: backtestId,
      index,
      document: input.document,
      source: { ...source, from: r.from, to: r.to },
      overrides: input.overrides,
    },
  }));
}

export type ComputeWorkerDeps = {
  dataDir: string;
  sharedData: string | null;
  redis: Redis;
  execution?: Execution;
  /** How often a running child reports progress and looks at its stop flag. */
  progressMs?: number;
};

/** Parses a compute job's payload; a bad one fails for good (a retry would fail the same way). */
export function computeInput(
  data: unknown,
  deps: ComputeWorkerDeps,
): ComputeJob & { input: BacktestInput } {
  const job = ComputeJobSchema.safeParse(data);
  if (!job.success)
    throw new UnrecoverableError(
      `the compute job is not valid: ${job.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const doc = parseDsl(job.data.document);
  if (!doc.ok)
    throw new UnrecoverableError(
      `the strategy is not valid: ${doc.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`,
    );
  return {
    ...job.data,
    input: {
      document: doc.value,
      source: job.data.source,
      overrides: job.data.overrides,
      dataDir: deps.dataDir,
      sharedData: deps.sharedData,
    },
  };
}

/**
 * Runs one computation for a compute job on a thread: forwards its progress to the job (the
 * parent sums it) and stops it when the run's stop flag is set.
 */
export async function computeForJob<K extends 'report' | 'part'>(
  job: Job,
  runId: string,
  input: BacktestInput,
  kind: K,
  deps: ComputeWorkerDeps,
) {
  const stopped = async () => (await deps.redis.exists(stopKey(runId))) === 1;
  if (await stopped()) throw new UnrecoverableError('the run was stopped before this part started');
  let last = 0;
  let looking = false;
  let stopping = false;
  const run = startCompute(
    input,
    kind,
    (fraction) => {
      const now = performance.now();
      if (looking || now - last < (deps.progressMs ?? 500)) return;
      last = now;
      looking = true;
      void (async () => {
        if (await stopped()) {
          stopping = true;
          await run.stop();
          return;
        }
        await job.updateProgress(Math.round(fraction * 100));
      })()
        .catch(() => {})
        .finally(() => (looking = false));
    },
    deps.execution,
  );
  try {
    return await run.result;
  } catch (err) {
    if (stopping || err instanceof BacktestCancelled)
      throw new UnrecoverableError('the run was stopped');
    throw err;
  }
}

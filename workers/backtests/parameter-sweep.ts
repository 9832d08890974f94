/**
 * Runs a parameter sweep's job: reloads the sweep and its strategy version, checks the grid,
 * adds one compute job per combination (a whole backtest each, summarised in-sample and out of
 * sample) as a flow under the sweep's job, writes progress and the results so far into the row
 * as combinations finish (the heat map fills in), stops when the row is cancelled or the time
 * limit passes, and stores the analysis (the in-sample choice, overfitting warnings) at the end.
 */
import type { Job } from 'bullmq';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { strategyVersions, sweeps, type Sweep } from '@/db/schema';
import { BacktestCancelled } from '@/engine/backtest/backtest';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';
import { analyseSweep, type CombinationResult } from '@/engine/sweep/analysis';
import { applyCombination, checkGrid, SweepSpecSchema } from '@/engine/sweep/grid';
import { DataSourceSchema } from '@/datasets/source';
import { defaultFolders, sanitizeMessage } from './failure';
import { COMPUTE_JOBS, runOnFleet, type FleetDeps } from './fleet';

export type SweepOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export type SweepOptions = {
  dataDir: string;
  sharedData: string | null;
  fleet: FleetDeps & { job: Job };
  maxRuntimeMs?: number;
  progressMs?: number;
};

export async function processSweep(db: Db, id: string, opts: SweepOptions): Promise<SweepOutcome> {
  const [row] = await db.select().from(sweeps).where(eq(sweeps.id, id));
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return 'skipped';
  const [claimed] = await db
    .update(sweeps)
    .set({ status: 'running', startedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(sweeps.id, id), eq(sweeps.status, row.status)))
    .returning({ id: sweeps.id });
  if (!claimed) return 'skipped';

  const finish = async (status: 'succeeded' | 'failed', values: Partial<Sweep>) => {
    const [done] = await db
      .update(sweeps)
      .set({ ...values, status, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(sweeps.id, id), eq(sweeps.status, 'running')))
      .returning({ id: sweeps.id });
    return !!done;
  };
  const folders = defaultFolders({ dataDir: opts.dataDir, sharedData: opts.sharedData });
  const fail = async (message: string): Promise<SweepOutcome> => {
    logger.warn({ sweepId: id, reason: message }, 'sweep failed');
    return (await finish('failed', { error: sanitizeMessage(message, folders) }))
      ? 'failed'
      : 'cancelled';
  };

  const [version] = await db
    .select()
    .from(strategyVersions)
    .where(eq(strategyVersions.id, row.strategyVersionId));
  if (!version) return fail('the strategy version of this sweep no longer exists');
  const doc = parseDsl(version.dsl);
  if (!doc.ok) return fail(`the strategy is not valid: ${doc.errors[0]?.message}`);
  const spec = SweepSpecSchema.safeParse(row.spec);
  const source = DataSourceSchema.safeParse(row.dataSource);
  const overrides = BacktestOverridesSchema.safeParse(row.settings ?? {});
  if (!spec.success || !source.success || !overrides.success)
    return fail('the sweep is not valid any more (its grid, data or settings); create it again');
  let combos;
  try {
    combos = checkGrid(doc.value, spec.data);
  } catch (err) {
    return fail((err as Error).message);
  }
  const pct = spec.data.outOfSamplePct;
  const children = combos.map((combo, index) => ({
    jobId: `${id}|combination|${index}`,
    name: COMPUTE_JOBS.combination,
    data: {
      runId: id,
      index,
      document: applyCombination(doc.value, spec.data, combo),
      source: source.data,
      overrides: overrides.data,
      outOfSamplePct: pct,
    },
  }));
  const label = (r: CombinationResult) => ({ ...r, combo: combos[r.index] });

  let stopReason: 'cancelled' | 'timeout' | null = null;
  let last = 0;
  let writing = false;
  let latest: Map<number, CombinationResult> | null = null;
  let fraction = 0;
  const write = () => {
    const now = performance.now();
    if (writing || now - last < (opts.progressMs ?? 500)) return;
    last = now;
    writing = true;
    const results = latest ? [...latest.values()].map(label).sort((a, b) => a.index - b.index) : null; // prettier-ignore
    void (async () => {
      const [cur] = await db
        .update(sweeps)
        .set({ progress: fraction, ...(results ? { results } : {}), updatedAt: new Date() })
        .where(and(eq(sweeps.id, id), eq(sweeps.status, 'running')))
        .returning({ id: sweeps.id });
      if (!cur) {
        stopReason ??= 'cancelled';
        await run.stop();
      }
    })()
      .catch((err: unknown) => logger.warn({ sweepId: id, err }, 'could not record sweep progress'))
      .finally(() => (writing = false));
  };
  const run = runOnFleet<CombinationResult>(
    opts.fleet.job,
    children,
    opts.fleet,
    (f) => {
      fraction = f;
      write();
    },
    (results) => {
      latest = results;
      write();
    },
  );
  const limit = opts.maxRuntimeMs ?? 0;
  const timer =
    limit > 0
      ? setTimeout(() => {
          stopReason ??= 'timeout';
          void run.stop();
        }, limit)
      : undefined;
  try {
    const results = (await run.result).map(label);
    const analysis = analyseSweep(spec.data, results);
    return (await finish('succeeded', { progress: 1, results, analysis })) ? 'succeeded' : 'cancelled'; // prettier-ignore
  } catch (err) {
    if (stopReason === 'timeout')
      return fail(
        `the sweep was still running after ${Math.round(limit / 60_000)} minutes, the limit on this server (BACKTEST_MAX_MINUTES); sweep fewer combinations or a shorter range`,
      );
    if (err instanceof BacktestCancelled || stopReason === 'cancelled') return 'cancelled';
    return fail(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

/** Unfinished sweeps whose job is gone or failed are failed with the reason (called by the crash sweep). */
export async function settleLostSweeps(
  db: Db,
  jobState: (id: string) => Promise<string>,
): Promise<number> {
  const rows = await db
    .select({ id: sweeps.id, updatedAt: sweeps.updatedAt })
    .from(sweeps)
    .where(inArray(sweeps.status, ['queued', 'running']))
    .limit(200);
  let n = 0;
  for (const r of rows) {
    if (Date.now() - r.updatedAt.getTime() < 30_000) continue;
    const state = await jobState(r.id);
    if (['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state))
      continue;
    const [done] = await db
      .update(sweeps)
      .set({
        status: 'failed',
        error:
          'The sweep stopped with its worker (the server was restarted or crashed); run it again.',
        finishedAt: new Date(),
      })
      .where(and(eq(sweeps.id, r.id), inArray(sweeps.status, ['queued', 'running'])))
      .returning({ id: sweeps.id });
    if (done) n++;
  }
  return n;
}

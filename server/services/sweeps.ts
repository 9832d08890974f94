/**
 * Parameter sweeps for the API: create (snapshot the strategy, check the grid and its size,
 * enqueue), read, list and cancel, always owner-scoped. A sweep reads the simulator, the chain
 * store or a shared dataset; an uploaded file is imported into the store first (Datasets page).
 */
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { strategyVersions, sweeps, type Sweep } from '@/db/schema';
import { AppError } from '@/server/errors';
import { enqueueSweep, getQueue, QUEUES } from '@/workers/queues';
import { DataSourceSchema } from '@/datasets/source';
import { BacktestOverridesSchema, type BacktestOverridesInput } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';
import { checkGrid, SweepSpecSchema, type SweepSpecInput } from '@/engine/sweep/grid';
import {
  backtestLimits,
  checkRange,
  dropWaitingJob,
  versionToRun,
  type BacktestLimits,
  type DataSourceInput,
} from './backtests';

export type SweepLimits = BacktestLimits & {
  /** Sessions x combinations one sweep may backtest (400 combinations over a month). */
  maxSessionRuns: number;
  /** Sweeps one user may have queued or running. */
  maxUnfinished: number;
};

export function sweepLimits(): SweepLimits {
  return { ...backtestLimits(), maxSessionRuns: 12_000, maxUnfinished: 2 };
}

export type CreateSweepInput = {
  strategyId?: string;
  strategyVersionId?: string;
  dataSource: Exclude<DataSourceInput, { kind: 'upload' }>;
  settings?: BacktestOverridesInput;
  spec: SweepSpecInput;
};

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `sweep ${id} not found for this user`, 'That sweep does not exist or is not yours.'); // prettier-ignore

const invalid = (message: string) => new AppError('INVALID_INPUT', message, message);

/** Calendar days of a dated source (sessions are fewer; a dataset is bounded by its files). */
function daysOf(source: CreateSweepInput['dataSource']): number {
  if (source.kind === 'dataset') return 1;
  const ms = Date.parse(`${source.to}T00:00:00Z`) - Date.parse(`${source.from}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.max(1, Math.round(ms / 86_400_000) + 1) : 1;
}

export async function createSweep(
  db: Db,
  ownerId: string,
  input: CreateSweepInput,
  limits: SweepLimits = sweepLimits(),
): Promise<Sweep> {
  checkRange(input.dataSource, limits);
  const spec = SweepSpecSchema.safeParse(input.spec);
  if (!spec.success) {
    const i = spec.error.issues[0];
    throw invalid(`Sweep grid: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  }
  const source = DataSourceSchema.safeParse(input.dataSource);
  if (!source.success)
    throw invalid(`Data source: ${source.error.issues[0].path.join('.')}: ${source.error.issues[0].message}`); // prettier-ignore
  const settings = BacktestOverridesSchema.safeParse(input.settings ?? {});
  if (!settings.success)
    throw invalid(`Sweep settings: ${settings.error.issues[0].path.join('.')}: ${settings.error.issues[0].message}`); // prettier-ignore

  const versionId = await versionToRun(db, ownerId, input);
  const [version] = await db
    .select({ dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(eq(strategyVersions.id, versionId));
  const doc = parseDsl(version.dsl);
  if (!doc.ok) throw invalid('The strategy is not valid; fix it before sweeping.');
  let n: number;
  try {
    n = checkGrid(doc.value, spec.data).length;
  } catch (err) {
    throw invalid(`Sweep grid: ${(err as Error).message}.`);
  }
  const days = daysOf(input.dataSource);
  if (n * days > limits.maxSessionRuns)
    throw invalid(
      `Sweep grid: ${n} combinations over ${days} days is ${n * days} day-backtests; this server runs at most ${limits.maxSessionRuns} per sweep (${Math.floor(limits.maxSessionRuns / days)} combinations over this range). Drop values or shorten the range.`,
    );
  const [{ open }] = await db
    .select({ open: count() })
    .from(sweeps)
    .where(and(eq(sweeps.ownerId, ownerId), inArray(sweeps.status, ['queued', 'running'])));
  if (open >= limits.maxUnfinished)
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `${open} unfinished sweeps`,
      `You have ${open} sweeps queued or running; wait for one to finish or cancel it.`,
    );
  const [row] = await db
    .insert(sweeps)
    .values({
      ownerId,
      strategyVersionId: versionId,
      dataSource: source.data as Record<string, unknown>,
      settings: settings.data as Record<string, unknown>,
      spec: spec.data,
      combinations: n,
    })
    .returning();
  try {
    await enqueueSweep(getQueue(QUEUES.backtests), row.id);
  } catch (err) {
    await db
      .update(sweeps)
      .set({
        status: 'failed',
        error: 'could not queue the sweep: the job queue is unavailable',
        finishedAt: new Date(),
      }) // prettier-ignore
      .where(eq(sweeps.id, row.id));
    throw new AppError(
      'UNAVAILABLE',
      `enqueue failed: ${err instanceof Error ? err.message : String(err)}`,
      'The job queue is unavailable; try again in a moment.',
    );
  }
  return row;
}

export async function getSweep(db: Db, ownerId: string, id: string): Promise<Sweep> {
  const [row] = await db
    .select()
    .from(sweeps)
    .where(and(eq(sweeps.id, id), eq(sweeps.ownerId, ownerId)));
  if (!row) throw notFound(id);
  return row;
}

export type SweepListRow = Omit<Sweep, 'results' | 'analysis'> & {
  strategyName: string;
  done: number;
};

export async function listSweeps(db: Db, ownerId: string, limit = 100): Promise<SweepListRow[]> {
  return db
    .select({
      id: sweeps.id,
      ownerId: sweeps.ownerId,
      strategyVersionId: sweeps.strategyVersionId,
      dataSource: sweeps.dataSource,
      settings: sweeps.settings,
      spec: sweeps.spec,
      combinations: sweeps.combinations,
      status: sweeps.status,
      progress: sweeps.progress,
      error: sweeps.error,
      createdAt: sweeps.createdAt,
      updatedAt: sweeps.updatedAt,
      startedAt: sweeps.startedAt,
      finishedAt: sweeps.finishedAt,
      strategyName: strategyVersions.name,
      // The count only: results stay out of lists.
      done: sql<number>`jsonb_array_length(${sweeps.results})::int`,
    })
    .from(sweeps)
    .innerJoin(strategyVersions, eq(strategyVersions.id, sweeps.strategyVersionId))
    .where(eq(sweeps.ownerId, ownerId))
    .orderBy(desc(sweeps.createdAt), desc(sweeps.id))
    .limit(limit);
}

export async function cancelSweep(db: Db, ownerId: string, id: string): Promise<Sweep> {
  const row = await getSweep(db, ownerId, id);
  if (row.status !== 'queued' && row.status !== 'running')
    throw new AppError('CONFLICT', `sweep ${id} is ${row.status}`, `This sweep already ${row.status === 'succeeded' ? 'finished' : row.status}; there is nothing to cancel.`); // prettier-ignore
  const [updated] = await db
    .update(sweeps)
    .set({ status: 'cancelled', error: 'cancelled by the user', finishedAt: new Date() })
    .where(and(eq(sweeps.id, id), eq(sweeps.ownerId, ownerId)))
    .returning();
  await dropWaitingJob(id);
  return updated;
}

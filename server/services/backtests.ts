/** Backtests for the API: create (snapshot the strategy, store the data source, enqueue), read, list and cancel, always owner-scoped. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { backtests, strategyVersions, type Backtest } from '@/db/schema';
import { getStrategy, saveVersion } from '@/server/services/strategies';
import { AppError } from '@/server/errors';
import { logger } from '@/db/logger';
import { getQueue, QUEUES } from '@/workers/queues';
import { BACKTEST_JOB } from '@/workers/queues';
import { DataSourceSchema, storeUpload, type DataSource } from '@/datasets/source';
import { BacktestOverridesSchema, type BacktestOverridesInput } from '@/engine/backtest/settings';

export type DataSourceInput =
  | { kind: 'upload'; filename: string; content: string }
  | {
      kind: 'simulator';
      underlying: string;
      from: string;
      to: string;
      seed: number;
      intervalSeconds?: number;
    }
  | { kind: 'dataset'; path: string }
  | { kind: 'store'; underlying: string; from: string; to: string };

export type CreateBacktestInput = {
  strategyId?: string;
  strategyVersionId?: string;
  dataSource: DataSourceInput;
  settings?: BacktestOverridesInput;
};

const notFound = (id: string) =>
  new AppError(
    'NOT_FOUND',
    `backtest ${id} not found for this user`,
    'That backtest does not exist or is not yours.',
  );

/** JSON equality that ignores key order (jsonb gives keys back in its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * The immutable version a backtest runs: the one named, or else the strategy as it is now,
 * reusing its latest saved version when that is the same document and saving one otherwise.
 */
export async function versionToRun(
  db: Db,
  ownerId: string,
  input: { strategyId?: string; strategyVersionId?: string },
): Promise<string> {
  if (input.strategyVersionId) {
    const [v] = await db
      .select({ id: strategyVersions.id })
      .from(strategyVersions)
      .where(
        and(
          eq(strategyVersions.id, input.strategyVersionId),
          eq(strategyVersions.ownerId, ownerId),
        ),
      );
    if (!v)
      throw new AppError(
        'NOT_FOUND',
        `strategy version ${input.strategyVersionId} not found for ${ownerId}`,
        'That strategy version does not exist or is not yours.',
      );
    return v.id;
  }
  if (!input.strategyId)
    throw new AppError(
      'INVALID_INPUT',
      'no strategy named',
      'Choose the strategy (or a saved version of it) to backtest.',
    );
  const s = await getStrategy(db, ownerId, input.strategyId);
  if (!s.dsl) {
    const first = s.problems[0];
    throw new AppError(
      'UNPROCESSABLE',
      `strategy ${s.id} does not compile`,
      `The strategy is not valid yet${first ? ` (${first.message})` : ''}; fix it before backtesting.`,
    );
  }
  const [latest] = await db
    .select({ id: strategyVersions.id, dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(eq(strategyVersions.strategyId, s.id))
    .orderBy(desc(strategyVersions.version))
    .limit(1);
  if (latest && sameJson(latest.dsl, s.dsl)) return latest.id;
  return (await saveVersion(db, ownerId, { id: s.id, name: `${s.name} (backtested)` })).id;
}

export async function createBacktest(
  db: Db,
  ownerId: string,
  input: CreateBacktestInput,
  dirs: { dataDir: string },
): Promise<Backtest> {
  const versionId = await versionToRun(db, ownerId, input);
  const settings = BacktestOverridesSchema.safeParse(input.settings ?? {});
  if (!settings.success)
    throw new AppError(
      'INVALID_INPUT',
      'bad backtest settings',
      `Backtest settings: ${settings.error.issues[0].path.join('.')}: ${settings.error.issues[0].message}`,
    );
  let source: DataSource;
  if (input.dataSource.kind === 'upload') {
    try {
      source = storeUpload(dirs.dataDir, input.dataSource.filename, input.dataSource.content);
    } catch (err) {
      throw new AppError(
        'INVALID_INPUT',
        'bad upload',
        err instanceof Error ? err.message : String(err),
      );
    }
  } else {
    const r = DataSourceSchema.safeParse(input.dataSource);
    if (!r.success)
      throw new AppError(
        'INVALID_INPUT',
        'bad data source',
        `Data source: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`,
      );
    source = r.data;
  }
  const [row] = await db
    .insert(backtests)
    .values({
      ownerId,
      strategyVersionId: versionId,
      dataSource: source as Record<string, unknown>,
      settings: settings.data as Record<string, unknown>,
    })
    .returning();
  try {
    await getQueue(QUEUES.backtests).add(
      BACKTEST_JOB,
      { backtestId: row.id },
      { jobId: row.id, removeOnComplete: 1000, removeOnFail: 1000, attempts: 2 },
    );
  } catch (err) {
    await db
      .update(backtests)
      .set({
        status: 'failed',
        error: 'could not queue the backtest: the job queue is unavailable',
        finishedAt: new Date(),
      })
      .where(eq(backtests.id, row.id));
    throw new AppError(
      'UNAVAILABLE',
      `enqueue failed: ${err instanceof Error ? err.message : String(err)}`,
      'The job queue is unavailable; try again in a moment.',
    );
  }
  return row;
}

export async function getBacktest(db: Db, ownerId: string, id: string): Promise<Backtest> {
  const [row] = await db
    .select()
    .from(backtests)
    .where(and(eq(backtests.id, id), eq(backtests.ownerId, ownerId)));
  if (!row) throw notFound(id);
  return row;
}

export type BacktestSummaryRow = Omit<Backtest, 'report'> & {
  strategyName: string;
  summary: Record<string, unknown> | null;
};

export async function listBacktests(
  db: Db,
  ownerId: string,
  opts: { strategyId?: string; limit?: number } = {},
): Promise<BacktestSummaryRow[]> {
  const where = opts.strategyId
    ? and(eq(backtests.ownerId, ownerId), eq(strategyVersions.strategyId, opts.strategyId))
    : eq(backtests.ownerId, ownerId);
  const rows = await db
    .select({
      id: backtests.id,
      ownerId: backtests.ownerId,
      strategyVersionId: backtests.strategyVersionId,
      dataSource: backtests.dataSource,
      settings: backtests.settings,
      status: backtests.status,
      progress: backtests.progress,
      error: backtests.error,
      createdAt: backtests.createdAt,
      updatedAt: backtests.updatedAt,
      startedAt: backtests.startedAt,
      finishedAt: backtests.finishedAt,
      strategyName: strategyVersions.name,
      // Only the summary: full reports (equity of a year of minutes) stay out of lists.
      summary: sql<Record<string, unknown> | null>`${backtests.report} -> 'summary'`,
    })
    .from(backtests)
    .innerJoin(strategyVersions, eq(strategyVersions.id, backtests.strategyVersionId))
    .where(where)
    .orderBy(desc(backtests.createdAt), desc(backtests.id))
    .limit(opts.limit ?? 100);
  return rows;
}

/** Cancels a queued or running backtest; the running job sees the status at its next progress write and stops. */
export async function cancelBacktest(db: Db, ownerId: string, id: string): Promise<Backtest> {
  const row = await getBacktest(db, ownerId, id);
  if (row.status !== 'queued' && row.status !== 'running') {
    throw new AppError(
      'CONFLICT',
      `backtest ${id} is ${row.status}`,
      `This backtest already ${row.status === 'succeeded' ? 'finished' : row.status}; there is nothing to cancel.`,
    );
  }
  const [updated] = await db
    .update(backtests)
    .set({
      status: 'cancelled',
      error: 'cancelled by the user',
      finishedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(backtests.id, id), eq(backtests.ownerId, ownerId)))
    .returning();
  // A job still waiting in the queue is removed; an active one cannot be, and stops itself.
  try {
    const job = await getQueue(QUEUES.backtests).getJob(id);
    if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove();
  } catch (err) {
    // The row says cancelled either way; the job, if it still runs, skips a cancelled row.
    logger.warn(
      { backtestId: id, err: err instanceof Error ? err.message : String(err) },
      'could not remove a cancelled backtest job from the queue',
    );
  }
  return updated;
}

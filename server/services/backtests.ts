/** Backtests for the API: create (snapshot the strategy, store the data source, enqueue), read, list and cancel, always owner-scoped. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { backtests, strategies, strategyVersions, type Backtest } from '@/db/schema';
import { AppError } from '@/server/errors';
import { logger } from '@/db/logger';
import { getQueue, QUEUES } from '@/workers/queues';
import { BACKTEST_JOB } from '@/workers/backtests';
import { DataSourceSchema, storeUpload, type DataSource } from '@/workers/backtests/data-source';
import { BacktestOverridesSchema, type BacktestOverridesInput } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';

export type DataSourceInput =
  | { kind: 'upload'; filename: string; content: string }
  | { kind: 'simulator'; underlying: string; from: string; to: string; seed: number; intervalSeconds?: number }
  | { kind: 'dataset'; path: string };

export type CreateBacktestInput = { strategyId: string; dataSource: DataSourceInput; settings?: BacktestOverridesInput };

const notFound = (id: string) => new AppError('NOT_FOUND', `backtest ${id} not found for this user`, 'That backtest does not exist or is not yours.');

/** The immutable version a backtest points at: the strategy's current version, created once. */
async function currentVersionId(db: Db, ownerId: string, strategyId: string): Promise<string> {
  const [s] = await db.select().from(strategies).where(and(eq(strategies.id, strategyId), eq(strategies.ownerId, ownerId)));
  if (!s) throw new AppError('NOT_FOUND', `strategy ${strategyId} not found for ${ownerId}`, 'That strategy does not exist or is not yours.');
  // A draft whose graph does not compile yet is saved with no DSL (see the builder's autosave).
  const dsl = s.dsl;
  if (!dsl) throw new AppError('UNPROCESSABLE', `strategy ${strategyId} has no compiled DSL`, 'The strategy has problems on the canvas; fix them before backtesting.');
  const parsed = parseDsl(dsl);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new AppError('UNPROCESSABLE', `strategy ${strategyId} has DSL errors`, `The strategy is not valid yet (${first.path || '/'}: ${first.message}); fix it before backtesting.`);
  }
  const [existing] = await db
    .select({ id: strategyVersions.id })
    .from(strategyVersions)
    .where(and(eq(strategyVersions.strategyId, s.id), eq(strategyVersions.version, s.version)));
  if (existing) return existing.id;
  const [created] = await db
    .insert(strategyVersions)
    .values({ strategyId: s.id, ownerId, version: s.version, name: s.name, description: s.description, dsl, graph: s.graph })
    .onConflictDoNothing()
    .returning({ id: strategyVersions.id });
  if (created) return created.id;
  const [raced] = await db
    .select({ id: strategyVersions.id })
    .from(strategyVersions)
    .where(and(eq(strategyVersions.strategyId, s.id), eq(strategyVersions.version, s.version)));
  return raced.id;
}

export async function createBacktest(db: Db, ownerId: string, input: CreateBacktestInput, dirs: { dataDir: string }): Promise<Backtest> {
  const versionId = await currentVersionId(db, ownerId, input.strategyId);
  const settings = BacktestOverridesSchema.safeParse(input.settings ?? {});
  if (!settings.success) throw new AppError('INVALID_INPUT', 'bad backtest settings', `Backtest settings: ${settings.error.issues[0].path.join('.')}: ${settings.error.issues[0].message}`);
  let source: DataSource;
  if (input.dataSource.kind === 'upload') {
    try {
      source = storeUpload(dirs.dataDir, input.dataSource.filename, input.dataSource.content);
    } catch (err) {
      throw new AppError('INVALID_INPUT', 'bad upload', err instanceof Error ? err.message : String(err));
    }
  } else {
    const r = DataSourceSchema.safeParse(input.dataSource);
    if (!r.success) throw new AppError('INVALID_INPUT', 'bad data source', `Data source: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
    source = r.data;
  }
  const [row] = await db
    .insert(backtests)
    .values({ ownerId, strategyVersionId: versionId, dataSource: source as Record<string, unknown>, settings: settings.data as Record<string, unknown> })
    .returning();
  try {
    await getQueue(QUEUES.backtests).add(BACKTEST_JOB, { backtestId: row.id }, { jobId: row.id, removeOnComplete: 1000, removeOnFail: 1000, attempts: 2 });
  } catch (err) {
    await db.update(backtests).set({ status: 'failed', error: 'could not queue the backtest: the job queue is unavailable', finishedAt: new Date() }).where(eq(backtests.id, row.id));
    throw new AppError('UNAVAILABLE', `enqueue failed: ${err instanceof Error ? err.message : String(err)}`, 'The job queue is unavailable; try again in a moment.');
  }
  return row;
}

export async function getBacktest(db: Db, ownerId: string, id: string): Promise<Backtest> {
  const [row] = await db.select().from(backtests).where(and(eq(backtests.id, id), eq(backtests.ownerId, ownerId)));
  if (!row) throw notFound(id);
  return row;
}

export type BacktestSummaryRow = Omit<Backtest, 'report'> & { strategyName: string; summary: Record<string, unknown> | null };

export async function listBacktests(db: Db, ownerId: string, opts: { strategyId?: string; limit?: number } = {}): Promise<BacktestSummaryRow[]> {
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
    throw new AppError('CONFLICT', `backtest ${id} is ${row.status}`, `This backtest already ${row.status === 'succeeded' ? 'finished' : row.status}; there is nothing to cancel.`);
  }
  const [updated] = await db
    .update(backtests)
    .set({ status: 'cancelled', error: 'cancelled by the user', finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(backtests.id, id), eq(backtests.ownerId, ownerId)))
    .returning();
  // A job still waiting in the queue is removed; an active one cannot be, and stops itself.
  try {
    const job = await getQueue(QUEUES.backtests).getJob(id);
    if (job && (await job.isWaiting() || await job.isDelayed())) await job.remove();
  } catch (err) {
    // The row says cancelled either way; the job, if it still runs, skips a cancelled row.
    logger.warn({ backtestId: id, err: err instanceof Error ? err.message : String(err) }, 'could not remove a cancelled backtest job from the queue');
  }
  return updated;
}

/** Backtests for the API: create (snapshot the strategy, store the data source, enqueue), read, list and cancel, always owner-scoped. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { backtests, strategyVersions, type Backtest } from '@/db/schema';
import { getStrategy, saveVersion } from '@/server/services/strategies';
import { AppError } from '@/server/errors';
import { logger } from '@/db/logger';
import { env } from '@/db/env';
import {
  QUEUES,
  enqueueBacktest,
  getQueue,
  getRedis,
  publishBacktestProgress,
  type BacktestProgressMessage,
} from '@/workers/queues';
import { DataSourceSchema, storeUpload, type DataSource } from '@/datasets/source';
import { hasNul } from '@/datasets/text';
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

export type BacktestLimits = {
  /** Longest simulator range in days at 60 s snapshots (shorter for finer snapshots). */
  maxDays: number;
  /** Bytes of uploaded data one user may keep. */
  uploadQuotaBytes: number;
};

export function backtestLimits(): BacktestLimits {
  const e = env();
  return { maxDays: e.BACKTEST_MAX_DAYS, uploadQuotaBytes: e.UPLOAD_QUOTA_MB * 1024 * 1024 };
}

const MB = (bytes: number) =>
  `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** A simulator range within the server's limit; finer snapshots than a minute allow fewer days. */
export function checkRange(source: DataSourceInput, limits: BacktestLimits): void {
  if (source.kind !== 'simulator') return;
  const from = Date.parse(`${source.from}T00:00:00Z`);
  const to = Date.parse(`${source.to}T00:00:00Z`);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return; // the schema says why
  const days = Math.round((to - from) / 86_400_000) + 1;
  const interval = source.intervalSeconds ?? 60;
  const allowed = Math.max(1, Math.floor(limits.maxDays * Math.min(1, interval / 60)));
  if (days > allowed)
    throw new AppError(
      'INVALID_INPUT',
      `simulator range of ${days} days over the limit ${allowed}`,
      `The simulator range ${source.from} to ${source.to} is ${days} days; this server backtests at most ${allowed} days at ${interval} s snapshots` +
        `${interval < 60 ? ` (${limits.maxDays} days at 60 s)` : ''}. Shorten the range${interval < 60 ? ' or use longer snapshot intervals' : ''}.`,
    );
}

async function uploadedBytes(db: Db, ownerId: string): Promise<number> {
  const [r] = await db
    .select({
      bytes: sql<string | null>`sum((${backtests.dataSource} ->> 'bytes')::bigint)`,
    })
    .from(backtests)
    .where(and(eq(backtests.ownerId, ownerId), sql`${backtests.dataSource} ->> 'kind' = 'upload'`));
  return Number(r?.bytes ?? 0);
}

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
  // Several backtests started at once must share one new version, not race to number several:
  // the check and the save happen under a per-strategy lock.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`versions:${s.id}`}))`);
    const [latest] = await tx
      .select({ id: strategyVersions.id, dsl: strategyVersions.dsl })
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, s.id))
      .orderBy(desc(strategyVersions.version))
      .limit(1);
    if (latest && sameJson(latest.dsl, s.dsl)) return latest.id;
    return (
      await saveVersion(tx as unknown as Db, ownerId, { id: s.id, name: `${s.name} (backtested)` })
    ).id;
  });
}

export async function createBacktest(
  db: Db,
  ownerId: string,
  input: CreateBacktestInput,
  dirs: { dataDir: string },
  limits: BacktestLimits = backtestLimits(),
): Promise<Backtest> {
  checkRange(input.dataSource, limits);
  if (input.dataSource.kind === 'upload') {
    const { filename, content } = input.dataSource;
    if (hasNul(content))
      throw new AppError(
        'INVALID_INPUT',
        'upload holds NUL characters',
        `"${filename}" holds NUL characters, so it is not a text snapshot file: upload NDJSON, the long CSV or a saved NSE option-chain JSON as plain text.`,
      );
    const size = Buffer.byteLength(content);
    const used = await uploadedBytes(db, ownerId);
    if (used + size > limits.uploadQuotaBytes)
      throw new AppError(
        'INVALID_INPUT',
        `upload quota: ${used} + ${size} > ${limits.uploadQuotaBytes}`,
        `Your uploaded data takes ${MB(used)} of your ${MB(limits.uploadQuotaBytes)}, and "${filename}" (${MB(size)}) does not fit. ` +
          'Delete backtests you no longer need on the Backtests page (their files go with them), then upload again.',
      );
  }
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
    const [{ n }] = await db
      .select({ n: count() })
      .from(backtests)
      .where(and(eq(backtests.ownerId, ownerId), inArray(backtests.status, ['queued', 'running'])));
    await enqueueBacktest(getQueue(QUEUES.backtests), row.id, n);
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
      attempts: backtests.attempts,
      notes: backtests.notes,
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
  await dropWaitingJob(id);
  await announce({ id, status: 'cancelled', progress: updated.progress, error: updated.error });
  return updated;
}

/** Ends the live progress streams of a backtest the user stopped; they also re-read the row. */
async function announce(m: BacktestProgressMessage): Promise<void> {
  try {
    await publishBacktestProgress(getRedis(), m);
  } catch {
    // Redis is away: open progress streams notice at their next read of the row.
  }
}

/** A job still waiting in the queue is removed; an active one cannot be, and stops itself. */
export async function dropWaitingJob(id: string): Promise<void> {
  try {
    const job = await getQueue(QUEUES.backtests).getJob(id);
    if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove();
  } catch (err) {
    // The row says cancelled (or is gone) either way; the job, if it still runs, skips it.
    logger.warn(
      { backtestId: id, err: err instanceof Error ? err.message : String(err) },
      'could not remove a backtest job from the queue',
    );
  }
}

/**
 * Deletes a backtest and the data file uploaded for it; a run still going is stopped first (its
 * worker finds the row gone at its next progress write).
 */
export async function deleteBacktest(
  db: Db,
  ownerId: string,
  id: string,
  dirs: { dataDir: string },
): Promise<{ id: string }> {
  const row = await getBacktest(db, ownerId, id);
  await db.delete(backtests).where(and(eq(backtests.id, id), eq(backtests.ownerId, ownerId)));
  if (row.status === 'queued' || row.status === 'running') {
    await dropWaitingJob(id);
    await announce({
      id,
      status: 'cancelled',
      progress: row.progress,
      error: 'deleted by the user',
    });
  }
  const source = DataSourceSchema.safeParse(row.dataSource);
  if (source.success && source.data.kind === 'upload')
    rmSync(path.join(dirs.dataDir, source.data.file), { force: true });
  return { id };
}

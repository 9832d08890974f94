/**
 * Runs one backtest job: reloads the row and its strategy version from Postgres (the job carries
 * only the id), claims a run slot within the owner's share, computes the report off the event
 * loop, writes progress as it goes (and publishes it for the live progress bar), stops when the
 * row is cancelled or the run passes its time limit, and stores the report or a sanitised reason.
 * A job whose previous run stopped mid-way (the process was killed) restarts from the beginning
 * and says so in the row's notes; a retried job whose row already finished does nothing.
 */
import path from 'node:path';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { backtests, strategyVersions, type Backtest } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { BacktestCancelled, type BacktestReport } from '@/engine/backtest/backtest';
import { documentReportOfParts } from '@/engine/backtest/basket';
import type { ReportPart } from '@/engine/backtest/report';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { DataSourceSchema } from '@/datasets/source';
import { defaultFolders, sanitizeMessage } from './failure';
import { startBacktest, type Execution, type RunningBacktest } from './runner';
import type { BacktestInput } from './compute';
import { partJobs, runOnFleet, splitPlan, type FleetDeps, type SplitLimits } from './fleet';
import type { Job } from 'bullmq';
import type { BacktestProgressMessage } from '../queues';

export type BacktestOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'deferred';

export type ProcessOptions = {
  dataDir: string;
  sharedData: string | null;
  /** Called with the fraction done, at most every `progressMs`; the BullMQ job forwards it. */
  onProgress?: (fraction: number) => Promise<void> | void;
  /** Tells listeners (the live progress bar) that the row changed. */
  publish?: (m: BacktestProgressMessage) => Promise<void> | void;
  progressMs?: number;
  execution?: Execution;
  /** A run still going after this long is stopped and failed (0: no limit). */
  maxRuntimeMs?: number;
  /** Runs one user may have going at once; more wait in the queue (0: no limit). */
  userConcurrency?: number;
  /** The worker fleet: a long intraday backtest over the store runs as day ranges under `job`. */
  fleet?: FleetDeps & { job: Job; limits?: SplitLimits };
};

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const m = Math.round(ms / 60_000);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Marks the row running, unless the owner already has `cap` runs going (then 'deferred': the
 * job waits and tries again). The count and the update happen under a per-owner lock, so two
 * workers cannot both take the owner's last slot.
 */
async function claim(db: Db, row: Backtest, cap: number): Promise<'claimed' | 'deferred' | 'gone'> {
  const restart = row.status === 'running';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`backtests:${row.ownerId}`}))`);
    if (cap > 0 && !restart) {
      const [{ n }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(backtests)
        .where(
          and(
            eq(backtests.ownerId, row.ownerId),
            eq(backtests.status, 'running'),
            ne(backtests.id, row.id),
          ),
        );
      if (n >= cap) return 'deferred';
    }
    const now = new Date();
    const note = restart
      ? [
          `Restarted from the beginning at ${stamp(now)}: the worker running it stopped (the server was restarted, killed or crashed).`,
        ]
      : [];
    const [claimed] = await tx
      .update(backtests)
      .set({
        status: 'running',
        startedAt: now,
        progress: 0,
        error: null,
        attempts: sql`${backtests.attempts} + 1`,
        notes: sql`${backtests.notes} || ${JSON.stringify(note)}::jsonb`,
        updatedAt: now,
      })
      .where(and(eq(backtests.id, row.id), eq(backtests.status, row.status)))
      .returning({ id: backtests.id });
    return claimed ? 'claimed' : 'gone';
  });
}

export async function processBacktest(
  db: Db,
  id: string,
  opts: ProcessOptions,
): Promise<BacktestOutcome> {
  const [row] = await db.select().from(backtests).where(eq(backtests.id, id));
  // Deleted before its job ran, or already finished (a retried or restarted job).
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return 'skipped';

  const claimed = await claim(db, row, opts.userConcurrency ?? 0);
  if (claimed === 'deferred') return 'deferred';
  if (claimed === 'gone') return 'skipped';
  const publish = async (status: Backtest['status'], progress: number, error: string | null) => {
    try {
      await opts.publish?.({ id, status, progress, error });
    } catch (err) {
      // The progress bar falls back to reading the row; a lost message costs seconds, not data.
      logger.debug({ backtestId: id, err }, 'could not publish backtest progress');
    }
  };
  await publish('running', 0, null);

  const finish = async (
    status: 'succeeded' | 'failed',
    values: Partial<typeof backtests.$inferInsert>,
  ): Promise<boolean> => {
    // Only a running row is finished here: a cancel that raced the end keeps its "cancelled".
    const [done] = await db
      .update(backtests)
      .set({ ...values, status, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(backtests.id, id), eq(backtests.status, 'running')))
      .returning({ id: backtests.id });
    if (done)
      await publish(status, status === 'succeeded' ? 1 : row.progress, values.error ?? null);
    return !!done;
  };
  const folders = defaultFolders({ dataDir: opts.dataDir, sharedData: opts.sharedData });
  const uploaded = DataSourceSchema.safeParse(row.dataSource);
  // An uploaded file is named as the user named it, not by where the server keeps it.
  if (uploaded.success && uploaded.data.kind === 'upload')
    folders.unshift({
      label: `"${uploaded.data.filename}"`,
      dir: path.resolve(opts.dataDir, uploaded.data.file),
    });
  const fail = async (message: string, cause?: unknown): Promise<BacktestOutcome> => {
    const shown = sanitizeMessage(message, folders);
    logger.warn({ backtestId: id, reason: message, err: cause }, 'backtest failed');
    return (await finish('failed', { error: shown })) ? 'failed' : 'cancelled';
  };

  const [version] = await db
    .select()
    .from(strategyVersions)
    .where(eq(strategyVersions.id, row.strategyVersionId));
  if (!version) return fail('the strategy version of this backtest no longer exists');
  const parsed = parseDsl(version.dsl);
  if (!parsed.ok)
    return fail(
      `the strategy is not valid: ${parsed.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`,
    );
  const source = DataSourceSchema.safeParse(row.dataSource);
  if (!source.success)
    return fail(
      `the data source is not valid: ${source.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const overrides = BacktestOverridesSchema.safeParse(row.settings ?? {});
  if (!overrides.success)
    return fail(
      `the settings are not valid: ${overrides.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );

  const every = opts.progressMs ?? 500;
  let lastWrite = performance.now();
  let writing = false;
  let stopReason: 'cancelled' | 'timeout' | null = null;
  const input: BacktestInput = {
    document: parsed.value,
    source: source.data,
    overrides: overrides.data,
    dataDir: opts.dataDir,
    sharedData: opts.sharedData,
  };
  const onProgress = (fraction: number) => {
    const now = performance.now();
    if (writing || now - lastWrite < every) return;
    lastWrite = now;
    writing = true;
    void (async () => {
      const [cur] = await db
        .update(backtests)
        .set({ progress: fraction, updatedAt: new Date() })
        .where(and(eq(backtests.id, id), eq(backtests.status, 'running')))
        .returning({ id: backtests.id });
      if (!cur) {
        // The row is no longer running: the user cancelled (or deleted) it.
        stopReason ??= 'cancelled';
        await run.stop();
        return;
      }
      await publish('running', fraction, null);
      await opts.onProgress?.(fraction);
    })()
      .catch((err: unknown) =>
        logger.warn({ backtestId: id, err }, 'could not record backtest progress'),
      )
      .finally(() => {
        writing = false;
      });
  };
  let run: RunningBacktest;
  try {
    run = startRun(id, input, onProgress, opts);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), err);
  }
  const limit = opts.maxRuntimeMs ?? 0;
  const timer =
    limit > 0
      ? setTimeout(() => {
          stopReason ??= 'timeout';
          void run.stop();
        }, limit)
      : undefined;

  try {
    const report = await run.result;
    const stored = await finish('succeeded', {
      progress: 1,
      report,
    });
    if (!stored) return 'cancelled';
    await opts.onProgress?.(1);
    return 'succeeded';
  } catch (err) {
    if (stopReason === 'timeout')
      return fail(
        `the backtest was still running after ${duration(limit)}, the limit on this server (BACKTEST_MAX_MINUTES); backtest a shorter range`,
      );
    if (err instanceof BacktestCancelled || stopReason === 'cancelled') return 'cancelled';
    return fail(err instanceof Error ? err.message : String(err), err);
  } finally {
    clearTimeout(timer);
  }
}

/** One run on this worker's thread, or day ranges on the fleet joined into the same report. */
function startRun(
  id: string,
  input: BacktestInput,
  onProgress: (fraction: number) => void,
  opts: ProcessOptions,
): RunningBacktest {
  const plan = opts.fleet
    ? splitPlan(input.document, input.source, input.dataDir, opts.fleet.limits)
    : { ranges: [], run: null };
  if (plan.ranges.length < 2) {
    const one = startBacktest(input, onProgress, opts.execution);
    const said = plan.run;
    return said ? { ...one, result: one.result.then((r) => ((r.data.run = said), r)) } : one;
  }
  const fleet = opts.fleet!;
  const parts = runOnFleet<ReportPart>(fleet.job, partJobs(id, input, plan.ranges), fleet, (f) =>
    onProgress(f),
  );
  return {
    stop: parts.stop,
    result: parts.result.then((p): BacktestReport =>
      documentReportOfParts(input.document, p, {
        overrides: input.overrides,
        run: plan.run ?? undefined,
      }),
    ),
  };
}

/**
 * Rows and jobs always converge. Postgres says which backtests are unfinished; this sweep (run
 * when workers start and then on a BullMQ job scheduler) looks up each one's job: a job BullMQ
 * failed (for instance after the worker running it was killed once too often) or finished
 * without settling its row marks the row failed with the reason; a job Redis lost is queued
 * again with a note, a few times at most. Parameter sweeps unfinished in Postgres whose job
 * failed, finished without settling or was lost are marked failed with the reason (a sweep's
 * combinations are a flow of their own: it is run again from its page, not queued again here).
 * It also removes uploads no backtest points at.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { and, count, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { backtests, sweeps } from '@/db/schema';
import { defaultFolders, sanitizeMessage } from './failure';
import { enqueueBacktest, type BacktestProgressMessage } from '../queues';

export const SWEEP_SCHEDULER = 'sweep-backtests';
export const SWEEP_JOB = 'sweep-backtests';

export type SweepDeps = {
  db: Db;
  queue: Queue;
  dataDir: string;
  publish?: (m: BacktestProgressMessage) => Promise<void>;
  /** Rows touched more recently than this are left alone (their job may be on its way). */
  graceMs?: number;
  /** A job lost this many times is not queued again; its row fails. */
  maxRequeues?: number;
  /** An upload nobody points at is removed once it is this old (a backtest may be being created). */
  orphanUploadMs?: number;
  now?: number;
};

export type SweepResult = {
  requeued: string[];
  failed: string[];
  /** Parameter sweeps marked failed (their job failed, ended unsettled, or was lost). */
  sweepsFailed: string[];
  uploadsRemoved: number;
};

const LIVE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
const STALLED = /stalled more than allowable limit/i;

function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export async function sweepBacktests(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now ?? Date.now();
  const maxRequeues = deps.maxRequeues ?? 3;
  const folders = defaultFolders({ dataDir: deps.dataDir });
  const result: SweepResult = { requeued: [], failed: [], sweepsFailed: [], uploadsRemoved: 0 };
  const rows = await deps.db
    .select({
      id: backtests.id,
      ownerId: backtests.ownerId,
      status: backtests.status,
      progress: backtests.progress,
      notes: backtests.notes,
    })
    .from(backtests)
    .where(
      and(
        inArray(backtests.status, ['queued', 'running']),
        lt(backtests.updatedAt, new Date(now - (deps.graceMs ?? 15_000))),
      ),
    )
    .orderBy(backtests.updatedAt)
    .limit(500);

  const settle = async (id: string, progress: number, error: string) => {
    const [done] = await deps.db
      .update(backtests)
      .set({ status: 'failed', error, finishedAt: new Date(now), updatedAt: new Date(now) })
      .where(and(eq(backtests.id, id), inArray(backtests.status, ['queued', 'running'])))
      .returning({ id: backtests.id });
    if (!done) return;
    result.failed.push(id);
    await deps.publish?.({ id, status: 'failed', progress, error }).catch(() => {});
  };

  for (const row of rows) {
    const job = await deps.queue.getJob(row.id);
    const state = job ? await job.getState() : 'unknown';
    if (LIVE.has(state)) continue;
    if (state === 'failed') {
      const reason = job?.failedReason ?? '';
      await settle(
        row.id,
        row.progress,
        STALLED.test(reason)
          ? `The worker running this backtest stopped ${job?.stalledCounter || 'several'} times (the server was restarted, killed or crashed), so it was not started again. Run it again; if it keeps stopping, backtest a shorter range.`
          : `The backtest could not run: ${sanitizeMessage(reason || 'no reason was recorded', folders)}`,
      );
      continue;
    }
    if (state === 'completed') {
      await settle(
        row.id,
        row.progress,
        'The backtest ended without storing its result (see the server log); run it again.',
      );
      continue;
    }
    // No job at all: Redis lost it (a restart without its data, or a flush).
    const lost = row.notes.filter((n) => n.startsWith('Queued again')).length;
    if (lost >= maxRequeues) {
      await settle(
        row.id,
        row.progress,
        `The job queue lost this backtest ${lost + 1} times, so it was not queued again. Run it again.`,
      );
      continue;
    }
    const note = `Queued again at ${stamp(now)}: the job queue had lost it (its Redis restarted without its data).`;
    const [again] = await deps.db
      .update(backtests)
      .set({
        notes: sql`${backtests.notes} || ${JSON.stringify([note])}::jsonb`,
        updatedAt: new Date(now),
      })
      .where(and(eq(backtests.id, row.id), inArray(backtests.status, ['queued', 'running'])))
      .returning({ id: backtests.id });
    if (!again) continue;
    const [{ n }] = await deps.db
      .select({ n: count() })
      .from(backtests)
      .where(
        and(eq(backtests.ownerId, row.ownerId), inArray(backtests.status, ['queued', 'running'])),
      );
    await enqueueBacktest(deps.queue, row.id, n);
    result.requeued.push(row.id);
  }

  result.sweepsFailed = await settleLostSweeps(deps, now);
  result.uploadsRemoved = await removeOrphanUploads(deps, now);
  if (
    result.requeued.length ||
    result.failed.length ||
    result.sweepsFailed.length ||
    result.uploadsRemoved
  )
    // prettier-ignore
    logger.info(result, 'backtest sweep settled runs');
  return result;
}

/** Parameter sweeps Postgres says are unfinished while their job is failed, done or gone: failed, with the reason. */
async function settleLostSweeps(deps: SweepDeps, now: number): Promise<string[]> {
  const folders = defaultFolders({ dataDir: deps.dataDir });
  const rows = await deps.db
    .select({ id: sweeps.id })
    .from(sweeps)
    .where(
      and(
        inArray(sweeps.status, ['queued', 'running']),
        lt(sweeps.updatedAt, new Date(now - (deps.graceMs ?? 15_000))),
      ),
    )
    .orderBy(sweeps.updatedAt)
    .limit(500);
  const failed: string[] = [];
  for (const row of rows) {
    const job = await deps.queue.getJob(row.id);
    const state = job ? await job.getState() : 'unknown';
    if (LIVE.has(state)) continue;
    const reason = job?.failedReason ?? '';
    const error =
      state === 'failed'
        ? STALLED.test(reason)
          ? `The worker running this sweep stopped ${job?.stalledCounter || 'several'} times (the server was restarted, killed or crashed), so it was not started again. Run it again; if it keeps stopping, sweep fewer combinations or a shorter range.` // prettier-ignore
          : `The sweep could not run: ${sanitizeMessage(reason || 'no reason was recorded', folders)}`
        : state === 'completed'
          ? 'The sweep ended without storing its results (see the server log); run it again.'
          : 'The job queue lost this sweep (its Redis restarted without its data); run it again from its page.'; // prettier-ignore
    const [done] = await deps.db
      .update(sweeps)
      .set({ status: 'failed', error, finishedAt: new Date(now), updatedAt: new Date(now) })
      .where(and(eq(sweeps.id, row.id), inArray(sweeps.status, ['queued', 'running'])))
      .returning({ id: sweeps.id });
    if (done) failed.push(row.id);
  }
  return failed;
}

/** Files under DATA_DIR/uploads that no backtest row names (its backtest was deleted, or its creation failed). */
async function removeOrphanUploads(deps: SweepDeps, now: number): Promise<number> {
  const dir = path.join(deps.dataDir, 'uploads');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  if (names.length === 0) return 0;
  const referenced = new Set(
    (
      await deps.db
        .select({ file: sql<string>`${backtests.dataSource} ->> 'file'` })
        .from(backtests)
        .where(sql`${backtests.dataSource} ->> 'kind' = 'upload'`)
    ).map((r) => r.file),
  );
  let removed = 0;
  for (const name of names) {
    if (referenced.has(`uploads/${name}`)) continue;
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs < (deps.orphanUploadMs ?? 3_600_000)) continue;
      rmSync(file, { force: true });
      removed++;
    } catch {
      // gone already
    }
  }
  return removed;
}

/** tRPC `backtests.*`: create / get / list / cancel, and progress as an SSE subscription; every call is owner-scoped. */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { env } from '@/db/env';
import { protectedProcedure, router } from '@/server/api/trpc';
import type { Db } from '@/db/client';
import type { Backtest } from '@/db/schema';
import { AppError } from '@/server/errors';
import {
  cancelBacktest,
  createBacktest,
  deleteBacktest,
  getBacktest,
  listBacktests,
} from '@/server/services/backtests';
import { watchBacktest, type BacktestProgressMessage } from '@/workers/queues';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { listSharedDatasets } from '@/datasets/shared-data';
import { RunSourceInputs, RunStatus } from './run-inputs';

const Id = z.uuid('Backtest id must be a UUID, as shown in the Backtests list.');

/** Uploads travel as text inside the request; 32 MB is a few trading days of a full chain. */
const MAX_UPLOAD_CHARS = 32 * 1024 * 1024;

const DataSourceInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('upload'),
    filename: z.string().min(1).max(200),
    content: z
      .string()
      .min(1, 'the uploaded file is empty')
      .max(MAX_UPLOAD_CHARS, 'the file is larger than 32 MB; split it by day'),
  }),
  ...RunSourceInputs,
]);

const Row = z.object({
  id: z.string(),
  strategyVersionId: z.string(),
  dataSource: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  status: RunStatus,
  progress: z.number(),
  error: z.string().nullable(),
  /** What happened on the way (restarts after a crash, a lost job queued again). */
  notes: z.array(z.string()),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
const Detail = Row.extend({ report: z.record(z.string(), z.unknown()).nullable() });
const ListItem = Row.extend({
  strategyName: z.string(),
  summary: z.record(z.string(), z.unknown()).nullable(),
});

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

function publicRow<T extends z.infer<typeof Row>>(r: T & Record<string, unknown>) {
  return {
    id: r.id,
    strategyVersionId: r.strategyVersionId,
    dataSource: r.dataSource,
    settings: r.settings,
    status: r.status,
    progress: r.progress,
    error: r.error,
    notes: r.notes,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

export const backtestsRouter = router({
  create: protectedProcedure
    .input(
      z
        .object({
          strategyId: z.uuid('Strategy id must be a UUID.').optional(),
          strategyVersionId: z.uuid('Version id must be a UUID.').optional(),
          dataSource: DataSourceInput,
          settings: BacktestOverridesSchema.optional(),
        })
        .refine((i) => (i.strategyId === undefined) !== (i.strategyVersionId === undefined), {
          message:
            'give either strategyId (the strategy as it is now) or strategyVersionId (a saved version)',
        }),
    )
    .output(Row)
    .mutation(async ({ ctx, input }) =>
      publicRow(await createBacktest(ctx.db, ctx.user.id, input, { dataDir: env().DATA_DIR })),
    ),

  get: protectedProcedure
    .input(z.object({ id: Id }))
    .output(Detail)
    .query(async ({ ctx, input }) => {
      const r = await getBacktest(ctx.db, ctx.user.id, input.id);
      return { ...publicRow(r), report: r.report ?? null };
    }),

  list: protectedProcedure
    .input(
      z
        .object({
          strategyId: z.uuid().optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .output(z.array(ListItem))
    .query(async ({ ctx, input }) =>
      (await listBacktests(ctx.db, ctx.user.id, input ?? {})).map((r) => ({
        ...publicRow(r),
        strategyName: r.strategyName,
        summary: r.summary,
      })),
    ),

  cancel: protectedProcedure
    .input(z.object({ id: Id }))
    .output(Row)
    .mutation(async ({ ctx, input }) =>
      publicRow(await cancelBacktest(ctx.db, ctx.user.id, input.id)),
    ),

  /** The real datasets this server has (STRIKEFLOW_DATA_DIR), to pick as a data source. */
  datasets: protectedProcedure
    .output(z.array(z.object({ path: z.string(), bytes: z.number() })))
    .query(() => listSharedDatasets().map((d) => ({ path: d.id, bytes: d.bytes }))),

  /** Deletes a backtest (stopping it first if it runs) and the data file uploaded for it. */
  delete: protectedProcedure
    .input(z.object({ id: Id }))
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) =>
      deleteBacktest(ctx.db, ctx.user.id, input.id, { dataDir: env().DATA_DIR }),
    ),

  /**
   * Progress until the backtest ends: one event per change, resumable by the last event id.
   * Workers push changes over Redis pub/sub; the row is re-read only now and then in case a
   * message was lost. The stream ends on a terminal state; each user may hold a few at once.
   */
  progress: protectedProcedure
    .input(z.object({ id: Id }))
    .subscription(async ({ ctx, input, signal }) => {
      // Checked before the stream starts, so another user's id is a plain 404.
      const first = await getBacktest(ctx.db, ctx.user.id, input.id);
      if ((openStreams.get(ctx.user.id) ?? 0) >= MAX_STREAMS_PER_USER) throw tooManyStreams();
      return progressStream(ctx.db, ctx.user.id, first, signal);
    }),
});

/** Open progress streams per user in this process. */
const openStreams = new Map<string, number>();
export const MAX_STREAMS_PER_USER = 8;
/** How often a stream re-reads its row when no message arrives. */
const REREAD_MS = 5_000;

const tooManyStreams = () =>
  new AppError(
    'TOO_MANY_REQUESTS',
    'progress stream cap reached',
    `You are watching ${MAX_STREAMS_PER_USER} backtests already; close a tab or wait for one to finish.`,
  );

type Progress = Pick<Backtest, 'id' | 'status' | 'progress' | 'error'>;

async function* progressStream(db: Db, userId: string, first: Progress, signal?: AbortSignal) {
  const n = (openStreams.get(userId) ?? 0) + 1;
  if (n > MAX_STREAMS_PER_USER) throw tooManyStreams();
  openStreams.set(userId, n);
  let latest: BacktestProgressMessage | null = null;
  let wake: (() => void) | null = null;
  let unwatch = () => {};
  try {
    unwatch = watchBacktest(first.id, (m) => {
      latest = m;
      wake?.();
    });
  } catch {
    // No Redis: the stream re-reads the row on its timer.
  }
  try {
    let r: Progress = first;
    let last = '';
    while (!signal?.aborted) {
      const key = `${r.status}:${r.progress}`;
      if (key !== last) {
        last = key;
        yield tracked(key, { id: r.id, status: r.status, progress: r.progress, error: r.error });
      }
      if (TERMINAL.has(r.status)) return;
      const heard = await new Promise<boolean>((resolve) => {
        const done = (v: boolean) => {
          clearTimeout(timer);
          wake = null;
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        };
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(false), REREAD_MS);
        wake = () => done(true);
        if (latest) done(true);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (signal?.aborted) return;
      const m: BacktestProgressMessage | null = latest;
      latest = null;
      if (heard && m) {
        r = m;
        continue;
      }
      try {
        r = await getBacktest(db, userId, first.id);
      } catch (err) {
        // Deleted while watched: the stream ends.
        if (err instanceof AppError && err.code === 'NOT_FOUND') return;
        throw err;
      }
    }
  } finally {
    unwatch();
    const left = (openStreams.get(userId) ?? 1) - 1;
    if (left > 0) openStreams.set(userId, left);
    else openStreams.delete(userId);
  }
}

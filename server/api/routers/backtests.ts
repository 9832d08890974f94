/** tRPC `backtests.*`: create / get / list / cancel, and progress as an SSE subscription; every call is owner-scoped. */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { env } from '@/db/env';
import { protectedProcedure, router } from '@/server/api/trpc';
import {
  cancelBacktest,
  createBacktest,
  getBacktest,
  listBacktests,
} from '@/server/services/backtests';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { listDatasets, sharedDataDir } from '@/datasets/source';

const Id = z.uuid('Backtest id must be a UUID, as shown in the Backtests list.');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

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
  z.object({
    kind: z.literal('simulator'),
    underlying: z.string().min(1),
    from: IsoDate,
    to: IsoDate,
    seed: z.number().int(),
    intervalSeconds: z.number().int().min(1).max(3600).optional(),
  }),
  z.object({ kind: z.literal('dataset'), path: z.string().min(1).max(300) }),
  z.object({
    kind: z.literal('store'),
    underlying: z.string().min(1).max(30),
    from: IsoDate,
    to: IsoDate,
  }),
]);

const Status = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
const Row = z.object({
  id: z.string(),
  strategyVersionId: z.string(),
  dataSource: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  status: Status,
  progress: z.number(),
  error: z.string().nullable(),
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

  /** The real datasets this server has (../shared/data), to pick as a data source. */
  datasets: protectedProcedure
    .output(z.array(z.object({ path: z.string(), bytes: z.number() })))
    .query(() => listDatasets(sharedDataDir())),

  /** Progress until the backtest ends: one event per change, resumable by the last event id. */
  progress: protectedProcedure
    .input(z.object({ id: Id, pollMs: z.number().int().min(50).max(5000).optional() }))
    .subscription(async function* ({ ctx, input, signal }) {
      let last = '';
      while (!signal?.aborted) {
        const r = await getBacktest(ctx.db, ctx.user.id, input.id);
        const key = `${r.status}:${r.progress}`;
        if (key !== last) {
          last = key;
          yield tracked(key, { id: r.id, status: r.status, progress: r.progress, error: r.error });
        }
        if (TERMINAL.has(r.status)) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, input.pollMs ?? 400);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
      }
    }),
});

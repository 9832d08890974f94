/** tRPC `sweeps.*`: create / get / list / cancel parameter sweeps, and the fields a sweep can vary; every call is owner-scoped. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import type { Sweep } from '@/db/schema';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { MAX_COMBINATIONS, MAX_FIELDS, MAX_VALUES, SWEEP_FIELDS, SweepSpecSchema } from '@/engine/sweep/grid'; // prettier-ignore
import { cancelSweep, createSweep, getSweep, listSweeps } from '@/server/services/sweeps';
import { RunSourceInputs, RunStatus } from './run-inputs';

const Id = z.uuid('Sweep id must be a UUID, as shown in the Sweeps list.');

const DataSourceInput = z.discriminatedUnion('kind', [...RunSourceInputs]);

const Row = z.object({
  id: z.string(),
  strategyVersionId: z.string(),
  dataSource: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  spec: SweepSpecSchema,
  combinations: z.number(),
  status: RunStatus,
  progress: z.number(),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
const Window = z.object({
  netPnl: z.number(),
  maxDrawdown: z.number(),
  sharpe: z.number().nullable(),
  trades: z.number(),
  days: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
const Detail = Row.extend({
  results: z.array(
    z.object({
      index: z.number(),
      combo: z.array(z.union([z.number(), z.string()])),
      whole: Window,
      inSample: Window,
      outOfSample: Window,
    }),
  ),
  analysis: z
    .object({
      chosen: z.object({ index: z.number(), label: z.string() }).nullable(),
      rankCorrelation: z.number().nullable(),
      warnings: z.array(z.string()),
    })
    .nullable(),
});

function publicRow(r: Omit<Sweep, 'results' | 'analysis'>) {
  return {
    id: r.id,
    strategyVersionId: r.strategyVersionId,
    dataSource: r.dataSource,
    settings: r.settings as Record<string, unknown>,
    spec: r.spec,
    combinations: r.combinations,
    status: r.status,
    progress: r.progress,
    error: r.error,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

export const sweepsRouter = router({
  /** What a sweep can vary, with the limits of a grid. */
  fields: protectedProcedure
    .output(
      z.object({
        fields: z.array(z.object({ field: z.string(), label: z.string(), describe: z.string() })),
        maxCombinations: z.number(),
        maxFields: z.number(),
        maxValues: z.number(),
      }),
    )
    .query(() => ({
      fields: Object.entries(SWEEP_FIELDS).map(([field, f]) => ({
        field,
        label: f.label,
        describe: f.describe,
      })),
      maxCombinations: MAX_COMBINATIONS,
      maxFields: MAX_FIELDS,
      maxValues: MAX_VALUES,
    })),

  create: protectedProcedure
    .input(
      z
        .object({
          strategyId: z.uuid('Strategy id must be a UUID.').optional(),
          strategyVersionId: z.uuid('Version id must be a UUID.').optional(),
          dataSource: DataSourceInput,
          settings: BacktestOverridesSchema.optional(),
          // Checked by the service, so a bad grid gets one message naming the field and the fix.
          spec: z.unknown(),
        })
        .refine((i) => (i.strategyId === undefined) !== (i.strategyVersionId === undefined), {
          message:
            'give either strategyId (the strategy as it is now) or strategyVersionId (a saved version)',
        }),
    )
    .output(Row)
    .mutation(async ({ ctx, input }) =>
      publicRow(
        await createSweep(ctx.db, ctx.user.id, {
          ...input,
          spec: input.spec as Parameters<typeof createSweep>[2]['spec'],
        }),
      ),
    ),

  get: protectedProcedure
    .input(z.object({ id: Id }))
    .output(Detail)
    .query(async ({ ctx, input }) => {
      const r = await getSweep(ctx.db, ctx.user.id, input.id);
      return { ...publicRow(r), results: r.results, analysis: r.analysis ?? null };
    }),

  list: protectedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).optional() }).optional())
    .output(z.array(Row.extend({ strategyName: z.string(), done: z.number() })))
    .query(async ({ ctx, input }) =>
      (await listSweeps(ctx.db, ctx.user.id, input?.limit)).map((r) => ({
        ...publicRow(r),
        strategyName: r.strategyName,
        done: r.done,
      })),
    ),

  cancel: protectedProcedure
    .input(z.object({ id: Id }))
    .output(Row)
    .mutation(async ({ ctx, input }) =>
      publicRow(await cancelSweep(ctx.db, ctx.user.id, input.id)),
    ),
});

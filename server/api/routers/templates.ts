/** The templates API: a gallery every signed-in user can read and fork from; only authors change their templates. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import * as service from '@/server/services/templates';

const json = z.record(z.string(), z.unknown());
const templateId = z.uuid('Template id must be a UUID, as shown in the Templates gallery.');
const strategyId = z.uuid('Strategy id must be a UUID, as shown in the Strategies list.');
const title = z
  .string()
  .trim()
  .min(3, 'Give the template a title of at least 3 characters.')
  .max(120, 'Keep the title under 120 characters.');
const description = z.string().max(2000, 'Keep the description under 2000 characters.');
const tags = z
  .array(z.string().max(30, 'Each tag must be under 30 characters.'))
  .max(12, 'Use at most 12 tags.');

const backtestSummary = z.object({
  backtestId: z.string(),
  netPnl: z.number(),
  returnPct: z.number().nullable(),
  trades: z.number(),
  winRate: z.number(),
  maxDrawdown: z.number(),
  maxDrawdownPct: z.number().nullable(),
  sharpe: z.number().nullable(),
  currency: z.string().nullable(),
  data: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
const backtestId = z
  .uuid('Backtest id must be a UUID, as listed under "Publish with a backtest".')
  .nullable()
  .optional();

const summary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  authorName: z.string(),
  isMine: z.boolean(),
  isPublic: z.boolean(),
  isExample: z.boolean(),
  version: z.number().int(),
  forkCount: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
  dsl: json,
  backtest: backtestSummary.nullable(),
});

/** One DSL change (engine/diff/dsl-diff), as the fork banner and the version history show it. */
export const dslChange = z.union([
  z.object({ kind: z.literal('added'), path: z.string(), after: z.unknown() }),
  z.object({ kind: z.literal('removed'), path: z.string(), before: z.unknown() }),
  z.object({
    kind: z.literal('changed'),
    path: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  }),
]);

export const templatesRouter = router({
  list: protectedProcedure
    .input(
      z
        .object({
          search: z.string().max(200).optional(),
          tag: z.string().max(30).optional(),
          sort: z.enum(['newest', 'forks', 'best']).optional(),
        })
        .optional(),
    )
    .output(z.array(summary))
    .query(({ ctx, input }) => service.listTemplates(ctx.db, ctx.user.id, input ?? {})),

  byId: protectedProcedure
    .input(z.object({ id: templateId }))
    .output(
      summary.extend({
        graph: json,
        sourceStrategyId: z.string().nullable(),
        versions: z.array(
          z.object({ version: z.number().int(), notes: z.string(), createdAt: z.date() }),
        ),
      }),
    )
    .query(({ ctx, input }) => service.getTemplate(ctx.db, ctx.user.id, input.id)),

  publish: protectedProcedure
    .input(
      z.object({
        strategyId,
        title,
        description: description.default(''),
        tags: tags.default([]),
        backtestId,
      }),
    )
    .output(z.object({ id: z.string(), version: z.number().int() }))
    .mutation(({ ctx, input }) => service.publishTemplate(ctx.db, ctx.user.id, input)),

  publishVersion: protectedProcedure
    .input(
      z.object({
        templateId,
        notes: z.string().max(500, 'Keep the notes under 500 characters.').default(''),
        backtestId,
      }),
    )
    .output(z.object({ id: z.string(), version: z.number().int() }))
    .mutation(({ ctx, input }) => service.publishTemplateVersion(ctx.db, ctx.user.id, input)),

  /** The author's finished backtests of a strategy, and which of them may be published with it. */
  publishableBacktests: protectedProcedure
    .input(z.object({ strategyId }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          createdAt: z.date(),
          data: z.string(),
          netPnl: z.number().nullable(),
          trades: z.number().nullable(),
          refused: z.string().nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => service.publishableBacktests(ctx.db, ctx.user.id, input.strategyId)),

  /** The template's current version as the caller's own strategy version, for a backtest run. */
  backtestTarget: protectedProcedure
    .input(z.object({ templateId }))
    .output(z.object({ strategyVersionId: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) =>
      service.templateVersionToBacktest(ctx.db, ctx.user.id, input.templateId),
    ),

  update: protectedProcedure
    .input(
      z.object({
        id: templateId,
        title: title.optional(),
        description: description.optional(),
        tags: tags.optional(),
        isPublic: z.boolean().optional(),
      }),
    )
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => service.updateTemplate(ctx.db, ctx.user.id, input)),

  delete: protectedProcedure
    .input(z.object({ id: templateId }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => service.deleteTemplate(ctx.db, ctx.user.id, input.id)),

  fork: protectedProcedure
    .input(z.object({ templateId, name: z.string().max(120).optional() }))
    .output(z.object({ strategyId: z.string(), version: z.number().int() }))
    .mutation(({ ctx, input }) => service.forkTemplate(ctx.db, ctx.user.id, input)),

  forkStatus: protectedProcedure
    .input(z.object({ strategyId }))
    .output(
      z.union([
        z.object({ forked: z.literal(false) }),
        z.object({
          forked: z.literal(true),
          templateId: z.string(),
          templateTitle: z.string(),
          available: z.boolean(),
          forkedVersion: z.number().int(),
          latestVersion: z.number().int(),
          newVersionAvailable: z.boolean(),
          notes: z.array(z.string()),
          changes: z.array(dslChange),
        }),
      ]),
    )
    .query(({ ctx, input }) => service.forkStatus(ctx.db, ctx.user.id, input.strategyId)),

  updateFork: protectedProcedure
    .input(z.object({ strategyId, expectedVersion: z.number().int().min(1) }))
    .output(z.object({ strategyId: z.string(), version: z.number().int() }))
    .mutation(({ ctx, input }) => service.updateForkToLatest(ctx.db, ctx.user.id, input)),
});

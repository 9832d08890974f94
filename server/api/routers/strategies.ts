/** The strategies API: owner-scoped CRUD, optimistic autosave, versions, import. Handlers only call the service. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import * as service from '@/server/services/strategies';
import { strategyHistory } from '@/server/services/strategy-history';
import { dslChange } from '@/server/api/routers/templates';
import { documentSizeProblem, starterGraph } from '@/server/services/strategy-documents';
import { isKnownUnderlying, UNDERLYING_SYMBOLS } from '@/engine/dsl';

const id = z.uuid('Strategy id must be a UUID, as shown in the Strategies list.');
const jsonObject = z.record(z.string(), z.unknown());
/** A canvas graph within the size and nesting limits (checked before it is stored or compiled). */
const graphInput = jsonObject.superRefine((g, ctx) => {
  const problem = documentSizeProblem(g);
  if (problem) ctx.addIssue({ code: 'custom', message: `The graph is too large: ${problem}.` });
});
const name = z
  .string()
  .trim()
  .min(1, 'Give the strategy a name')
  .max(120, 'Keep the name under 120 characters');
const description = z.string().max(2000, 'Keep the description under 2000 characters');
const problem = z.object({
  path: z.string(),
  field: z.string().nullable(),
  message: z.string(),
  nodeId: z.string().nullable(),
});

const summary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  valid: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const detail = summary.extend({
  graph: jsonObject,
  dsl: jsonObject.nullable(),
  problems: z.array(problem),
  forkedFromTemplateId: z.string().nullable(),
});
const version = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string(),
  createdAt: z.date(),
});

export const strategiesRouter = router({
  list: protectedProcedure
    .input(z.object({ search: z.string().max(200).optional() }).optional())
    .output(z.array(summary))
    .query(async ({ ctx, input }) => service.listStrategies(ctx.db, ctx.user.id, input ?? {})),

  byId: protectedProcedure
    .input(z.object({ id }))
    .output(detail)
    .query(async ({ ctx, input }) => service.getStrategy(ctx.db, ctx.user.id, input.id)),

  create: protectedProcedure
    .input(
      z.object({
        name,
        description: description.optional(),
        graph: graphInput.optional(),
        /** The market a new strategy trades; its cost model and session times follow. */
        underlying: z
          .string()
          .max(20)
          .refine(isKnownUnderlying, {
            message: `Pick an underlying from the list (${UNDERLYING_SYMBOLS.join(', ')})`,
          })
          .optional(),
      }),
    )
    .output(detail)
    .mutation(async ({ ctx, input }) =>
      service.createStrategy(ctx.db, ctx.user.id, {
        name: input.name,
        description: input.description,
        graph: input.graph ?? starterGraph({ name: input.name, underlying: input.underlying }),
      }),
    ),

  save: protectedProcedure
    .input(
      z.object({
        id,
        expectedVersion: z.number().int().min(1),
        graph: graphInput.optional(),
        name: name.optional(),
        description: description.optional(),
      }),
    )
    .output(detail)
    .mutation(async ({ ctx, input }) => service.saveStrategy(ctx.db, ctx.user.id, input)),

  duplicate: protectedProcedure
    .input(z.object({ id }))
    .output(detail)
    .mutation(async ({ ctx, input }) => service.duplicateStrategy(ctx.db, ctx.user.id, input.id)),

  delete: protectedProcedure
    .input(z.object({ id }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(async ({ ctx, input }) => service.deleteStrategy(ctx.db, ctx.user.id, input.id)),

  restore: protectedProcedure
    .input(z.object({ id }))
    .output(summary)
    .mutation(async ({ ctx, input }) => service.restoreStrategy(ctx.db, ctx.user.id, input.id)),

  saveVersion: protectedProcedure
    .input(
      z.object({ id, name: z.string().max(120).optional(), description: description.optional() }),
    )
    .output(version)
    .mutation(async ({ ctx, input }) => service.saveVersion(ctx.db, ctx.user.id, input)),

  versions: protectedProcedure
    .input(z.object({ id }))
    .output(z.array(version))
    .query(async ({ ctx, input }) => service.listVersions(ctx.db, ctx.user.id, input.id)),

  /** Versions newest first with their DSL diffs, and what the draft changed since the newest. */
  history: protectedProcedure
    .input(z.object({ id }))
    .output(
      z.object({
        versions: z.array(
          version.extend({ changeCount: z.number().int(), changes: z.array(dslChange) }),
        ),
        draft: z.object({ changeCount: z.number().int(), changes: z.array(dslChange) }).nullable(),
      }),
    )
    .query(async ({ ctx, input }) => strategyHistory(ctx.db, ctx.user.id, input.id)),

  getVersion: protectedProcedure
    .input(
      z.object({
        id: z.uuid("Version id must be a UUID, as listed under the strategy's versions."),
      }),
    )
    .output(
      version.extend({ strategyId: z.string().nullable(), dsl: jsonObject, graph: jsonObject }),
    )
    .query(async ({ ctx, input }) => service.getVersion(ctx.db, ctx.user.id, input.id)),

  import: protectedProcedure
    .input(
      z.object({
        name: z.string().max(120).optional(),
        document: z.unknown().superRefine((d, ctx) => {
          const problem = documentSizeProblem(d);
          if (problem)
            ctx.addIssue({ code: 'custom', message: `The file is too large: ${problem}.` });
        }),
      }),
    )
    .output(
      z.discriminatedUnion('ok', [
        z.object({ ok: z.literal(true), strategy: detail }),
        z.object({
          ok: z.literal(false),
          kind: z.enum(['dsl', 'graph', 'unknown']),
          errors: z.array(problem),
        }),
      ]),
    )
    .mutation(async ({ ctx, input }) => service.importStrategy(ctx.db, ctx.user.id, input)),
});

/** The template gallery: readable by everyone signed in; publishing and forking act for the caller only. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import * as service from '@/server/services/templates';

const jsonObject = z.record(z.string(), z.unknown());
const templateId = z.string().min(1).max(120);
const summary = z.object({
  id: z.string(),
  kind: z.enum(['example', 'published']),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  author: z.string(),
  mine: z.boolean(),
  version: z.number().int(),
  forkCount: z.number().int(),
  underlyings: z.array(z.string()),
  legs: z.number().int(),
  publishedAt: z.date().nullable(),
});
const strategyRef = z.object({ id: z.string(), name: z.string(), version: z.number().int() });

export const templatesRouter = router({
  list: protectedProcedure
    .input(z.object({ search: z.string().max(200).optional() }).optional())
    .output(z.array(summary))
    .query(async ({ ctx, input }) => service.listTemplates(ctx.db, ctx.user.id, input ?? {})),

  byId: protectedProcedure
    .input(z.object({ id: templateId }))
    .output(summary.extend({ dsl: jsonObject, graph: jsonObject }))
    .query(async ({ ctx, input }) => service.getTemplate(ctx.db, ctx.user.id, input.id)),

  publish: protectedProcedure
    .input(
      z.object({
        strategyId: z.uuid('Strategy id must be a UUID, as shown in the Strategies list.'),
        title: z.string().trim().min(1, 'Give the template a title').max(120),
        description: z.string().max(2000).default(''),
        tags: z.array(z.string().max(30)).max(10, 'At most 10 tags').default([]),
      }),
    )
    .output(summary)
    .mutation(async ({ ctx, input }) => service.publishTemplate(ctx.db, ctx.user.id, input)),

  fork: protectedProcedure
    .input(z.object({ id: templateId }))
    .output(strategyRef)
    .mutation(async ({ ctx, input }) => {
      const s = await service.forkTemplate(ctx.db, ctx.user.id, input.id);
      return { id: s.id, name: s.name, version: s.version };
    }),

  upstream: protectedProcedure
    .input(z.object({ strategyId: z.uuid() }))
    .output(
      z
        .object({
          templateId: z.string(),
          title: z.string(),
          forkedVersion: z.number().int().nullable(),
          latestVersion: z.number().int(),
          newVersionAvailable: z.boolean(),
          changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
        })
        .nullable(),
    )
    .query(async ({ ctx, input }) => service.upstreamOf(ctx.db, ctx.user.id, input.strategyId)),
});

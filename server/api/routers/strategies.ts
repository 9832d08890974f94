import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import { getStrategy, listStrategies } from '@/server/services/strategies';

const strategySummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const strategyDetail = strategySummary.extend({
  dsl: z.record(z.string(), z.unknown()),
  graph: z.record(z.string(), z.unknown()),
});

export const strategiesRouter = router({
  list: protectedProcedure
    .output(z.array(strategySummary))
    .query(({ ctx }) => listStrategies(ctx.db, ctx.user.id)),

  byId: protectedProcedure
    .input(z.object({ id: z.uuid('Strategy id must be a UUID, as shown in the Strategies list.') }))
    .output(strategyDetail)
    .query(({ ctx, input }) => getStrategy(ctx.db, ctx.user.id, input.id)),
});

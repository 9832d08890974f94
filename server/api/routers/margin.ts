/** tRPC `margin.*`: a connected broker's own margin for a position's opening orders (Kite basket margins). */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import { basketMarginFor } from '@/server/services/basket-margin';
import { BasketMarginLegSchema, BasketMarginResultSchema, MAX_BASKET_LEGS } from '@/workers/queues';

const Answer = z.intersection(
  BasketMarginResultSchema,
  z.object({
    account: z.strictObject({
      id: z.string(),
      label: z.string(),
      broker: z.enum(['kite', 'alpaca', 'deribit']),
    }),
    at: z.string(),
  }),
);

export const marginRouter = router({
  /**
   * The broker's margin for these legs (resolved strikes, as the payoff panel shows them), or
   * why there is none (Kite-only, session expired, refused, not listed): the caller then shows
   * the approximation with that reason. Answers are cached briefly per (account, basket).
   */
  basket: protectedProcedure
    .input(
      z.strictObject({
        accountId: z.uuid('Broker account id must be a UUID, as shown on the Brokers page.'),
        underlying: z.string().trim().min(1).max(30),
        product: z.enum(['NRML', 'MIS']).default('NRML'),
        legs: z
          .array(BasketMarginLegSchema)
          .min(1, 'The position has no legs to margin.')
          .max(MAX_BASKET_LEGS, `A basket holds at most ${MAX_BASKET_LEGS} legs.`),
      }),
    )
    .output(Answer)
    .query(({ ctx, input }) => basketMarginFor(ctx.db, ctx.user.id, input)),
});

/** The basket: the document's root block, holding strategies and the account-level limits (docs/dsl.md#basket). */
import { z } from 'zod';
import { Name, NonNegativeNumber, Percent, PositiveNumber, typeVersion } from './primitives.ts';
import { StrategySchema } from './strategy.ts';
import { currencyOf } from './underlyings.ts';

export const SlippageSchema = z.strictObject({ type: z.enum(['points', 'pct']), value: NonNegativeNumber });

export const CostModelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('fixed'),
    perOrder: NonNegativeNumber.default(0),
    perLot: NonNegativeNumber.default(0),
    pctOfTurnover: z.number().min(0).max(5).default(0),
  }),
]);

export const ExecutionSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    trigger: z.enum(['ltp', 'candleClose']).default('ltp'),
    candleMinutes: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(15)]).optional(),
    slippage: SlippageSchema.default({ type: 'points', value: 0 }),
    costModel: CostModelSchema.default({ type: 'none' }),
  })
  .superRefine((e, ctx) => {
    if (e.trigger === 'candleClose' && e.candleMinutes === undefined) ctx.addIssue({ code: 'custom', path: ['candleMinutes'], message: 'candle-close triggers need candleMinutes (1, 3, 5 or 15)' });
    if (e.trigger === 'ltp' && e.candleMinutes !== undefined) ctx.addIssue({ code: 'custom', path: ['candleMinutes'], message: 'candleMinutes applies only to trigger "candleClose"' });
  });
export type Execution = z.infer<typeof ExecutionSchema>;

export const MaxDailyLossSchema = z
  .strictObject({ type: z.enum(['amount', 'pct']), value: PositiveNumber })
  .refine((m) => m.type !== 'pct' || m.value <= 100, { path: ['value'], message: 'a % daily loss limit is at most 100' });

export const BasketSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    name: Name,
    description: z.string().max(4000).default(''),
    capital: PositiveNumber,
    deployablePct: Percent.default(100),
    maxDailyLoss: MaxDailyLossSchema.optional(),
    maxDrawdownPct: Percent.optional(),
    execution: ExecutionSchema.default({ typeVersion: 1, trigger: 'ltp', slippage: { type: 'points', value: 0 }, costModel: { type: 'none' } }),
    strategies: z.array(StrategySchema).min(1, { message: 'a basket needs at least one strategy' }).max(100),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    if (b.strategies.length === 0) return;
    const currency = currencyOf(b.strategies[0].underlying);
    b.strategies.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['strategies', i, 'id'], message: `strategy id "${s.id}" is used twice in this basket` });
      seen.add(s.id);
      const c = currencyOf(s.underlying);
      if (c !== currency) {
        ctx.addIssue({ code: 'custom', path: ['strategies', i, 'underlying'], message: `${s.underlying} trades in ${c}, but this basket's capital is in ${currency} (from ${b.strategies[0].underlying}); put strategies of one currency in a basket` });
      }
    });
  });
export type Basket = z.infer<typeof BasketSchema>;

export const DslDocumentSchema = z.strictObject({
  dslVersion: z.literal(1, { message: 'dslVersion must be 1 (run migrate() on documents from older versions)' }),
  basket: BasketSchema,
});
export type DslDocument = z.infer<typeof DslDocumentSchema>;
export type DslDocumentInput = z.input<typeof DslDocumentSchema>;

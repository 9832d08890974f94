/** The basket: the document's root block, holding strategies and the account-level limits (docs/dsl.md#basket). */
import { z } from 'zod';
import { Name, NonNegativeNumber, Percent, PositiveNumber, typeVersion } from './primitives.ts';
import { StrategySchema } from './strategy.ts';
import { currencyOf } from './underlyings.ts';

export const SlippageSchema = z.strictObject({
  type: z.enum(['points', 'pct']),
  value: NonNegativeNumber,
});

/**
 * The broker charges a backtest or deployment applies. The named models are engine/broker/costs'
 * published schedules (same ids as the CLI's --costs); their only override is the broker's own
 * commission, because the taxes and exchange fees are not the broker's to set.
 */
export const CostModelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('fixed'),
    perOrder: NonNegativeNumber.default(0),
    perLot: NonNegativeNumber.default(0),
    pctOfTurnover: z.number().min(0).max(5).default(0),
  }),
  z.strictObject({
    type: z.literal('india-index-options'),
    brokeragePerOrder: z.number().min(0).max(1000).optional(),
  }),
  z.strictObject({
    type: z.literal('us-options'),
    commissionPerContract: z.number().min(0).max(100).optional(),
  }),
  z.strictObject({ type: z.literal('deribit-options') }),
]);
export type CostModelChoice = z.infer<typeof CostModelSchema>;

/** The currency each named model's schedule is written in; a basket in another currency cannot use it. */
const COST_MODEL_CURRENCY: Partial<Record<CostModelChoice['type'], string>> = {
  'india-index-options': 'INR',
  'us-options': 'USD',
  'deribit-options': 'USD',
};

export const ExecutionSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    trigger: z.enum(['ltp', 'candleClose']).default('ltp'),
    candleMinutes: z.union([z.literal(1), z.literal(3), z.literal(5), z.literal(15)]).optional(),
    slippage: SlippageSchema.default({ type: 'points', value: 0 }),
    costModel: CostModelSchema.default({ type: 'none' }),
  })
  .superRefine((e, ctx) => {
    if (e.trigger === 'candleClose' && e.candleMinutes === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['candleMinutes'],
        message: 'candle-close triggers need candleMinutes (1, 3, 5 or 15)',
      });
    if (e.trigger === 'ltp' && e.candleMinutes !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['candleMinutes'],
        message: 'candleMinutes applies only to trigger "candleClose"',
      });
  });
export type Execution = z.infer<typeof ExecutionSchema>;

export const MaxDailyLossSchema = z
  .strictObject({ type: z.enum(['amount', 'pct']), value: PositiveNumber })
  .refine((m) => m.type !== 'pct' || m.value <= 100, {
    path: ['value'],
    message: 'a % daily loss limit is at most 100',
  });

export const BasketSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    name: Name,
    description: z.string().max(4000).default(''),
    capital: PositiveNumber,
    deployablePct: Percent.default(100),
    maxDailyLoss: MaxDailyLossSchema.optional(),
    maxDrawdownPct: Percent.optional(),
    execution: ExecutionSchema.default({
      typeVersion: 1,
      trigger: 'ltp',
      slippage: { type: 'points', value: 0 },
      costModel: { type: 'none' },
    }),
    strategies: z
      .array(StrategySchema)
      .min(1, { message: 'a basket needs at least one strategy' })
      .max(100),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    if (b.strategies.length === 0) return;
    const currency = currencyOf(b.strategies[0].underlying);
    const costModel = b.execution.costModel.type;
    const costCurrency = COST_MODEL_CURRENCY[costModel];
    if (costCurrency && currency && costCurrency !== currency) {
      const fit = Object.entries(COST_MODEL_CURRENCY)
        .filter(([, c]) => c === currency)
        .map(([t]) => `"${t}"`);
      ctx.addIssue({
        code: 'custom',
        path: ['execution', 'costModel', 'type'],
        message: `cost model "${costModel}" charges in ${costCurrency}, but this basket trades in ${currency}; use ${[...fit, '"fixed"', '"none"'].join(', ')}`,
      });
    }
    b.strategies.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({
          code: 'custom',
          path: ['strategies', i, 'id'],
          message: `strategy id "${s.id}" is used twice in this basket`,
        });
      seen.add(s.id);
      const c = currencyOf(s.underlying);
      if (c !== currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['strategies', i, 'underlying'],
          message: `${s.underlying} trades in ${c}, but this basket's capital is in ${currency} (from ${b.strategies[0].underlying}); put strategies of one currency in a basket`,
        });
      }
    });
  });
export type Basket = z.infer<typeof BasketSchema>;

export const DslDocumentSchema = z.strictObject({
  dslVersion: z.literal(1, {
    message: 'dslVersion must be 1 (run migrate() on documents from older versions)',
  }),
  basket: BasketSchema,
});
export type DslDocument = z.infer<typeof DslDocumentSchema>;
export type DslDocumentInput = z.input<typeof DslDocumentSchema>;

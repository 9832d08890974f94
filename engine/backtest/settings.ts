/**
 * The settings a backtest runs with: the basket's own execution block, optionally overridden per
 * run (CLI flags, the API), with instrument facts (tick size, currency) from the catalog. One zod
 * schema, so the CLI, the job and the API read overrides the same way.
 */
import { z } from 'zod';
import type { DslDocument } from '../dsl/index.ts';
import { getInstrument } from '../market/instruments.ts';
import { costModelById, executionCostModel, type CostModel } from '../broker/costs/cost-model.ts';
import type { Slippage } from '../broker/paper/fill-model.ts';
import type { BacktestSettings } from './backtest.ts';

export const SlippageOverrideSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('ticks'), ticks: z.number().nonnegative().max(1000) }),
  z.object({ kind: z.literal('points'), points: z.number().nonnegative().max(1e6) }),
  z.object({ kind: z.literal('percent'), percent: z.number().nonnegative().max(50) }),
]);

/** A deployment's (or a backtest's) risk limits; each is optional, and exits are never limited. */
export const RiskLimitsSchema = z.strictObject({
  maxLotsPerOrder: z.number().int().positive().max(10_000).optional(),
  maxOpenLegs: z.number().int().positive().max(1_000).optional(),
  maxPremiumPerOrder: z.number().positive().max(1e12).optional(),
  maxNotionalPerOrder: z.number().positive().max(1e13).optional(),
  maxOrdersPerMinute: z.number().int().positive().max(10_000).optional(),
  priceBandPct: z.number().positive().max(100).optional(),
});

export type RiskLimitsInput = z.input<typeof RiskLimitsSchema>;

export const BacktestOverridesSchema = z.strictObject({
  /** 'basket' (the default) uses the basket's execution.costModel; a named model here replaces it for this run. */
  costModel: z
    .enum(['basket', 'none', 'india-index-options', 'us-options', 'deribit-options'])
    .default('basket'),
  /** Replaces the basket's execution.slippage when given. */
  slippage: SlippageOverrideSchema.optional(),
  latency: z.enum(['none', 'next-snapshot']).default('none'),
  riskLimits: RiskLimitsSchema.default({}),
});
export type BacktestOverrides = z.infer<typeof BacktestOverridesSchema>;
export type BacktestOverridesInput = z.input<typeof BacktestOverridesSchema>;

/** The cost model the basket names in execution.costModel, with its overrides applied. */
export function basketCostModel(doc: DslDocument): CostModel {
  return executionCostModel(doc.basket.execution.costModel);
}

export function backtestSettingsFor(
  doc: DslDocument,
  overridesInput: BacktestOverridesInput = {},
): BacktestSettings {
  const o = BacktestOverridesSchema.parse(overridesInput);
  const b = doc.basket;
  const currencies = [...new Set(b.strategies.map((s) => getInstrument(s.underlying).currency))];
  if (currencies.length > 1) {
    throw new Error(
      `basket "${b.name}" mixes currencies (${currencies.join(', ')}); backtest strategies of one currency together`,
    );
  }
  const dslSlip = b.execution.slippage;
  const slippage: Slippage =
    o.slippage ??
    (dslSlip.value === 0
      ? { kind: 'none' }
      : dslSlip.type === 'points'
        ? { kind: 'points', points: dslSlip.value }
        : { kind: 'percent', percent: dslSlip.value });
  return {
    capital: b.capital,
    slippage,
    latency: o.latency,
    costModel: o.costModel === 'basket' ? basketCostModel(doc) : costModelById(o.costModel),
    tickSize: (u) => getInstrument(u).tickSize,
    triggerPrice: b.execution.trigger === 'candleClose' ? 'CANDLE_CLOSE' : 'LTP',
    riskLimits: o.riskLimits,
    currency: currencies[0],
  };
}

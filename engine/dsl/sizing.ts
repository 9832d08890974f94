/** Sizing: how many sets of the legs (the strategy multiplier) a strategy trades (docs/dsl.md#sizing). */
import { z } from 'zod';
import { REGIMES } from './conditions.ts';
import { PositiveNumber, typeVersion } from './primitives.ts';

/** Factor per regime applied to the computed multiplier; a regime left out keeps factor 1. */
export const RegimeMultipliersSchema = z.strictObject(
  Object.fromEntries(REGIMES.map((r) => [r, z.number().min(0).max(10).optional()])) as Record<
    (typeof REGIMES)[number],
    z.ZodOptional<z.ZodNumber>
  >,
);

const common = {
  typeVersion: typeVersion(1),
  maxMultiplier: z.int().min(1).max(10000).optional(),
  regimeMultipliers: RegimeMultipliersSchema.optional(),
};

export const SizingSchema = z.discriminatedUnion('method', [
  z.strictObject({ ...common, method: z.literal('fixed'), multiplier: z.int().min(1).max(10000) }),
  z.strictObject({
    ...common,
    method: z.literal('capitalPct'),
    pct: z.number().gt(0).lte(100),
    capitalPerSet: PositiveNumber,
  }),
  z
    .strictObject({
      ...common,
      method: z.literal('riskPerTrade'),
      riskPct: z.number().gt(0).lte(100).optional(),
      riskAmount: PositiveNumber.optional(),
    })
    .refine((s) => (s.riskPct === undefined) !== (s.riskAmount === undefined), {
      path: ['riskPct'],
      message: 'give exactly one of riskPct or riskAmount',
    }),
  z.strictObject({
    ...common,
    method: z.literal('kelly'),
    winRate: z.number().gt(0).lt(1),
    payoff: PositiveNumber,
    fraction: z.number().gt(0).lte(1),
    capitalPerSet: PositiveNumber,
  }),
]);
export type Sizing = z.infer<typeof SizingSchema>;
export const SIZING_METHODS = SizingSchema.options.map((o) => o.shape.method.value);

/** Strike selectors: how a leg picks its strike from the chain (docs/dsl.md#strike-selectors). */
import { z } from 'zod';
import { PositiveNumber, typeVersion } from './primitives.ts';

/** Where ATM comes from: spot, the futures price of the leg's expiry, or the synthetic future K + C - P. */
export const AtmFrom = z.enum(['spot', 'futures', 'syntheticFuture']);
export type AtmFrom = z.infer<typeof AtmFrom>;

const base = { typeVersion: typeVersion(1) };
const atmFrom = { atmFrom: AtmFrom.default('spot') };
const Steps = z.int().min(1, { message: 'steps must be an integer >= 1' }).max(50);
const Delta = z
  .number()
  .gt(0, { message: 'delta is an absolute value in (0, 1)' })
  .lt(1, { message: 'delta is an absolute value in (0, 1)' });

export const AtmSelector = z.strictObject({ ...base, type: z.literal('atm'), ...atmFrom });
export const ItmSelector = z.strictObject({
  ...base,
  type: z.literal('itm'),
  steps: Steps,
  ...atmFrom,
});
export const OtmSelector = z.strictObject({
  ...base,
  type: z.literal('otm'),
  steps: Steps,
  ...atmFrom,
});
export const ClosestPremiumSelector = z.strictObject({
  ...base,
  type: z.literal('closestPremium'),
  premium: PositiveNumber,
});
export const PremiumAtLeastSelector = z.strictObject({
  ...base,
  type: z.literal('premiumAtLeast'),
  premium: PositiveNumber,
});
export const PremiumAtMostSelector = z.strictObject({
  ...base,
  type: z.literal('premiumAtMost'),
  premium: PositiveNumber,
});
export const PremiumRangeSelector = z
  .strictObject({
    ...base,
    type: z.literal('premiumRange'),
    min: PositiveNumber,
    max: PositiveNumber,
  })
  .refine((s) => s.min <= s.max, { path: ['max'], message: 'max must be >= min' });
export const StraddleWidthSelector = z.strictObject({
  ...base,
  type: z.literal('straddleWidth'),
  width: z.number().finite().min(-10).max(10),
  ...atmFrom,
});
export const PctOfAtmSelector = z.strictObject({
  ...base,
  type: z.literal('pctOfAtm'),
  factor: z
    .number()
    .gt(0.5, { message: 'factor is a multiple of ATM in (0.5, 1.5), e.g. 1.008 = ATM + 0.8 %' })
    .lt(1.5, { message: 'factor is a multiple of ATM in (0.5, 1.5), e.g. 1.008 = ATM + 0.8 %' }),
  ...atmFrom,
});
export const AtmStraddlePremiumPctSelector = z.strictObject({
  ...base,
  type: z.literal('atmStraddlePremiumPct'),
  pct: z.number().gt(0).lte(200),
  ...atmFrom,
});
export const ClosestDeltaSelector = z.strictObject({
  ...base,
  type: z.literal('closestDelta'),
  delta: Delta,
});
export const DeltaRangeSelector = z
  .strictObject({ ...base, type: z.literal('deltaRange'), min: Delta, max: Delta })
  .refine((s) => s.min <= s.max, { path: ['max'], message: 'max must be >= min' });
export const ExactStrikeSelector = z.strictObject({
  ...base,
  type: z.literal('exact'),
  strike: PositiveNumber,
});

export const StrikeSelectorSchema = z.discriminatedUnion('type', [
  AtmSelector,
  ItmSelector,
  OtmSelector,
  ClosestPremiumSelector,
  PremiumAtLeastSelector,
  PremiumAtMostSelector,
  PremiumRangeSelector,
  StraddleWidthSelector,
  PctOfAtmSelector,
  AtmStraddlePremiumPctSelector,
  ClosestDeltaSelector,
  DeltaRangeSelector,
  ExactStrikeSelector,
]);
export type StrikeSelector = z.infer<typeof StrikeSelectorSchema>;
export const STRIKE_SELECTOR_TYPES = StrikeSelectorSchema.options.map((o) => o.shape.type.value);

/** Strategy-level risk blocks: overall stop-loss/target, lock, lock-and-trail, trailing, break-even (docs/dsl.md#strategy-risk). */
import { z } from 'zod';
import { NonNegativeNumber, PositiveNumber, typeVersion } from './primitives.ts';

/** mtm: money; premiumPct: % of the total entry premium of the strategy's legs. */
export const OverallLevelType = z.enum(['mtm', 'premiumPct']);

export const StrategyStopLossSchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: OverallLevelType,
  value: PositiveNumber,
});
export type StrategyStopLoss = z.infer<typeof StrategyStopLossSchema>;

export const StrategyTargetSchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: OverallLevelType,
  value: PositiveNumber,
});
export type StrategyTarget = z.infer<typeof StrategyTargetSchema>;

/** Once MTM reaches `reachProfit`, exit if it falls back to `lockProfit` (money). */
export const LockSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    reachProfit: PositiveNumber,
    lockProfit: NonNegativeNumber,
  })
  .refine((l) => l.lockProfit < l.reachProfit, {
    path: ['lockProfit'],
    message: 'lockProfit must be below reachProfit',
  });
export type Lock = z.infer<typeof LockSchema>;

/** Lock, then raise the locked profit by `trailBy` for every `everyIncrease` of MTM above reachProfit (money). */
export const LockAndTrailSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    reachProfit: PositiveNumber,
    lockProfit: NonNegativeNumber,
    everyIncrease: PositiveNumber,
    trailBy: PositiveNumber,
  })
  .refine((l) => l.lockProfit < l.reachProfit, {
    path: ['lockProfit'],
    message: 'lockProfit must be below reachProfit',
  });
export type LockAndTrail = z.infer<typeof LockAndTrailSchema>;

/** For every `every` of MTM in favour, move the overall stop-loss by `by`, in the stop-loss's unit. */
export const StrategyTrailingStopSchema = z.strictObject({
  typeVersion: typeVersion(1),
  every: PositiveNumber,
  by: PositiveNumber,
});
export type StrategyTrailingStop = z.infer<typeof StrategyTrailingStopSchema>;

/** When a leg hits its stop-loss, move the stops of the other open legs to their entry price. */
export const TrailToBreakEvenSchema = z.strictObject({
  typeVersion: typeVersion(1),
  scope: z.enum(['allLegs', 'slLegs']),
});
export type TrailToBreakEven = z.infer<typeof TrailToBreakEvenSchema>;

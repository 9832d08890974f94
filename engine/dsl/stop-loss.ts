/** Leg stop-loss and target: a level fixed at entry from the entry premium or the underlying (docs/dsl.md#stop-loss-and-target). */
import { z } from 'zod';
import { PositiveNumber, typeVersion } from './primitives.ts';

/**
 * points / pct: of the leg's entry premium; underlyingPoints / underlyingPct: a move of the
 * underlying from its price at entry; premium: an absolute premium level.
 */
export const LevelType = z.enum(['points', 'pct', 'underlyingPoints', 'underlyingPct', 'premium']);
export type LevelType = z.infer<typeof LevelType>;
export const PREMIUM_LEVEL_TYPES: readonly LevelType[] = ['points', 'pct', 'premium'];

export const StopLossSchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: LevelType,
  value: PositiveNumber,
});
export type StopLoss = z.infer<typeof StopLossSchema>;

export const TargetSchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: LevelType,
  value: PositiveNumber,
});
export type Target = z.infer<typeof TargetSchema>;

/** Leg trailing stop: for every X in favour, tighten the stop by Y (docs/dsl.md#trailing-stop). */
import { z } from 'zod';
import { PositiveNumber, typeVersion } from './primitives.ts';

export const TrailingStopSchema = z.strictObject({
  typeVersion: typeVersion(1),
  unit: z.enum(['points', 'pct']),
  every: PositiveNumber,
  by: PositiveNumber,
});
export type TrailingStop = z.infer<typeof TrailingStopSchema>;

/** Momentum (wait-and-trade): enter only after the price moves from its reference (docs/dsl.md#momentum). */
import { z } from 'zod';
import { PositiveNumber, typeVersion } from './primitives.ts';

export const MomentumSchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: z.enum(['points', 'pct', 'underlyingPoints', 'underlyingPct']),
  direction: z.enum(['up', 'down']),
  value: PositiveNumber,
});
export type Momentum = z.infer<typeof MomentumSchema>;

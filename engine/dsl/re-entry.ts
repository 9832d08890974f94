/** Re-entry after a leg's stop-loss or target, and after the strategy's (docs/dsl.md#re-entry). */
import { z } from 'zod';
import { Id, typeVersion } from './primitives.ts';

export const MAX_REENTRIES = 20;
const Count = z
  .int({ message: `count must be an integer from 1 to ${MAX_REENTRIES}` })
  .min(1, { message: `count must be an integer from 1 to ${MAX_REENTRIES}` })
  .max(MAX_REENTRIES, { message: `count must be an integer from 1 to ${MAX_REENTRIES}` });

export const ReEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({ typeVersion: typeVersion(1), type: z.literal('asap'), count: Count }),
  z.strictObject({ typeVersion: typeVersion(1), type: z.literal('asapReverse'), count: Count }),
  z.strictObject({ typeVersion: typeVersion(1), type: z.literal('momentum'), count: Count }),
  z.strictObject({ typeVersion: typeVersion(1), type: z.literal('cost'), count: Count }),
  z.strictObject({ typeVersion: typeVersion(1), type: z.literal('lazy'), leg: Id }),
]);
export type ReEntry = z.infer<typeof ReEntrySchema>;
export const REENTRY_TYPES = ReEntrySchema.options.map((o) => o.shape.type.value);

export const StrategyReEntrySchema = z.strictObject({
  typeVersion: typeVersion(1),
  type: z.enum(['asap', 'momentum']),
  count: Count,
});
export type StrategyReEntry = z.infer<typeof StrategyReEntrySchema>;

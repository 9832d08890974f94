/** Range breakout: record a high/low over a window, enter when price breaks it (docs/dsl.md#range-breakout). */
import { z } from 'zod';
import { Time, minutesOf, typeVersion } from './primitives.ts';

export const RangeBreakoutSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    start: Time,
    end: Time,
    side: z.enum(['high', 'low']),
    on: z.enum(['underlying', 'strike']),
  })
  .refine((r) => minutesOf(r.start) < minutesOf(r.end), {
    path: ['end'],
    message: 'range end must be after range start',
  });
export type RangeBreakout = z.infer<typeof RangeBreakoutSchema>;

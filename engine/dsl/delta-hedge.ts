/** Delta hedge: keep the strategy's net delta near a target with futures of its underlying (docs/dsl.md#delta-hedge). */
import { z } from 'zod';
import { ExpirySchema } from './leg.ts';
import { PositiveNumber, typeVersion } from './primitives.ts';

/** The leg id the hedge's futures position carries in orders, events and reports; no leg may use it. */
export const DELTA_HEDGE_LEG_ID = 'deltaHedge';

export const DeltaHedgeSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    /** Which future: the expiry chosen like a leg's (futures of NSE/BSE indices are monthly). */
    expiry: ExpirySchema.default({ kind: 'monthly', offset: 0 }),
    /** Net delta to hedge back to, in units of the underlying (0: delta-neutral). */
    targetDelta: z.number().finite().min(-1e6).max(1e6).default(0),
    /** Hedge when |net delta - target| is above this (units of the underlying). */
    band: PositiveNumber.max(1e6).optional(),
    /** Also hedge back to the target every this many minutes, whatever the band says. */
    intervalMinutes: z.int().min(1).max(1440).optional(),
    /** A hedge trade smaller than this many lots is not sent. */
    minTradeLots: z.int().min(1).max(1000).default(1),
    /** Most lots the hedge may hold, long or short. */
    maxLots: z.int().min(1).max(10000).optional(),
    /** Skip a trade whose expected cost is above this % of the delta risk it removes. */
    costLimitPct: z.number().gt(0).max(1000).optional(),
  })
  .refine((h) => h.band !== undefined || h.intervalMinutes !== undefined, {
    path: ['band'],
    message:
      'a delta hedge needs a band, an intervalMinutes or both: say when it trades (outside ± band, or every N minutes)',
  })
  .refine((h) => h.maxLots === undefined || h.maxLots >= h.minTradeLots, {
    path: ['maxLots'],
    message: 'maxLots must be at least minTradeLots, or no hedge trade could ever be sent',
  });
export type DeltaHedge = z.infer<typeof DeltaHedgeSchema>;

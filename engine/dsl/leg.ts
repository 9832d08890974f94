/** A leg: one option (or futures hedge) position and the blocks that manage it (docs/dsl.md#leg). */
import { z } from 'zod';
import { InstrumentTypeSchema, RightSchema } from '../market/snapshot.ts';
import { MomentumSchema } from './momentum.ts';
import { Id, typeVersion } from './primitives.ts';
import { ReEntrySchema } from './re-entry.ts';
import { StopLossSchema, TargetSchema } from './stop-loss.ts';
import { StrikeSelectorSchema } from './strike.ts';
import { TrailingStopSchema } from './trailing-stop.ts';

/** weekly offset n: the (n+1)-th listed expiry from today; monthly: the (n+1)-th month-end expiry. */
export const ExpirySchema = z.strictObject({
  kind: z.enum(['weekly', 'monthly']),
  offset: z.int().min(0).max(12).default(0),
});
export type Expiry = z.infer<typeof ExpirySchema>;

export const LegSchema = z
  .strictObject({
    typeVersion: typeVersion(2),
    id: Id,
    /** An option (with a right and a strike selector) or the underlying's future (neither). */
    instrument: InstrumentTypeSchema.default('option'),
    /** CE (call) or PE (put): options only. */
    right: RightSchema.optional(),
    side: z.enum(['BUY', 'SELL']),
    lots: z.int().min(1, { message: 'lots must be an integer >= 1' }).max(1000),
    expiry: ExpirySchema,
    strike: StrikeSelectorSchema.optional(),
    stopLoss: StopLossSchema.optional(),
    target: TargetSchema.optional(),
    trailingStop: TrailingStopSchema.optional(),
    reEntryOnStopLoss: ReEntrySchema.optional(),
    reEntryOnTarget: ReEntrySchema.optional(),
    momentum: MomentumSchema.optional(),
    lazy: z.boolean().default(false),
    hedge: z.boolean().default(false),
  })
  .superRefine((leg, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (leg.instrument === 'future') {
      if (leg.right)
        issue('right', 'a future has no right (CE/PE); remove it or make the leg an option');
      if (leg.strike) issue('strike', 'a future has no strike; remove the strike selector');
    } else {
      if (!leg.right) issue('right', 'an option leg needs a right: CE (call) or PE (put)');
      if (!leg.strike) issue('strike', `an option leg needs a strike selector`);
    }
    if (leg.trailingStop && !leg.stopLoss)
      issue('trailingStop', 'a trailing stop moves the stop-loss; add a stopLoss to this leg');
    if (leg.reEntryOnStopLoss && !leg.stopLoss)
      issue('reEntryOnStopLoss', 're-entry on stop-loss needs a stopLoss on this leg');
    if (leg.reEntryOnTarget && !leg.target)
      issue('reEntryOnTarget', 're-entry on target needs a target on this leg');
    for (const key of ['reEntryOnStopLoss', 'reEntryOnTarget'] as const) {
      const r = leg[key];
      if (r?.type === 'momentum' && !leg.momentum)
        issue(
          key,
          "momentum re-entry waits for this leg's momentum; add a momentum block to this leg",
        );
      if (r?.type === 'lazy' && r.leg === leg.id)
        ctx.addIssue({
          code: 'custom',
          path: [key, 'leg'],
          message: 'a leg cannot open itself as a lazy leg',
        });
    }
    if (leg.side === 'BUY' && leg.stopLoss?.type === 'pct' && leg.stopLoss.value >= 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['stopLoss', 'value'],
        message: "a BUY leg's % stop-loss must be below 100 (a premium cannot fall below 0)",
      });
    }
    if (leg.side === 'SELL' && leg.target?.type === 'pct' && leg.target.value >= 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'value'],
        message: "a SELL leg's % target must be below 100 (a premium cannot fall below 0)",
      });
    }
  });
export type Leg = z.infer<typeof LegSchema>;

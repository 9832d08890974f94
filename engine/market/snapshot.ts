/**
 * The chain snapshot of DESIGN.md ("Chain snapshots"), one line of the canonical NDJSON: the zod
 * schema is the single source of its type and of the validation every importer and feed applies.
 */
import { z } from 'zod';

const price = z.number().finite().nonnegative();
const count = z.number().finite().nonnegative();

export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date as YYYY-MM-DD');
/** ISO-8601 with an explicit offset, so a snapshot's instant never depends on the reader's zone. */
export const IsoTimestampSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'ISO-8601 timestamp with an offset, e.g. 2026-11-20T09:15:00+05:30',
  );

/** The option right: call (CE) or put (PE). Only options have one; a future is an instrument, not a right. */
export const RightSchema = z.enum(['CE', 'PE']);
export type Right = z.infer<typeof RightSchema>;
/** What a leg, an order or a position trades: an option (with a strike and a right) or a future (neither). */
export const InstrumentTypeSchema = z.enum(['option', 'future']);
export type InstrumentType = z.infer<typeof InstrumentTypeSchema>;

/**
 * What is traded, in the one shape legs, orders, fills and positions share: an option has a strike
 * and a right; a future has neither (null, never a made-up strike 0 or a right called "FUT").
 */
export type OptionTerms = { instrument: 'option'; strike: number; right: Right };
export type FutureTerms = { instrument: 'future'; strike: null; right: null };
export type ContractTerms = OptionTerms | FutureTerms;

export const FUTURE_TERMS: FutureTerms = { instrument: 'future', strike: null, right: null };
export const optionTerms = (strike: number, right: Right): OptionTerms => ({
  instrument: 'option',
  strike,
  right,
});

/**
 * Terms as a leg holds them before and after entry: an option's right is known from the DSL but
 * its strike only once chosen; a future has neither.
 */
export type HeldTerms = {
  instrument: InstrumentType;
  strike: number | null;
  right: Right | null;
};

/** The terms of an entered leg or a position; throws when an option has no strike or right yet. */
export function termsOf(h: HeldTerms): ContractTerms {
  if (h.instrument === 'future') return FUTURE_TERMS;
  if (h.strike === null || h.right === null)
    throw new Error('an option leg has no strike or right yet: it has not been entered');
  return optionTerms(h.strike, h.right);
}

/** The terms of a contract in words: "24000 CE", or "FUT" for a future. */
export const describeTerms = (t: ContractTerms): string =>
  t.instrument === 'future' ? 'FUT' : `${t.strike} ${t.right}`;

export const OptionQuoteSchema = z.object({
  strike: z.number().finite().positive(),
  right: RightSchema,
  bid: price.optional(),
  ask: price.optional(),
  ltp: price.optional(),
  /** Annualised, as a decimal (0.128 = 12.8 %). */
  iv: z.number().finite().nonnegative().optional(),
  oi: count.optional(),
  volume: count.optional(),
});
export type OptionQuote = z.infer<typeof OptionQuoteSchema>;

export const ExpiryChainSchema = z.object({
  expiry: IsoDateSchema,
  /** The forward/futures price for this expiry where the source gives one (Deribit, synthetic). */
  forward: z.number().finite().positive().optional(),
  options: z.array(OptionQuoteSchema),
});
export type ExpiryChain = z.infer<typeof ExpiryChainSchema>;

export const ChainSnapshotSchema = z.object({
  ts: IsoTimestampSchema,
  underlying: z.string().min(1),
  spot: z.number().finite().positive(),
  /** Volatility index level (INDIA VIX, VIX), in index points; missing means VIX conditions cannot be met. */
  vix: z.number().finite().nonnegative().optional(),
  /** Near-month futures price, when the source has one. */
  futures: z.number().finite().positive().optional(),
  expiries: z.array(ExpiryChainSchema),
});
export type ChainSnapshot = z.infer<typeof ChainSnapshotSchema>;

/** Parse one NDJSON line or object into a snapshot, with an error naming the first bad field. */
export function parseSnapshot(input: unknown): ChainSnapshot {
  const r = ChainSnapshotSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `invalid chain snapshot at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return r.data;
}

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

export const RightSchema = z.enum(['CE', 'PE']);
export type Right = z.infer<typeof RightSchema>;

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

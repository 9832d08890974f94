/**
 * A live chain feed: one venue's market data turned into the chain snapshot format
 * (engine/market/snapshot), so the feed worker plugs it in next to the simulator. A feed keeps
 * the latest quote per option and emits a whole snapshot at most every `intervalMs`, and only when
 * quotes came since the last one (held quotes are never re-sent as news); a snapshot that
 * fails the schema is dropped with a warning, never passed on.
 */
import { parseSnapshot, type ChainSnapshot, type OptionQuote } from '@/engine/market/snapshot';
import { logger } from '@/db/logger';

export interface ChainFeed {
  start(underlying: string, onSnapshot: (s: ChainSnapshot) => void): Promise<void>;
  stop(): Promise<void>;
  /** Whether the venue's stream is open now (a closed one reconnects by itself). */
  readonly connected: boolean;
}

export type QuoteBook = Map<string, Map<string, OptionQuote>>;

/** ISO time with the venue's offset (IST for NSE, UTC elsewhere), to the second. */
export function stamp(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Builds and validates one snapshot from a book of quotes by expiry; null when there is nothing to send. */
export function assemble(
  underlying: string,
  ts: string,
  spot: number | undefined,
  book: QuoteBook,
  extra: { vix?: number; forwards?: Map<string, number> } = {},
): ChainSnapshot | null {
  if (!spot || !(spot > 0)) return null;
  const expiries = [...book.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([expiry, quotes]) => ({
      expiry,
      ...(extra.forwards?.get(expiry) ? { forward: extra.forwards.get(expiry)! } : {}),
      options: [...quotes.values()]
        .filter((q) => q.bid !== undefined || q.ask !== undefined || q.ltp !== undefined)
        .sort((a, b) => a.strike - b.strike || (a.right < b.right ? -1 : 1)),
    }))
    .filter((e) => e.options.length > 0);
  try {
    return parseSnapshot({
      ts,
      underlying,
      spot,
      ...(extra.vix ? { vix: extra.vix } : {}),
      expiries,
    });
  } catch (e) {
    logger.warn({ underlying, err: (e as Error).message }, 'live feed: snapshot dropped');
    return null;
  }
}

export function setQuote(book: QuoteBook, expiry: string, q: OptionQuote): void {
  let m = book.get(expiry);
  if (!m) book.set(expiry, (m = new Map()));
  m.set(`${q.strike}|${q.right}`, q);
}

/** A positive finite number, or undefined (venues send 0 or null for "no quote"). */
export const positive = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : undefined;

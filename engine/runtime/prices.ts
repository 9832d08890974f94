/**
 * Prices as docs/dsl.md defines them: an option's P is its LTP, else the bid/ask mid, else it
 * has no price in that snapshot; a FUT leg's price is its expiry's futures (forward) price, else
 * the synthetic future of that expiry.
 */
import type { ChainSnapshot, ExpiryChain, OptionQuote, Right } from './types.ts';

export function priceOf(q: OptionQuote): number | undefined {
  if (q.ltp !== undefined) return q.ltp;
  if (q.bid !== undefined && q.ask !== undefined) return (q.bid + q.ask) / 2;
  return undefined;
}

export function expiryChain(snapshot: ChainSnapshot, expiry: string): ExpiryChain | undefined {
  for (const e of snapshot.expiries) if (e.expiry === expiry) return e;
  return undefined;
}

export function quoteOf(
  chain: ExpiryChain,
  strike: number,
  right: 'CE' | 'PE',
): OptionQuote | undefined {
  for (const q of chain.options) if (q.strike === strike && q.right === right) return q;
  return undefined;
}

/** K* + P_CE(K*) - P_PE(K*), K* the strike nearest spot with both prices (tie: the lower strike). */
export function syntheticFuture(chain: ExpiryChain, spot: number): number | undefined {
  const ce = new Map<number, number>();
  const pe = new Map<number, number>();
  for (const q of chain.options) {
    const p = priceOf(q);
    if (p === undefined) continue;
    (q.right === 'CE' ? ce : pe).set(q.strike, p);
  }
  let best: number | undefined;
  for (const k of ce.keys()) {
    if (!pe.has(k)) continue;
    if (
      best === undefined ||
      Math.abs(k - spot) < Math.abs(best - spot) ||
      (Math.abs(k - spot) === Math.abs(best - spot) && k < best)
    )
      best = k;
  }
  return best === undefined
    ? undefined
    : best + (ce.get(best) as number) - (pe.get(best) as number);
}

export function futuresPrice(snapshot: ChainSnapshot, chain: ExpiryChain): number | undefined {
  return chain.forward ?? syntheticFuture(chain, snapshot.spot);
}

/** The price of a leg's contract in a snapshot, or undefined when the snapshot has none. */
export function contractPrice(
  snapshot: ChainSnapshot,
  expiry: string,
  strike: number | null,
  right: Right,
): number | undefined {
  const chain = expiryChain(snapshot, expiry);
  if (!chain) return undefined;
  if (right === 'FUT') return futuresPrice(snapshot, chain);
  const q = strike === null ? undefined : quoteOf(chain, strike, right);
  return q ? priceOf(q) : undefined;
}

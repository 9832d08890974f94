/** What one option quote is worth right now, by the conventions of DESIGN.md's fill model. */
import type { ExpiryChain, OptionQuote, Right } from './snapshot';

/** Mid of a two-sided quote, else the LTP; undefined when the option has no price at all. */
export function markPrice(q: OptionQuote): number | undefined {
  if (q.bid !== undefined && q.ask !== undefined && q.bid > 0 && q.ask > 0 && q.ask >= q.bid)
    return 0.5 * (q.bid + q.ask);
  if (q.ltp !== undefined) return q.ltp;
  if (q.bid !== undefined && q.bid > 0 && q.ask === undefined) return q.bid;
  if (q.ask !== undefined && q.ask > 0 && q.bid === undefined) return q.ask;
  return undefined;
}

/** The price stop-loss/target triggers compare: LTP, else mid. */
export function triggerPrice(q: OptionQuote): number | undefined {
  return q.ltp ?? markPrice(q);
}

export function findQuote(
  chain: ExpiryChain,
  strike: number,
  right: Right,
): OptionQuote | undefined {
  for (const q of chain.options) if (q.strike === strike && q.right === right) return q;
  return undefined;
}

/** Listed strikes of an expiry, ascending and unique. */
export function strikesOf(chain: ExpiryChain): number[] {
  return [...new Set(chain.options.map((o) => o.strike))].sort((a, b) => a - b);
}

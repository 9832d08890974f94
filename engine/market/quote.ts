/**
 * What one option quote is worth: docs/dsl.md's price `P`, the one mark every part of the engine
 * uses (strike selection, condition facts, the payoff, P&L marks, triggers, IV from prices).
 */
import type { ExpiryChain, OptionQuote } from './snapshot';

/** The option's LTP; else the mid of a two-sided (uncrossed) quote; else it has no price. */
export function markPrice(q: OptionQuote): number | undefined {
  if (q.ltp !== undefined) return q.ltp;
  if (q.bid !== undefined && q.ask !== undefined && q.ask >= q.bid) return (q.bid + q.ask) / 2;
  return undefined;
}

export function findQuote(
  chain: ExpiryChain,
  strike: number,
  right: 'CE' | 'PE',
): OptionQuote | undefined {
  for (const q of chain.options) if (q.strike === strike && q.right === right) return q;
  return undefined;
}

/** Listed strikes of an expiry, ascending and unique. */
export function strikesOf(chain: ExpiryChain): number[] {
  return [...new Set(chain.options.map((o) => o.strike))].sort((a, b) => a - b);
}

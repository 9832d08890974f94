/**
 * A held leg's LTP and greeks on the latest chain (the deployment page's positions table): the
 * option's greeks at its IV from the pricing layer, times the quantity held, signed by side
 * (a sold leg has the opposite delta, gamma, theta and vega of a bought one).
 */
import { findQuote, markPrice } from './quote';
import type { ChainSnapshot } from './snapshot';
import { optionGreeks } from './volatility';

export type HeldLeg = {
  right: 'CE' | 'PE' | 'FUT';
  strike: number | null;
  expiry: string;
  side: 'BUY' | 'SELL';
  qty: number;
};

export type LegGreeks = {
  ltp: number | null;
  iv: number | null;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
};

/** Null when the chain does not list the leg's contract (an expired or far strike). */
export function legGreeks(leg: HeldLeg, s: ChainSnapshot): LegGreeks | null {
  const sign = (leg.side === 'BUY' ? 1 : -1) * leg.qty;
  if (leg.right === 'FUT')
    return { ltp: s.futures ?? null, iv: null, delta: sign, gamma: 0, theta: 0, vega: 0 };
  const chain = s.expiries.find((e) => e.expiry === leg.expiry);
  const q = chain && leg.strike !== null ? findQuote(chain, leg.strike, leg.right) : undefined;
  if (!q || leg.strike === null) return null;
  const g = optionGreeks(s, leg.expiry, leg.strike, leg.right);
  const ltp = markPrice(q) ?? null;
  if (!g) return { ltp, iv: null, delta: 0, gamma: 0, theta: 0, vega: 0 };
  return {
    ltp,
    iv: g.iv,
    delta: g.delta * sign,
    gamma: g.gamma * sign,
    theta: g.theta * sign,
    vega: g.vega * sign,
  };
}

/**
 * A held leg's LTP and greeks on the latest chain (the deployment page's positions table): the
 * option's greeks at its IV from the pricing layer, times the quantity held, signed by side
 * (a sold leg has the opposite delta, gamma, theta and vega of a bought one).
 */
import { findQuote, markPrice } from './quote';
import type { ChainSnapshot, InstrumentType, Right } from './snapshot';
import { optionGreeks } from './volatility';

/** As the runtime state holds it: an option's strike is null until entry, a future has none. */
export type HeldLeg = {
  instrument: InstrumentType;
  right: Right | null;
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
  if (leg.instrument === 'future')
    return { ltp: s.futures ?? null, iv: null, delta: sign, gamma: 0, theta: 0, vega: 0 };
  if (leg.strike === null || leg.right === null) return null;
  const chain = s.expiries.find((e) => e.expiry === leg.expiry);
  const q = chain ? findQuote(chain, leg.strike, leg.right) : undefined;
  if (!q) return null;
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

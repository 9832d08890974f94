/**
 * One market vocabulary, as docs/dsl.md defines it: the synthetic future, the futures price of an
 * expiry, the ATM strike and the ATM straddle, and the price of any contract. Strike selection,
 * condition facts, the payoff, the volatility views and P&L all use these and nothing else.
 */
import { findQuote, markPrice } from './quote';
import type { ChainSnapshot, ExpiryChain, HeldTerms } from './snapshot';

/** Where ATM is measured from (the DSL's `atmFrom`). */
export type AtmReference = 'spot' | 'futures' | 'syntheticFuture';

export function expiryChain(s: ChainSnapshot, expiry: string): ExpiryChain | undefined {
  for (const e of s.expiries) if (e.expiry === expiry) return e;
  return undefined;
}

/**
 * `K* + P_CE(K*) - P_PE(K*)`, `K*` the strike nearest spot that has both a CE and a PE price
 * (tie: the lower strike); undefined when no strike has both.
 */
export function syntheticFuture(s: ChainSnapshot, expiry: string): number | undefined {
  const chain = expiryChain(s, expiry);
  if (!chain) return undefined;
  const ce = new Map<number, number>();
  const pe = new Map<number, number>();
  for (const q of chain.options) {
    const p = markPrice(q);
    if (p !== undefined) (q.right === 'CE' ? ce : pe).set(q.strike, p);
  }
  let best: number | undefined;
  for (const k of ce.keys()) {
    if (!pe.has(k)) continue;
    const d = Math.abs(k - s.spot) - (best === undefined ? Infinity : Math.abs(best - s.spot));
    if (best === undefined || d < -1e-9 || (Math.abs(d) <= 1e-9 && k < best)) best = k;
  }
  return best === undefined ? undefined : best + ce.get(best)! - pe.get(best)!;
}

/** The expiry's futures price when the feed gives one, else its synthetic future. */
export function futuresPrice(s: ChainSnapshot, expiry: string): number | undefined {
  return expiryChain(s, expiry)?.forward ?? syntheticFuture(s, expiry);
}

export type Atm = { atm: number; ref: number } | { error: string };

/** ATM of an expiry: the listed strike (either right) nearest the reference; exactly half-way, the lower. */
export function atmOf(s: ChainSnapshot, expiry: string, from: AtmReference = 'spot'): Atm {
  const chain = expiryChain(s, expiry);
  if (!chain)
    return {
      error: `expiry ${expiry} is not in the ${s.underlying} snapshot at ${s.ts}: listed are ${s.expiries.map((x) => x.expiry).join(', ') || 'none'}`,
    };
  const ref =
    from === 'spot'
      ? s.spot
      : from === 'futures'
        ? futuresPrice(s, expiry)
        : syntheticFuture(s, expiry);
  if (ref === undefined)
    return {
      error: `no ${from === 'futures' ? 'futures price (nor a synthetic future)' : 'strike with both a CE and a PE price for the synthetic future'} in expiry ${expiry} of ${s.underlying} at ${s.ts}`,
    };
  let atm: number | undefined;
  for (const q of chain.options) {
    const k = q.strike;
    if (atm === undefined) {
      atm = k;
      continue;
    }
    const d = Math.abs(k - ref) - Math.abs(atm - ref);
    if (d < -1e-9 || (Math.abs(d) <= 1e-9 && k < atm)) atm = k;
  }
  if (atm === undefined)
    return { error: `expiry ${expiry} of ${s.underlying} at ${s.ts} lists no strikes` };
  return { atm, ref };
}

/** The ATM strike, or an error naming what is missing. */
export function atmStrike(s: ChainSnapshot, expiry: string, from: AtmReference = 'spot'): number {
  const a = atmOf(s, expiry, from);
  if ('error' in a) throw new Error(a.error);
  return a.atm;
}

/** `S = P_CE(ATM) + P_PE(ATM)`; undefined when either has no price. */
export function straddlePremium(
  s: ChainSnapshot,
  expiry: string,
  from: AtmReference = 'spot',
): { strike: number; premium: number } | undefined {
  const chain = expiryChain(s, expiry);
  const a = atmOf(s, expiry, from);
  if (!chain || 'error' in a) return undefined;
  const c = findQuote(chain, a.atm, 'CE');
  const p = findQuote(chain, a.atm, 'PE');
  const cp = c && markPrice(c);
  const pp = p && markPrice(p);
  return cp === undefined || pp === undefined ? undefined : { strike: a.atm, premium: cp + pp };
}

/** Strike `steps` listed strikes away from ATM (positive = higher strike). */
export function strikeFromAtm(
  s: ChainSnapshot,
  expiry: string,
  steps: number,
  from: AtmReference = 'spot',
): number {
  const chain = expiryChain(s, expiry);
  const strikes = [...new Set((chain?.options ?? []).map((o) => o.strike))].sort((a, b) => a - b);
  const i = strikes.indexOf(atmStrike(s, expiry, from)) + steps;
  if (i < 0 || i >= strikes.length)
    throw new Error(
      `ATM${steps >= 0 ? '+' : ''}${steps} is outside the ${strikes.length} listed strikes of ${s.underlying} ${expiry}`,
    );
  return strikes[i];
}

/** The price of a contract in a snapshot (an option's mark, a future's futures price), or undefined. */
export function contractPrice(s: ChainSnapshot, expiry: string, c: HeldTerms): number | undefined {
  if (c.instrument === 'future') return futuresPrice(s, expiry);
  const chain = expiryChain(s, expiry);
  const q =
    chain && c.strike !== null && c.right !== null
      ? findQuote(chain, c.strike, c.right)
      : undefined;
  return q ? markPrice(q) : undefined;
}

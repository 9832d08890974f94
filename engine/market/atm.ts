/**
 * The at-the-money strike and the ATM straddle premium, the references strike selectors use
 * ("ATM+2", "premium closest to 30% of the straddle"). ATM can be taken from spot, from the
 * futures price, or from the synthetic future implied by put-call parity.
 */
import { findQuote, markPrice, strikesOf } from './quote';
import { expiryPricing, findExpiry, type PricingOverrides } from './pricing-context';
import type { ChainSnapshot } from './snapshot';

export type AtmReference = 'spot' | 'futures' | 'synthetic';

/**
 * The synthetic future of an expiry by put-call parity, F = K + e^{rT}(C − P), taken at the
 * strike where call and put are closest in price (least sensitive to the rate); undefined
 * when no strike has both prices.
 */
export function syntheticFuture(
  s: ChainSnapshot,
  expiry: string,
  overrides?: PricingOverrides,
): number | undefined {
  const chain = findExpiry(s, expiry);
  const { t, rate } = expiryPricing(s, expiry, overrides);
  let best: number | undefined;
  let bestGap = Infinity;
  for (const k of strikesOf(chain)) {
    const c = findQuote(chain, k, 'CE');
    const p = findQuote(chain, k, 'PE');
    const cp = c && markPrice(c);
    const pp = p && markPrice(p);
    if (cp === undefined || pp === undefined) continue;
    const gap = Math.abs(cp - pp);
    if (gap < bestGap) {
      bestGap = gap;
      best = k + Math.exp(rate * t) * (cp - pp);
    }
  }
  return best;
}

/** The price ATM is measured from; throws naming the missing input. */
export function atmReferencePrice(
  s: ChainSnapshot,
  expiry: string,
  reference: AtmReference = 'spot',
  overrides?: PricingOverrides,
): number {
  if (reference === 'spot') return s.spot;
  if (reference === 'futures') {
    const f = findExpiry(s, expiry).forward ?? s.futures;
    if (f === undefined)
      throw new Error(
        `the ${s.underlying} snapshot at ${s.ts} has no futures price: use ATM from spot or synthetic`,
      );
    return f;
  }
  const f = syntheticFuture(s, expiry, overrides);
  if (f === undefined)
    throw new Error(
      `expiry ${expiry} of ${s.underlying} at ${s.ts} has no strike with both a call and a put price: no synthetic future`,
    );
  return f;
}

/** The listed strike nearest the reference price (the higher one on a tie). */
export function atmStrike(
  s: ChainSnapshot,
  expiry: string,
  reference: AtmReference = 'spot',
  overrides?: PricingOverrides,
): number {
  const ref = atmReferencePrice(s, expiry, reference, overrides);
  const strikes = strikesOf(findExpiry(s, expiry));
  if (strikes.length === 0)
    throw new Error(`expiry ${expiry} of ${s.underlying} at ${s.ts} lists no strikes`);
  let best = strikes[0];
  for (const k of strikes) if (Math.abs(k - ref) <= Math.abs(best - ref)) best = k;
  return best;
}

/** Strike `steps` listed strikes away from ATM (positive = higher strike). */
export function strikeFromAtm(
  s: ChainSnapshot,
  expiry: string,
  steps: number,
  reference: AtmReference = 'spot',
): number {
  const strikes = strikesOf(findExpiry(s, expiry));
  const i = strikes.indexOf(atmStrike(s, expiry, reference)) + steps;
  if (i < 0 || i >= strikes.length)
    throw new Error(
      `ATM${steps >= 0 ? '+' : ''}${steps} is outside the ${strikes.length} listed strikes of ${s.underlying} ${expiry}`,
    );
  return strikes[i];
}

/** Call + put price at the ATM strike (mid, else LTP); undefined when either side has no price. */
export function straddlePremium(
  s: ChainSnapshot,
  expiry: string,
  reference: AtmReference = 'spot',
): { strike: number; premium: number } | undefined {
  const chain = findExpiry(s, expiry);
  const strike = atmStrike(s, expiry, reference);
  const c = findQuote(chain, strike, 'CE');
  const p = findQuote(chain, strike, 'PE');
  const cp = c && markPrice(c);
  const pp = p && markPrice(p);
  if (cp === undefined || pp === undefined) return undefined;
  return { strike, premium: cp + pp };
}

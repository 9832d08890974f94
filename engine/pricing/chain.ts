/**
 * Vectorised pricing of a whole chain over typed arrays: one spot/rate/dividend, many strikes,
 * expiries and vols, no allocation per option. What the simulator, the payoff panel and the
 * bench use when thousands of options move together.
 */
import { priceRange, type ChainGreeks } from './kernel';
import { solveIv } from './implied-vol';

export interface ChainMarket {
  spot: number;
  rate: number;
  div?: number;
  model?: 'black-scholes' | 'black-76';
}

/** Structure-of-arrays view of a chain; rights[i] is 1 for a call (CE) and 0 for a put (PE). */
export interface ChainArrays {
  strikes: Float64Array;
  t: Float64Array;
  rights: Uint8Array;
}

export type { ChainGreeks };

export function allocChainGreeks(n: number): ChainGreeks {
  return {
    price: new Float64Array(n),
    delta: new Float64Array(n),
    gamma: new Float64Array(n),
    theta: new Float64Array(n),
    vega: new Float64Array(n),
    rho: new Float64Array(n),
  };
}

/** Price and greeks of every option in the chain at vols[i], written into out. */
export function priceChain(
  market: ChainMarket,
  chain: ChainArrays,
  vols: Float64Array,
  out: ChainGreeks,
): ChainGreeks {
  priceRange(
    market.spot,
    market.rate,
    market.div ?? 0,
    market.model === 'black-76',
    chain.strikes,
    chain.t,
    chain.rights,
    vols,
    out,
    0,
    chain.strikes.length,
  );
  return out;
}

/** Implied vol of every price into out; entries where no vol fits get NaN (see impliedVol for why). */
export function impliedVolChain(
  market: ChainMarket,
  chain: ChainArrays,
  prices: Float64Array,
  out: Float64Array,
): Float64Array {
  const n = chain.strikes.length;
  const q = market.div ?? 0;
  const futures = market.model === 'black-76';
  for (let i = 0; i < n; i++) {
    const v = solveIv(
      chain.rights[i] === 1,
      market.spot,
      chain.strikes[i],
      chain.t[i],
      market.rate,
      q,
      prices[i],
      futures,
    );
    out[i] = v >= 0 ? v : NaN;
  }
  return out;
}

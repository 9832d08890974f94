import { describe, expect, it } from 'vitest';
import { greeks } from './black-scholes';
import { allocChainGreeks, impliedVolChain, priceChain } from './chain';

describe('vectorised chain pricing', () => {
  const n = 200;
  const strikes = new Float64Array(n);
  const t = new Float64Array(n);
  const rights = new Uint8Array(n);
  const vols = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    strikes[i] = 23000 + 50 * (i % 50);
    t[i] = [2, 9, 30, 90][i % 4] / 365;
    rights[i] = i % 2;
    vols[i] = 0.1 + 0.002 * (i % 37);
  }
  const market = { spot: 24300, rate: 0.065, div: 0.012 };

  it('gives exactly what the one-option API gives', () => {
    const out = priceChain(market, { strikes, t, rights }, vols, allocChainGreeks(n));
    for (let i = 0; i < n; i++) {
      const g = greeks({
        right: rights[i] ? 'CE' : 'PE',
        spot: market.spot,
        strike: strikes[i],
        t: t[i],
        rate: market.rate,
        div: market.div,
        vol: vols[i],
      });
      expect([
        out.price[i],
        out.delta[i],
        out.gamma[i],
        out.theta[i],
        out.vega[i],
        out.rho[i],
      ]).toEqual([g.price, g.delta, g.gamma, g.theta, g.vega, g.rho]);
    }
  });

  it('solves the whole chain back to its vols, NaN where no vol fits', () => {
    const out = priceChain(market, { strikes, t, rights }, vols, allocChainGreeks(n));
    const prices = Float64Array.from(out.price);
    prices[0] = 1e9; // above any bound
    const ivs = impliedVolChain(market, { strikes, t, rights }, prices, new Float64Array(n));
    expect(ivs[0]).toBeNaN();
    for (let i = 1; i < n; i++) if (out.vega[i] > 1e-6) expect(ivs[i]).toBeCloseTo(vols[i], 6);
  });
});

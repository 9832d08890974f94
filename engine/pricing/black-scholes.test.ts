import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  black76Price,
  bsPrice,
  greeks,
  intrinsic,
  optionPrice,
  type OptionParams,
} from './black-scholes';

// Published examples: E. G. Haug, The Complete Guide to Option Pricing Formulas (2nd ed.),
// and J. Hull, Options, Futures, and Other Derivatives. Haug states greeks per unit of vol
// and rate and theta per year; ours are per 1 percentage point and per calendar day.
describe('Black-Scholes-Merton against textbook values', () => {
  it('Haug 1.1.1: generalised BSM call S=60 K=65 T=0.25 r=8% σ=30% is 2.1334', () => {
    expect(bsPrice('CE', 60, 65, 0.25, 0.08, 0.3)).toBeCloseTo(2.1334, 4);
  });

  it('Haug 1.1.2 (Merton 1973): put on an index S=100 K=95 T=0.5 r=10% q=5% σ=20% is 2.4648', () => {
    expect(bsPrice('PE', 100, 95, 0.5, 0.1, 0.2, 0.05)).toBeCloseTo(2.4648, 4);
  });

  it('Haug 1.1.3 (Black 1976): call and put on a future F=K=19 T=0.75 r=10% σ=28% are both 1.7011', () => {
    expect(black76Price('CE', 19, 19, 0.75, 0.1, 0.28)).toBeCloseTo(1.7011, 4);
    expect(black76Price('PE', 19, 19, 0.75, 0.1, 0.28)).toBeCloseTo(1.7011, 4);
  });

  it('Haug 1.1.6 (Garman-Kohlhagen as BSM with q = foreign rate): call S=1.56 K=1.60 T=0.5 r=6% rf=8% σ=12% is 0.0291', () => {
    expect(bsPrice('CE', 1.56, 1.6, 0.5, 0.06, 0.12, 0.08)).toBeCloseTo(0.0291, 4);
  });

  it('Haug 2.1.1: delta of futures options S=105 K=100 T=0.5 r=10% b=0 σ=36% is 0.5946 (call), -0.3566 (put)', () => {
    const p = { spot: 105, strike: 100, t: 0.5, rate: 0.1, vol: 0.36, model: 'black-76' as const };
    expect(greeks({ ...p, right: 'CE' }).delta).toBeCloseTo(0.5946, 4);
    expect(greeks({ ...p, right: 'PE' }).delta).toBeCloseTo(-0.3566, 4);
  });

  it('Haug 2.3.1: gamma S=55 K=60 T=0.75 r=b=10% σ=30% is 0.0278', () => {
    expect(
      greeks({ right: 'CE', spot: 55, strike: 60, t: 0.75, rate: 0.1, vol: 0.3 }).gamma,
    ).toBeCloseTo(0.0278, 4);
  });

  it('Haug 2.4.1: vega S=55 K=60 T=0.75 r=b=10% σ=30% is 18.9358 (0.189358 per point)', () => {
    const g = greeks({ right: 'PE', spot: 55, strike: 60, t: 0.75, rate: 0.1, vol: 0.3 });
    expect(g.vega * 100).toBeCloseTo(18.9358, 4);
  });

  it('Haug 2.5.1: put theta S=430 K=405 T=0.0833 r=7% q=5% σ=20% is -31.1924 a year', () => {
    const g = greeks({
      right: 'PE',
      spot: 430,
      strike: 405,
      t: 0.0833,
      rate: 0.07,
      div: 0.05,
      vol: 0.2,
    });
    expect(g.theta * 365).toBeCloseTo(-31.1924, 4);
  });

  it('Haug 2.6.1: call rho S=72 K=75 T=1 r=b=9% σ=19% is 38.7325 (0.387325 per point)', () => {
    expect(
      greeks({ right: 'CE', spot: 72, strike: 75, t: 1, rate: 0.09, vol: 0.19 }).rho * 100,
    ).toBeCloseTo(38.7325, 4);
  });

  it('Hull Example 15.6: S=42 K=40 r=10% σ=20% T=0.5: call 4.76, put 0.81', () => {
    expect(bsPrice('CE', 42, 40, 0.5, 0.1, 0.2)).toBeCloseTo(4.7594, 4);
    expect(bsPrice('PE', 42, 40, 0.5, 0.1, 0.2)).toBeCloseTo(0.8086, 4);
  });

  it('Hull Examples 19.1-19.6: S=49 K=50 r=5% σ=20% T=20 weeks: delta 0.522, gamma 0.066, theta -4.31/yr, vega 12.1, rho 8.91', () => {
    const g = greeks({ right: 'CE', spot: 49, strike: 50, t: 0.3846, rate: 0.05, vol: 0.2 });
    expect(g.price).toBeCloseTo(2.4, 2);
    expect(g.delta).toBeCloseTo(0.522, 3);
    expect(g.gamma).toBeCloseTo(0.066, 3);
    expect(g.theta * 365).toBeCloseTo(-4.31, 2);
    expect(g.vega * 100).toBeCloseTo(12.1, 1);
    expect(g.rho * 100).toBeCloseTo(8.91, 2);
  });
});

describe('edge cases a user meets', () => {
  it('prices an expired option at its intrinsic value', () => {
    expect(optionPrice({ right: 'CE', spot: 105, strike: 100, t: 0, rate: 0.05, vol: 0.2 })).toBe(
      5,
    );
    expect(optionPrice({ right: 'PE', spot: 105, strike: 100, t: 0, rate: 0.05, vol: 0.2 })).toBe(
      0,
    );
    expect(greeks({ right: 'CE', spot: 105, strike: 100, t: 0, rate: 0.05, vol: 0.2 }).delta).toBe(
      1,
    );
    expect(intrinsic('PE', 95, 100)).toBe(5);
  });

  it('prices a zero-volatility option at its discounted forward intrinsic value', () => {
    const p = optionPrice({ right: 'CE', spot: 100, strike: 90, t: 1, rate: 0.05, vol: 0 });
    expect(p).toBeCloseTo(100 - 90 * Math.exp(-0.05), 12);
  });

  it('names the bad input', () => {
    expect(() =>
      greeks({ right: 'CE', spot: -1, strike: 100, t: 1, rate: 0.05, vol: 0.2 }),
    ).toThrow(/spot -1/);
    expect(() =>
      greeks({ right: 'XX' as 'CE', spot: 1, strike: 100, t: 1, rate: 0.05, vol: 0.2 }),
    ).toThrow(/CE or PE/);
    expect(() =>
      greeks({ right: 'CE', spot: 100, strike: 100, t: 1, rate: 0.05, vol: -0.2 }),
    ).toThrow(/vol -0.2/);
  });
});

const market = fc.record({
  spot: fc.double({ min: 10, max: 50_000, noNaN: true }),
  moneyness: fc.double({ min: 0.5, max: 1.5, noNaN: true }),
  t: fc.double({ min: 1 / 365, max: 3, noNaN: true }),
  rate: fc.double({ min: -0.01, max: 0.12, noNaN: true }),
  div: fc.double({ min: 0, max: 0.06, noNaN: true }),
  vol: fc.double({ min: 0.03, max: 1.5, noNaN: true }),
});

describe('properties', () => {
  it('put-call parity: C − P = S·e^{−qT} − K·e^{−rT}', () => {
    fc.assert(
      fc.property(market, (m) => {
        const k = m.spot * m.moneyness;
        const c = bsPrice('CE', m.spot, k, m.t, m.rate, m.vol, m.div);
        const p = bsPrice('PE', m.spot, k, m.t, m.rate, m.vol, m.div);
        const parity = m.spot * Math.exp(-m.div * m.t) - k * Math.exp(-m.rate * m.t);
        expect(Math.abs(c - p - parity)).toBeLessThan(1e-10 * m.spot);
      }),
      { numRuns: 2000 },
    );
  });

  it('Black-76 parity: C − P = e^{−rT}(F − K)', () => {
    fc.assert(
      fc.property(market, (m) => {
        const k = m.spot * m.moneyness;
        const c = black76Price('CE', m.spot, k, m.t, m.rate, m.vol);
        const p = black76Price('PE', m.spot, k, m.t, m.rate, m.vol);
        expect(Math.abs(c - p - Math.exp(-m.rate * m.t) * (m.spot - k))).toBeLessThan(
          1e-10 * m.spot,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('greeks equal central finite differences of the price', () => {
    fc.assert(
      fc.property(
        market,
        fc.constantFrom('CE' as const, 'PE' as const),
        fc.constantFrom('black-scholes' as const, 'black-76' as const),
        (m, right, model) => {
          const base: OptionParams = {
            right,
            spot: m.spot,
            strike: m.spot * m.moneyness,
            t: m.t,
            rate: m.rate,
            div: m.div,
            vol: m.vol,
            model,
          };
          const g = greeks(base);
          const price = (o: Partial<OptionParams>) => optionPrice({ ...base, ...o });
          // Steps shrink with σ√T so a sharply peaked short-dated option is still resolved.
          const hS = m.spot * 1e-4 * Math.min(1, 5 * m.vol * Math.sqrt(m.t));
          const delta = (price({ spot: m.spot + hS }) - price({ spot: m.spot - hS })) / (2 * hS);
          const gamma =
            (price({ spot: m.spot + hS }) - 2 * g.price + price({ spot: m.spot - hS })) / (hS * hS);
          const hV = 1e-5;
          const vega = (price({ vol: m.vol + hV }) - price({ vol: m.vol - hV })) / (2 * hV) / 100;
          const hR = 1e-6;
          const rho =
            (price({ rate: m.rate + hR }) - price({ rate: m.rate - hR })) / (2 * hR) / 100;
          const hT = Math.min(1e-5, m.t / 10);
          const theta = -(price({ t: m.t + hT }) - price({ t: m.t - hT })) / (2 * hT) / 365;
          const scale = m.spot;
          expect(Math.abs(g.delta - delta)).toBeLessThan(1e-6 + 1e-3 * g.gamma * hS);
          expect(Math.abs(g.gamma - gamma)).toBeLessThan(
            1e-3 * g.gamma + (1e-12 * scale) / (hS * hS),
          );
          expect(Math.abs(g.vega - vega)).toBeLessThan(1e-7 * scale);
          expect(Math.abs(g.rho - rho)).toBeLessThan(1e-7 * scale);
          expect(Math.abs(g.theta - theta)).toBeLessThan(1e-7 * scale);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

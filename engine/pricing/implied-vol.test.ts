import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsPrice, black76Price } from './black-scholes';
import { impliedVol } from './implied-vol';

describe('implied volatility', () => {
  it('recovers the vol of every price on a moneyness × vol × time grid (round trip)', () => {
    const failures: string[] = [];
    let worst = 0;
    for (const m of [0.6, 0.8, 0.9, 0.97, 1, 1.03, 1.1, 1.25, 1.5])
      for (const vol of [0.03, 0.08, 0.15, 0.3, 0.6, 1.2, 2.5])
        for (const t of [1 / 365, 7 / 365, 30 / 365, 0.25, 1, 3])
          for (const right of ['CE', 'PE'] as const) {
            const price = bsPrice(right, 100, 100 * m, t, 0.06, vol, 0.015);
            const r = impliedVol({
              right,
              spot: 100,
              strike: 100 * m,
              t,
              rate: 0.06,
              div: 0.015,
              price,
            });
            // Below ~1e-10 of spot a price carries no information about vol (and no tick is that small).
            if (price < 1e-10 * 100) continue;
            if (!r.ok) {
              failures.push(`${right} m=${m} vol=${vol} t=${t}: ${r.message}`);
              continue;
            }
            // Compare in price: deep ITM/OTM prices pin the vol only as tightly as their vega allows.
            const back = bsPrice(right, 100, 100 * m, t, 0.06, r.iv, 0.015);
            const err = Math.abs(back - price) / price;
            worst = Math.max(worst, err);
            if (err > 1e-9) failures.push(`${right} m=${m} vol=${vol} t=${t}: price error ${err}`);
            const timeValue =
              price -
              Math.max(
                0,
                right === 'CE'
                  ? 100 * Math.exp(-0.015 * t) - 100 * m * Math.exp(-0.06 * t)
                  : 100 * m * Math.exp(-0.06 * t) - 100 * Math.exp(-0.015 * t),
              );
            if (timeValue > 1e-6 * price && timeValue > 1e-8)
              expect(Math.abs(r.iv - vol) / vol, `${right} m=${m} vol=${vol} t=${t}`).toBeLessThan(
                1e-6,
              );
          }
    expect(failures).toEqual([]);
    expect(worst).toBeLessThan(1e-9);
  });

  it('round-trips arbitrary options, Black-Scholes and Black-76 (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.7, max: 1.4, noNaN: true }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.double({ min: 2 / 365, max: 2, noNaN: true }),
        fc.constantFrom('CE' as const, 'PE' as const),
        fc.boolean(),
        (m, vol, t, right, futures) => {
          const price = futures
            ? black76Price(right, 25000, 25000 * m, t, 0.065, vol)
            : bsPrice(right, 25000, 25000 * m, t, 0.065, vol, 0.012);
          if (price < 0.01) return; // below any tick
          const r = impliedVol({
            right,
            spot: 25000,
            strike: 25000 * m,
            t,
            rate: 0.065,
            div: futures ? undefined : 0.012,
            price,
            model: futures ? 'black-76' : undefined,
          });
          expect(r.ok).toBe(true);
          if (r.ok) {
            const back = futures
              ? black76Price(right, 25000, 25000 * m, t, 0.065, r.iv)
              : bsPrice(right, 25000, 25000 * m, t, 0.065, r.iv, 0.012);
            expect(Math.abs(back - price)).toBeLessThan(1e-8 * Math.max(1, price));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('solves extreme volatilities (5 %, 500 %) without wandering off', () => {
    for (const vol of [0.05, 5]) {
      const price = bsPrice('CE', 100, 110, 0.5, 0.05, vol);
      const r = impliedVol({ right: 'CE', spot: 100, strike: 110, t: 0.5, rate: 0.05, price });
      expect(r.ok && r.iv).toBeCloseTo(vol, 8);
    }
  });

  it('says a price below intrinsic value fits no volatility', () => {
    const r = impliedVol({ right: 'CE', spot: 120, strike: 100, t: 0.25, rate: 0.05, price: 15 });
    expect(r).toMatchObject({ ok: false, reason: 'below-intrinsic' });
    expect(!r.ok && r.message).toMatch(/below the option's discounted intrinsic value 21\.2/);
  });

  it('says a price above the no-arbitrage bound fits no volatility', () => {
    expect(
      impliedVol({ right: 'CE', spot: 100, strike: 100, t: 1, rate: 0.05, price: 101 }),
    ).toMatchObject({ ok: false, reason: 'above-bound' });
    expect(
      impliedVol({ right: 'PE', spot: 100, strike: 100, t: 1, rate: 0.05, price: 96 }),
    ).toMatchObject({ ok: false, reason: 'above-bound' });
  });

  it('says an expired option has no implied volatility', () => {
    expect(
      impliedVol({ right: 'PE', spot: 100, strike: 100, t: 0, rate: 0.05, price: 1 }),
    ).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('gives 0 for a price exactly at intrinsic value', () => {
    const r = impliedVol({ right: 'PE', spot: 100, strike: 90, t: 0.1, rate: 0.05, price: 0 });
    expect(r).toEqual({ ok: true, iv: 0 });
  });

  it('rejects nonsense input with the reason', () => {
    expect(
      impliedVol({ right: 'CE', spot: -5, strike: 100, t: 1, rate: 0.05, price: 1 }),
    ).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(
      impliedVol({ right: 'CE', spot: 100, strike: 100, t: 1, rate: 0.05, price: NaN }),
    ).toMatchObject({ ok: false, reason: 'invalid-input' });
  });
});

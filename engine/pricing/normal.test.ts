import { describe, expect, it } from 'vitest';
import { normCdf, normInv, normPdf } from './normal';

// Φ(x) to 20 significant digits, computed with mpmath at 30 digits.
const REFERENCE: [number, number][] = [
  [-37, 5.725571222524577e-300],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-1, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [0, 0.5],
  [0.3, 0.6179114221889527],
  [0.7, 0.758036347776927],
  [1, 0.8413447460685429],
  [2, 0.9772498680518208],
  [5, 0.9999997133484281],
];

describe('normal CDF', () => {
  it.each(REFERENCE)('Φ(%d) matches the 30-digit value to 1e-15 relative', (x, want) => {
    expect(Math.abs(normCdf(x) - want) / want).toBeLessThan(2e-15);
  });

  it('is far more accurate than the 1e-7 textbook approximation in the tails', () => {
    // Abramowitz-Stegun 26.2.17 is off by ~1e-8 relative at x=-5; we are within 1e-15.
    expect(Math.abs(normCdf(-8) - 6.220960574271784e-16) / 6.220960574271784e-16).toBeLessThan(
      1e-14,
    );
  });

  it('is symmetric: Φ(x) + Φ(-x) = 1', () => {
    for (let x = -6; x <= 6; x += 0.173) expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 15);
  });

  it('has the standard normal density', () => {
    expect(normPdf(0)).toBeCloseTo(0.3989422804014327, 16);
    expect(normPdf(1.5)).toBeCloseTo(0.12951759566589174, 16);
  });

  it('inverts: Φ(Φ⁻¹(p)) = p across the unit interval', () => {
    for (const p of [1e-12, 1e-6, 0.001, 0.02, 0.3, 0.5, 0.77, 0.975, 0.999999]) {
      expect(Math.abs(normCdf(normInv(p)) - p) / p).toBeLessThan(1e-13);
    }
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(1.5)).toBeNaN();
  });
});

describe('Φ given exp(−x²/2) (the pricing fast path)', () => {
  it('agrees with the general CDF to 3e-15 relative over its range', async () => {
    const { normCdfGivenExp, FAST_CDF_LIMIT } = await import('./normal');
    for (let x = -FAST_CDF_LIMIT; x <= FAST_CDF_LIMIT; x += 0.0137) {
      const want = normCdf(x);
      expect(Math.abs(normCdfGivenExp(x, Math.exp(-0.5 * x * x)) - want) / want).toBeLessThan(
        3e-15,
      );
    }
  });
});

/** Textbook Black-Scholes-Merton call/put delta, written out independently of engine/pricing for the strike tests. */
function normCdf(x: number): number {
  // Abramowitz-Stegun 7.1.26 on erf: accurate to ~1e-7, enough to rank strikes by delta.
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export function delta(
  right: 'CE' | 'PE',
  s: number,
  k: number,
  t: number,
  r: number,
  vol: number,
  q: number,
): number {
  const d1 = (Math.log(s / k) + (r - q + (vol * vol) / 2) * t) / (vol * Math.sqrt(t));
  return right === 'CE' ? Math.exp(-q * t) * normCdf(d1) : Math.exp(-q * t) * (normCdf(d1) - 1);
}

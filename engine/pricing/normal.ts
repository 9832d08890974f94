/**
 * The standard normal distribution to double precision. Black-Scholes, its greeks and implied
 * volatility all lean on N(x); the 1e-7 textbook approximation is visible in deep-OTM prices and
 * breaks IV round trips, so this is W. J. Cody's rational Chebyshev approximation (Math. Comp.
 * 1969, as in ACM TOMS 715 / R's pnorm), relative error below ~1e-15 across the whole line.
 */

const A0 = 2.2352520354606837,
  A1 = 161.02823106855587,
  A2 = 1067.6894854603709,
  A3 = 18154.98125334356,
  A4 = 0.06568233791820745;
const B0 = 47.202581904688245,
  B1 = 976.0985517377767,
  B2 = 10260.932208618979,
  B3 = 45507.78933502673;
const C0 = 0.39894151208813466,
  C1 = 8.883149794388377,
  C2 = 93.50665613217785,
  C3 = 597.2702763948002,
  C4 = 2494.5375852903726,
  C5 = 6848.190450536283,
  C6 = 11602.65143764735,
  C7 = 9842.714838383978,
  C8 = 1.0765576773720192e-8;
const D0 = 22.266688044328117,
  D1 = 235.387901782625,
  D2 = 1519.3775994075547,
  D3 = 6485.558298266761,
  D4 = 18615.571640885097,
  D5 = 34900.95272114598,
  D6 = 38912.00328609327,
  D7 = 19685.429676859992;
const P0 = 0.215898534057957,
  P1 = 0.12740116116024736,
  P2 = 0.022235277870649807,
  P3 = 0.0014216191932278934,
  P4 = 2.9112874951168793e-5,
  P5 = 0.023073441764940174;
const Q0 = 1.284260096144911,
  Q1 = 0.4682382124808651,
  Q2 = 0.06598813786892856,
  Q3 = 0.0037823963320275824,
  Q4 = 7.297515550839662e-5;

const INV_SQRT_2PI = 0.3989422804014327;
const SQRT32 = 5.656854249492381;

/** Cody's middle-range ratio: the upper tail is exp(-y²/2) times this, for 0.674 ≤ y ≤ √32. */
function midRatio(y: number): number {
  let num = C8 * y;
  let den = y;
  num = (num + C0) * y;
  den = (den + D0) * y;
  num = (num + C1) * y;
  den = (den + D1) * y;
  num = (num + C2) * y;
  den = (den + D2) * y;
  num = (num + C3) * y;
  den = (den + D3) * y;
  num = (num + C4) * y;
  den = (den + D4) * y;
  num = (num + C5) * y;
  den = (den + D5) * y;
  num = (num + C6) * y;
  den = (den + D6) * y;
  return (num + C7) / (den + D7);
}

/** Cody's central rational: Φ(x) for |x| ≤ 0.67448975, no exponential needed. */
function central(x: number): number {
  const s = x * x;
  let num = A4 * s;
  let den = s;
  num = (num + A0) * s;
  den = (den + B0) * s;
  num = (num + A1) * s;
  den = (den + B1) * s;
  num = (num + A2) * s;
  den = (den + B2) * s;
  return 0.5 + (x * (num + A3)) / (den + B3);
}

/** Upper tail of the standard normal for y >= 0.67448975 (no cancellation: computed directly). */
function upperTail(y: number): number {
  let r: number;
  if (y <= SQRT32) {
    r = midRatio(y);
  } else {
    if (y > 38.5) return 0;
    const z = 1 / (y * y);
    let num = P5 * z;
    let den = z;
    num = (num + P0) * z;
    den = (den + Q0) * z;
    num = (num + P1) * z;
    den = (den + Q1) * z;
    num = (num + P2) * z;
    den = (den + Q2) * z;
    num = (num + P3) * z;
    den = (den + Q3) * z;
    r = (z * (num + P4)) / (den + Q4);
    r = (INV_SQRT_2PI - r) / y;
  }
  // exp(-y²/2) split so the rounding of y² does not cost relative accuracy in the far tail.
  const ys = Math.trunc(y * 16) / 16;
  const del = (y - ys) * (y + ys);
  return Math.exp(-ys * ys * 0.5) * Math.exp(-del * 0.5) * r;
}

/** Largest |x| for which normCdfGivenExp is valid. */
export const FAST_CDF_LIMIT = SQRT32;

/**
 * Φ(x) for |x| ≤ √32 when exp(-x²/2) is already known (pricing computes it for the density
 * anyway): saves the two exponentials of the general path at a relative cost below 2e-15.
 */
export function normCdfGivenExp(x: number, expHalfX2: number): number {
  if (x >= -0.67448975 && x <= 0.67448975) return central(x);
  const tail = expHalfX2 * midRatio(x < 0 ? -x : x);
  return x > 0 ? 1 - tail : tail;
}

/** Φ(x) = P(Z ≤ x). */
export function normCdf(x: number): number {
  const y = x < 0 ? -x : x;
  if (y <= 0.67448975) return central(x);
  if (x !== x) return NaN;
  const tail = upperTail(y);
  return x > 0 ? 1 - tail : tail;
}

/** φ(x), the standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Φ⁻¹(p), Acklam's rational approximation refined by one Halley step on normCdf, so it is as
 * accurate as normCdf (used to seed implied-volatility searches and by the simulator).
 */
export function normInv(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley refinement; in the upper half work with the upper tail to avoid cancellation in 1 - p.
  const e = p < 0.5 ? normCdf(x) - p : 1 - p - normCdf(-x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

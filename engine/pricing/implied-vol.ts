/**
 * Implied volatility that always converges: Newton's method seeded by Corrado-Miller near the
 * money or at the price curve's inflection point (Manaster-Koehler), on the out-of-the-money
 * side of put-call parity (better conditioned), in log-price against 1/σ² below the inflection
 * (where that is nearly linear), and kept inside a shrinking bracket that falls back to
 * bisection whenever a step would leave it. When no volatility can produce the price it says
 * why instead of returning a number.
 */
import type { OptionParams } from './black-scholes';
import { FAST_CDF_LIMIT, normCdf, normCdfGivenExp, normPdf } from './normal';

const INV_SQRT_2PI = 0.3989422804014327;

export type IvFailureReason = 'below-intrinsic' | 'above-bound' | 'expired' | 'invalid-input';
export type IvResult =
  { ok: true; iv: number } | { ok: false; reason: IvFailureReason; message: string };

/** Codes returned by solveIv in place of a volatility (all negative). */
export const IV_BELOW_INTRINSIC = -1,
  IV_ABOVE_BOUND = -2,
  IV_EXPIRED = -3,
  IV_INVALID = -4;

const MAX_VOL = 100; // 10,000 % a year: beyond this the price is indistinguishable from its bound
const MAX_ITER = 200;

/**
 * The volatility whose model price equals `price`, or a negative IV_* code. `futures` selects
 * Black-76 (s is the forward). Allocation-free: the hot path of chain IV and the simulator.
 */
export function solveIv(
  isCall: boolean,
  s: number,
  k: number,
  t: number,
  r: number,
  q: number,
  price: number,
  futures: boolean,
): number {
  if (
    !(s > 0) ||
    !(k > 0) ||
    !(price >= 0) ||
    !isFinite(price) ||
    !isFinite(s) ||
    !isFinite(k) ||
    !isFinite(r) ||
    !isFinite(q)
  )
    return IV_INVALID;
  if (!(t > 0)) return IV_EXPIRED;
  const b = futures ? 0 : r - q;
  const sd = s * Math.exp((b - r) * t);
  const kd = k * Math.exp(-r * t);
  const lower = isCall ? Math.max(0, sd - kd) : Math.max(0, kd - sd);
  const upper = isCall ? sd : kd;
  const eps = 1e-13 * (sd + kd);
  if (price < lower - eps) return IV_BELOW_INTRINSIC;
  if (price >= upper) return IV_ABOVE_BOUND;
  // Out-of-the-money equivalent by parity: C - P = sd - kd.
  let call = isCall;
  let target = price;
  if (isCall && sd > kd) {
    call = false;
    target = price - (sd - kd);
  } else if (!isCall && kd > sd) {
    call = true;
    target = price - (kd - sd);
  }
  if (target <= eps) return 0;
  const sign = call ? 1 : -1;
  const sqrtT = Math.sqrt(t);
  const x = Math.log(sd / kd); // log-moneyness of the forward
  const logTarget = Math.log(target);
  const inflection = Math.sqrt((2 * Math.abs(x)) / t);
  let lo = 0;
  let hi = MAX_VOL;
  // Seed: Corrado-Miller (good near the money) when it is defined and on the right side of the
  // inflection point, else the inflection point itself (Manaster-Koehler: Newton converges from there).
  const c = call ? target : target + sd - kd;
  const half = c - 0.5 * (sd - kd);
  const disc = half * half - ((sd - kd) * (sd - kd)) / Math.PI;
  const cm =
    disc > 0 ? ((Math.sqrt(2 * Math.PI) / (sd + kd)) * (half + Math.sqrt(disc))) / sqrtT : NaN;
  let vol =
    cm > 0 && cm < MAX_VOL
      ? cm
      : inflection > 1e-3
        ? inflection
        : (target / Math.sqrt(sd * kd)) * Math.sqrt((2 * Math.PI) / t);
  if (!(vol > 0) || vol > MAX_VOL) vol = 0.5;
  for (let i = 0; i < MAX_ITER; i++) {
    const vs = vol * sqrtT;
    const d1 = x / vs + 0.5 * vs;
    const d2 = d1 - vs;
    let n1: number, n2: number, pdf: number;
    if (
      d1 <= FAST_CDF_LIMIT &&
      d1 >= -FAST_CDF_LIMIT &&
      d2 <= FAST_CDF_LIMIT &&
      d2 >= -FAST_CDF_LIMIT
    ) {
      const e1 = Math.exp(-0.5 * d1 * d1);
      pdf = INV_SQRT_2PI * e1;
      n1 = normCdfGivenExp(sign * d1, e1);
      n2 = normCdfGivenExp(sign * d2, (e1 * sd) / kd);
    } else {
      n1 = normCdf(sign * d1);
      n2 = normCdf(sign * d2);
      pdf = normPdf(d1);
    }
    const model = sign * (sd * n1 - kd * n2);
    const vega = sd * pdf * sqrtT;
    const diff = model - target;
    if (diff > 0) hi = vol;
    else lo = vol;
    // Done when the price matches to 1e-14, or to the rounding floor of the model's own terms.
    if (Math.abs(diff) <= 1e-14 * target + 4e-16 * (sd * n1 + kd * n2) || hi - lo <= 1e-15 * hi)
      return vol;
    let next: number;
    // Below the inflection ln C ≈ −x²/(2Tσ²) + …, nearly linear in 1/σ²: Newton in that variable.
    if (model > 0 && vol <= inflection)
      next =
        1 /
        Math.sqrt(
          1 / (vol * vol) + (2 * (Math.log(model) - logTarget) * model) / (vega * vol * vol * vol),
        );
    else next = vol - diff / vega;
    if (!(next > lo && next < hi))
      next = hi === MAX_VOL && diff < 0 ? Math.min(2 * vol, MAX_VOL) : 0.5 * (lo + hi);
    if (Math.abs(next - vol) <= 1e-14 * vol) return next;
    vol = next;
  }
  if (hi >= MAX_VOL && lo >= MAX_VOL * 0.999) return IV_ABOVE_BOUND;
  return 0.5 * (lo + hi);
}

/** Implied volatility of one option price, or the reason no volatility fits. */
export function impliedVol(p: Omit<OptionParams, 'vol'> & { price: number }): IvResult {
  const isCall = p.right === 'CE';
  if (p.right !== 'CE' && p.right !== 'PE')
    return {
      ok: false,
      reason: 'invalid-input',
      message: `right ${String(p.right)} is not valid: use CE or PE`,
    };
  const futures = p.model === 'black-76';
  const q = p.div ?? 0;
  const v = solveIv(isCall, p.spot, p.strike, p.t, p.rate, q, p.price, futures);
  if (v >= 0) return { ok: true, iv: v };
  const b = futures ? 0 : p.rate - q;
  const sd = p.spot * Math.exp((b - p.rate) * p.t);
  const kd = p.strike * Math.exp(-p.rate * p.t);
  const fmt = (n: number) => (Math.abs(n) >= 1 ? n.toFixed(4) : n.toPrecision(6));
  switch (v) {
    case IV_BELOW_INTRINSIC: {
      const lower = isCall ? sd - kd : kd - sd;
      return {
        ok: false,
        reason: 'below-intrinsic',
        message: `price ${fmt(p.price)} is below the option's discounted intrinsic value ${fmt(lower)}: no volatility fits (check spot, strike, right and rate)`,
      };
    }
    case IV_ABOVE_BOUND: {
      const upper = isCall ? sd : kd;
      return {
        ok: false,
        reason: 'above-bound',
        message: `price ${fmt(p.price)} is at or above the upper bound ${fmt(upper)} (${isCall ? 'discounted spot for a call' : 'discounted strike for a put'}): no volatility fits`,
      };
    }
    case IV_EXPIRED:
      return {
        ok: false,
        reason: 'expired',
        message: `t ${p.t} is not positive: an expired option has no implied volatility; give the time to expiry in years`,
      };
    default:
      return {
        ok: false,
        reason: 'invalid-input',
        message: `spot ${p.spot}, strike ${p.strike}, rate ${p.rate} and price ${p.price} must be finite, spot and strike positive and price 0 or more`,
      };
  }
}

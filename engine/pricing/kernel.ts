/**
 * The one Black-Scholes-Merton / Black-76 kernel (Haug's generalised form, cost of carry
 * b = r - q, or 0 on futures): price and five greeks of options [from, to) of structure-of-arrays
 * inputs, written straight into the output arrays. The chain pricer calls it on a whole chain,
 * the one-option API on a chain of one. Written as one flat loop because that is what runs
 * fast here: per option it is one log, three exps, two rational CDFs and three divisions, and
 * a copy through a scratch row, a per-expiry memo or a call per option cost as much again
 * (bench/pricing).
 * Units follow DESIGN.md: theta per calendar day, vega and rho per 1 percentage point.
 */
import { FAST_CDF_LIMIT, normCdf, normCdfGivenExp } from './normal';

const INV_SQRT_2PI = 0.3989422804014327;
export const DAYS_PER_YEAR = 365;

export interface ChainGreeks {
  price: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  theta: Float64Array;
  vega: Float64Array;
  rho: Float64Array;
}

/** rights[i] is 1 for a call (CE) and 0 for a put (PE); `futures` selects Black-76 (s is the forward, q ignored). */
export function priceRange(
  s: number,
  r: number,
  q: number,
  futures: boolean,
  strikes: Float64Array,
  times: Float64Array,
  rights: Uint8Array,
  vols: Float64Array,
  out: ChainGreeks,
  from: number,
  to: number,
): void {
  const { price, delta, gamma, theta, vega, rho } = out;
  const b = futures ? 0 : r - q;
  // A division costs several multiplications: the loop multiplies by reciprocals instead
  // (three divisions per option, S/K, F/K and 1/(σ√T), were eight), which moves results by an
  // ulp or two at most.
  const invS = 1 / s;
  const PER_DAY = 1 / DAYS_PER_YEAR;
  for (let i = from; i < to; i++) {
    const k = strikes[i];
    const t = times[i];
    const vol = vols[i];
    // +1 for a call, -1 for a put: arithmetic, not a branch, since rights come in any order.
    const sign = 2 * rights[i] - 1;
    if (!(t > 0)) {
      const intrinsic = sign * (s - k);
      price[i] = intrinsic > 0 ? intrinsic : 0;
      delta[i] = s === k ? 0.5 * sign : intrinsic > 0 ? sign : 0;
      gamma[i] = 0;
      theta[i] = 0;
      vega[i] = 0;
      rho[i] = 0;
      continue;
    }
    const sqrtT = Math.sqrt(t);
    const carryDisc = Math.exp((b - r) * t); // e^{-qT} (BS) or e^{-rT} (Black-76)
    const disc = Math.exp(-r * t);
    const sd = s * carryDisc;
    const kd = k * disc;
    const volSqrtT = vol * sqrtT;
    let p: number;
    if (volSqrtT > 0) {
      const inv = 1 / volSqrtT;
      const d1 = (Math.log(s / k) + (b + 0.5 * vol * vol) * t) * inv;
      const d2 = d1 - volSqrtT;
      let nd1: number, nd2: number, e1: number;
      if (
        d1 <= FAST_CDF_LIMIT &&
        d1 >= -FAST_CDF_LIMIT &&
        d2 <= FAST_CDF_LIMIT &&
        d2 >= -FAST_CDF_LIMIT
      ) {
        // One exponential serves both densities: exp(-d2²/2) = exp(-d1²/2)·F/K.
        e1 = Math.exp(-0.5 * d1 * d1);
        nd1 = normCdfGivenExp(sign * d1, e1);
        nd2 = normCdfGivenExp(sign * d2, (e1 * sd) / kd);
      } else {
        // N(-d) computed directly for puts keeps deep-ITM/OTM put prices accurate.
        nd1 = normCdf(sign * d1);
        nd2 = normCdf(sign * d2);
        e1 = Math.exp(-0.5 * d1 * d1);
      }
      const pdf = INV_SQRT_2PI * e1;
      p = sign * (sd * nd1 - kd * nd2);
      delta[i] = sign * carryDisc * nd1;
      gamma[i] = carryDisc * pdf * inv * invS;
      // -S·e^{-qT}·φ(d1)·σ / (2√T), with 1/√T = σ/(σ√T).
      const decay = -0.5 * sd * pdf * vol * vol * inv;
      theta[i] = (decay - sign * (b - r) * sd * nd1 - sign * r * kd * nd2) * PER_DAY;
      vega[i] = sd * pdf * sqrtT * 0.01;
      // Black-76 holds the forward fixed, so the rate only discounts: rho = -T·price.
      rho[i] = futures ? -t * p * 0.01 : sign * t * kd * nd2 * 0.01;
    } else {
      // Zero volatility: the option is worth its discounted forward intrinsic value.
      const m = sd - kd;
      const n = m === 0 ? 0.5 : sign * m > 0 ? 1 : 0;
      p = sign * (sd - kd) * n;
      delta[i] = sign * carryDisc * n;
      gamma[i] = 0;
      theta[i] = (-sign * (b - r) * sd * n - sign * r * kd * n) * PER_DAY;
      vega[i] = 0;
      rho[i] = futures ? -t * p * 0.01 : sign * t * kd * n * 0.01;
    }
    price[i] = p > 0 ? p : 0;
  }
}

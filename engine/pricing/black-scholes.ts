/**
 * Black-Scholes-Merton with a continuous dividend yield (cost of carry b = r - q) and Black-76
 * for options on futures (b = 0), in Haug's generalised form so both share one set of greeks.
 * Units follow DESIGN.md: theta per calendar day, vega and rho per 1 percentage point.
 */
import { FAST_CDF_LIMIT, normCdf, normCdfGivenExp, normPdf } from './normal';

const INV_SQRT_2PI = 0.3989422804014327;

export type Right = 'CE' | 'PE';
export type PricingModel = 'black-scholes' | 'black-76';

export interface OptionParams {
  right: Right;
  /** Spot for black-scholes; the futures/forward price for black-76. */
  spot: number;
  strike: number;
  /** Years to expiry. */
  t: number;
  /** Continuously compounded risk-free rate, decimal. */
  rate: number;
  /** Annualised volatility, decimal. */
  vol: number;
  /** Continuous dividend yield, decimal (black-scholes only). */
  div?: number;
  model?: PricingModel;
}

export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  /** Per calendar day. */
  theta: number;
  /** Per 1 percentage point of volatility. */
  vega: number;
  /** Per 1 percentage point of the rate. */
  rho: number;
}

export const DAYS_PER_YEAR = 365;

/** Slots of the output written by priceInto, in this order. */
export const PRICE = 0,
  DELTA = 1,
  GAMMA = 2,
  THETA = 3,
  VEGA = 4,
  RHO = 5;

/**
 * Price and the five greeks into out[o..o+5]. `futures` selects Black-76 (s is the forward,
 * q ignored). The one kernel behind the scalar API and the vectorised chain pricer.
 */
export function priceInto(
  out: Float64Array,
  o: number,
  isCall: boolean,
  s: number,
  k: number,
  t: number,
  r: number,
  q: number,
  vol: number,
  futures: boolean,
): void {
  const b = futures ? 0 : r - q;
  if (!(t > 0)) {
    const intrinsic = isCall ? s - k : k - s;
    out[o] = intrinsic > 0 ? intrinsic : 0;
    out[o + 1] = s === k ? (isCall ? 0.5 : -0.5) : intrinsic > 0 ? (isCall ? 1 : -1) : 0;
    out[o + 2] = 0;
    out[o + 3] = 0;
    out[o + 4] = 0;
    out[o + 5] = 0;
    return;
  }
  // Options of one expiry share these; a chain is priced expiry by expiry, so remember the last.
  if (t !== memoT || r !== memoR || b !== memoB) {
    memoT = t;
    memoR = r;
    memoB = b;
    memoSqrtT = Math.sqrt(t);
    memoCarryDisc = Math.exp((b - r) * t); // e^{-qT} (BS) or e^{-rT} (Black-76)
    memoDisc = Math.exp(-r * t);
  }
  const sqrtT = memoSqrtT;
  const carryDisc = memoCarryDisc;
  const sd = s * carryDisc;
  const kd = k * memoDisc;
  const volSqrtT = vol * sqrtT;
  let nd1: number, nd2: number, pdf: number;
  if (volSqrtT > 0) {
    const d1 = (Math.log(s / k) + (b + 0.5 * vol * vol) * t) / volSqrtT;
    const d2 = d1 - volSqrtT;
    if (
      d1 <= FAST_CDF_LIMIT &&
      d1 >= -FAST_CDF_LIMIT &&
      d2 <= FAST_CDF_LIMIT &&
      d2 >= -FAST_CDF_LIMIT
    ) {
      // One exponential serves both densities: exp(-d2²/2) = exp(-d1²/2)·F/K.
      const e1 = Math.exp(-0.5 * d1 * d1);
      pdf = INV_SQRT_2PI * e1;
      const e2 = (e1 * sd) / kd;
      nd1 = normCdfGivenExp(isCall ? d1 : -d1, e1);
      nd2 = normCdfGivenExp(isCall ? d2 : -d2, e2);
    } else {
      // N(-d) computed directly for puts keeps deep-ITM/OTM put prices accurate.
      nd1 = normCdf(isCall ? d1 : -d1);
      nd2 = normCdf(isCall ? d2 : -d2);
      pdf = normPdf(d1);
    }
  } else {
    // Zero volatility: the option is worth its discounted forward intrinsic value.
    const m = sd - kd;
    const itm = isCall ? m > 0 : m < 0;
    nd1 = nd2 = m === 0 ? 0.5 : itm ? 1 : 0;
    pdf = 0;
  }
  const sign = isCall ? 1 : -1;
  const price = sign * (sd * nd1 - kd * nd2);
  out[o] = price > 0 ? price : 0;
  out[o + 1] = sign * carryDisc * nd1;
  out[o + 2] = volSqrtT > 0 ? (carryDisc * pdf) / (s * volSqrtT) : 0;
  const decay = volSqrtT > 0 ? (-sd * pdf * vol) / (2 * sqrtT) : 0;
  out[o + 3] = (decay - sign * (b - r) * sd * nd1 - sign * r * kd * nd2) / DAYS_PER_YEAR;
  out[o + 4] = (sd * pdf * sqrtT) / 100;
  // Black-76 holds the forward fixed, so the rate only discounts: rho = -T·price.
  out[o + 5] = futures ? (-t * price) / 100 : (sign * t * kd * nd2) / 100;
}

let memoT = NaN,
  memoR = NaN,
  memoB = NaN,
  memoSqrtT = NaN,
  memoCarryDisc = NaN,
  memoDisc = NaN;

const scratch = new Float64Array(6);

function check(p: OptionParams, what: 'vol' | 'price'): void {
  const bad = (name: string, v: unknown, fix: string) => {
    throw new Error(`${name} ${String(v)} is not valid: ${fix}`);
  };
  if (p.right !== 'CE' && p.right !== 'PE') bad('right', p.right, 'use CE or PE');
  if (!(p.spot > 0) || !isFinite(p.spot)) bad('spot', p.spot, 'give a positive number');
  if (!(p.strike > 0) || !isFinite(p.strike)) bad('strike', p.strike, 'give a positive number');
  if (!(p.t >= 0) || !isFinite(p.t)) bad('t', p.t, 'give the time to expiry in years, 0 or more');
  if (!isFinite(p.rate)) bad('rate', p.rate, 'give the rate as a decimal, e.g. 0.065');
  if (p.div !== undefined && !isFinite(p.div))
    bad('div', p.div, 'give the dividend yield as a decimal, e.g. 0.012');
  if (what === 'vol' && (!(p.vol >= 0) || !isFinite(p.vol)))
    bad('vol', p.vol, 'give the volatility as a decimal, e.g. 0.15 for 15%');
}

/** Price and greeks of one option; throws naming the bad input. */
export function greeks(p: OptionParams): Greeks {
  check(p, 'vol');
  priceInto(
    scratch,
    0,
    p.right === 'CE',
    p.spot,
    p.strike,
    p.t,
    p.rate,
    p.div ?? 0,
    p.vol,
    p.model === 'black-76',
  );
  return {
    price: scratch[0],
    delta: scratch[1],
    gamma: scratch[2],
    theta: scratch[3],
    vega: scratch[4],
    rho: scratch[5],
  };
}

export function optionPrice(p: OptionParams): number {
  check(p, 'vol');
  priceInto(
    scratch,
    0,
    p.right === 'CE',
    p.spot,
    p.strike,
    p.t,
    p.rate,
    p.div ?? 0,
    p.vol,
    p.model === 'black-76',
  );
  return scratch[0];
}

/** Black-Scholes-Merton price with dividend yield q. */
export function bsPrice(
  right: Right,
  spot: number,
  strike: number,
  t: number,
  rate: number,
  vol: number,
  div = 0,
): number {
  return optionPrice({ right, spot, strike, t, rate, vol, div });
}

/** Black-76 price of an option on a futures/forward price. */
export function black76Price(
  right: Right,
  forward: number,
  strike: number,
  t: number,
  rate: number,
  vol: number,
): number {
  return optionPrice({ right, spot: forward, strike, t, rate, vol, model: 'black-76' });
}

/** What the option pays at expiry per unit of underlying. */
export function intrinsic(right: Right, underlying: number, strike: number): number {
  const v = right === 'CE' ? underlying - strike : strike - underlying;
  return v > 0 ? v : 0;
}

/** Lower and upper no-arbitrage bounds of a European option price (what IV can fit between). */
export function priceBounds(
  isCall: boolean,
  s: number,
  k: number,
  t: number,
  r: number,
  q: number,
  futures: boolean,
): { lower: number; upper: number } {
  const sd = s * Math.exp(((futures ? 0 : r - q) - r) * t);
  const kd = k * Math.exp(-r * t);
  return isCall
    ? { lower: Math.max(0, sd - kd), upper: sd }
    : { lower: Math.max(0, kd - sd), upper: kd };
}

/**
 * Black-Scholes-Merton with a continuous dividend yield (cost of carry b = r - q) and Black-76
 * for options on futures (b = 0), in Haug's generalised form so both share one set of greeks.
 * Units follow DESIGN.md: theta per calendar day, vega and rho per 1 percentage point.
 */
import { DAYS_PER_YEAR, priceRange, type ChainGreeks } from './kernel';

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

export { DAYS_PER_YEAR };

/** Slots of the output written by priceInto, in this order. */
export const PRICE = 0,
  DELTA = 1,
  GAMMA = 2,
  THETA = 3,
  VEGA = 4,
  RHO = 5;

// A chain of one: the scalar API runs the chain kernel on these.
const one = {
  strikes: new Float64Array(1),
  t: new Float64Array(1),
  rights: new Uint8Array(1),
  vols: new Float64Array(1),
  out: {
    price: new Float64Array(1),
    delta: new Float64Array(1),
    gamma: new Float64Array(1),
    theta: new Float64Array(1),
    vega: new Float64Array(1),
    rho: new Float64Array(1),
  } satisfies ChainGreeks,
};

function priceOne(
  isCall: boolean,
  s: number,
  k: number,
  t: number,
  r: number,
  q: number,
  vol: number,
  futures: boolean,
): ChainGreeks {
  one.strikes[0] = k;
  one.t[0] = t;
  one.rights[0] = isCall ? 1 : 0;
  one.vols[0] = vol;
  priceRange(s, r, q, futures, one.strikes, one.t, one.rights, one.vols, one.out, 0, 1);
  return one.out;
}

/** Price and the five greeks into out[o..o+5]. `futures` selects Black-76 (s is the forward, q ignored). */
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
  const g = priceOne(isCall, s, k, t, r, q, vol, futures);
  out[o] = g.price[0];
  out[o + 1] = g.delta[0];
  out[o + 2] = g.gamma[0];
  out[o + 3] = g.theta[0];
  out[o + 4] = g.vega[0];
  out[o + 5] = g.rho[0];
}

function bad(name: string, v: unknown, fix: string): never {
  throw new Error(`${name} ${String(v)} is not valid: ${fix}`);
}

function check(p: OptionParams, what: 'vol' | 'price'): void {
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
  const g = priceOne(
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
    price: g.price[0],
    delta: g.delta[0],
    gamma: g.gamma[0],
    theta: g.theta[0],
    vega: g.vega[0],
    rho: g.rho[0],
  };
}

export function optionPrice(p: OptionParams): number {
  check(p, 'vol');
  return priceOne(
    p.right === 'CE',
    p.spot,
    p.strike,
    p.t,
    p.rate,
    p.div ?? 0,
    p.vol,
    p.model === 'black-76',
  ).price[0];
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

/**
 * The bridge from a snapshot to the pricing library: time to expiry, rate, dividend and the
 * model an instrument is priced with, so every derived value prices an option the same way.
 */
import { getInstrument, type Instrument } from './instruments';
import { yearsToExpiry } from './expiry';
import type { ChainSnapshot, ExpiryChain } from './snapshot';

export interface PricingOverrides {
  rate?: number;
  dividendYield?: number;
}

export interface ExpiryPricing {
  instrument: Instrument;
  expiry: string;
  t: number;
  rate: number;
  div: number;
  /** The price the model is fed: spot (black-scholes) or the expiry's forward (black-76). */
  underlying: number;
  futures: boolean;
  /** Forward price for the expiry (quoted, or carried from spot). */
  forward: number;
}

export function snapshotInstant(s: ChainSnapshot): number {
  const ms = Date.parse(s.ts);
  if (Number.isNaN(ms)) throw new Error(`snapshot ts "${s.ts}" is not a valid ISO-8601 timestamp`);
  return ms;
}

export function findExpiry(s: ChainSnapshot, expiry: string): ExpiryChain {
  const e = s.expiries.find((x) => x.expiry === expiry);
  if (!e)
    throw new Error(
      `expiry ${expiry} is not in the ${s.underlying} snapshot at ${s.ts}: listed are ${s.expiries.map((x) => x.expiry).join(', ') || 'none'}`,
    );
  return e;
}

export function expiryPricing(
  s: ChainSnapshot,
  expiry: string,
  overrides: PricingOverrides = {},
): ExpiryPricing {
  const instrument = getInstrument(s.underlying);
  const chain = s.expiries.find((x) => x.expiry === expiry);
  const t = yearsToExpiry(instrument, snapshotInstant(s), expiry);
  const rate = overrides.rate ?? instrument.pricing.rate;
  const div = overrides.dividendYield ?? instrument.pricing.dividendYield;
  const carried = s.spot * Math.exp((rate - div) * t);
  const forward = chain?.forward ?? carried;
  const futures = instrument.pricing.model === 'black-76';
  return {
    instrument,
    expiry,
    t,
    rate,
    div,
    underlying: futures ? forward : s.spot,
    futures,
    forward,
  };
}

/**
 * The position a strategy would open on a chain snapshot right now: each non-lazy leg's expiry
 * and strike chosen by the runtime's own selection code (engine/runtime), priced at the premium
 * the runtime would see, with the IV the chain implies. Lazy legs open only after another leg
 * exits, so they are not part of the opening position.
 */
import type { Strategy } from '../dsl/index.ts';
import { getInstrument } from '../market/instruments.ts';
import { expiryPricing, type PricingOverrides } from '../market/pricing-context.ts';
import { FUTURE_TERMS, optionTerms, type ChainSnapshot } from '../market/snapshot.ts';
import { quoteIv } from '../market/volatility.ts';
import { localTime } from '../runtime/clock.ts';
import { legExpiry } from '../runtime/expiry.ts';
import { contractPrice, expiryChain } from '../market/atm.ts';
import { findQuote } from '../market/quote.ts';
import { selectStrike } from '../runtime/strike.ts';
import type { PayoffLeg, PayoffMarket } from './payoff.ts';

export type ResolvedLeg = PayoffLeg & { lots: number; why: string };

export type OpeningPosition = {
  underlying: string;
  ts: string;
  spot: number;
  currency: string;
  lotSize: number;
  /** The multiplier applied to every leg's lots (fixed sizing; other methods need account state, so 1). */
  multiplier: number;
  market: PayoffMarket;
  legs: ResolvedLeg[];
  /** Legs that would not open on this snapshot, with the runtime's reason. */
  skipped: { legId: string; why: string }[];
  notes: string[];
};

export function openingPosition(
  strategy: Strategy,
  snapshot: ChainSnapshot,
  overrides: PricingOverrides = {},
): OpeningPosition {
  if (snapshot.underlying !== strategy.underlying) {
    throw new Error(
      `the snapshot is for ${snapshot.underlying} but strategy "${strategy.name}" trades ${strategy.underlying}; load a ${strategy.underlying} chain`,
    );
  }
  const instrument = getInstrument(strategy.underlying);
  const day = localTime(snapshot.ts, instrument).day;
  const notes: string[] = [];
  let multiplier = 1;
  if (strategy.sizing.method === 'fixed') multiplier = strategy.sizing.multiplier;
  else
    notes.push(
      `${strategy.sizing.method} sizing depends on capital and history; the payoff shows one set (multiplier 1)`,
    );

  const legs: ResolvedLeg[] = [];
  const skipped: { legId: string; why: string }[] = [];
  for (const leg of strategy.legs) {
    if (leg.lazy) {
      notes.push(
        `lazy leg ${leg.id} opens only when another leg exits, so it is not in the opening position`,
      );
      continue;
    }
    const e = legExpiry(snapshot, day, leg.expiry.kind, leg.expiry.offset);
    if (e.expiry === null) {
      skipped.push({ legId: leg.id, why: e.why });
      continue;
    }
    const pricing = expiryPricing(snapshot, e.expiry, overrides);
    const lots = leg.lots * multiplier;
    const base = {
      id: leg.id,
      side: leg.side,
      qty: lots * instrument.lotSize,
      lots,
      expiry: e.expiry,
      t: pricing.t,
      forwardRatio: pricing.forward / snapshot.spot,
    };
    if (leg.instrument === 'future' || !leg.right) {
      const price = contractPrice(snapshot, e.expiry, FUTURE_TERMS);
      if (price === undefined) {
        skipped.push({
          legId: leg.id,
          why: `the ${e.expiry} future has no price and no synthetic future can be formed`,
        });
        continue;
      }
      legs.push({
        ...base,
        ...FUTURE_TERMS,
        entry: price,
        iv: 0,
        forwardRatio: price / snapshot.spot,
        why: `future at ${price}`,
      });
      continue;
    }
    const chain = expiryChain(snapshot, e.expiry);
    if (!chain || !leg.strike) {
      skipped.push({ legId: leg.id, why: `expiry ${e.expiry} has no chain` });
      continue;
    }
    const choice = selectStrike(snapshot, chain, leg.right, leg.side, leg.strike, overrides);
    if (choice.strike === null) {
      skipped.push({ legId: leg.id, why: choice.why });
      continue;
    }
    const quote = findQuote(chain, choice.strike, leg.right);
    const iv = quote ? quoteIv(quote, pricing) : undefined;
    if (iv === undefined) {
      skipped.push({
        legId: leg.id,
        why: `${leg.right} ${choice.strike} ${e.expiry} has no IV and none can be solved from its price`,
      });
      continue;
    }
    legs.push({
      ...base,
      ...optionTerms(choice.strike, leg.right),
      entry: choice.premium,
      iv,
      why: choice.why,
    });
  }
  const first = legs[0]?.expiry ?? snapshot.expiries[0]?.expiry;
  const p = first ? expiryPricing(snapshot, first, overrides) : undefined;
  return {
    underlying: strategy.underlying,
    ts: snapshot.ts,
    spot: snapshot.spot,
    currency: instrument.currency,
    lotSize: instrument.lotSize,
    multiplier,
    market: {
      spot: snapshot.spot,
      rate: p?.rate ?? instrument.pricing.rate,
      div: p?.div ?? instrument.pricing.dividendYield,
      model: instrument.pricing.model,
    },
    legs,
    skipped,
    notes,
  };
}

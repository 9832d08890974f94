/**
 * A risk book: option and futures legs of any number of underlyings with the market each is
 * valued against. Whatever holds positions (a strategy's opening position, a running
 * deployment, a whole portfolio) becomes a book first, so the scenario matrix and the greeks
 * take one shape and never a strategy.
 */
import { z } from 'zod';
import { getInstrument } from '../market/instruments.ts';
import { expiryPricing, type PricingOverrides } from '../market/pricing-context.ts';
import { findQuote, markPrice } from '../market/quote.ts';
import {
  FUTURE_TERMS,
  IsoDateSchema,
  termsOf,
  RightSchema,
  type ChainSnapshot,
} from '../market/snapshot.ts';
import { quoteIv } from '../market/volatility.ts';
import type { PayoffLeg, PayoffMarket } from '../payoff/payoff.ts';
import type { OpeningPosition } from '../payoff/position.ts';

export type RiskLeg = PayoffLeg & {
  underlying: string;
  /** The leg's current price per unit, where known (the matrix values legs by model at their IV). */
  mark?: number;
};

export type RiskBook = {
  /** The snapshot instant the legs' times to expiry are measured from. */
  asOf: string;
  currency: string;
  markets: Record<string, PayoffMarket>;
  legs: RiskLeg[];
};

/** A held position as deployments and portfolios know it: what it is, how much, at what price. */
const PositionFields = z.object({
  id: z.string().min(1).max(120),
  underlying: z.string().min(1).max(30),
  expiry: IsoDateSchema,
  side: z.enum(['BUY', 'SELL']),
  /** Units (lots x lot size). */
  qty: z.number().finite().positive(),
  /** Price per unit the position was opened at. */
  entry: z.number().finite().nonnegative(),
  mark: z.number().finite().nonnegative().optional(),
  /** Annualised IV, decimal; read from the chain when absent. */
  iv: z.number().finite().positive().max(20).optional(),
});
/** An option position names its strike and right; a future names neither. */
export const RiskPositionSchema = z.discriminatedUnion('instrument', [
  PositionFields.extend({
    instrument: z.literal('option'),
    strike: z.number().finite().positive(),
    right: RightSchema,
  }),
  PositionFields.extend({
    instrument: z.literal('future'),
    strike: z.null().default(null),
    right: z.null().default(null),
  }),
]);
export type RiskPosition = z.infer<typeof RiskPositionSchema>;

export type BookResult = { book: RiskBook; skipped: { id: string; why: string }[] };

/**
 * Values held positions against the latest chain of each underlying: time to expiry and forward
 * from the snapshot, the IV from the position or else the chain's quote, the mark likewise. A
 * position that cannot be valued is listed in `skipped` with the reason, never dropped silently.
 */
export function bookFromPositions(
  positions: readonly RiskPosition[],
  snapshots: readonly ChainSnapshot[],
  overrides: PricingOverrides = {},
): BookResult {
  const byUnderlying = new Map(snapshots.map((s) => [s.underlying, s]));
  const markets: Record<string, PayoffMarket> = {};
  const legs: RiskLeg[] = [];
  const skipped: { id: string; why: string }[] = [];
  let currency: string | undefined;
  let asOf = '';
  for (const pos of positions) {
    const s = byUnderlying.get(pos.underlying);
    if (!s) {
      skipped.push({ id: pos.id, why: `no ${pos.underlying} chain snapshot to value it against` });
      continue;
    }
    const instrument = getInstrument(pos.underlying);
    if (currency !== undefined && instrument.currency !== currency) {
      skipped.push({
        id: pos.id,
        why: `${pos.underlying} is in ${instrument.currency} but the book is in ${currency}; amounts are never converted`,
      });
      continue;
    }
    currency = instrument.currency;
    if (!asOf || Date.parse(s.ts) > Date.parse(asOf)) asOf = s.ts;
    const p = expiryPricing(s, pos.expiry, overrides);
    markets[pos.underlying] ??= {
      spot: s.spot,
      rate: p.rate,
      div: p.div,
      model: instrument.pricing.model,
    };
    const base = {
      id: pos.id,
      underlying: pos.underlying,
      side: pos.side,
      qty: pos.qty,
      expiry: pos.expiry,
      t: p.t,
      entry: pos.entry,
    };
    if (pos.instrument === 'future') {
      const price = pos.mark ?? p.forward;
      legs.push({
        ...base,
        ...FUTURE_TERMS,
        iv: 0,
        mark: price,
        forwardRatio: price / s.spot,
      });
      continue;
    }
    const chain = s.expiries.find((e) => e.expiry === pos.expiry);
    const quote = chain && findQuote(chain, pos.strike, pos.right);
    const iv = pos.iv ?? (quote ? quoteIv(quote, p) : undefined);
    if (iv === undefined) {
      skipped.push({
        id: pos.id,
        why: `${pos.underlying} ${pos.expiry} ${pos.strike} ${pos.right} has no IV in the chain and none was given`,
      });
      continue;
    }
    legs.push({
      ...base,
      instrument: 'option',
      strike: pos.strike,
      right: pos.right,
      iv,
      mark: pos.mark ?? (quote ? markPrice(quote) : undefined),
      forwardRatio: p.forward / s.spot,
    });
  }
  return { book: { asOf, currency: currency ?? '', markets, legs }, skipped };
}

/** The book of a strategy's opening position; `prefix` keeps leg ids apart when books are merged. */
export function bookFromOpening(op: OpeningPosition, prefix?: string): RiskBook {
  return {
    asOf: op.ts,
    currency: op.currency,
    markets: { [op.underlying]: op.market },
    legs: op.legs.map((l) => ({
      id: prefix ? `${prefix}.${l.id}` : l.id,
      ...termsOf(l),
      side: l.side,
      qty: l.qty,
      entry: l.entry,
      expiry: l.expiry,
      t: l.t,
      iv: l.iv,
      forwardRatio: l.forwardRatio,
      underlying: op.underlying,
      mark: l.entry,
    })),
  };
}

/** Several books as one (a basket, a portfolio); all in one currency, the first market of an underlying wins. */
export function mergeBooks(books: readonly RiskBook[]): RiskBook {
  const currencies = [...new Set(books.map((b) => b.currency).filter(Boolean))];
  if (currencies.length > 1)
    throw new Error(
      `books in ${currencies.join(' and ')} cannot be merged: amounts are never converted between currencies`,
    );
  const markets: Record<string, PayoffMarket> = {};
  for (const b of books) for (const [u, m] of Object.entries(b.markets)) markets[u] ??= m;
  return {
    asOf: books.reduce((a, b) => (!a || Date.parse(b.asOf) > Date.parse(a) ? b.asOf : a), ''),
    currency: currencies[0] ?? '',
    markets,
    legs: books.flatMap((b) => b.legs),
  };
}

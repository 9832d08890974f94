/**
 * What the paper account must hold for its positions: the same margin approximation the payoff
 * panel shows (engine/margin: SPAN-like for NSE/BSE, Reg-T for US, Deribit's standard margin),
 * priced on the venue's latest snapshot. A paper order the account could not pay for is refused,
 * as a broker refuses it.
 */
import { termsOf } from '../../market/snapshot.ts';
import { approximateMargin } from '../../margin/approximation.ts';
import { contractPrice } from '../../market/atm.ts';
import { findQuote } from '../../market/quote.ts';
import { expiryChain } from '../../market/atm.ts';
import { expiryPricing } from '../../market/pricing-context.ts';
import { getInstrument } from '../../market/instruments.ts';
import { quoteIv } from '../../market/volatility.ts';
import type { PayoffLeg } from '../../payoff/payoff.ts';
import type { ChainSnapshot } from '../../runtime/types.ts';
import type { BrokerPosition } from '../broker.ts';

/** Capital the positions need on this snapshot (premium of long options, margin of the rest). */
export function marginNeeded(positions: readonly BrokerPosition[], s: ChainSnapshot): number {
  const legs: PayoffLeg[] = [];
  for (const [i, p] of positions.entries()) {
    if (p.underlying !== s.underlying || p.qty === 0) continue;
    const pricing = expiryPricing(s, p.expiry);
    const price = contractPrice(s, p.expiry, p) ?? p.averagePrice ?? 0;
    let iv = 0;
    if (p.instrument === 'option') {
      const chain = expiryChain(s, p.expiry);
      const q = chain ? findQuote(chain, p.strike, p.right) : undefined;
      iv = (q && quoteIv(q, pricing)) ?? 0.2;
    }
    legs.push({
      id: `p${i}`,
      ...termsOf(p),
      side: p.qty > 0 ? 'BUY' : 'SELL',
      qty: Math.abs(p.qty),
      entry: price,
      expiry: p.expiry,
      t: pricing.t,
      iv,
      forwardRatio: p.instrument === 'future' ? price / s.spot : pricing.forward / s.spot,
    });
  }
  if (legs.length === 0) return 0;
  const instrument = getInstrument(s.underlying);
  const first = expiryPricing(s, legs[0].expiry);
  return approximateMargin({
    underlying: s.underlying,
    spot: s.spot,
    legs,
    market: { spot: s.spot, rate: first.rate, div: first.div, model: instrument.pricing.model },
  }).total;
}

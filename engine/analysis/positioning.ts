/**
 * Where the open interest sits in one expiry: OI and volume by strike for both rights, the
 * put-call ratios and max pain with the payout curve it is the bottom of (engine/market).
 */
import { maxPain, painCurve, pcr } from '../market/open-interest.ts';
import { findExpiry } from '../market/pricing-context.ts';
import { strikesOf } from '../market/quote.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';

export type StrikeInterest = {
  strike: number;
  callOi: number;
  putOi: number;
  callVolume: number;
  putVolume: number;
};

export type Positioning = {
  pcrOi?: number;
  pcrVolume?: number;
  maxPain?: number;
  /** Holders' payout if the expiry settled at each strike (money per unit of OI's contract). */
  pain: { strike: number; payout: number }[];
  byStrike: StrikeInterest[];
  totals: { callOi: number; putOi: number; callVolume: number; putVolume: number };
};

export function expiryPositioning(s: ChainSnapshot, expiry: string): Positioning {
  const chain = findExpiry(s, expiry);
  const at = new Map<number, StrikeInterest>(
    strikesOf(chain).map((k) => [
      k,
      { strike: k, callOi: 0, putOi: 0, callVolume: 0, putVolume: 0 },
    ]),
  );
  const totals = { callOi: 0, putOi: 0, callVolume: 0, putVolume: 0 };
  for (const q of chain.options) {
    const row = at.get(q.strike)!;
    const oi = q.oi ?? 0;
    const vol = q.volume ?? 0;
    if (q.right === 'CE') {
      row.callOi += oi;
      row.callVolume += vol;
      totals.callOi += oi;
      totals.callVolume += vol;
    } else {
      row.putOi += oi;
      row.putVolume += vol;
      totals.putOi += oi;
      totals.putVolume += vol;
    }
  }
  const hasOi = totals.callOi + totals.putOi > 0;
  return {
    pcrOi: pcr(s, 'oi', expiry),
    pcrVolume: pcr(s, 'volume', expiry),
    maxPain: maxPain(s, expiry)?.strike,
    pain: hasOi ? painCurve(s, expiry) : [],
    byStrike: [...at.values()],
    totals,
  };
}

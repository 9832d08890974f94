/** Positioning read off open interest and volume: put-call ratio and max pain. */
import { findExpiry } from './pricing-context';
import { strikesOf } from './quote';
import type { ChainSnapshot } from './snapshot';

/** Put-call ratio of OI (or volume) over one expiry or the whole chain; undefined when calls total 0. */
export function pcr(
  s: ChainSnapshot,
  by: 'oi' | 'volume' = 'oi',
  expiry?: string,
): number | undefined {
  let calls = 0;
  let puts = 0;
  for (const e of expiry ? [findExpiry(s, expiry)] : s.expiries) {
    for (const q of e.options) {
      const v = q[by] ?? 0;
      if (q.right === 'CE') calls += v;
      else puts += v;
    }
  }
  return calls > 0 ? puts / calls : undefined;
}

/**
 * What option holders of one expiry would be paid (intrinsic value x OI, summed over calls and
 * puts) if the underlying settled at each listed strike: the curve max pain is the bottom of.
 */
export function painCurve(s: ChainSnapshot, expiry: string): { strike: number; payout: number }[] {
  const chain = findExpiry(s, expiry);
  return strikesOf(chain).map((settle) => {
    let payout = 0;
    for (const q of chain.options) {
      const oi = q.oi ?? 0;
      if (oi === 0) continue;
      payout +=
        oi * (q.right === 'CE' ? Math.max(0, settle - q.strike) : Math.max(0, q.strike - settle));
    }
    return { strike: settle, payout };
  });
}

/**
 * Max pain: the listed strike at which option holders' total intrinsic payout (by OI) is
 * smallest, i.e. where writers as a group lose least if the underlying settles there.
 */
export function maxPain(
  s: ChainSnapshot,
  expiry: string,
): { strike: number; payout: number } | undefined {
  if (!findExpiry(s, expiry).options.some((q) => (q.oi ?? 0) > 0)) return undefined;
  let best: { strike: number; payout: number } | undefined;
  for (const p of painCurve(s, expiry)) if (!best || p.payout < best.payout) best = p;
  return best;
}

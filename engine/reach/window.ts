/**
 * The strikes of one session a backtest must read, from the basket's reach and a summary of the
 * stored day: which expiries its snapshots list, the range spot moved in, and per expiry the
 * strikes listed and the ones every snapshot quotes. A band of strikes is used only where it is
 * provably enough (see `bandFor`); windows carry from one session to the next, so a position
 * held overnight keeps its quotes even after spot has moved away from it.
 */
import { legExpiry } from '../runtime/expiry.ts';
import type { ChainSnapshot } from '../runtime/types.ts';
import type { ExpiryNeed, StrikeNeed } from './reach.ts';

/** A contiguous range of strikes (both ends included), or every strike of the expiry. */
export type StrikeWindow = { lo: number; hi: number } | 'all';

export type DayListing = {
  underlying: string;
  /** The exchange-local session date. */
  day: string;
  spotLow: number;
  spotHigh: number;
  /** The distinct expiry lists of the day's snapshots. */
  listings: string[][];
  /**
   * Per expiry: every strike listed during the day, ascending, and the strikes that every
   * snapshot listing the expiry quotes in both rights (CE and PE present).
   */
  strikes: Record<string, { listed: number[]; steady: ReadonlySet<number> }>;
};

/** Greatest index whose strike is <= x, or -1. */
function floorIndex(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * Strikes within `steps` listed strikes of ATM for any spot of the day, or 'all' when that cannot
 * be proven from the summary. ATM at spot S is the listed strike nearest S, one of the two that
 * bracket S; so over the day it lies between the strike at or below the day's low and the one at
 * or above its high, and ITM/OTM n is n listed strikes further. The runtime counts "listed"
 * strikes in each snapshot, so every strike of the band (one more each side for ties) must be
 * quoted in every snapshot; and the band must not reach past the listed strikes, where the
 * runtime's message counts the whole listing.
 */
export function bandFor(
  need: Extract<StrikeNeed, { kind: 'aroundSpot' }>,
  day: DayListing,
  expiry: string,
): StrikeWindow {
  const s = day.strikes[expiry];
  if (!s || s.listed.length === 0) return 'all';
  const { listed, steady } = s;
  const below = floorIndex(listed, day.spotLow);
  let above = floorIndex(listed, day.spotHigh);
  if (above < 0 || listed[above] < day.spotHigh) above += 1;
  const from = below - need.steps - 1;
  const to = above + need.steps + 1;
  if (below < 0 || above >= listed.length || from < 0 || to >= listed.length) return 'all';
  for (let i = from; i <= to; i++) if (!steady.has(listed[i])) return 'all';
  return { lo: listed[from], hi: listed[to] };
}

export function mergeWindows(a: StrikeWindow | undefined, b: StrikeWindow): StrikeWindow {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

function picked(need: ExpiryNeed, day: DayListing, listing: string[]): string | null {
  const snapshot = {
    underlying: day.underlying,
    ts: day.day,
    spot: day.spotLow,
    expiries: listing.map((expiry) => ({ expiry, options: [] })),
  } as ChainSnapshot;
  if (need.pick.kind === 'nearest') return legExpiry(snapshot, day.day, 'weekly', 0).expiry;
  return legExpiry(snapshot, day.day, need.pick.kind, need.pick.offset).expiry;
}

/**
 * The strike window of every expiry the basket can touch this session: its own needs merged
 * with the windows carried from earlier sessions for expiries still listed. Expiries absent from
 * the result are read for their dates only.
 */
export function dayWindows(
  needs: ExpiryNeed[],
  day: DayListing,
  carried: ReadonlyMap<string, StrikeWindow> = new Map(),
): Map<string, StrikeWindow> {
  const out = new Map<string, StrikeWindow>();
  const listedToday = new Set(day.listings.flat());
  for (const [expiry, w] of carried) if (listedToday.has(expiry)) out.set(expiry, w);
  for (const need of needs)
    for (const listing of day.listings) {
      const expiry = picked(need, day, listing);
      if (expiry === null) continue;
      const w = need.strikes.kind === 'all' ? 'all' : bandFor(need.strikes, day, expiry);
      out.set(expiry, mergeWindows(out.get(expiry), w));
    }
  return out;
}

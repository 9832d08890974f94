/**
 * Which listed expiry a leg's "weekly/monthly + offset" means on a snapshot (docs/dsl.md#expiry):
 * listed expiries are the snapshot's expiries dated on or after the session date, ascending;
 * weekly n = the n-th of them; monthly n = the last listed expiry of the n-th listed month.
 */
import { expiryInstant } from '../market/expiry.ts';
import { findInstrument } from '../market/instruments.ts';
import { instantOf } from './clock.ts';
import type { ChainSnapshot } from './types.ts';

export type ExpiryChoice = { expiry: string } | { expiry: null; why: string };

/**
 * Expiries of the snapshot dated on or after the session date, ascending; on expiry day an expiry
 * whose expiry time has passed (an end-of-day chain still lists it) no longer counts.
 */
export function listedExpiries(snapshot: ChainSnapshot, day: string): string[] {
  const instrument = findInstrument(snapshot.underlying);
  return snapshot.expiries
    .filter(
      (e) =>
        e.expiry > day ||
        (e.expiry === day &&
          (!instrument || expiryInstant(instrument, e.expiry) > instantOf(snapshot.ts))),
    )
    .map((e) => e.expiry)
    .sort();
}

export function legExpiry(
  snapshot: ChainSnapshot,
  day: string,
  kind: 'weekly' | 'monthly',
  offset: number,
): ExpiryChoice {
  const listed = listedExpiries(snapshot, day);
  if (kind === 'weekly') {
    if (offset < listed.length) return { expiry: listed[offset] };
    return {
      expiry: null,
      why: `weekly +${offset} needs ${offset + 1} listed expiries on or after ${day}; the ${snapshot.underlying} chain at ${snapshot.ts} lists ${listed.length}${listed.length ? ` (${listed.join(', ')})` : ''}`,
    };
  }
  const lastOfMonth = new Map<string, string>();
  for (const e of listed) lastOfMonth.set(e.slice(0, 7), e);
  const months = [...lastOfMonth.values()];
  if (offset < months.length) return { expiry: months[offset] };
  return {
    expiry: null,
    why: `monthly +${offset} needs ${offset + 1} listed months; the ${snapshot.underlying} chain at ${snapshot.ts} lists ${months.length}`,
  };
}

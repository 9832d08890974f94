/**
 * Realised volatility of the spot path inside sessions, in the units IV is quoted in (annualised,
 * decimal), so a trader can set it beside ATM IV: the sum of squared log returns between
 * consecutive snapshots of one session over the trading time they span, scaled to a trading year
 * (the instrument's session length x its trading days a year). Overnight gaps are not intraday
 * moves and are left out; the close-to-close measure is the runtime's `hv` fact.
 */
import { minutesOf } from '../dsl/primitives.ts';
import type { Instrument } from '../market/instruments.ts';
import { annualisationDays } from '../runtime/facts.ts';

export type SpotPoint = { ms: number; day: string; spot: number };

/** Trading minutes in a year for the instrument (375 x 252 for NSE, 1440 x 365 for crypto). */
export function tradingMinutesPerYear(instrument: Instrument): number {
  const session = minutesOf(instrument.session.close) - minutesOf(instrument.session.open);
  return session * annualisationDays(instrument);
}

/** Realised vol over the whole path (decimal, annualised); undefined with no intraday return. */
export function realisedVol(
  path: readonly SpotPoint[],
  instrument: Instrument,
): number | undefined {
  let sumSq = 0;
  let minutes = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1];
    const b = path[i];
    if (a.day !== b.day || !(b.ms > a.ms) || !(a.spot > 0) || !(b.spot > 0)) continue;
    const r = Math.log(b.spot / a.spot);
    sumSq += r * r;
    minutes += (b.ms - a.ms) / 60_000;
  }
  return minutes > 0 ? Math.sqrt((sumSq / minutes) * tradingMinutesPerYear(instrument)) : undefined;
}

/**
 * Realised vol at each point over the trailing `windowMinutes` of its session (undefined until
 * the window holds at least `minReturns` returns), one value per input point.
 */
export function rollingRealisedVol(
  path: readonly SpotPoint[],
  instrument: Instrument,
  windowMinutes: number,
  minReturns = 5,
): (number | undefined)[] {
  const perYear = tradingMinutesPerYear(instrument);
  const out: (number | undefined)[] = new Array(path.length).fill(undefined);
  // Returns ending at each point (0 for a session's first point), then a two-pointer window.
  const sq = new Float64Array(path.length);
  const dt = new Float64Array(path.length);
  const has = new Uint8Array(path.length);
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1];
    const b = path[i];
    if (a.day !== b.day || !(b.ms > a.ms) || !(a.spot > 0) || !(b.spot > 0)) continue;
    const r = Math.log(b.spot / a.spot);
    sq[i] = r * r;
    dt[i] = (b.ms - a.ms) / 60_000;
    has[i] = 1;
  }
  let lo = 1;
  let sumSq = 0;
  let minutes = 0;
  let count = 0;
  for (let i = 1; i < path.length; i++) {
    if (path[i].day !== path[i - 1].day) {
      lo = i + 1;
      sumSq = 0;
      minutes = 0;
      count = 0;
      continue;
    }
    sumSq += sq[i];
    minutes += dt[i];
    count += has[i];
    while (lo < i && path[i].ms - path[lo - 1].ms > windowMinutes * 60_000) {
      sumSq -= sq[lo];
      minutes -= dt[lo];
      count -= has[lo];
      lo++;
    }
    if (count >= minReturns && minutes > 0) out[i] = Math.sqrt((sumSq / minutes) * perYear);
  }
  return out;
}

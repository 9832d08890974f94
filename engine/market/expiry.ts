/**
 * Expiry resolution: which expiry date a leg's "weekly +1" or "monthly" means on a given day,
 * by the instrument's rules, moved to the previous trading day when the rule lands on a holiday.
 */
import {
  addDays,
  dateOfDay,
  dayNumber,
  isTradingDay,
  localDate,
  onOrBeforeTradingDay,
  weekday,
  zonedInstant,
} from './calendar';
import type { Instrument } from './instruments';

export type ExpiryKind = 'daily' | 'weekly' | 'monthly';

export function expiryKinds(instrument: Instrument): ExpiryKind[] {
  const kinds: ExpiryKind[] = [];
  if (instrument.expiry.daily) kinds.push('daily');
  if (instrument.expiry.daily || instrument.expiry.weeklyWeekday !== null) kinds.push('weekly');
  kinds.push('monthly');
  return kinds;
}

/** The rule date of the monthly expiry in a month, before holiday adjustment. */
function monthlyRuleDate(instrument: Instrument, year: number, month: number): string {
  const { weekday: wd, week } = instrument.expiry.monthly;
  if (week === 'last') {
    const last = dateOfDay(Date.UTC(year, month + 1, 0) / 86_400_000);
    const back = (weekday(last) - wd + 7) % 7;
    return addDays(last, -back);
  }
  const first = dateOfDay(Date.UTC(year, month, 1) / 86_400_000);
  const fwd = (wd - weekday(first) + 7) % 7;
  return addDays(first, fwd + 7 * (week - 1));
}

/** Expiry dates of a kind, ascending, the first on or after `from`, holiday-adjusted. */
export function* expiriesFrom(
  instrument: Instrument,
  kind: ExpiryKind,
  from: string,
): Generator<string> {
  if (!expiryKinds(instrument).includes(kind)) {
    throw new Error(
      `${instrument.symbol} has no ${kind} expiries: use ${expiryKinds(instrument).join(' or ')}`,
    );
  }
  const start = dayNumber(from);
  if (kind === 'daily') {
    for (let d = start; ; d++) if (isTradingDay(instrument, dateOfDay(d))) yield dateOfDay(d);
  }
  if (kind === 'weekly') {
    const wd = instrument.expiry.weeklyWeekday ?? 5;
    // Start a week early: next week's expiry can move back before `from` over a holiday.
    let rule = dayNumber(addDays(from, ((wd - weekday(from) + 7) % 7) - 7));
    for (; ; rule += 7) {
      const e = onOrBeforeTradingDay(instrument, dateOfDay(rule));
      if (dayNumber(e) >= start) yield e;
    }
  }
  const [y, m] = from.split('-').map(Number);
  for (let i = -1; ; i++) {
    const month = m - 1 + i;
    const e = onOrBeforeTradingDay(
      instrument,
      monthlyRuleDate(instrument, y + Math.floor(month / 12), ((month % 12) + 12) % 12),
    );
    if (dayNumber(e) >= start) yield e;
  }
}

/**
 * The expiry a leg means: the `offset`-th (0 = nearest) expiry of `kind` still alive at `at`.
 * `at` is a date (an expiry that day counts as alive) or an ISO timestamp (alive until the
 * expiry time in the instrument's zone).
 */
export function resolveExpiry(
  instrument: Instrument,
  at: string,
  kind: ExpiryKind,
  offset = 0,
): string {
  if (!Number.isInteger(offset) || offset < 0)
    throw new Error(
      `expiry offset ${offset} is not valid: use 0 for the nearest, 1 for the next, …`,
    );
  let from = at;
  if (at.length > 10) {
    const ms = Date.parse(at);
    if (Number.isNaN(ms))
      throw new Error(`timestamp "${at}" is not valid: use ISO-8601 with an offset`);
    from = localDate(ms, instrument.timezone);
    if (ms >= expiryInstant(instrument, from)) from = addDays(from, 1);
  }
  let i = 0;
  for (const e of expiriesFrom(instrument, kind, from)) if (i++ === offset) return e;
  throw new Error('unreachable: expiry generator ended');
}

/** The instant an expiry date's options stop trading (expiry time in the instrument's zone). */
export function expiryInstant(instrument: Instrument, expiry: string): number {
  return zonedInstant(expiry, instrument.expiry.time, instrument.timezone);
}

const YEAR_MS = 365 * 86_400_000;

/** Calendar-time years from an instant to an expiry's close (ACT/365), never negative. */
export function yearsToExpiry(instrument: Instrument, instantMs: number, expiry: string): number {
  const t = (expiryInstant(instrument, expiry) - instantMs) / YEAR_MS;
  return t > 0 ? t : 0;
}

/** The next `count` expiries of every kind the instrument lists, merged and de-duplicated. */
export function listedExpiries(
  instrument: Instrument,
  from: string,
  counts: Partial<Record<ExpiryKind, number>>,
): string[] {
  const out = new Set<string>();
  for (const kind of expiryKinds(instrument)) {
    const n = counts[kind] ?? 0;
    let i = 0;
    if (n > 0)
      for (const e of expiriesFrom(instrument, kind, from)) {
        out.add(e);
        if (++i >= n) break;
      }
  }
  return [...out].sort();
}

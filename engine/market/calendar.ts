/**
 * Exchange calendars: which dates trade, and how wall-clock session times in an exchange's zone
 * map to instants. Dates are ISO 'YYYY-MM-DD' strings throughout, so nothing depends on the
 * machine's timezone. Holiday lists are data; years not listed here close on weekends only.
 */
import type { Instrument } from './instruments';

export type CalendarId = Instrument['calendar'];

// NSE equity-derivatives trading holidays (NSE circulars). 2026-01-15 is the Maharashtra
// municipal election closure announced in January 2026.
const NSE_2025 = [
  '2025-02-26',
  '2025-03-14',
  '2025-03-31',
  '2025-04-10',
  '2025-04-14',
  '2025-04-18',
  '2025-05-01',
  '2025-08-15',
  '2025-08-27',
  '2025-10-02',
  '2025-10-21',
  '2025-10-22',
  '2025-11-05',
  '2025-12-25',
];
const NSE_2026 = [
  '2026-01-15',
  '2026-01-26',
  '2026-03-03',
  '2026-03-26',
  '2026-03-31',
  '2026-04-03',
  '2026-04-14',
  '2026-05-01',
  '2026-05-28',
  '2026-06-26',
  '2026-09-14',
  '2026-10-02',
  '2026-10-20',
  '2026-11-10',
  '2026-11-24',
  '2026-12-25',
];
const NYSE_2025 = [
  '2025-01-01',
  '2025-01-09',
  '2025-01-20',
  '2025-02-17',
  '2025-04-18',
  '2025-05-26',
  '2025-06-19',
  '2025-07-04',
  '2025-09-01',
  '2025-11-27',
  '2025-12-25',
];
const NYSE_2026 = [
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-04-03',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
];

export const HOLIDAYS: Record<CalendarId, ReadonlySet<string>> = {
  NSE: new Set([...NSE_2025, ...NSE_2026]),
  // BSE follows the same trading-holiday list as NSE for equity derivatives.
  BSE: new Set([...NSE_2025, ...NSE_2026]),
  NYSE: new Set([...NYSE_2025, ...NYSE_2026]),
  CRYPTO: new Set(),
};

/** NYSE sessions that close at 13:00 New York time. */
export const EARLY_CLOSES: Record<CalendarId, ReadonlyMap<string, string>> = {
  NSE: new Map(),
  BSE: new Map(),
  NYSE: new Map([
    ['2025-07-03', '13:00'],
    ['2025-11-28', '13:00'],
    ['2025-12-24', '13:00'],
    ['2026-11-27', '13:00'],
    ['2026-12-24', '13:00'],
  ]),
  CRYPTO: new Map(),
};

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO date; throws naming the bad value. */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`date "${date}" is not valid: use YYYY-MM-DD`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(ms);
  if (back.getUTCDate() !== +m[3] || back.getUTCMonth() !== +m[2] - 1)
    throw new Error(`date "${date}" does not exist`);
  return ms / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return dateOfDay(dayNumber(date) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function isTradingDay(instrument: Instrument, date: string): boolean {
  return (
    instrument.session.weekdays.includes(weekday(date)) && !HOLIDAYS[instrument.calendar].has(date)
  );
}

/** Trading days after `from` up to and including `to` (0 when `to` is `from` or earlier). */
export function tradingDaysUntil(instrument: Instrument, from: string, to: string): number {
  let n = 0;
  for (let d = dayNumber(from) + 1, end = dayNumber(to); d <= end; d++)
    if (isTradingDay(instrument, dateOfDay(d))) n++;
  return n;
}

export function previousTradingDay(instrument: Instrument, date: string): string {
  let d = dayNumber(date) - 1;
  for (let i = 0; i < 30; i++, d--) if (isTradingDay(instrument, dateOfDay(d))) return dateOfDay(d);
  throw new Error(`no trading day in the 30 days before ${date} for ${instrument.symbol}`);
}

export function nextTradingDay(instrument: Instrument, date: string): string {
  let d = dayNumber(date) + 1;
  for (let i = 0; i < 30; i++, d++) if (isTradingDay(instrument, dateOfDay(d))) return dateOfDay(d);
  throw new Error(`no trading day in the 30 days after ${date} for ${instrument.symbol}`);
}

/** The date itself when it trades, else the previous trading day (how exchanges move expiries). */
export function onOrBeforeTradingDay(instrument: Instrument, date: string): string {
  return isTradingDay(instrument, date) ? date : previousTradingDay(instrument, date);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of the zone from UTC at an instant, in minutes (IST → 330, New York → -240/-300). */
export function zoneOffsetMinutes(timezone: string, instantMs: number): number {
  if (timezone === 'UTC') return 0;
  if (timezone === 'Asia/Kolkata') return 330;
  let f = offsetFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timezone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(instantMs)))
    if (p.type !== 'literal') parts[p.type] = +p.value;
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/** The instant of a wall-clock time ('HH:MM') on a date in a zone. */
export function zonedInstant(date: string, hhmm: string, timezone: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  const naive = dayNumber(date) * DAY_MS + (h * 60 + m) * 60_000;
  // Two passes settle the offset across a DST change.
  let off = zoneOffsetMinutes(timezone, naive);
  off = zoneOffsetMinutes(timezone, naive - off * 60_000);
  return naive - off * 60_000;
}

/** ISO-8601 with the zone's offset, e.g. 2026-11-20T09:15:00+05:30 (the snapshot `ts` form). */
export function formatTimestamp(instantMs: number, timezone: string): string {
  const off = zoneOffsetMinutes(timezone, instantMs);
  const iso = new Date(instantMs + off * 60_000).toISOString();
  const local = instantMs % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
  if (off === 0) return `${local}Z`;
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The local calendar date of an instant in a zone. */
export function localDate(instantMs: number, timezone: string): string {
  return new Date(instantMs + zoneOffsetMinutes(timezone, instantMs) * 60_000)
    .toISOString()
    .slice(0, 10);
}

/** Session open and close instants of a trading day (early closes honoured). */
export function sessionBounds(
  instrument: Instrument,
  date: string,
): { open: number; close: number } {
  const close = EARLY_CLOSES[instrument.calendar].get(date) ?? instrument.session.close;
  return {
    open: zonedInstant(date, instrument.session.open, instrument.timezone),
    close: zonedInstant(date, close, instrument.timezone),
  };
}

/** The years each calendar's holiday list covers (crypto never closes). */
export const HOLIDAY_YEARS: Record<CalendarId, { from: number; to: number } | 'all'> = {
  NSE: { from: 2025, to: 2026 },
  BSE: { from: 2025, to: 2026 },
  NYSE: { from: 2025, to: 2026 },
  CRYPTO: 'all',
};

/** Whether the calendar knows the holidays of this date's year. */
export function holidaysKnown(calendar: CalendarId, date: string): boolean {
  const y = HOLIDAY_YEARS[calendar];
  if (y === 'all') return true;
  const year = Number(date.slice(0, 4));
  return year >= y.from && year <= y.to;
}

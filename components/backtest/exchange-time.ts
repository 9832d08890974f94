/**
 * Times as the exchange's clock shows them. Report timestamps are ISO-8601 with the exchange's
 * offset ("2026-11-20T09:20:00+05:30"), so the local wall time is the text itself: no time zone
 * database, and the same answer in every browser, whatever the trader's own zone.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export type ExchangeTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC, null when the text had no offset. */
  offset: number | null;
};

export function parseExchangeTime(ts: string): ExchangeTime | null {
  const m = ISO.exec(ts);
  if (!m) return null;
  let offset: number | null = null;
  if (m[7] === 'Z') offset = 0;
  else if (m[7]) {
    const t = m[7].replace(':', '');
    offset = (t[0] === '-' ? -1 : 1) * (Number(t.slice(1, 3)) * 60 + Number(t.slice(3, 5)));
  }
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    offset,
  };
}

/** The short name traders use for an offset: IST, ET, UTC; otherwise "UTC+hh:mm". */
export function zoneName(offset: number | null): string {
  if (offset === null) return '';
  if (offset === 330) return 'IST';
  if (offset === -300 || offset === -240) return 'ET';
  if (offset === 0) return 'UTC';
  const a = Math.abs(offset);
  return `UTC${offset < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "20 Nov 2026 09:20 IST" (seconds only when they are not zero; zone optional). */
export function formatExchangeTime(
  ts: string,
  opts: { zone?: boolean; date?: boolean } = {},
): string {
  const t = parseExchangeTime(ts);
  if (!t) return ts;
  const time = `${pad(t.hour)}:${pad(t.minute)}${t.second ? `:${pad(t.second)}` : ''}`;
  const date = `${t.day} ${MONTHS[t.month - 1]} ${t.year}`;
  const zone = opts.zone === false ? '' : zoneName(t.offset);
  const parts = [opts.date === false ? '' : date, time, zone].filter(Boolean);
  return parts.join(' ');
}

/** "20 Nov 2026" for a date "2026-11-20" or a timestamp. */
export function formatExchangeDate(ts: string): string {
  const t = parseExchangeTime(ts);
  return t ? `${t.day} ${MONTHS[t.month - 1]} ${t.year}` : ts;
}

/** Weekday (0 = Sunday) of a calendar date "YYYY-MM-DD", computed on the date itself. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export const MONTH_NAMES = MONTHS;

/** Field parsers shared by the importers: numbers, prices, dates and symbols, with row errors. */
import { findInstrument } from '../instruments';
import { RowError } from './report';

function blank(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    v === '-' ||
    (typeof v === 'string' && v.trim() === '')
  );
}

export function optionalNumber(v: unknown, field: string): number | undefined {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    throw new RowError('non-numeric', `${field} ${v} is not a finite number`);
  }
  if (typeof v === 'string' && v !== '') {
    const fast = +v;
    if (fast - fast === 0 && v.charCodeAt(0) > 32) return fast; // the common case: a plain number
  }
  if (blank(v)) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : Number(String(v).trim().replace(/,/g, ''));
  if (!Number.isFinite(n))
    throw new RowError('non-numeric', `${field} "${String(v)}" is not a number`);
  return n;
}

export function requiredNumber(v: unknown, field: string): number {
  const n = optionalNumber(v, field);
  if (n === undefined) throw new RowError('missing-field', `${field} is missing`);
  return n;
}

/** A price: missing stays missing, negative is a bad row. */
export function optionalPrice(v: unknown, field: string): number | undefined {
  const n = optionalNumber(v, field);
  if (n !== undefined && n < 0) throw new RowError('negative-price', `${field} ${n} is negative`);
  return n;
}

/** A quote side where the source writes 0 for "no quote" (NSE, Deribit): 0 becomes missing. */
export function optionalQuote(v: unknown, field: string): number | undefined {
  const n = optionalPrice(v, field);
  return n === 0 ? undefined : n;
}

export function requiredPositive(v: unknown, field: string): number {
  const n = requiredNumber(v, field);
  if (n < 0) throw new RowError('negative-price', `${field} ${n} is negative`);
  if (n === 0) throw new RowError('non-numeric', `${field} is 0: it must be positive`);
  return n;
}

export function optionalCount(v: unknown, field: string): number | undefined {
  const n = optionalNumber(v, field);
  if (n !== undefined && n < 0) throw new RowError('negative-count', `${field} ${n} is negative`);
  return n;
}

export function right(v: unknown): 'CE' | 'PE' {
  const s = String(v ?? '')
    .trim()
    .toUpperCase();
  if (s === 'CE' || s === 'C' || s === 'CALL') return 'CE';
  if (s === 'PE' || s === 'P' || s === 'PUT') return 'PE';
  throw new RowError(
    blank(v) ? 'missing-field' : 'malformed',
    `right "${String(v ?? '')}" is not CE or PE`,
  );
}

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const pad = (n: number) => String(n).padStart(2, '0');

/** An expiry date in any of YYYY-MM-DD, DD-Mon-YYYY, DDMonYY (Deribit), DD-MM-YYYY, as YYYY-MM-DD. */
export function expiryDate(v: unknown, field = 'expiry'): string {
  const s = String(v ?? '').trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})[- ]?([A-Za-z]{3})[- ]?(\d{2}|\d{4})$/.exec(s);
  if (m && MONTHS[m[2].toUpperCase()]) {
    const y = m[3].length === 2 ? 2000 + +m[3] : +m[3];
    return `${y}-${pad(MONTHS[m[2].toUpperCase()])}-${pad(+m[1])}`;
  }
  m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(s);
  if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  throw new RowError(
    s ? 'malformed' : 'missing-field',
    `${field} "${s}" is not a date (YYYY-MM-DD or DD-Mon-YYYY)`,
  );
}

// Names data sources use for our catalog's underlyings.
const ALIASES: Record<string, string> = {
  NIFTY50: 'NIFTY',
  'NIFTY 50': 'NIFTY',
  'NIFTY BANK': 'BANKNIFTY',
  NIFTYBANK: 'BANKNIFTY',
  'NIFTY FIN SERVICE': 'FINNIFTY',
  'NIFTY MID SELECT': 'MIDCPNIFTY',
  BSESENSEX: 'SENSEX',
  SPXW: 'SPX',
  '^SPX': 'SPX',
  XBT: 'BTC',
};

/** The catalog symbol for a source's name of an underlying; a row error when we do not list it. */
export function underlying(v: unknown): string {
  const s = String(v ?? '')
    .trim()
    .toUpperCase();
  const sym = ALIASES[s] ?? s;
  if (!findInstrument(sym))
    throw new RowError(
      s ? 'unknown-underlying' : 'missing-field',
      `underlying "${String(v ?? '')}" is not in the instrument catalog`,
    );
  return sym;
}

/** A percentage as a decimal without binary noise (52.56 % → 0.5256, not 0.5256000000000001). */
export function percent(v: number): number {
  return Math.round(v * 1e6) / 1e8;
}

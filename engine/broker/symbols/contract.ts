/**
 * One listed contract as the kernel names it (underlying, expiry, strike, right). Every broker
 * calls it something else (a Kite tradingsymbol, an OCC symbol, a Deribit instrument name); the
 * modules beside this one translate both ways so an order and a position mean the same thing at
 * every venue.
 */
import { describeTerms, type ContractTerms } from '../../market/snapshot.ts';

export type Contract = ContractTerms & {
  underlying: string;
  /** YYYY-MM-DD. */
  expiry: string;
};

/** A contract in words, for messages: "NIFTY 2026-11-24 24000 CE", "NIFTY 2026-11-27 FUT". */
export function describeContract(c: Contract): string {
  return `${c.underlying} ${c.expiry} ${describeTerms(c)}`;
}

/** Strikes as exchanges print them: no trailing zeros, no exponent (23500, 22.5). */
export function formatStrike(strike: number): string {
  if (!(strike > 0) || !Number.isFinite(strike))
    throw new Error(`strike ${strike} is not positive`);
  return String(Number(strike.toFixed(6)));
}

export const MONTHS = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Splits a YYYY-MM-DD date, throwing a message naming it when it is not one. */
export function dateParts(date: string): { year: number; month: number; day: number } {
  const m = ISO.exec(date);
  if (!m) throw new Error(`expiry "${date}" is not a date as YYYY-MM-DD`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31)
    throw new Error(`expiry "${date}" is not a calendar date`);
  return { year, month, day };
}

export const isoDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

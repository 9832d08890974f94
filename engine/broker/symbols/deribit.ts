/**
 * Deribit instrument names: options `BTC-25DEC26-100000-C` (day without a leading zero, upper-case
 * month, expiry at 08:00 UTC on that date), futures `BTC-25DEC26`. Linear USDC options
 * (`SOL_USDC-...`) write a decimal point as `d`; the underlying is then the part before `_USDC`.
 */
import { FUTURE_TERMS, optionTerms } from '../../market/snapshot.ts';
import { dateParts, formatStrike, isoDate, MONTHS, type Contract } from './contract.ts';

const NAME = /^([A-Z]+)(_USDC)?-(\d{1,2})([A-Z]{3})(\d{2})(?:-([0-9d.]+)-([CP]))?$/;

export function toDeribitName(c: Contract): string {
  const { year, month, day } = dateParts(c.expiry);
  const date = `${day}${MONTHS[month - 1]}${String(year % 100).padStart(2, '0')}`;
  if (c.instrument === 'future') return `${c.underlying}-${date}`;
  return `${c.underlying}-${date}-${formatStrike(c.strike)}-${c.right === 'CE' ? 'C' : 'P'}`;
}

/** The contract a Deribit instrument name stands for, or null (perpetuals, combos, other text). */
export function fromDeribitName(name: string): Contract | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const month = MONTHS.indexOf(m[4] as (typeof MONTHS)[number]) + 1;
  if (month === 0) return null;
  const expiry = isoDate(2000 + Number(m[5]), month, Number(m[3]));
  const linear = m[2] !== undefined;
  if (m[6] === undefined) return { underlying: m[1], expiry, ...FUTURE_TERMS };
  const strike = Number(linear ? m[6].replace('d', '.') : m[6]);
  if (!(strike > 0)) return null;
  return { underlying: m[1], expiry, ...optionTerms(strike, m[7] === 'C' ? 'CE' : 'PE') };
}

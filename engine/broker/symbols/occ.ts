/**
 * OCC option symbols as Alpaca uses them (no padding of the root): `<ROOT><YYMMDD><C|P><strike x
 * 1000, 8 digits>`, e.g. SPY250826C00640000 is the SPY 2025-08-26 640 call.
 */
import { optionTerms } from '../../market/snapshot.ts';
import { dateParts, describeContract, isoDate, type Contract } from './contract.ts';

const OCC = /^([A-Z][A-Z0-9.]{0,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

export function toOccSymbol(c: Contract): string {
  if (c.instrument === 'future')
    throw new Error(`${describeContract(c)}: Alpaca trades options only, not futures`);
  if (!/^[A-Z][A-Z0-9.]{0,5}$/.test(c.underlying))
    throw new Error(`underlying "${c.underlying}" cannot be an OCC root (1-6 capital letters)`);
  const { year, month, day } = dateParts(c.expiry);
  const milli = Math.round(c.strike * 1000);
  if (Math.abs(milli - c.strike * 1000) > 1e-6 || milli <= 0 || milli > 99_999_999)
    throw new Error(`strike ${c.strike} has no OCC form (positive, at most 3 decimals, < 100000)`);
  const yymmdd = [year % 100, month, day].map((n) => String(n).padStart(2, '0')).join('');
  return `${c.underlying}${yymmdd}${c.right === 'CE' ? 'C' : 'P'}${String(milli).padStart(8, '0')}`;
}

/** The contract an OCC symbol names, or null when the text is not one. */
export function fromOccSymbol(symbol: string): Contract | null {
  const m = OCC.exec(symbol);
  if (!m) return null;
  return {
    underlying: m[1],
    expiry: isoDate(2000 + Number(m[2]), Number(m[3]), Number(m[4])),
    ...optionTerms(Number(m[6]) / 1000, m[5] === 'C' ? 'CE' : 'PE'),
  };
}

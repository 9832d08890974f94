/** Underlyings a strategy may trade: exactly the instrument catalog's symbols (engine/market/instruments.ts). */
import { INSTRUMENTS, findInstrument } from '../market/instruments.ts';

export const UNDERLYING_SYMBOLS = INSTRUMENTS.map((i) => i.symbol) as unknown as readonly [
  string,
  ...string[],
];

export function isKnownUnderlying(symbol: string): boolean {
  return UNDERLYING_SYMBOLS.includes(symbol);
}

/** The currency money fields are in for this underlying (INR, USD). */
export function currencyOf(symbol: string): string | undefined {
  return findInstrument(symbol)?.currency;
}

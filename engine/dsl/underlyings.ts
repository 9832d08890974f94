/**
 * TEMPORARY underlying list: the instrument catalog (engine/market/instruments.ts, written in
 * parallel) is the source of truth. Until it lands, these are the ten symbols it will export.
 * This is the one place to swap for `INSTRUMENTS` from the catalog.
 */
export const TEMPORARY_UNDERLYING_SYMBOLS = [
  'NIFTY',
  'BANKNIFTY',
  'FINNIFTY',
  'MIDCPNIFTY',
  'SENSEX',
  'SPY',
  'QQQ',
  'SPX',
  'BTC',
  'ETH',
] as const;

export const UNDERLYING_SYMBOLS: readonly [string, ...string[]] = TEMPORARY_UNDERLYING_SYMBOLS;

export function isKnownUnderlying(symbol: string): boolean {
  return UNDERLYING_SYMBOLS.includes(symbol);
}

/** What an option is worth when its expiry settles: intrinsic value against the settlement price. */
import type { Right } from './snapshot';

export function settlementValue(right: Right, strike: number, settlementPrice: number): number {
  const v = right === 'CE' ? settlementPrice - strike : strike - settlementPrice;
  return v > 0 ? v : 0;
}

/**
 * Exchange quantity freeze limits: the most units one order may carry. NSE rejects a larger
 * order outright, so the kernel slices an intent above the limit into orders at or below it,
 * and a live adapter refuses, with a message, anything that still exceeds it.
 * Values: NSE circular FAOP75521 (31 Jul 2026, effective 3 Aug 2026), index options, in units.
 * NSE revises them about monthly: a deployment can pass its own table.
 */
export type FreezeLimits = Readonly<Record<string, number>>;

export const NSE_FREEZE_LIMITS: FreezeLimits = Object.freeze({
  NIFTY: 1800,
  BANKNIFTY: 600,
  FINNIFTY: 1800,
  MIDCPNIFTY: 2800,
  NIFTYNXT50: 600,
});

/** Why `qty` units of `underlying` cannot go in one order, or null when they can. */
export function freezeLimitBreach(
  underlying: string,
  qty: number,
  limits: FreezeLimits = NSE_FREEZE_LIMITS,
): string | null {
  const limit = limits[underlying];
  if (limit === undefined || qty <= limit) return null;
  return `${qty} units of ${underlying} exceed the exchange freeze limit of ${limit} units per order; the order must be sliced into orders of at most ${limit} units`;
}

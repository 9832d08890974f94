/** Number formats shared by the gallery, payoff and backtest views, so money reads the same everywhere. */
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 2,
  minimumFractionDigits: 2,
});

export function formatMoney(x: number, digits: 0 | 2 = 0): string {
  if (x === Infinity) return 'unlimited';
  // An unbounded loss reads "unlimited" (shown in red), never "-unlimited".
  if (x === -Infinity) return 'unlimited';
  return (digits === 0 ? money : money2).format(x);
}

/** The report's percentages (winRate, maxDrawdownPct) are already in percent. */
export function formatPct(pct: number): string {
  return `${Math.round(pct * 10) / 10}%`;
}

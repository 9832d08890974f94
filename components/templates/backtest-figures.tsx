/** The key figures of the backtest an author published with a template version. */
import { formatExchangeDate } from '@/components/backtest/exchange-time';
import { formatMoney, formatPct } from '@/components/templates/format';

export type PublishedBacktest = {
  netPnl: number;
  returnPct: number | null;
  trades: number;
  winRate: number;
  maxDrawdown: number;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  currency: string | null;
  data: string;
  from: string | null;
  to: string | null;
};

const tone = (x: number) =>
  x > 0 ? 'text-emerald-400' : x < 0 ? 'text-rose-400' : 'text-zinc-200';

export function BacktestFigures({
  b,
  compact = false,
}: {
  b: PublishedBacktest;
  compact?: boolean;
}) {
  const items: [string, string, string?][] = [
    ['Return', b.returnPct === null ? '—' : `${b.returnPct.toFixed(2)} %`, tone(b.netPnl)],
    [
      'Net P&L',
      compact ? formatMoney(b.netPnl) : `${b.currency ?? ''} ${formatMoney(b.netPnl)}`.trim(),
      tone(b.netPnl),
    ],
    ['Win rate', formatPct(b.winRate)],
    [
      compact ? 'Max DD' : 'Max drawdown',
      b.maxDrawdownPct !== null ? `${b.maxDrawdownPct.toFixed(1)} %` : formatMoney(-b.maxDrawdown),
      'text-rose-300',
    ],
    ['Trades', String(b.trades)],
  ];
  if (!compact && b.sharpe !== null) items.push(['Sharpe', b.sharpe.toFixed(2)]);
  return (
    <div data-testid="published-backtest">
      <dl className={`grid gap-x-2 gap-y-0.5 ${compact ? 'grid-cols-5' : 'grid-cols-3'}`}>
        {items.map(([label, value, cls]) => (
          <div key={label}>
            <dt className="text-[10px] text-zinc-400">{label}</dt>
            <dd className={`font-mono ${cls ?? 'text-zinc-200'}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-0.5 text-[10px] text-zinc-400">
        {b.from && b.to ? `${formatExchangeDate(b.from)} → ${formatExchangeDate(b.to)} · ` : ''}
        {b.data}
      </p>
    </div>
  );
}

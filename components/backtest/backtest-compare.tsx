'use client';
/** Two or more backtests side by side: their equity overlaid on one time axis, their metrics in columns. */
import { useQueries } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo } from 'react';
import { EquityChart, type EquityLine } from '@/components/backtest/equity-chart';
import { formatExchangeDate } from '@/components/backtest/exchange-time';
import { equitySeries } from '@/components/backtest/series';
import { sourceText, tone, type Report } from '@/components/backtest/backtest-results';
import { formatMoney, formatPct } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';

const COLORS = ['#34d399', '#38bdf8', '#f59e0b', '#e879f9', '#f87171', '#a3e635'];
/** Enough to compare variants of a strategy; more lines stop being readable. */
export const MAX_COMPARED = 6;

const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d);

type Row = { label: string; cell: (r: Report) => string; tone?: (r: Report) => number };

const ROWS: Row[] = [
  {
    label: 'Net P&L',
    cell: (r) => formatMoney(r.summary.netPnl, 2),
    tone: (r) => r.summary.netPnl,
  },
  {
    label: 'Return on capital',
    cell: (r) =>
      r.settings?.capital ? `${((r.summary.netPnl / r.settings.capital) * 100).toFixed(2)} %` : '—',
    tone: (r) => r.summary.netPnl,
  },
  { label: 'Gross P&L', cell: (r) => formatMoney(r.summary.grossPnl, 2) },
  { label: 'Costs', cell: (r) => formatMoney(r.summary.costs, 2) },
  { label: 'Trades', cell: (r) => String(r.summary.trades) },
  { label: 'Win rate', cell: (r) => formatPct(r.summary.winRate) },
  { label: 'Expectancy / trade', cell: (r) => formatMoney(r.metrics?.expectancy ?? NaN, 2) },
  { label: 'Avg win', cell: (r) => formatMoney(r.metrics?.avgWin ?? NaN, 2) },
  { label: 'Avg loss', cell: (r) => formatMoney(r.metrics?.avgLoss ?? NaN, 2) },
  { label: 'Largest win', cell: (r) => formatMoney(r.metrics?.largestWin ?? NaN, 2) },
  { label: 'Largest loss', cell: (r) => formatMoney(r.metrics?.largestLoss ?? NaN, 2) },
  { label: 'Max drawdown', cell: (r) => formatMoney(-r.summary.maxDrawdown, 2) },
  { label: 'Max drawdown %', cell: (r) => `${num(r.metrics?.maxDrawdownPct)} %` },
  {
    label: 'Win / loss streak',
    cell: (r) =>
      r.metrics ? `${r.metrics.maxConsecutiveWins} / ${r.metrics.maxConsecutiveLosses}` : '—',
  },
  { label: 'Sharpe', cell: (r) => num(r.summary.sharpe) },
  { label: 'Sortino', cell: (r) => num(r.metrics?.sortino) },
  { label: 'Calmar', cell: (r) => num(r.metrics?.calmar) },
  { label: 'Profit factor', cell: (r) => num(r.summary.profitFactor) },
  { label: 'Trading days', cell: (r) => String(r.metrics?.tradingDays ?? r.days?.length ?? '—') },
  {
    label: 'Period',
    cell: (r) =>
      r.from && r.to ? `${formatExchangeDate(r.from)} → ${formatExchangeDate(r.to)}` : '—',
  },
  { label: 'Cost model', cell: (r) => r.settings?.costModel.id ?? '—' },
];

export function BacktestCompare({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const unique = [...new Set(ids)].slice(0, MAX_COMPARED);
  const queries = useQueries({
    queries: unique.map((id) => trpc.backtests.get.queryOptions({ id })),
  });
  const loaded = queries.map((q) => q.data);
  const ready = queries.every((q) => q.data);
  const stamp = queries.map((q) => q.dataUpdatedAt).join(',');
  const runs = loaded
    .map((d, i) =>
      d?.report
        ? {
            id: d.id,
            report: d.report as unknown as Report,
            source: d.dataSource as Record<string, unknown>,
            color: COLORS[i % COLORS.length],
          }
        : null,
    )
    .filter((x) => x !== null);
  // Rebuilt only when a run's data changes, so the chart is not redrawn on every render.
  const lines: EquityLine[] = useMemo(
    () =>
      runs.map((r, i) => ({
        id: r.id,
        label: `${i + 1}. ${r.report.strategy}`,
        color: r.color,
        points: equitySeries(r.report.equity),
      })),
    [stamp],
  );

  const header = (
    <PageHeader
      title="Compare backtests"
      description="Equity overlaid on one time axis (exchange time), metrics side by side."
      actions={
        <Link
          href="/backtests"
          className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
        >
          All backtests
        </Link>
      }
    />
  );
  if (unique.length < 2)
    return (
      <>
        {header}
        <ErrorNotice>
          Pick at least two backtests to compare: tick them in the Backtests list, then press
          Compare.
        </ErrorNotice>
      </>
    );
  const failed = queries.find((q) => q.isError);
  if (failed)
    return (
      <>
        {header}
        <ErrorNotice>{errorMessage(failed.error)}</ErrorNotice>
      </>
    );
  if (!ready)
    return (
      <>
        {header}
        <LoadingRows rows={6} />
      </>
    );
  const missing = loaded.filter((d) => d && !d.report);
  return (
    <>
      {header}
      {missing.length ? (
        <ErrorNotice>
          {missing.length} of these backtests has no report yet (still running or failed); it is
          left out.
        </ErrorNotice>
      ) : null}
      <div className="space-y-4 text-xs" data-testid="backtest-compare">
        <EquityChart lines={lines} drawdown={false} height={340} />
        <div className="overflow-x-auto rounded border border-zinc-800">
          <table className="w-full text-right" data-testid="compare-table">
            <caption className="sr-only">Metrics of each backtest, one column per backtest</caption>
            <thead className="bg-zinc-900 text-[11px] text-zinc-400">
              <tr>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">
                  Metric
                </th>
                {runs.map((r, i) => (
                  <th key={r.id} scope="col" className="px-2 py-1.5 text-right font-medium">
                    <Link
                      href={`/backtests/${r.id}`}
                      className="hover:underline"
                      style={{ color: r.color }}
                    >
                      {i + 1}. {r.report.strategy}
                    </Link>
                    <div className="font-normal text-zinc-400">{sourceText(r.source)}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800/80 font-mono text-zinc-200">
              {ROWS.map((row) => (
                <tr key={row.label}>
                  <th
                    scope="row"
                    className="px-2 py-1 text-left font-sans font-normal text-zinc-400"
                  >
                    {row.label}
                  </th>
                  {runs.map((r) => (
                    <td
                      key={r.id}
                      className={`px-2 py-1 ${row.tone ? tone(row.tone(r.report)) : ''}`}
                    >
                      {row.cell(r.report)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}

'use client';
/** A backtest's results: status, metrics, equity and drawdown, orders, the per-decision "why" trace, per-day table, JSON download. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { BacktestProgress } from '@/components/backtest/backtest-progress';
import { EquityChart } from '@/components/backtest/equity-chart';
import { equitySeries, type EquityPoint } from '@/components/backtest/series';
import { formatMoney, formatPct } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';

type Order = {
  id: string;
  ts: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  side: string;
  qty: number;
  price: number;
  reason: string;
};
type Event = { ts: string; type: string; legId?: string; message: string };
type Day = {
  date: string;
  netPnl: number;
  grossPnl: number;
  costs: number;
  trades: number;
  wins: number;
  losses: number;
  maxDrawdown: number;
};
type Report = {
  strategy: string;
  from: string | null;
  to: string | null;
  summary: {
    netPnl: number;
    grossPnl: number;
    costs: number;
    trades: number;
    winRate: number;
    maxDrawdown: number;
    sharpe: number | null;
    profitFactor: number | null;
  };
  orders: Order[];
  events: Event[];
  equity: EquityPoint[];
  metrics?: Record<string, unknown> & { notes?: string[] };
  days?: Day[];
  settings?: Record<string, unknown>;
};

const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d);
const tone = (x: number) =>
  x > 0 ? 'text-emerald-400' : x < 0 ? 'text-rose-400' : 'text-zinc-200';

function download(name: string, value: unknown) {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function BacktestResults({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.backtests.get.queryOptions({ id }));
  const [tab, setTab] = useState<'orders' | 'trace' | 'days'>('orders');
  const [traceFilter, setTraceFilter] = useState('');
  const report = (q.data?.report ?? null) as Report | null;
  const points = useMemo(() => (report ? equitySeries(report.equity) : []), [report]);

  if (q.isPending) return <LoadingRows rows={6} />;
  if (q.isError) return <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>;
  const b = q.data;
  const source = b.dataSource as Record<string, unknown>;
  const sourceText =
    source.kind === 'simulator'
      ? `simulator ${String(source.underlying)} ${String(source.from)} → ${String(source.to)}, seed ${String(source.seed)}`
      : source.kind === 'dataset'
        ? `dataset ${String(source.path)}`
        : `uploaded ${String(source.filename ?? 'file')}`;
  const events = report
    ? report.events.filter(
        (e) =>
          !traceFilter ||
          `${e.type} ${e.legId ?? ''} ${e.message}`
            .toLowerCase()
            .includes(traceFilter.toLowerCase()),
      )
    : [];

  return (
    <>
      <PageHeader
        title={report ? `Backtest: ${report.strategy}` : 'Backtest'}
        description={`${sourceText} · started ${b.createdAt.toLocaleString()}`}
        actions={
          <>
            <Link
              href="/backtests"
              className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
            >
              All backtests
            </Link>
            {report && (
              <button
                type="button"
                className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-500"
                onClick={() => download(`backtest-${id}.json`, report)}
              >
                Download report (JSON)
              </button>
            )}
          </>
        }
      />
      {(b.status === 'queued' || b.status === 'running') && (
        <div className="mb-4 max-w-md">
          <BacktestProgress
            id={id}
            onDone={() => qc.invalidateQueries({ queryKey: trpc.backtests.get.queryKey({ id }) })}
          />
        </div>
      )}
      {b.notes.length > 0 && (
        <ul
          className="mb-4 space-y-1 rounded border border-amber-900/60 bg-amber-950/30 px-3 py-2 text-xs text-amber-200"
          data-testid="backtest-notes"
        >
          {b.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {b.status === 'failed' && <ErrorNotice>The backtest failed: {b.error}</ErrorNotice>}
      {b.status === 'cancelled' && (
        <ErrorNotice>The backtest was cancelled before it finished.</ErrorNotice>
      )}
      {report && (
        <div className="space-y-4 text-xs" data-testid="backtest-results">
          <dl
            className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8"
            data-testid="backtest-metrics"
          >
            <Metric
              label="Net P&L"
              value={formatMoney(report.summary.netPnl, 2)}
              className={tone(report.summary.netPnl)}
            />
            <Metric label="Gross P&L" value={formatMoney(report.summary.grossPnl, 2)} />
            <Metric label="Costs" value={formatMoney(report.summary.costs, 2)} />
            <Metric label="Trades" value={String(report.summary.trades)} />
            <Metric label="Win rate" value={formatPct(report.summary.winRate)} />
            <Metric label="Max drawdown" value={formatMoney(report.summary.maxDrawdown, 2)} />
            <Metric label="Sharpe" value={num(report.summary.sharpe)} />
            <Metric label="Profit factor" value={num(report.summary.profitFactor)} />
          </dl>
          {report.metrics?.notes?.map((n) => (
            <p key={n} className="text-amber-300/80">
              {n}
            </p>
          ))}
          {points.length > 1 ? (
            <EquityChart points={points} />
          ) : (
            <p className="text-zinc-500">
              No equity points: the strategy never held a position in this data.
            </p>
          )}
          <div
            role="tablist"
            aria-label="Backtest details"
            className="flex gap-1 border-b border-zinc-800"
          >
            {(
              [
                ['orders', `Orders (${report.orders.length})`],
                ['trace', `Why: decision trace (${report.events.length})`],
                ['days', `Per day (${report.days?.length ?? 0})`],
              ] as const
            ).map(([k, label]) => (
              <button
                key={k}
                role="tab"
                type="button"
                aria-selected={tab === k}
                onClick={() => setTab(k)}
                className={`px-3 py-1.5 ${tab === k ? 'border-b-2 border-sky-500 text-zinc-100' : 'text-zinc-400 hover:text-zinc-200'}`}
              >
                {label}
              </button>
            ))}
          </div>
          {tab === 'orders' && (
            <Table
              testId="orders-table"
              head={['Time', 'Leg', 'Contract', 'Side', 'Qty', 'Price', 'Reason']}
            >
              {report.orders.map((o) => (
                <tr key={o.id}>
                  <td className="whitespace-nowrap py-1 font-mono">{o.ts}</td>
                  <td>{o.legId}</td>
                  <td className="whitespace-nowrap">
                    {o.right === 'FUT'
                      ? `${o.underlying} ${o.expiry} FUT`
                      : `${o.underlying} ${o.expiry} ${o.strike} ${o.right}`}
                  </td>
                  <td className={o.side === 'BUY' ? 'text-emerald-400' : 'text-rose-400'}>
                    {o.side}
                  </td>
                  <td className="text-right font-mono">{o.qty}</td>
                  <td className="text-right font-mono">{num(o.price)}</td>
                  <td>{o.reason}</td>
                </tr>
              ))}
            </Table>
          )}
          {tab === 'trace' && (
            <>
              <label className="flex items-center gap-2 text-zinc-400">
                Filter
                <input
                  value={traceFilter}
                  onChange={(e) => setTraceFilter(e.target.value)}
                  placeholder="STOP_LOSS, ce, 09:20…"
                  className="w-64 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
                />
              </label>
              <Table testId="trace-table" head={['Time', 'Event', 'Leg', 'Why']}>
                {events.slice(0, 2000).map((e, i) => (
                  <tr key={i} className="align-top">
                    <td className="whitespace-nowrap py-1 font-mono">{e.ts}</td>
                    <td className="whitespace-nowrap text-sky-300">{e.type}</td>
                    <td>{e.legId ?? ''}</td>
                    <td className="text-zinc-300">{e.message}</td>
                  </tr>
                ))}
              </Table>
              {events.length > 2000 && (
                <p className="text-zinc-500">
                  Showing the first 2000 of {events.length} events; download the report for all of
                  them.
                </p>
              )}
            </>
          )}
          {tab === 'days' && (
            <Table
              testId="days-table"
              head={[
                'Date',
                'Net P&L',
                'Gross',
                'Costs',
                'Trades',
                'Wins',
                'Losses',
                'Max drawdown',
              ]}
            >
              {(report.days ?? []).map((d) => (
                <tr key={d.date}>
                  <td className="py-1 font-mono">{d.date}</td>
                  <td className={`text-right font-mono ${tone(d.netPnl)}`}>{num(d.netPnl)}</td>
                  <td className="text-right font-mono">{num(d.grossPnl)}</td>
                  <td className="text-right font-mono">{num(d.costs)}</td>
                  <td className="text-right">{d.trades}</td>
                  <td className="text-right">{d.wins}</td>
                  <td className="text-right">{d.losses}</td>
                  <td className="text-right font-mono">{num(d.maxDrawdown)}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
      )}
    </>
  );
}

function Metric({
  label,
  value,
  className = 'text-zinc-100',
}: {
  label: string;
  value: string;
  className?: string;
}) {
  return (
    <div className="rounded border border-zinc-800 bg-zinc-900/50 px-2 py-1.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className={`font-mono text-sm ${className}`}>{value}</dd>
    </div>
  );
}

function Table({
  head,
  children,
  testId,
}: {
  head: string[];
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <div className="max-h-[480px] overflow-auto rounded border border-zinc-800">
      <table className="w-full text-left" data-testid={testId}>
        <thead className="sticky top-0 bg-zinc-900 text-[11px] uppercase text-zinc-500">
          <tr>
            {head.map((h) => (
              <th key={h} className="px-2 py-1.5 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/80 text-zinc-300 [&_td]:px-2">{children}</tbody>
      </table>
    </div>
  );
}

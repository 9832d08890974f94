'use client';
/**
 * A backtest's results as a trader reads them: summary cards (P&L, return on capital and on
 * margin, drawdown, expectancy, streaks, ratios), the equity of the whole run with zoom, trades
 * as entry/exit pairs labelled by what each leg is, a month × year grid and a weekday split,
 * CSV exports, orders and the "why" trace. Every time reads in the exchange's own clock.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  contractOf,
  daysCsv,
  fileName,
  monthGrid,
  tradesCsv,
  weekdaySplit,
} from '@/components/backtest/analysis';
import { BacktestProgress } from '@/components/backtest/backtest-progress';
import { EquityChart, type EquityLine } from '@/components/backtest/equity-chart';
import {
  MONTH_NAMES,
  formatExchangeDate,
  formatExchangeTime,
} from '@/components/backtest/exchange-time';
import { equitySeries } from '@/components/backtest/series';
import { useOpeningPosition } from '@/components/payoff/use-opening-position';
import { MarginBox } from '@/components/payoff/payoff-panel';
import { formatMoney, formatPct } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { DeployButton } from '@/components/deployments/deploy-dialog';
import type { BacktestReport, ReportTrade } from '@/engine/backtest/backtest';
import type { DslDocument } from '@/engine/dsl';
import { describeTradedLeg } from '@/engine/dsl/describe';
import { returnOnMargin, type MarginEstimate } from '@/engine/margin';
import { useMargin, type MarginView } from '@/components/payoff/use-margin';

export type Report = BacktestReport;

const num = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d);
export const tone = (x: number) =>
  x > 0 ? 'text-emerald-400' : x < 0 ? 'text-rose-400' : 'text-zinc-200';

export function downloadText(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The data source in words. */
export function sourceText(source: Record<string, unknown>): string {
  if (source.kind === 'simulator')
    return `simulated ${String(source.underlying)} ${formatExchangeDate(String(source.from))} → ${formatExchangeDate(String(source.to))}, seed ${String(source.seed)}`;
  if (source.kind === 'dataset') return `dataset ${String(source.path)}`;
  return `your file ${String(source.filename ?? '')}`;
}

/** Leg labels from the strategy version the backtest ran ("SELL ATM CE"), falling back to ids. */
export function useLegLabel(strategyVersionId: string | undefined) {
  const trpc = useTRPC();
  const v = useQuery({
    ...trpc.strategies.getVersion.queryOptions({ id: strategyVersionId ?? '' }),
    enabled: !!strategyVersionId,
    staleTime: Infinity,
  });
  const dsl = (v.data?.dsl ?? null) as DslDocument | null;
  return {
    dsl,
    label: (t: { strategyId?: string } & Pick<ReportTrade, 'legId' | 'side' | 'right'>) =>
      describeTradedLeg(dsl?.basket, t),
  };
}

/**
 * Capital the strategy's opening position needs now, for return on margin: the picked broker
 * account's own figure (Kite basket margin) or the approximation, with the reason when it falls back.
 */
export function useStrategyMargin(dsl: DslDocument | null): MarginView {
  const q = useOpeningPosition(dsl as unknown as Record<string, unknown> | null, {
    kind: 'simulator',
    seed: 7,
  });
  const pos = useMemo(
    () => q.data?.find((s) => s.position && s.position.legs.length)?.position ?? null,
    [q.data],
  );
  return useMargin(pos);
}

type Tab = 'trades' | 'months' | 'weekdays' | 'days' | 'orders' | 'trace' | 'open';

export function BacktestResults({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const q = useQuery(trpc.backtests.get.queryOptions({ id }));
  const others = useQuery(trpc.backtests.list.queryOptions());
  const [tab, setTab] = useState<Tab>('trades');
  const [traceFilter, setTraceFilter] = useState('');
  const report = (q.data?.report ?? null) as Report | null;
  const { dsl, label } = useLegLabel(q.data?.strategyVersionId);
  const marginView = useStrategyMargin(dsl);
  const margin = marginView.margin;
  const lines: EquityLine[] = useMemo(
    () =>
      report
        ? [{ id, label: report.strategy, color: '#34d399', points: equitySeries(report.equity) }]
        : [],
    [report, id],
  );
  const months = useMemo(() => (report ? monthGrid(report.days ?? []) : []), [report]);
  const weekdays = useMemo(() => (report ? weekdaySplit(report.days ?? []) : []), [report]);

  // How long the page takes to show a report once its data is here (read by the e2e suite).
  const rendered = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!report || !q.dataUpdatedAt) return;
    const arrived = q.dataUpdatedAt;
    const raf = requestAnimationFrame(() => {
      const ms = Date.now() - arrived;
      rendered.current?.setAttribute('data-render-ms', String(ms));
    });
    return () => cancelAnimationFrame(raf);
  }, [report, q.dataUpdatedAt]);

  if (q.isPending) return <LoadingRows rows={6} />;
  if (q.isError) return <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>;
  const b = q.data;
  const source = b.dataSource as Record<string, unknown>;
  const events = report
    ? report.events.filter(
        (e) =>
          !traceFilter ||
          `${e.type} ${e.legId ?? ''} ${e.message}`
            .toLowerCase()
            .includes(traceFilter.toLowerCase()),
      )
    : [];
  const comparable = (others.data ?? []).filter((o) => o.status === 'succeeded' && o.id !== id);
  const currency = report?.settings?.currency ?? '';
  const capital = report?.settings?.capital ?? null;

  return (
    <>
      <PageHeader
        title={report ? `Backtest: ${report.strategy}` : 'Backtest'}
        description={`${sourceText(source)}${report?.from && report.to ? ` · ${formatExchangeTime(report.from)} → ${formatExchangeTime(report.to)}` : ''} · run ${b.createdAt.toLocaleString()}`}
        actions={
          <>
            <Link
              href="/backtests"
              className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
            >
              All backtests
            </Link>
            {report && comparable.length ? (
              <label className="flex items-center gap-1 text-xs text-zinc-400">
                <span>Compare with</span>
                <select
                  className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100"
                  value=""
                  onChange={(e) =>
                    e.target.value && router.push(`/backtests/compare?ids=${id},${e.target.value}`)
                  }
                >
                  <option value="">another backtest…</option>
                  {comparable.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.strategyName} · {o.createdAt.toLocaleString()}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {report && (
              <DeployButton
                underlying={report.data?.underlyings?.[0]}
                note="It runs the exact version this backtest tested."
                resolve={async () => ({ strategyVersionId: b.strategyVersionId })}
              />
            )}
            {report && (
              <button
                type="button"
                className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
                onClick={() =>
                  downloadText(
                    fileName(report.strategy, 'report', 'json'),
                    JSON.stringify(report, null, 2),
                    'application/json',
                  )
                }
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
        <div className="space-y-4 text-xs" data-testid="backtest-results" ref={rendered}>
          <SummaryCards
            report={report}
            margin={margin}
            marginView={marginView}
            capital={capital}
            currency={currency}
          />
          {report.data?.run && (
            <p className="text-zinc-400" data-testid="backtest-run">
              {report.data.run.mode === 'split by days'
                ? `Ran as ${report.data.run.parts} day ranges on the worker fleet: `
                : 'Ran in one piece: '}
              {report.data.run.why}
            </p>
          )}
          {[...(report.notes ?? []), ...(report.metrics?.notes ?? [])].map((n) => (
            <p key={n} className="text-amber-300/80">
              {n}
            </p>
          ))}
          {lines[0]?.points.length > 1 ? (
            <EquityChart lines={lines} />
          ) : (
            <p className="text-zinc-400">
              No equity points: the strategy never held a position in this data.
            </p>
          )}
          <div
            role="tablist"
            aria-label="Backtest details"
            className="flex flex-wrap gap-1 border-b border-zinc-800"
          >
            {(
              [
                ['trades', `Trades (${report.trades?.length ?? 0})`],
                ['months', 'Monthly'],
                ['weekdays', 'Day of week'],
                ['days', `Per day (${report.days?.length ?? 0})`],
                ['orders', `Orders (${report.orders.length})`],
                ['trace', `Why: decision trace (${report.events.length})`],
                ...(report.openPositions?.length
                  ? ([['open', `Open at the end (${report.openPositions.length})`]] as const)
                  : []),
              ] as [Tab, string][]
            ).map(([k, text]) => (
              <button
                key={k}
                role="tab"
                type="button"
                aria-selected={tab === k}
                onClick={() => setTab(k)}
                className={`px-3 py-1.5 ${tab === k ? 'border-b-2 border-sky-500 text-zinc-100' : 'text-zinc-400 hover:text-zinc-200'}`}
              >
                {text}
              </button>
            ))}
          </div>
          <div role="tabpanel">
            {tab === 'trades' && (
              <>
                <div className="mb-2 flex gap-2">
                  <button
                    type="button"
                    className="rounded border border-zinc-700 px-2 py-1 text-xs text-zinc-200 hover:border-zinc-500"
                    onClick={() =>
                      downloadText(
                        fileName(report.strategy, 'trades', 'csv'),
                        tradesCsv(report.trades ?? [], label),
                        'text/csv',
                      )
                    }
                  >
                    Export trades (CSV)
                  </button>
                </div>
                <TradesTable trades={report.trades ?? []} label={label} />
              </>
            )}
            {tab === 'months' && <MonthGrid rows={months} />}
            {tab === 'weekdays' && (
              <Table
                testId="weekday-table"
                head={['Weekday', 'Net P&L', 'Days', 'Winning days', 'Average / day']}
              >
                {weekdays.map((w) => (
                  <tr key={w.weekday}>
                    <td className="py-1">{w.name}</td>
                    <td className={`text-right font-mono ${tone(w.net)}`}>
                      {formatMoney(w.net, 2)}
                    </td>
                    <td className="text-right">{w.days}</td>
                    <td className="text-right">
                      {w.winDays} ({formatPct((w.winDays / w.days) * 100)})
                    </td>
                    <td className={`text-right font-mono ${tone(w.average)}`}>
                      {formatMoney(w.average, 2)}
                    </td>
                  </tr>
                ))}
              </Table>
            )}
            {tab === 'days' && (
              <>
                <div className="mb-2">
                  <button
                    type="button"
                    className="rounded border border-zinc-700 px-2 py-1 text-xs text-zinc-200 hover:border-zinc-500"
                    onClick={() =>
                      downloadText(
                        fileName(report.strategy, 'days', 'csv'),
                        daysCsv(report.days ?? []),
                        'text/csv',
                      )
                    }
                  >
                    Export per-day table (CSV)
                  </button>
                </div>
                <Table
                  testId="days-table"
                  head={[
                    'Date',
                    'Net P&L',
                    'Realized',
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
                      <td className="py-1">{formatExchangeDate(d.date)}</td>
                      <td className={`text-right font-mono ${tone(d.netPnl)}`}>{num(d.netPnl)}</td>
                      <td className="text-right font-mono">{num(d.realizedPnl)}</td>
                      <td className="text-right font-mono">{num(d.grossPnl)}</td>
                      <td className="text-right font-mono">{num(d.costs)}</td>
                      <td className="text-right">{d.trades}</td>
                      <td className="text-right">{d.wins}</td>
                      <td className="text-right">{d.losses}</td>
                      <td className="text-right font-mono">{num(d.maxDrawdown)}</td>
                    </tr>
                  ))}
                </Table>
              </>
            )}
            {tab === 'orders' && (
              <Table
                testId="orders-table"
                head={['Time', 'Leg', 'Contract', 'Side', 'Qty', 'Price', 'Reason']}
              >
                {report.orders.map((o) => (
                  <tr key={o.id}>
                    <td className="whitespace-nowrap py-1">{formatExchangeTime(o.ts)}</td>
                    <td title={`leg id ${o.legId}`}>
                      {label({ legId: o.legId, side: o.side, right: o.right })}
                    </td>
                    <td className="whitespace-nowrap">{contractOf(o)}</td>
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
                <label className="mb-2 flex items-center gap-2 text-zinc-400">
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
                      <td className="whitespace-nowrap py-1">{formatExchangeTime(e.ts)}</td>
                      <td className="whitespace-nowrap text-sky-300">{e.type}</td>
                      <td>{e.legId ?? ''}</td>
                      <td className="text-zinc-300">{e.message}</td>
                    </tr>
                  ))}
                </Table>
                {events.length > 2000 && (
                  <p className="text-zinc-400">
                    Showing the first 2000 of {events.length} events; download the report for all of
                    them.
                  </p>
                )}
              </>
            )}
            {tab === 'open' && (
              <Table
                testId="open-table"
                head={['Leg', 'Contract', 'Side', 'Qty', 'Entry', 'Last mark']}
              >
                {(report.openPositions ?? []).map((p, i) => (
                  <tr key={i}>
                    <td className="py-1">{label(p)}</td>
                    <td>{contractOf(p)}</td>
                    <td>{p.side}</td>
                    <td className="text-right font-mono">{p.qty}</td>
                    <td className="text-right font-mono">{num(p.entryPrice)}</td>
                    <td className="text-right font-mono">{num(p.mark)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </div>
          {report.settings ? (
            <p className="text-[11px] text-zinc-400" data-testid="run-settings">
              Capital {currency} {formatMoney(report.settings.capital)} · fills:{' '}
              {report.settings.fillModel} · costs: {report.settings.costModel.description} ·
              triggers on {report.settings.triggerPrice === 'LTP' ? 'LTP' : 'candle close'}
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}

function SummaryCards({
  report,
  margin,
  marginView,
  capital,
  currency,
}: {
  report: Report;
  margin: MarginEstimate | null;
  marginView: MarginView;
  capital: number | null;
  currency: string;
}) {
  const s = report.summary;
  const m = report.metrics;
  const rom = margin ? returnOnMargin(s.netPnl, margin.total) : null;
  const roc = capital ? returnOnMargin(s.netPnl, capital) : null;
  return (
    <div className="space-y-2">
      <dl
        className="grid grid-cols-3 gap-2 md:grid-cols-6 xl:grid-cols-9"
        data-testid="backtest-metrics"
      >
        <Metric
          label="Net P&L"
          value={formatMoney(s.netPnl, 2)}
          className={tone(s.netPnl)}
          hint={`${currency} after costs`}
        />
        <Metric
          label="Return on capital"
          value={roc === null ? '—' : `${roc.toFixed(2)} %`}
          className={tone(s.netPnl)}
          hint={capital ? `of ${formatMoney(capital)}` : undefined}
        />
        <Metric
          label="Return on margin"
          value={rom === null ? '—' : `${rom.toFixed(1)} %`}
          className={tone(s.netPnl)}
          hint={
            margin
              ? margin.source === 'broker'
                ? `of ₹${formatMoney(margin.total)} (${margin.heading ?? 'broker margin'})`
                : `of ≈ ${formatMoney(margin.total)} needed`
              : 'margin unavailable'
          }
        />
        <Metric
          label="Max drawdown"
          value={formatMoney(-s.maxDrawdown, 2)}
          className="text-rose-300"
          hint={m ? `${num(m.maxDrawdownPct, 2)} % of capital` : undefined}
        />
        <Metric
          label="Win rate"
          value={formatPct(s.winRate)}
          hint={m ? `${m.wins} won · ${m.losses} lost` : undefined}
        />
        <Metric
          label="Expectancy"
          value={m ? formatMoney(m.expectancy, 2) : '—'}
          className={m ? tone(m.expectancy) : undefined}
          hint="per trade"
        />
        <Metric
          label="Trades"
          value={String(s.trades)}
          hint={m ? `${m.tradingDays} trading days` : undefined}
        />
        <Metric
          label="Costs"
          value={formatMoney(s.costs, 2)}
          hint={`gross ${formatMoney(s.grossPnl, 2)}`}
        />
        <Metric label="Profit factor" value={num(s.profitFactor)} />
      </dl>
      {m ? (
        <dl className="grid grid-cols-3 gap-2 md:grid-cols-6 xl:grid-cols-9">
          <Metric label="Avg win" value={formatMoney(m.avgWin, 2)} className="text-emerald-300" />
          <Metric label="Avg loss" value={formatMoney(m.avgLoss, 2)} className="text-rose-300" />
          <Metric
            label="Largest win"
            value={formatMoney(m.largestWin, 2)}
            className="text-emerald-300"
          />
          <Metric
            label="Largest loss"
            value={formatMoney(m.largestLoss, 2)}
            className="text-rose-300"
          />
          <Metric label="Win streak" value={String(m.maxConsecutiveWins)} hint="trades in a row" />
          <Metric
            label="Loss streak"
            value={String(m.maxConsecutiveLosses)}
            hint="trades in a row"
          />
          <Metric label="Sharpe" value={num(s.sharpe)} />
          <Metric label="Sortino" value={num(m.sortino)} />
          <Metric label="Calmar" value={num(m.calmar)} />
        </dl>
      ) : null}
      {report.hedge ? <HedgeCards hedge={report.hedge} net={s.netPnl} currency={currency} /> : null}
      {margin ? (
        <details className="text-[11px]">
          <summary className="cursor-pointer text-zinc-400" data-testid="results-margin">
            {margin.source === 'broker'
              ? `${margin.heading ?? 'Margin from your broker'}: ₹${formatMoney(margin.total, 2)} for one set of legs`
              : `Capital needed for one set of legs ≈ ${currency} ${formatMoney(margin.total)}`}{' '}
            (how it is worked out)
          </summary>
          <div className="mt-1 max-w-2xl">
            <MarginBox margin={margin} currency={currency} from={marginView} />
            <p className="mt-1 text-zinc-400">
              Worked out on the latest simulated chain for the strategy&apos;s opening position; the
              return on margin divides the run&apos;s net P&amp;L by it.
            </p>
          </div>
        </details>
      ) : null}
      {marginView.fallback ? (
        <p
          className="text-[11px] text-amber-300"
          role="status"
          data-testid="results-margin-fallback"
        >
          {marginView.fallback} Return on margin uses the approximation instead.
        </p>
      ) : null}
    </div>
  );
}

/** The delta hedge's own account, and what the strategy made without it. */
function HedgeCards({
  hedge,
  net,
  currency,
}: {
  hedge: NonNullable<Report['hedge']>;
  net: number;
  currency: string;
}) {
  return (
    <section aria-label="Delta hedge">
      <h3 className="mb-1 text-zinc-400">
        Delta hedge (futures), included in the figures above; its trades are marked in the trade
        list and left out of win rate and expectancy
      </h3>
      <dl className="grid grid-cols-3 gap-2 md:grid-cols-6" data-testid="hedge-metrics">
        <Metric
          label="Hedge P&L"
          value={formatMoney(hedge.netPnl, 2)}
          className={tone(hedge.netPnl)}
          hint={`${currency} after costs`}
        />
        <Metric
          label="Hedge gross"
          value={formatMoney(hedge.grossPnl, 2)}
          className={tone(hedge.grossPnl)}
        />
        <Metric label="Hedge costs" value={formatMoney(hedge.costs, 2)} />
        <Metric
          label="Hedge trades"
          value={String(hedge.trades)}
          hint={`${hedge.orders} hedge orders`}
        />
        <Metric
          label="Legs without the hedge"
          value={formatMoney(net - hedge.netPnl, 2)}
          className={tone(net - hedge.netPnl)}
          hint="net P&L of the options alone"
        />
      </dl>
    </section>
  );
}

function TradesTable({
  trades,
  label,
}: {
  trades: ReportTrade[];
  label: (t: ReportTrade) => string;
}) {
  if (!trades.length) return <p className="text-zinc-400">No trade closed in this run.</p>;
  return (
    <Table
      testId="trades-table"
      head={[
        '#',
        'Leg',
        'Contract',
        'Qty',
        'Entry',
        'Entry price',
        'Exit',
        'Exit price',
        'Exit reason',
        'Gross',
        'Costs',
        'Net P&L',
      ]}
    >
      {trades.map((t, i) => (
        <tr key={i} className="align-top">
          <td className="py-1 text-zinc-400">{i + 1}</td>
          <td
            className={`whitespace-nowrap font-medium ${t.side === 'BUY' ? 'text-emerald-300' : 'text-rose-300'}`}
            title={`leg id ${t.legId}`}
          >
            {label(t)}
            {t.hedge ? (
              <span className="ml-1 rounded bg-sky-950 px-1 text-[10px] text-sky-300">hedge</span>
            ) : null}
          </td>
          <td className="whitespace-nowrap">{contractOf(t)}</td>
          <td className="text-right font-mono">{t.qty}</td>
          <td className="whitespace-nowrap">{formatExchangeTime(t.entryTs)}</td>
          <td className="text-right font-mono">{num(t.entryPrice)}</td>
          <td className="whitespace-nowrap">
            {formatExchangeTime(t.exitTs, {
              date: t.exitTs.slice(0, 10) !== t.entryTs.slice(0, 10),
            })}
          </td>
          <td className="text-right font-mono">{num(t.exitPrice)}</td>
          <td>{t.exitReason.replace(/_/g, ' ').toLowerCase()}</td>
          <td className={`text-right font-mono ${tone(t.grossPnl)}`}>{num(t.grossPnl)}</td>
          <td className="text-right font-mono text-zinc-400">{num(t.costs)}</td>
          <td className={`text-right font-mono ${tone(t.netPnl)}`}>{num(t.netPnl)}</td>
        </tr>
      ))}
    </Table>
  );
}

function MonthGrid({ rows }: { rows: ReturnType<typeof monthGrid> }) {
  if (!rows.length) return <p className="text-zinc-400">No trading day in this run.</p>;
  return (
    <div className="overflow-x-auto rounded border border-zinc-800">
      <table className="w-full text-right" data-testid="month-grid">
        <caption className="sr-only">Net P&amp;L by month (columns) and year (rows)</caption>
        <thead className="bg-zinc-900 text-[11px] uppercase text-zinc-400">
          <tr>
            <th scope="col" className="px-2 py-1.5 text-left font-medium">
              Year
            </th>
            {MONTH_NAMES.map((m) => (
              <th key={m} scope="col" className="px-2 py-1.5 font-medium">
                {m}
              </th>
            ))}
            <th scope="col" className="px-2 py-1.5 font-medium">
              Total
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/80 font-mono">
          {rows.map((y) => (
            <tr key={y.year}>
              <th scope="row" className="px-2 py-1 text-left font-sans text-zinc-300">
                {y.year}
              </th>
              {y.months.map((c, i) => (
                <td
                  key={i}
                  className={`px-2 py-1 ${c ? tone(c.net) : 'text-zinc-700'}`}
                  title={c ? `${c.days} trading days, ${c.winDays} winning` : 'not traded'}
                  style={c ? { background: heat(c.net, y) } : undefined}
                >
                  {c ? formatMoney(c.net) : '·'}
                </td>
              ))}
              <td className={`px-2 py-1 font-semibold ${tone(y.total)}`}>{formatMoney(y.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A faint background scaled to the year's biggest month, so strong months stand out. */
function heat(net: number, y: { months: ({ net: number } | null)[] }): string {
  const max = Math.max(1, ...y.months.map((m) => (m ? Math.abs(m.net) : 0)));
  const a = Math.min(0.3, (Math.abs(net) / max) * 0.3);
  return net >= 0 ? `rgba(16,185,129,${a})` : `rgba(244,63,94,${a})`;
}

export function Metric({
  label,
  value,
  className = 'text-zinc-100',
  hint,
}: {
  label: string;
  value: string;
  className?: string;
  hint?: string;
}) {
  return (
    <div className="rounded border border-zinc-800 bg-zinc-900/50 px-2 py-1.5">
      <dt className="text-zinc-400">{label}</dt>
      <dd className={`font-mono text-sm ${className}`}>{value}</dd>
      {hint ? <dd className="text-[10px] text-zinc-400">{hint}</dd> : null}
    </div>
  );
}

export function Table({
  head,
  children,
  testId,
}: {
  head: string[];
  children: ReactNode;
  testId: string;
}) {
  // A scrolling table is a region keyboard users can focus and scroll.
  return (
    <div
      className="max-h-[480px] overflow-auto rounded border border-zinc-800 focus:outline-none focus:ring-1 focus:ring-sky-500"
      tabIndex={0}
      role="region"
      aria-label={testId.replace(/-table$/, '').replace(/-/g, ' ')}
    >
      <table className="w-full text-left" data-testid={testId}>
        <thead className="sticky top-0 bg-zinc-900 text-[11px] uppercase text-zinc-400">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-2 py-1.5 font-medium">
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

'use client';
/**
 * The payoff panel: the position the strategy would open now on the latest chain (simulator by
 * default, or a snapshot of a real dataset), its payoff at expiry and today, breakevens, max
 * profit and loss, net greeks, and what-if sliders for spot, IV and days forward.
 */
import { describeTerms } from '@/engine/market/snapshot';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { PayoffChart } from '@/components/payoff/payoff-chart';
import { useOpeningPosition, type ChainSource } from '@/components/payoff/use-opening-position';
import { formatMoney } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';
import { DAYS_PER_YEAR } from '@/engine/pricing';
import { returnOnMargin, type MarginEstimate } from '@/engine/margin';
import { APPROXIMATION, useMargin, type MarginView } from '@/components/payoff/use-margin';
import { formatExchangeDate, formatExchangeTime } from '@/components/backtest/exchange-time';
import { describeLeg } from '@/engine/dsl/describe';
import {
  firstExpiryYears,
  netGreeks,
  payoffCurve,
  pnlToday,
  summarize,
  type Scenario,
} from '@/engine/payoff/payoff';

type Source = ChainSource;

const fix = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : x > 0 ? '∞' : '-∞');

export function PayoffPanel({ dsl }: { dsl: Record<string, unknown> | null }) {
  const trpc = useTRPC();
  const ids = useId();
  const [source, setSource] = useState<Source>({ kind: 'simulator', seed: 7 });
  const [pick, setPick] = useState(0);
  const [sc, setSc] = useState<Scenario>({ spotPct: 0, ivPoints: 0, daysForward: 0 });
  const datasets = useQuery(trpc.market.datasets.queryOptions());
  const stored = useQuery(trpc.datasets.stored.queryOptions());
  const q = useOpeningPosition(dsl, source);

  const strategies = q.data ?? [];
  const chosen = strategies[Math.min(pick, Math.max(0, strategies.length - 1))];
  const pos = chosen?.position ?? null;
  const maxDays =
    pos && pos.legs.length
      ? Math.max(0, Math.floor(firstExpiryYears(pos.legs) * DAYS_PER_YEAR))
      : 0;
  const scenario = { ...sc, daysForward: Math.min(sc.daysForward, maxDays) };

  const view = useMemo(() => {
    if (!pos || pos.legs.length === 0) return null;
    return {
      curve: payoffCurve(pos.legs, pos.market, scenario, {
        rangePct: Math.max(10, Math.abs(scenario.spotPct) + 5),
      }),
      summary: summarize(pos.legs, pos.market),
      greeks: netGreeks(pos.legs, pos.market, scenario),
      pnl: pnlToday(pos.legs, pos.market, pos.spot, scenario),
    };
  }, [pos, scenario.spotPct, scenario.ivPoints, scenario.daysForward]);
  const marginView = useMargin(pos);

  if (dsl === null)
    return (
      <p className="text-xs text-zinc-400">Fix the problems in the graph to see the payoff.</p>
    );

  return (
    <section className="space-y-3 text-xs" aria-label="Payoff" data-testid="payoff-panel">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-src`}>
          Chain
          <select
            id={`${ids}-src`}
            className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            value={
              source.kind === 'simulator'
                ? 'sim'
                : source.kind === 'store'
                  ? 'store'
                  : source.dataset
            }
            onChange={(e) =>
              setSource(
                e.target.value === 'sim'
                  ? { kind: 'simulator', seed: 7 }
                  : e.target.value === 'store'
                    ? { kind: 'store', day: stored.data?.[0]?.last ?? '', time: '10:00' }
                    : { kind: 'dataset', dataset: e.target.value, index: 0 },
              )
            }
          >
            <option value="sim">Simulator (latest)</option>
            {(stored.data?.length ?? 0) > 0 && (
              <option value="store">Stored chains (day, time)</option>
            )}
            {(datasets.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {source.kind === 'simulator' ? (
          <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-seed`}>
            Seed
            <input
              id={`${ids}-seed`}
              type="number"
              min={0}
              value={source.seed}
              onChange={(e) =>
                setSource({
                  kind: 'simulator',
                  seed: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                })
              }
              className="w-24 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            />
          </label>
        ) : source.kind === 'store' ? (
          <>
            <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-day`}>
              Day
              <input
                id={`${ids}-day`}
                type="date"
                value={source.day}
                onChange={(e) => setSource({ ...source, day: e.target.value })}
                className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
              />
            </label>
            <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-time`}>
              Time
              <input
                id={`${ids}-time`}
                type="time"
                value={source.time}
                onChange={(e) => setSource({ ...source, time: e.target.value || '10:00' })}
                className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
              />
            </label>
          </>
        ) : (
          <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-idx`}>
            Snapshot #
            <input
              id={`${ids}-idx`}
              type="number"
              min={0}
              value={source.index}
              onChange={(e) =>
                setSource({
                  ...source,
                  index: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                })
              }
              className="w-24 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            />
          </label>
        )}
        {strategies.length > 1 && (
          <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-strategy`}>
            Strategy
            <select
              id={`${ids}-strategy`}
              value={pick}
              onChange={(e) => setPick(Number(e.target.value))}
              className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            >
              {strategies.map((s, i) => (
                <option key={s.strategyId} value={i}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      {q.isPending ? (
        <LoadingRows rows={4} />
      ) : q.isError ? (
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
      ) : chosen?.error ? (
        <ErrorNotice>{chosen.error}</ErrorNotice>
      ) : !pos || !view ? (
        <ErrorNotice>
          No leg would open on this chain
          {pos?.skipped.length
            ? `: ${pos.skipped.map((s) => `${s.legId}: ${s.why}`).join('; ')}`
            : '.'}
        </ErrorNotice>
      ) : (
        <>
          <p className="text-zinc-400">
            {pos.underlying} spot {fix(pos.spot)} at {formatExchangeTime(pos.ts)} ({chosen.source})
            · {pos.currency}
          </p>
          <PayoffChart
            curve={view.curve}
            spotMarker={pos.spot * (1 + scenario.spotPct / 100)}
            height={240}
          />
          <div className="grid gap-3 sm:grid-cols-3">
            <Slider
              id={`${ids}-spot`}
              label="Spot move"
              unit="%"
              min={-10}
              max={10}
              step={0.25}
              value={scenario.spotPct}
              onChange={(v) => setSc({ ...sc, spotPct: v })}
            />
            <Slider
              id={`${ids}-iv`}
              label="IV change"
              unit=" vol pts"
              min={-10}
              max={10}
              step={0.5}
              value={scenario.ivPoints}
              onChange={(v) => setSc({ ...sc, ivPoints: v })}
            />
            <Slider
              id={`${ids}-days`}
              label="Days forward"
              unit=" d"
              min={0}
              max={maxDays}
              step={1}
              value={scenario.daysForward}
              onChange={(v) => setSc({ ...sc, daysForward: v })}
            />
          </div>
          <dl
            className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4"
            data-testid="payoff-stats"
          >
            <Stat label="P&L under scenario" value={formatMoney(view.pnl)} tone={view.pnl} />
            <Stat label="Max profit" value={formatMoney(view.summary.maxProfit)} tone={1} />
            <Stat label="Max loss" value={formatMoney(view.summary.maxLoss)} tone={-1} />
            <Stat
              label="Breakevens"
              value={
                view.summary.breakevens.length
                  ? view.summary.breakevens.map((b) => fix(b)).join(', ')
                  : 'none'
              }
            />
            <Stat label="Net delta" value={fix(view.greeks.delta)} />
            <Stat label="Net gamma" value={fix(view.greeks.gamma, 4)} />
            <Stat label="Net theta / day" value={fix(view.greeks.theta)} />
            <Stat label="Net vega / vol pt" value={fix(view.greeks.vega)} />
          </dl>
          {marginView.margin ? (
            <MarginBox
              margin={marginView.margin}
              maxProfit={view.summary.maxProfit}
              currency={pos.currency}
              from={marginView}
            />
          ) : null}
          <table className="w-full text-left" data-testid="payoff-legs">
            <thead className="text-[11px] uppercase text-zinc-400">
              <tr>
                <th className="py-1 font-medium">Leg</th>
                <th className="font-medium">Contract</th>
                <th className="text-right font-medium">Qty</th>
                <th className="text-right font-medium">Premium</th>
                <th className="text-right font-medium">IV</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800 text-zinc-300">
              {pos.legs.map((l) => (
                <tr key={l.id} title={`Why this strike: ${l.why}`}>
                  <td
                    className={`whitespace-nowrap py-1 font-medium ${l.side === 'BUY' ? 'text-emerald-300' : 'text-rose-300'}`}
                  >
                    {describeLeg({
                      side: l.side,
                      instrument: l.instrument,
                      right: l.right ?? undefined,
                      strike: strikeRule(dsl, chosen.strategyId, l.id),
                    })}
                  </td>
                  <td className="whitespace-nowrap">
                    {formatExchangeDate(l.expiry)} {describeTerms(l)}
                  </td>
                  <td className="text-right font-mono">{l.qty}</td>
                  <td className="text-right font-mono">{fix(l.entry)}</td>
                  <td className="text-right font-mono">
                    {l.instrument === 'future' ? '—' : `${fix(l.iv * 100, 1)}%`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {[...pos.skipped.map((s) => `${s.legId} does not open: ${s.why}`), ...pos.notes].map(
            (n) => (
              <p key={n} className="text-zinc-400">
                {n}
              </p>
            ),
          )}
        </>
      )}
    </section>
  );
}

function Slider({
  id,
  label,
  unit,
  min,
  max,
  step,
  value,
  onChange,
}: {
  id: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onChange: (v: number) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="flex justify-between text-zinc-400">
        <span>{label}</span>
        <output htmlFor={id} className="font-mono text-zinc-200">
          {value > 0 && unit !== ' d' ? '+' : ''}
          {value}
          {unit}
        </output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="w-full accent-sky-500"
      />
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: number }) {
  const color =
    tone === undefined
      ? 'text-zinc-100'
      : tone > 0
        ? 'text-emerald-400'
        : tone < 0
          ? 'text-rose-400'
          : 'text-zinc-100';
  return (
    <div>
      <dt className="text-zinc-400">{label}</dt>
      <dd className={`font-mono ${color}`}>{value}</dd>
    </div>
  );
}

/** The strike rule of a leg as the strategy wrote it ("ATM"), so the row reads "SELL ATM CE". */
function strikeRule(
  dsl: Record<string, unknown> | null,
  strategyId: string,
  legId: string,
): unknown {
  const strategies = (
    dsl?.basket as { strategies?: { id: string; legs: { id: string; strike?: unknown }[] }[] }
  )?.strategies;
  return strategies?.find((x) => x.id === strategyId)?.legs.find((l) => l.id === legId)?.strike;
}

/** Capital needed beside the payoff: the figure, return on it at max profit, and the method in words. */
export function MarginBox({
  margin,
  maxProfit,
  currency,
  from,
}: {
  margin: MarginEstimate;
  maxProfit?: number;
  currency: string;
  /** The account picker and the broker's reason for falling back, where a panel offers them. */
  from?: MarginView;
}) {
  const rom = maxProfit !== undefined ? returnOnMargin(maxProfit, margin.total) : null;
  const broker = margin.source === 'broker';
  return (
    <section
      aria-label="Capital needed"
      className="rounded border border-zinc-800 bg-zinc-900/40 p-2"
      data-testid="margin"
    >
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <div>
          <div className="text-zinc-400">
            {broker ? (margin.heading ?? 'Margin from your broker') : 'Capital needed (approx.)'}
          </div>
          <div className="font-mono text-sm text-zinc-100" data-testid="margin-total">
            {broker
              ? `₹${formatMoney(margin.total, 2)}`
              : `${currency} ${formatMoney(margin.total)}`}
          </div>
        </div>
        {maxProfit !== undefined ? (
          <div>
            <div className="text-zinc-400">Max profit on margin</div>
            <div className="font-mono text-sm text-emerald-300">
              {rom === null
                ? Number.isFinite(maxProfit)
                  ? '—'
                  : 'unlimited'
                : `${rom.toFixed(1)} %`}
            </div>
          </div>
        ) : null}
        <div className="text-zinc-400">
          {margin.definedRisk ? 'defined risk' : 'undefined risk'}
        </div>
        {from && from.accounts.length > 0 ? <MarginFrom from={from} /> : null}
      </div>
      {from?.asking ? (
        <p className="mt-1 text-[11px] text-zinc-400" role="status">
          Asking {from.accounts.find((a) => a.id === from.picked)?.label} for its margin…
        </p>
      ) : null}
      {from?.fallback ? (
        <p className="mt-1 text-[11px] text-amber-300" role="status" data-testid="margin-fallback">
          {from.fallback} Showing the approximation instead.
        </p>
      ) : null}
      <p className="mt-1 text-[11px] text-zinc-400" data-testid="margin-method">
        {margin.methodText}
      </p>
      <details className="mt-1 text-[11px]">
        <summary className="cursor-pointer text-sky-400">How it adds up</summary>
        <table className="mt-1 w-full">
          <tbody>
            {margin.components.map((c) => (
              <tr key={c.label}>
                <td className="pr-2 text-zinc-400">{c.label}</td>
                <td className="text-right font-mono text-zinc-200">{formatMoney(c.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {margin.notes.map((n) => (
          <p key={n} className="text-zinc-400">
            {n}
          </p>
        ))}
      </details>
    </section>
  );
}

const BROKER_NAMES = { kite: 'Kite', alpaca: 'Alpaca', deribit: 'Deribit' } as const;

/** Which figure to show: the approximation, or one of the trader's broker accounts. */
function MarginFrom({ from }: { from: MarginView }) {
  const id = useId();
  return (
    <label className="ml-auto flex items-center gap-1 text-zinc-400" htmlFor={id}>
      Margin from
      <select
        id={id}
        value={from.picked}
        onChange={(e) => from.pick(e.target.value)}
        className="rounded border border-zinc-700 bg-zinc-900 px-1 py-0.5 text-zinc-100"
        data-testid="margin-from"
      >
        <option value={APPROXIMATION}>Approximation (exchange rules)</option>
        {from.accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label} ({BROKER_NAMES[a.broker]}
            {a.broker === 'kite' ? '' : ', approximation only'})
          </option>
        ))}
      </select>
    </label>
  );
}

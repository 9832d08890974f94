'use client';
/**
 * The scenario matrix of a risk book: P&L on a grid of spot moves (rows) x IV shifts (columns)
 * for a chosen number of days forward, the worst cell ringed, the greeks of any cell on hover
 * or focus, and the named stress scenarios beneath. It takes a book, never a strategy, so a
 * strategy's opening position, a deployment's positions or a portfolio all render the same way.
 */
import { describeTerms } from '@/engine/market/snapshot';
import { useId, useMemo, useState } from 'react';
import { diverging } from '@/components/analysis/colors';
import { moneyCompact, price, volPct } from '@/components/analysis/format';
import { formatMoney } from '@/components/templates/format';
import type { RiskBook } from '@/engine/analysis/book';
import { DAYS_PER_YEAR } from '@/engine/pricing';
import {
  daysToFirstExpiry,
  scenarioMatrix,
  stressTest,
  symmetricSteps,
} from '@/engine/analysis/scenario';

const SPOT_RANGES = [2, 5, 10, 20] as const;
const IV_RANGES = [5, 10, 20] as const;
const DAY_CHOICES = [0, 1, 2, 3, 5, 7, 14, 30] as const;

type Measure = 'pnl' | 'change';

export function ScenarioMatrix({
  book,
  skipped = [],
}: {
  book: RiskBook;
  skipped?: { id: string; why: string }[];
}) {
  const ids = useId();
  const [spotRange, setSpotRange] = useState<number>(10);
  const [ivRange, setIvRange] = useState<number>(10);
  const [daysPick, setDaysPick] = useState<number | 'expiry'>(0);
  const [measure, setMeasure] = useState<Measure>('pnl');
  const [hover, setHover] = useState<{ i: number; j: number } | null>(null);

  const toExpiry = daysToFirstExpiry(book);
  const lastExpiry = book.legs.length ? Math.max(...book.legs.map((l) => l.t)) * DAYS_PER_YEAR : 0;
  const days = daysPick === 'expiry' ? toExpiry : daysPick;
  const dayChoices = DAY_CHOICES.filter((d) => d === 0 || d < lastExpiry);

  const m = useMemo(
    () =>
      book.legs.length
        ? scenarioMatrix(book, {
            spotMovesPct: symmetricSteps(spotRange, 41),
            ivShiftsPts: symmetricSteps(ivRange, 21),
            daysForward: days,
          })
        : null,
    [book, spotRange, ivRange, days],
  );
  const stresses = useMemo(() => (book.legs.length ? stressTest(book) : []), [book]);

  if (!m)
    return (
      <p className="text-xs text-zinc-400" data-testid="scenario-empty">
        No position to stress: no leg could be valued.
      </p>
    );

  const nV = m.ivShiftsPts.length;
  const value = (k: number) => (measure === 'pnl' ? m.pnl[k] : m.pnl[k] - m.now);
  let scale = 0;
  for (let k = 0; k < m.pnl.length; k++) scale = Math.max(scale, Math.abs(value(k)));
  const single = Object.keys(book.markets).length === 1;
  const spot = single ? Object.values(book.markets)[0].spot : undefined;
  const worstK = m.worst.spot * nV + m.worst.iv;
  const h = hover ?? { i: m.worst.spot, j: m.worst.iv };
  const hk = h.i * nV + h.j;
  const rows = m.spotMovesPct.map((_, i) => i).reverse();
  const worstStress = stresses.reduce<number | null>(
    (w, s, i) => (w === null || s.pnl < stresses[w].pnl ? i : w),
    null,
  );
  const select = 'rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100';

  return (
    <div className="space-y-4 text-xs" data-testid="scenario-matrix">
      {skipped.length > 0 && (
        <div
          role="alert"
          className="rounded border border-amber-800/60 bg-amber-950/40 px-3 py-2 text-amber-200"
        >
          {skipped.length} leg{skipped.length === 1 ? ' is' : 's are'} not in this matrix:{' '}
          {skipped.map((s) => `${s.id}: ${s.why}`).join('; ')}
        </div>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-days`}>
          Days forward
          <select
            id={`${ids}-days`}
            className={select}
            value={String(daysPick)}
            onChange={(e) =>
              setDaysPick(e.target.value === 'expiry' ? 'expiry' : Number(e.target.value))
            }
          >
            {dayChoices.map((d) => (
              <option key={d} value={d}>
                {d === 0 ? 'now' : `${d} day${d === 1 ? '' : 's'}`}
              </option>
            ))}
            <option value="expiry">to first expiry ({toExpiry.toFixed(1)} d)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-spot`}>
          Spot range
          <select
            id={`${ids}-spot`}
            className={select}
            value={spotRange}
            onChange={(e) => setSpotRange(Number(e.target.value))}
          >
            {SPOT_RANGES.map((r) => (
              <option key={r} value={r}>
                ±{r}%
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-iv`}>
          IV range
          <select
            id={`${ids}-iv`}
            className={select}
            value={ivRange}
            onChange={(e) => setIvRange(Number(e.target.value))}
          >
            {IV_RANGES.map((r) => (
              <option key={r} value={r}>
                ±{r} vol pts
              </option>
            ))}
          </select>
        </label>
        <div className="flex gap-1" role="group" aria-label="Cell shows">
          {(
            [
              ['pnl', 'P&L vs entry'],
              ['change', 'Change from now'],
            ] as const
          ).map(([k, label]) => (
            <button
              key={k}
              type="button"
              aria-pressed={measure === k}
              onClick={() => setMeasure(k)}
              className={`rounded px-2 py-1 ${measure === k ? 'bg-sky-600 text-white' : 'bg-zinc-800 text-zinc-300 hover:bg-zinc-700'}`}
            >
              {label}
            </button>
          ))}
        </div>
        <p className="ml-auto text-zinc-400">
          P&L now <span className="font-mono text-zinc-100">{formatMoney(m.now)}</span> · worst{' '}
          <span className="font-mono text-rose-300" data-testid="worst-cell">
            {formatMoney(m.worst.pnl)} at {fmtPct(m.spotMovesPct[m.worst.spot])} spot,{' '}
            {fmtPts(m.ivShiftsPts[m.worst.iv])} IV
          </span>
        </p>
      </div>

      <div className="grid gap-3 xl:grid-cols-[1fr_14rem]">
        <div className="overflow-x-auto">
          <table
            className="border-separate border-spacing-0 font-mono text-[10px]"
            role="grid"
            aria-label={`P&L by spot move (rows) and IV shift (columns), ${days.toFixed(1)} days forward`}
            onMouseLeave={() => setHover(null)}
          >
            <thead>
              <tr>
                <th className="sticky left-0 bg-zinc-950 px-1 text-right font-normal text-zinc-500">
                  spot \ IV
                </th>
                {m.ivShiftsPts.map((v) => (
                  <th key={v} className="px-0.5 text-center font-normal text-zinc-500">
                    {fmtPts(v, true)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i}>
                  <th
                    scope="row"
                    className="sticky left-0 whitespace-nowrap bg-zinc-950 px-1 text-right font-normal text-zinc-400"
                  >
                    {fmtPct(m.spotMovesPct[i])}
                    {spot !== undefined && (
                      <span className="text-zinc-600">
                        {' '}
                        {price(spot * (1 + m.spotMovesPct[i] / 100))}
                      </span>
                    )}
                  </th>
                  {m.ivShiftsPts.map((_, j) => {
                    const k = i * nV + j;
                    const v = value(k);
                    const center = m.spotMovesPct[i] === 0 && m.ivShiftsPts[j] === 0;
                    return (
                      <td
                        key={j}
                        role="gridcell"
                        tabIndex={k === worstK ? 0 : -1}
                        data-testid={k === worstK ? 'worst-cell-td' : undefined}
                        onMouseEnter={() => setHover({ i, j })}
                        onFocus={() => setHover({ i, j })}
                        title={`${fmtPct(m.spotMovesPct[i])} spot, ${fmtPts(m.ivShiftsPts[j])} IV: ${formatMoney(v)}`}
                        className={`h-5 min-w-[2.4rem] px-0 text-center text-zinc-50 ${
                          k === worstK
                            ? 'outline outline-2 -outline-offset-2 outline-rose-400'
                            : center
                              ? 'outline outline-1 -outline-offset-1 outline-zinc-300'
                              : hover && hover.i === i && hover.j === j
                                ? 'outline outline-1 -outline-offset-1 outline-sky-300'
                                : ''
                        }`}
                        style={{ background: diverging(v, scale) }}
                      >
                        {moneyCompact(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <aside
          className="space-y-2 rounded border border-zinc-800 bg-zinc-900/60 p-3"
          data-testid="cell-greeks"
          aria-live="polite"
        >
          <h3 className="text-[11px] uppercase tracking-wide text-zinc-500">
            {hover ? 'Cell' : 'Worst cell'}: {fmtPct(m.spotMovesPct[h.i])} spot,{' '}
            {fmtPts(m.ivShiftsPts[h.j])} IV, {days.toFixed(1)} d
          </h3>
          <dl className="grid grid-cols-2 gap-x-2 gap-y-1">
            <Stat label="P&L vs entry" value={formatMoney(m.pnl[hk])} tone={m.pnl[hk]} />
            <Stat
              label="Change from now"
              value={formatMoney(m.pnl[hk] - m.now)}
              tone={m.pnl[hk] - m.now}
            />
            {single && <Stat label="Delta (units)" value={m.delta[hk].toFixed(1)} />}
            {single && <Stat label="Gamma (units)" value={m.gamma[hk].toFixed(4)} />}
            <Stat label="Delta per +1 %" value={formatMoney(m.deltaCash[hk])} />
            <Stat label="Theta / day" value={formatMoney(m.theta[hk])} />
            <Stat label="Vega / vol pt" value={formatMoney(m.vega[hk])} />
            {spot !== undefined && (
              <Stat label="Spot" value={price(spot * (1 + m.spotMovesPct[h.i] / 100))} />
            )}
          </dl>
          <p className="text-[11px] text-zinc-500">
            Each leg repriced at the shocked spot, its IV plus the shift (floor 0.5 %) and the time
            left; legs that expire within the days forward settle at intrinsic value.
          </p>
        </aside>
      </div>

      <section className="space-y-1">
        <h3 className="text-[11px] uppercase tracking-wide text-zinc-500">Stress scenarios</h3>
        <table className="w-full text-left" data-testid="stress-table">
          <thead className="text-[11px] uppercase text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Scenario</th>
              <th className="text-right font-medium">Spot</th>
              <th className="text-right font-medium">IV</th>
              <th className="text-right font-medium">Days</th>
              <th className="text-right font-medium">P&L vs entry</th>
              <th className="text-right font-medium">Change</th>
              <th className="text-right font-medium">Delta / 1 %</th>
              <th className="text-right font-medium">Vega</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-800 text-zinc-300">
            {stresses.map((s, i) => (
              <tr key={s.scenario.id} className={i === worstStress ? 'bg-rose-950/40' : undefined}>
                <td className="py-1" title={s.scenario.description}>
                  {s.scenario.name}
                </td>
                <td className="text-right font-mono">{fmtPct(s.shock.spotPct)}</td>
                <td className="text-right font-mono">{fmtPts(s.shock.ivPoints)}</td>
                <td className="text-right font-mono">{s.shock.daysForward.toFixed(1)}</td>
                <td
                  className={`text-right font-mono ${s.pnl < 0 ? 'text-rose-300' : 'text-emerald-300'}`}
                >
                  {formatMoney(s.pnl)}
                </td>
                <td className="text-right font-mono">{formatMoney(s.change)}</td>
                <td className="text-right font-mono">{formatMoney(s.greeks.deltaCash)}</td>
                <td className="text-right font-mono">{formatMoney(s.greeks.vega)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="space-y-1">
        <h3 className="text-[11px] uppercase tracking-wide text-zinc-500">
          Legs ({book.currency}, as of {book.asOf})
        </h3>
        <table className="w-full text-left" data-testid="scenario-legs">
          <thead className="text-[11px] uppercase text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Leg</th>
              <th className="font-medium">Contract</th>
              <th className="text-right font-medium">Qty</th>
              <th className="text-right font-medium">Entry</th>
              <th className="text-right font-medium">IV</th>
              <th className="text-right font-medium">Days left</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-800 text-zinc-300">
            {book.legs.map((l) => (
              <tr key={l.id}>
                <td className="py-1">{l.id}</td>
                <td>
                  {l.side} {l.underlying} {l.expiry} {describeTerms(l)}
                </td>
                <td className="text-right font-mono">{l.qty}</td>
                <td className="text-right font-mono">{l.entry.toFixed(2)}</td>
                <td className="text-right font-mono">
                  {l.instrument === 'future' ? '—' : volPct(l.iv)}
                </td>
                <td className="text-right font-mono">{(l.t * DAYS_PER_YEAR).toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

const fmtPct = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(1)}%`;
const fmtPts = (x: number, short = false) =>
  `${x > 0 ? '+' : ''}${Number.isInteger(x) ? x : x.toFixed(1)}${short ? '' : ' pts'}`;

function Stat({ label, value, tone }: { label: string; value: string; tone?: number }) {
  const color =
    tone === undefined ? 'text-zinc-100' : tone < 0 ? 'text-rose-300' : 'text-emerald-300';
  return (
    <div>
      <dt className="text-[10px] text-zinc-500">{label}</dt>
      <dd className={`font-mono ${color}`}>{value}</dd>
    </div>
  );
}

/**
 * What a sweep shows: each combination's net P&L, drawdown and Sharpe over the whole range, over
 * its in-sample sessions (the first ones) and over its out-of-sample sessions (the last
 * `outOfSamplePct` %), and a judgement of the grid: the combination chosen in-sample, how it did
 * out of sample, whether in-sample rank predicts out-of-sample rank, and warnings about
 * overfitting a trader should read before trusting the best cell of a heat map.
 */
import type { BacktestReport } from '../backtest/backtest.ts';
import { annualisedSharpe, localDate, roundMoney } from '../backtest/metrics.ts';
import { describeCombination, SWEEP_FIELDS, type Combination, type SweepSpec } from './grid.ts';

export type SweepWindow = {
  netPnl: number;
  /** Largest fall from a running peak of the equity curve within the window, in money. */
  maxDrawdown: number;
  sharpe: number | null;
  trades: number;
  days: number;
  from: string | null;
  to: string | null;
};

export type CombinationResult = {
  index: number;
  combo: Combination;
  whole: SweepWindow;
  inSample: SweepWindow;
  outOfSample: SweepWindow;
};

/** Sessions of a report split into in-sample (first) and out-of-sample (last `pct` %) days. */
export function splitDays(
  days: readonly string[],
  pct: number,
): { inSample: string[]; outOfSample: string[] } {
  // prettier-ignore
  const out = days.length < 2 ? 0 : Math.max(1, Math.round((days.length * pct) / 100));
  return { inSample: days.slice(0, days.length - out), outOfSample: days.slice(days.length - out) };
}

function windowOf(report: BacktestReport, days: readonly string[]): SweepWindow {
  const set = new Set(days);
  const rows = report.days.filter((d) => set.has(d.date));
  const capital = report.settings.capital;
  let peak = -Infinity;
  let worst = 0;
  let base: number | null = null;
  // The curve is the running net P&L; within the window it starts where the day before ended.
  let before = 0;
  for (const p of report.equity) {
    const d = localDate(p.ts);
    if (!set.has(d)) {
      if (base === null) before = p.pnl;
      continue;
    }
    if (base === null) {
      base = before;
      peak = before;
    }
    peak = Math.max(peak, p.pnl);
    worst = Math.max(worst, peak - p.pnl);
  }
  return {
    netPnl: roundMoney(rows.reduce((s, r) => s + r.netPnl, 0)),
    maxDrawdown: roundMoney(worst),
    sharpe: capital > 0 ? annualisedSharpe(rows.map((r) => r.netPnl / capital)) : null,
    trades: report.trades.filter((t) => set.has(localDate(t.exitTs))).length,
    days: rows.length,
    from: days[0] ?? null,
    to: days.at(-1) ?? null,
  };
}

/** A combination's figures from its backtest report. */
export function summarize(
  index: number,
  combo: Combination,
  report: BacktestReport,
  outOfSamplePct: number,
): CombinationResult {
  const days = report.days.map((d) => d.date);
  const split = splitDays(days, outOfSamplePct);
  return {
    index,
    combo,
    whole: windowOf(report, days),
    inSample: windowOf(report, split.inSample),
    outOfSample: windowOf(report, split.outOfSample),
  };
}

export type SweepAnalysis = {
  /** The combination a trader would pick from the in-sample sessions alone (best Sharpe, then net P&L). */
  chosen: { index: number; label: string } | null;
  /** Spearman rank correlation of in-sample and out-of-sample net P&L over the combinations. */
  rankCorrelation: number | null;
  warnings: string[];
};

const score = (w: SweepWindow) => [w.sharpe ?? -Infinity, w.netPnl] as const;
const better = (a: SweepWindow, b: SweepWindow) => {
  const [x, y] = [score(a), score(b)];
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
};

function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 3) return null;
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (a.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return da > 0 && db > 0 ? Math.round((num / Math.sqrt(da * db)) * 1000) / 1000 : null;
}

const money = (x: number) =>
  `${x < 0 ? '-' : ''}${Math.abs(Math.round(x)).toLocaleString('en-US')}`;

export function analyseSweep(
  spec: Pick<SweepSpec, 'axes' | 'outOfSamplePct'>,
  results: readonly CombinationResult[],
): SweepAnalysis {
  const warnings: string[] = [];
  if (results.length === 0) return { chosen: null, rankCorrelation: null, warnings };
  let best = results[0];
  for (const r of results) if (better(r.inSample, best.inSample)) best = r;
  const label = describeCombination(spec, best.combo);
  const rho = spearman(
    results.map((r) => r.inSample.netPnl),
    results.map((r) => r.outOfSample.netPnl),
  );
  if (results.length >= 10)
    warnings.push(
      `${results.length} combinations were tried: the best in-sample result is flattered by the choice itself (selection bias). Judge it by its out-of-sample sessions, which took no part in choosing it.`,
    );
  if (best.inSample.days < 20)
    warnings.push(
      `Only ${best.inSample.days} in-sample sessions: too few to tell a better parameter from luck. Sweep a longer range.`,
    );
  const is = best.inSample;
  const oos = best.outOfSample;
  if (is.netPnl > 0 && oos.netPnl <= 0)
    warnings.push(
      `The in-sample choice (${label}) made ${money(is.netPnl)} in-sample but ${money(oos.netPnl)} out of sample: it is likely overfit.`,
    );
  else if (is.sharpe !== null && oos.sharpe !== null && is.sharpe > 0 && oos.sharpe < is.sharpe / 2)
    warnings.push(
      `The in-sample choice (${label}) has an out-of-sample Sharpe of ${oos.sharpe}, less than half its in-sample ${is.sharpe}.`,
    );
  if (rho !== null && rho < 0.3)
    warnings.push(
      `In-sample rank barely predicts out-of-sample rank (Spearman ${rho}): the differences between these combinations are mostly noise.`,
    );
  spec.axes.forEach((a, i) => {
    const at = a.values.indexOf(best.combo[i]);
    if (a.values.length >= 3 && (at === 0 || at === a.values.length - 1))
      warnings.push(
        `The choice sits on the edge of the grid (${SWEEP_FIELDS[a.field].label} ${best.combo[i]}): widen that range before trusting it.`,
      );
  });
  return { chosen: { index: best.index, label }, rankCorrelation: rho, warnings };
}

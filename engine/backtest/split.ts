/**
 * Splitting a long backtest into day ranges that run apart (on the worker fleet) and join into
 * the report one run writes (report.ts joinParts). An intraday strategy starts every session
 * afresh, so sessions are independent, except for what a basket carries from one session to the
 * next: held positions (positional strategies), the equity peak of a drawdown limit, and the
 * history of daily closes behind IV rank, VIX rank, HV and regimes. A basket with any of these
 * runs in order; so does one whose sessions roll at different snapshots (several underlyings).
 * Sizing reads the basket's fixed capital, never a running equity, so it splits. What a session
 * leaves behind at run time (a daily-loss halt, a working order) is checked when the parts join.
 */
import type { Basket } from '../dsl/basket.ts';

/** Facts read from the daily closes of earlier sessions (engine/runtime/facts.ts `past`). */
const HISTORY_FACTS = new Set(['ivRank', 'vixRank', 'hv', 'regime']);

function factsOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) factsOf(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.fact === 'string') out.add(o.fact);
    for (const v of Object.values(o)) if (v && typeof v === 'object') factsOf(v, out);
  }
  return out;
}

/** Null when the basket's sessions are independent, else why they must run in order. */
export function whyInOrder(basket: Pick<Basket, 'strategies' | 'maxDrawdownPct'>): string | null {
  const underlyings = [...new Set(basket.strategies.map((s) => s.underlying))];
  if (underlyings.length > 1)
    return `the basket trades ${underlyings.join(' and ')}, whose sessions roll at different snapshots`;
  if (basket.maxDrawdownPct !== undefined)
    return `the basket's drawdown limit (${basket.maxDrawdownPct}%) is measured from the equity peak of every earlier session`;
  for (const s of basket.strategies) {
    if (s.positional) return `${s.id} is positional: it holds legs from one session into the next`;
    const history = [...factsOf(s.conditions ?? {}, new Set())].filter((f) => HISTORY_FACTS.has(f));
    if (history.length)
      return `${s.id} reads ${history.join(', ')}, computed from the closes of earlier sessions`;
    if (s.sizing.regimeMultipliers)
      return `${s.id} sizes by regime, computed from the closes of earlier sessions`;
  }
  return null;
}

export type DayRange = { from: string; to: string };

/**
 * The sessions cut into at most `parts` consecutive ranges of nearly equal length (the first
 * ones one longer), each at least `minDays` long; a single range when there are too few.
 */
export function dayRanges(days: readonly string[], parts: number, minDays = 1): DayRange[] {
  const n = Math.max(1, Math.min(Math.floor(parts), Math.floor(days.length / Math.max(1, minDays)))); // prettier-ignore
  if (days.length === 0) return [];
  const out: DayRange[] = [];
  let at = 0;
  for (let k = 0; k < n; k++) {
    const size = Math.floor(days.length / n) + (k < days.length % n ? 1 : 0);
    out.push({ from: days[at], to: days[at + size - 1] });
    at += size;
  }
  return out;
}

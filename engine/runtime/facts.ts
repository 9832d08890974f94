/**
 * The condition facts of docs/dsl.md#conditions, computed from the snapshot and the runtime state
 * on demand (only facts some rule reads are computed), and the crossing memory behind
 * crossesAbove / crossesBelow.
 */
import { REGIME_THRESHOLDS, type Regime } from '../dsl/conditions.ts';
import type { Instrument } from '../market/instruments.ts';
import type { PricingOverrides } from '../market/pricing-context.ts';
import { sessionAtmIv } from '../session/market-memory.ts';
import type { FactResolver } from '../rules/types.ts';
import { daysBetween, type LocalTime } from './clock.ts';
import { listedExpiries } from './expiry.ts';
import type { ChainSnapshot, DailyClose, StrategyState } from './types.ts';

export type FactInputs = {
  snapshot: ChainSnapshot | null;
  spot: number | undefined;
  time: LocalTime;
  instrument: Instrument;
  history: readonly DailyClose[];
  strategy: StrategyState;
  strategyMtm: number;
  legPnl: (legId: string) => number;
  overrides: PricingOverrides;
};

function rank(series: number[], current: number): number | undefined {
  const lo = Math.min(...series, current);
  const hi = Math.max(...series, current);
  return hi > lo ? ((current - lo) / (hi - lo)) * 100 : 50;
}

/** Closes of past days within the lookback (today excluded: today's value is the current one). */
function past(history: readonly DailyClose[], today: string, lookbackDays: number): DailyClose[] {
  const before = history.filter((c) => c.day < today);
  return before.slice(Math.max(0, before.length - (lookbackDays - 1)));
}

export function annualisationDays(instrument: Instrument): number {
  return instrument.calendar === 'CRYPTO' ? 365 : 252;
}

export function historicalVol(closes: number[], days: number): number | undefined {
  if (closes.length < 3) return undefined;
  const r: number[] = [];
  for (let i = 1; i < closes.length; i++) r.push(Math.log(closes[i] / closes[i - 1]));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1);
  return Math.sqrt(v) * Math.sqrt(days) * 100;
}

/** Classifier of docs/dsl.md#regime: VIX rank extremes first, then HV against IV, else neutral. */
export function classifyRegime(
  vixRank: number | undefined,
  hv: number | undefined,
  atmIv: number | undefined,
): Regime | undefined {
  if (vixRank !== undefined && vixRank >= REGIME_THRESHOLDS.highVolVixRank) return 'high_vol';
  if (vixRank !== undefined && vixRank <= REGIME_THRESHOLDS.lowVolVixRank) return 'low_vol';
  if (hv === undefined || atmIv === undefined || atmIv <= 0)
    return vixRank === undefined ? undefined : 'neutral';
  const ratio = hv / atmIv;
  if (ratio >= REGIME_THRESHOLDS.ivExpansionHvIvRatio) return 'iv_expansion';
  if (ratio <= REGIME_THRESHOLDS.ivContractionHvIvRatio) return 'iv_contraction';
  return 'neutral';
}

export function nearestExpiry(snapshot: ChainSnapshot, day: string): string | undefined {
  return listedExpiries(snapshot, day)[0];
}

/** A resolver over one evaluation's inputs; values are computed once per evaluation. */
export function factResolver(inp: FactInputs, crossingKey: string): FactResolver {
  const cache = new Map<string, unknown>();
  const value = (name: string, params: Record<string, unknown> | undefined): unknown => {
    const key = `${name}|${params?.leg ?? ''}|${params?.lookbackDays ?? ''}`;
    if (cache.has(key)) return cache.get(key);
    const v = compute(inp, name, params, value);
    cache.set(key, v);
    return v;
  };
  return (name, params) => {
    if (params?.crossing === 1) {
      const rest = { ...params };
      delete rest.crossing;
      const current = value(name, Object.keys(rest).length ? rest : undefined) as
        number | undefined;
      const previous = inp.strategy.crossings[crossingMemoryKey(crossingKey, name, rest)];
      return { previous, current: typeof current === 'number' ? current : undefined };
    }
    return value(name, params);
  };
}

export function crossingMemoryKey(
  group: string,
  fact: string,
  params: Record<string, unknown> | undefined,
): string {
  return `${group}|${fact}|${params?.leg ?? ''}|${params?.lookbackDays ?? ''}`;
}

function compute(
  inp: FactInputs,
  name: string,
  params: Record<string, unknown> | undefined,
  value: (n: string, p?: Record<string, unknown>) => unknown,
): unknown {
  const { snapshot, time, instrument } = inp;
  const lookback = (def: number) =>
    typeof params?.lookbackDays === 'number' ? params.lookbackDays : def;
  switch (name) {
    case 'timeOfDay':
      return time.minute;
    case 'weekday':
      return time.weekday;
    case 'daysToExpiry': {
      const e = snapshot && nearestExpiry(snapshot, time.day);
      return e ? daysBetween(time.day, e) : undefined;
    }
    case 'spot':
      return inp.spot;
    case 'spotChangePct': {
      const open = inp.strategy.dayOpenSpot;
      return open && inp.spot !== undefined ? ((inp.spot - open) / open) * 100 : undefined;
    }
    case 'vix':
      return snapshot?.vix;
    case 'vixRank': {
      const vix = snapshot?.vix;
      if (vix === undefined) return undefined;
      const series = past(
        inp.history,
        time.day,
        lookback(REGIME_THRESHOLDS.vixRankLookbackDays),
      ).flatMap((c) => (c.vix === undefined ? [] : [c.vix]));
      return rank(series, vix);
    }
    case 'atmIv':
      return snapshot ? sessionAtmIv(snapshot, time.day, inp.overrides) : undefined;
    case 'ivRank': {
      const iv = value('atmIv') as number | undefined;
      if (iv === undefined) return undefined;
      const series = past(inp.history, time.day, lookback(252)).flatMap((c) =>
        c.atmIv === undefined ? [] : [c.atmIv],
      );
      return rank(series, iv);
    }
    case 'hv': {
      if (inp.spot === undefined) return undefined;
      const closes = [
        ...past(inp.history, time.day, lookback(REGIME_THRESHOLDS.hvLookbackDays)).map(
          (c) => c.spot,
        ),
        inp.spot,
      ];
      return historicalVol(closes, annualisationDays(instrument));
    }
    case 'regime': {
      // Without a VIX in the snapshots, IV rank stands in for VIX rank (docs/dsl.md#regime).
      const vr =
        (value('vixRank') as number | undefined) ?? (value('ivRank') as number | undefined);
      return classifyRegime(
        vr,
        value('hv') as number | undefined,
        value('atmIv') as number | undefined,
      );
    }
    case 'strategyMtm':
      return inp.strategyMtm;
    case 'legPnl':
      return typeof params?.leg === 'string' ? inp.legPnl(params.leg) : undefined;
    default:
      return undefined;
  }
}

/**
 * The DSL in a trader's words: "SELL ATM CE", "SL 30 %", "enters 09:20 IST Mon–Fri",
 * "VIX between 12 and 20 and time after 09:30". One place, so the builder's leg table, the
 * read-only template canvas, backtest reports and deployments label things the same way.
 * Every function tolerates a half-filled block (a draft on the canvas): a missing field reads
 * as "?", never as an exception.
 */
import { findInstrument } from '../market/instruments.ts';
import type { Basket } from './basket.ts';
import { DELTA_HEDGE_LEG_ID } from './delta-hedge.ts';
import {
  getFact,
  isFactCondition,
  type Condition,
  type FactCondition,
  type Rule,
} from './conditions.ts';
import type { Expiry, Leg } from './leg.ts';
import { WEEKDAYS, minutesOf } from './primitives.ts';
import type { ReEntry, StrategyReEntry } from './re-entry.ts';
import type { StopLoss } from './stop-loss.ts';
import type { Strategy } from './strategy.ts';
import type { StrikeSelector } from './strike.ts';
import type { TrailingStop } from './trailing-stop.ts';

// Drafts on the canvas are half-filled blocks: every field may be missing or of the wrong type.
type Loose<T> = { [K in keyof T]?: unknown } & Record<string, unknown>;

const q = (v: unknown) => (v === undefined || v === null || v === '' ? '?' : String(v));
/** Numbers as a trader writes them: no float noise, no trailing zeros. */
export function num(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return q(v);
  return String(Math.round(v * 1e6) / 1e6);
}

// ---- strike, expiry, leg ----------------------------------------------------------------

const ATM_FROM: Record<string, string> = {
  spot: '',
  futures: ' (futures)',
  syntheticFuture: ' (synthetic future)',
};

/** "ATM", "OTM 2", "Δ 0.20", "premium 40–60", "ATM + 0.5 × straddle" … */
export function describeStrike(s: Loose<StrikeSelector> | undefined): string {
  if (!s || typeof s.type !== 'string') return '?';
  const from = ATM_FROM[String(s.atmFrom ?? 'spot')] ?? '';
  switch (s.type) {
    case 'atm':
      return `ATM${from}`;
    case 'itm':
      return `ITM ${num(s.steps)}${from}`;
    case 'otm':
      return `OTM ${num(s.steps)}${from}`;
    case 'closestPremium':
      return `premium ≈ ${num(s.premium)}`;
    case 'premiumAtLeast':
      return `premium ≥ ${num(s.premium)}`;
    case 'premiumAtMost':
      return `premium ≤ ${num(s.premium)}`;
    case 'premiumRange':
      return `premium ${num(s.min)}–${num(s.max)}`;
    case 'straddleWidth': {
      const w = typeof s.width === 'number' ? s.width : NaN;
      return `ATM ${w < 0 ? '−' : '+'} ${num(Math.abs(w))} × straddle${from}`;
    }
    case 'pctOfAtm':
      return `${num(typeof s.factor === 'number' ? s.factor * 100 : s.factor)} % of ATM${from}`;
    case 'atmStraddlePremiumPct':
      return `premium ${num(s.pct)} % of ATM straddle${from}`;
    case 'closestDelta':
      return `Δ ${typeof s.delta === 'number' ? s.delta.toFixed(2) : '?'}`;
    case 'deltaRange':
      return `Δ ${typeof s.min === 'number' ? s.min.toFixed(2) : '?'}–${typeof s.max === 'number' ? s.max.toFixed(2) : '?'}`;
    case 'exact':
      return `strike ${num(s.strike)}`;
    default:
      return String(s.type);
  }
}

/** "this week", "next week", "week +3", "this month", "next month". */
export function describeExpiry(e: Loose<Expiry> | undefined): string {
  if (!e || (e.kind !== 'weekly' && e.kind !== 'monthly')) return '?';
  const unit = e.kind === 'weekly' ? 'week' : 'month';
  const offset = typeof e.offset === 'number' ? e.offset : 0;
  if (offset === 0) return `this ${unit}`;
  if (offset === 1) return `next ${unit}`;
  return `${unit} +${offset}`;
}

/** What the leg is, in three words: "SELL ATM CE", "BUY OTM 2 PE", "SELL FUT". */
export function describeLeg(
  leg: Pick<Loose<Leg>, 'side' | 'instrument' | 'right' | 'strike'> & Record<string, unknown>,
): string {
  const side = q(leg.side);
  if (leg.instrument === 'future') return `${side} FUT`;
  return `${side} ${describeStrike(leg.strike as Loose<StrikeSelector> | undefined)} ${q(leg.right)}`;
}

const LEVEL_UNIT: Record<string, (v: string) => string> = {
  points: (v) => `${v} pts`,
  pct: (v) => `${v} %`,
  underlyingPoints: (v) => `${v} pts of the underlying`,
  underlyingPct: (v) => `${v} % move of the underlying`,
  premium: (v) => `at premium ${v}`,
};

/** A leg's stop-loss or target level: "30 %", "25 pts", "150 pts of the underlying", "at premium 80". */
export function describeLevel(l: Loose<StopLoss> | undefined): string {
  if (!l) return '—';
  const f = LEVEL_UNIT[String(l.type)];
  return f ? f(num(l.value)) : `${num(l.value)} ${q(l.type)}`;
}

/** "every 10 % move the stop 5 %". */
export function describeTrailingStop(t: Loose<TrailingStop> | undefined): string {
  if (!t) return '—';
  const u = t.unit === 'pct' ? ' %' : ' pts';
  return `every ${num(t.every)}${u} move the stop ${num(t.by)}${u}`;
}

const REENTRY_WORDS: Record<string, string> = {
  asap: 're-enter at once',
  asapReverse: 're-enter reversed at once',
  momentum: 're-enter on momentum',
  cost: 're-enter at cost',
};

/** "re-enter at once ×2", "opens leg ce-far". */
export function describeReEntry(r: Loose<ReEntry> | Loose<StrategyReEntry> | undefined): string {
  if (!r) return '—';
  if (r.type === 'lazy') return `opens leg ${q((r as Loose<ReEntry>).leg)}`;
  const words = REENTRY_WORDS[String(r.type)] ?? String(r.type);
  return `${words} ×${num((r as { count?: number }).count)}`;
}

/** Everything a leg does in one line: "SELL 1 lot ATM CE, this week · SL 30 % · target 50 %". */
export function describeLegInFull(leg: Loose<Leg>): string {
  const lots = typeof leg.lots === 'number' ? leg.lots : undefined;
  const parts = [
    `${describeLeg(leg)}, ${lots === undefined ? '?' : lots} lot${lots === 1 ? '' : 's'}, ${describeExpiry(leg.expiry as Loose<Expiry>)}`,
  ];
  if (leg.lazy) parts.push('lazy (opened by another leg)');
  if (leg.hedge) parts.push('hedge');
  if (leg.stopLoss) parts.push(`SL ${describeLevel(leg.stopLoss as Loose<StopLoss>)}`);
  if (leg.target) parts.push(`target ${describeLevel(leg.target as Loose<StopLoss>)}`);
  if (leg.trailingStop)
    parts.push(`trail: ${describeTrailingStop(leg.trailingStop as Loose<TrailingStop>)}`);
  if (leg.reEntryOnStopLoss)
    parts.push(`after SL: ${describeReEntry(leg.reEntryOnStopLoss as Loose<ReEntry>)}`);
  if (leg.reEntryOnTarget)
    parts.push(`after target: ${describeReEntry(leg.reEntryOnTarget as Loose<ReEntry>)}`);
  return parts.join(' · ');
}

// ---- strategy-level blocks -----------------------------------------------------------------

/** "waits for the underlying to move 0.3 % up", "waits for the premium to move 10 pts down". */
export function describeMomentum(m: Record<string, unknown> | undefined): string {
  if (!m) return '—';
  const t = String(m.type);
  const what = t.startsWith('underlying') ? 'the underlying' : 'the premium';
  const unit = t.endsWith('ct') ? ' %' : ' pts';
  return `waits for ${what} to move ${num(m.value)}${unit} ${q(m.direction)}`;
}

/** An overall stop-loss or target: "40 % of premium", "4000 MTM". */
export function describeOverallLevel(l: Record<string, unknown> | undefined): string {
  if (!l) return '—';
  return l.type === 'premiumPct' ? `${num(l.value)} % of premium` : `${num(l.value)} MTM`;
}

/** "fixed × 2", "1 % risk per trade", "50 % of capital, 150000 a set", "0.5 Kelly". */
export function describeSizing(z: Record<string, unknown> | undefined): string {
  if (!z) return 'fixed × 1';
  switch (z.method) {
    case 'fixed':
      return `fixed × ${num(z.multiplier)}`;
    case 'capitalPct':
      return `${num(z.pct)} % of capital, ${num(z.capitalPerSet)} a set`;
    case 'riskPerTrade':
      return z.riskPct !== undefined
        ? `risk ${num(z.riskPct)} % of capital per trade`
        : `risk ${num(z.riskAmount)} per trade`;
    case 'kelly':
      return `${num(z.fraction)} Kelly (win ${num(typeof z.winRate === 'number' ? z.winRate * 100 : z.winRate)} %, payoff ${num(z.payoff)})`;
    default:
      return q(z.method);
  }
}

/** The delta hedge in three parts: what it holds, when it trades, and its limits. */
export function deltaHedgeParts(h: Record<string, unknown>): {
  what: string;
  when: string[];
  limits: string[];
} {
  const when: string[] = [];
  if (h.band !== undefined) when.push(`outside ± ${num(h.band)}`);
  if (h.intervalMinutes !== undefined) when.push(`every ${num(h.intervalMinutes)} min`);
  const limits: string[] = [];
  const min = typeof h.minTradeLots === 'number' ? h.minTradeLots : 1;
  if (min > 1) limits.push(`${num(min)}+ lots a trade`);
  if (h.maxLots !== undefined) limits.push(`max ${num(h.maxLots)} lots`);
  if (h.costLimitPct !== undefined)
    limits.push(`skip when cost > ${num(h.costLimitPct)} % of the risk removed`);
  const expiry = describeExpiry((h.expiry as Loose<Expiry> | undefined) ?? { kind: 'monthly' });
  const target = typeof h.targetDelta === 'number' ? h.targetDelta : 0;
  return { what: `delta hedge to ${num(target)} with ${expiry}'s futures`, when, limits };
}

/**
 * "delta hedge to 0 with this month's futures: outside ± 50 · every 15 min · max 10 lots ·
 * skip when cost > 5 % of the risk removed".
 */
export function describeDeltaHedge(h: Record<string, unknown> | undefined): string {
  if (!h) return '—';
  const p = deltaHedgeParts(h);
  return [`${p.what}${p.when.length ? `: ${p.when.join(' · ')}` : ''}`, ...p.limits].join(' · ');
}

/** One line for any strategy- or basket-level block, for canvases and summaries. */
export function describeBlock(type: string, d: Record<string, unknown>): string | null {
  switch (type) {
    case 'momentum':
      return describeMomentum(d);
    case 'strategyStopLoss':
      return `Overall SL ${describeOverallLevel(d)}`;
    case 'strategyTarget':
      return `Overall target ${describeOverallLevel(d)}`;
    case 'strategyTrailingStop':
      return `every ${num(d.every)} in favour move the overall SL ${num(d.by)}`;
    case 'lock':
      return `at ${num(d.reachProfit)} profit lock ${num(d.lockProfit)}`;
    case 'lockAndTrail':
      return `at ${num(d.reachProfit)} lock ${num(d.lockProfit)}, +${num(d.trailBy)} per ${num(d.everyIncrease)}`;
    case 'trailToBreakEven':
      return d.scope === 'slLegs'
        ? 'stops to cost on legs with a stop'
        : 'stops to cost on all legs';
    case 'rangeBreakout':
      return `break of the ${q(d.start)}–${q(d.end)} ${q(d.side)} of the ${d.on === 'strike' ? 'premium' : 'underlying'}`;
    case 'sizing':
      return describeSizing(d);
    case 'deltaHedge':
      return describeDeltaHedge(d);
    case 'execution': {
      const cost = (d.costModel as { type?: string } | undefined)?.type ?? 'none';
      const slip = d.slippage as { type?: string; value?: number } | undefined;
      return `${d.trigger === 'candleClose' ? `${num(d.candleMinutes)}-min candle close` : 'LTP'} triggers · costs ${cost}${slip && slip.value ? ` · slippage ${num(slip.value)}${slip.type === 'pct' ? ' %' : ' pts'}` : ''}`;
    }
    case 'basket':
      return `Capital ${typeof d.capital === 'number' ? d.capital.toLocaleString('en-US') : q(d.capital)}`;
    default:
      return null;
  }
}

// ---- strategy schedule ---------------------------------------------------------------------

const DAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ["MON","TUE","WED","THU","FRI"] -> "Mon–Fri"; ["MON","WED"] -> "Mon, Wed". */
export function describeWeekdays(days: readonly string[] | undefined): string {
  const idx = [...new Set((days ?? []).map((d) => WEEKDAYS.indexOf(d as never)))]
    .filter((i) => i >= 0)
    .sort((a, b) => a - b);
  if (idx.length === 0) return 'no day';
  if (idx.length === 7) return 'every day';
  const runs: string[] = [];
  let start = idx[0];
  let prev = idx[0];
  for (const i of [...idx.slice(1), -1]) {
    if (i === prev + 1) {
      prev = i;
      continue;
    }
    runs.push(
      prev - start >= 2
        ? `${DAY[start]}–${DAY[prev]}`
        : prev === start
          ? DAY[start]
          : `${DAY[start]}, ${DAY[prev]}`,
    );
    start = prev = i;
  }
  return runs.join(', ');
}

const ZONE: Record<string, string> = {
  'Asia/Kolkata': 'IST',
  'America/New_York': 'ET',
  UTC: 'UTC',
};

/** The exchange time zone's short name for an underlying ("IST", "ET", "UTC"), or "". */
export function timeZoneLabel(underlying: string | undefined): string {
  const i = underlying ? findInstrument(underlying) : undefined;
  return i ? (ZONE[i.timezone] ?? i.timezone) : '';
}

/** "NIFTY · enters 09:20 IST Mon–Fri · exits 15:15 IST". */
export function describeSchedule(s: Loose<Strategy>): string {
  const tz = timeZoneLabel(s.underlying as string | undefined);
  const at = (t: unknown) => `${q(t)}${tz ? ` ${tz}` : ''}`;
  const entry = s.entry as { time?: string; weekdays?: string[] } | undefined;
  const exit = s.exit as { time?: string } | undefined;
  const days = describeWeekdays(entry?.weekdays ?? ['MON', 'TUE', 'WED', 'THU', 'FRI']);
  return `${q(s.underlying)} · enters ${at(entry?.time)} ${days} · exits ${at(exit?.time)}`;
}

/** The strategy-level rules that apply besides its legs, one short phrase each. */
export function describeStrategyRules(s: Loose<Strategy>): string[] {
  const out: string[] = [];
  const dte = s.daysToExpiry as { min?: number; max?: number } | undefined;
  if (dte) {
    if (dte.min !== undefined && dte.max !== undefined)
      out.push(`only ${num(dte.min)}–${num(dte.max)} days to expiry`);
    else if (dte.min !== undefined) out.push(`only ≥ ${num(dte.min)} days to expiry`);
    else if (dte.max !== undefined) out.push(`only ≤ ${num(dte.max)} days to expiry`);
  }
  if (s.stopLoss)
    out.push(`overall stop-loss ${describeOverallLevel(s.stopLoss as Record<string, unknown>)}`);
  if (s.target)
    out.push(`overall target ${describeOverallLevel(s.target as Record<string, unknown>)}`);
  for (const k of [
    'trailingStop',
    'lock',
    'lockAndTrail',
    'trailToBreakEven',
    'rangeBreakout',
  ] as const)
    if (s[k])
      out.push(
        describeBlock(
          k === 'trailingStop' ? 'strategyTrailingStop' : k,
          s[k] as Record<string, unknown>,
        )!,
      );
  if (s.sizing && (s.sizing as { method?: string }).method !== 'fixed')
    out.push(describeSizing(s.sizing as Record<string, unknown>));
  if (s.momentum) out.push(describeMomentum(s.momentum as Record<string, unknown>));
  const c = s.conditions as { filters?: Rule[]; entry?: Rule[]; exit?: Rule[] } | undefined;
  if (c) {
    for (const [group, word] of [
      ['filters', 'trades only if'],
      ['entry', 'enters when'],
      ['exit', 'exits when'],
    ] as const)
      for (const r of c[group] ?? []) out.push(`${word} ${describeRule(r)}`);
  }
  if (s.squareOff === 'complete') out.push('one leg out, all legs out');
  if (s.deltaHedge) out.push(describeDeltaHedge(s.deltaHedge as Record<string, unknown>));
  return out;
}

// ---- conditions ----------------------------------------------------------------------------

/** The words the conditions editor and the descriptions use for each documented fact. */
export const FACT_LABELS: Record<string, string> = {
  timeOfDay: 'time',
  weekday: 'weekday',
  daysToExpiry: 'days to expiry',
  spot: 'spot',
  spotChangePct: 'spot move %',
  vix: 'VIX',
  vixRank: 'VIX rank',
  atmIv: 'ATM IV %',
  ivRank: 'IV rank',
  hv: 'HV %',
  regime: 'regime',
  strategyMtm: 'strategy MTM',
  legPnl: 'leg P&L',
};

/** Operator words; times read "after"/"before", numbers "above"/"below". */
export function operatorLabel(operator: string, factKind?: string): string {
  const time = factKind === 'time';
  switch (operator) {
    case 'equal':
      return time ? 'at' : 'is';
    case 'notEqual':
      return time ? 'not at' : 'is not';
    case 'lessThan':
      return time ? 'before' : 'below';
    case 'lessThanInclusive':
      return time ? 'at or before' : 'at most';
    case 'greaterThan':
      return time ? 'after' : 'above';
    case 'greaterThanInclusive':
      return time ? 'at or after' : 'at least';
    case 'in':
      return 'is one of';
    case 'notIn':
      return 'is not one of';
    case 'between':
      return 'between';
    case 'notBetween':
      return 'outside';
    case 'crossesAbove':
      return 'crosses above';
    case 'crossesBelow':
      return 'crosses below';
    default:
      return operator;
  }
}

function factLabel(fact: string, params?: Record<string, string | number>): string {
  const base = FACT_LABELS[fact] ?? fact;
  if (fact === 'legPnl') return `P&L of leg ${q(params?.leg)}`;
  if (params?.lookbackDays !== undefined) return `${base} (${num(params.lookbackDays)} d)`;
  return base;
}

function valueWords(fact: string, v: unknown): string {
  const kind = getFact(fact)?.kind;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v) {
    const ref = v as { fact: string; params?: Record<string, string | number> };
    return factLabel(ref.fact, ref.params);
  }
  if (kind === 'time' && typeof v === 'number' && Number.isInteger(v))
    return `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`;
  if (kind === 'weekday' && typeof v === 'string') return DAY[WEEKDAYS.indexOf(v as never)] ?? v;
  if (typeof v === 'number') return num(v);
  return q(v);
}

/** One fact condition: "VIX between 12 and 20", "time after 09:30". */
export function describeFactCondition(c: Partial<FactCondition>): string {
  const fact = String(c.fact ?? '?');
  const kind = getFact(fact)?.kind;
  const op = String(c.operator ?? '?');
  const subject = factLabel(fact, c.params);
  const v = c.value;
  if ((op === 'between' || op === 'notBetween') && Array.isArray(v))
    return `${subject} ${operatorLabel(op, kind)} ${valueWords(fact, v[0])} and ${valueWords(fact, v[1])}`;
  if (Array.isArray(v))
    return `${subject} ${operatorLabel(op, kind)} ${v.map((x) => valueWords(fact, x)).join(', ')}`;
  return `${subject} ${operatorLabel(op, kind)} ${valueWords(fact, v)}`;
}

/** A condition tree in words: groups join with "and"/"or"; nested groups get parentheses. */
export function describeCondition(c: Condition | undefined, nested = false): string {
  if (!c || typeof c !== 'object') return '?';
  if (isFactCondition(c)) return describeFactCondition(c);
  const wrap = (s: string) => (nested ? `(${s})` : s);
  if ('all' in c && Array.isArray(c.all))
    return c.all.length === 1
      ? describeCondition(c.all[0], nested)
      : wrap(c.all.map((x) => describeCondition(x, true)).join(' and '));
  if ('any' in c && Array.isArray(c.any))
    return c.any.length === 1
      ? describeCondition(c.any[0], nested)
      : wrap(c.any.map((x) => describeCondition(x, true)).join(' or '));
  if ('not' in c) return `not (${describeCondition(c.not)})`;
  return '?';
}

export function describeRule(r: Partial<Rule>): string {
  return describeCondition(r.conditions as Condition | undefined);
}

// ---- whole documents -----------------------------------------------------------------------

/** Labels of every leg of a basket, keyed "strategyId/legId", for reports that carry ids only. */
export function legLabels(basket: Pick<Basket, 'strategies'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of basket.strategies)
    for (const l of s.legs) out.set(`${s.id}/${l.id}`, describeLeg(l));
  return out;
}

/**
 * What a traded leg was, from the report's own side and right (a reversed re-entry trades the
 * other side) and the DSL's strike rule: "SELL ATM CE". Falls back to the leg id.
 */
export function describeTradedLeg(
  basket: Pick<Basket, 'strategies'> | null | undefined,
  t: { strategyId?: string; legId: string; side: string; right: string | null },
): string {
  if (t.legId === DELTA_HEDGE_LEG_ID) return `Delta hedge ${t.side} FUT`;
  const strategy = basket?.strategies.find((s) => s.id === t.strategyId) ?? basket?.strategies[0];
  const leg = strategy?.legs.find((l) => l.id === t.legId);
  if (!leg) return `${t.side} ${t.right ?? 'FUT'} (${t.legId})`;
  // The traded side, not the leg's: a short leg's exit is a BUY.
  return describeLeg({ ...leg, side: t.side as Leg['side'] });
}

/** "09:30" or minutes since midnight as "HH:MM". */
export function hhmm(v: number | string): string {
  const m = typeof v === 'string' ? minutesOf(v) : v;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export type Market = {
  /** The market in words: "India index options", "US options", "Deribit options". */
  label: string;
  /** The named cost model (execution.costModel.type) a broker of this market charges by. */
  costModel: 'india-index-options' | 'us-options' | 'deribit-options';
  currency: string;
};

/** Which market an underlying trades in, so a new strategy is costed the way its broker charges. */
export function marketOf(underlying: string | undefined): Market | undefined {
  const i = underlying ? findInstrument(underlying) : undefined;
  if (!i) return undefined;
  switch (i.exchange) {
    case 'NSE':
    case 'BSE':
      return {
        label: 'India index options',
        costModel: 'india-index-options',
        currency: i.currency,
      };
    case 'CBOE':
      return { label: 'US options', costModel: 'us-options', currency: i.currency };
    case 'DERIBIT':
      return { label: 'Deribit options', costModel: 'deribit-options', currency: i.currency };
  }
}

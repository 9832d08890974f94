/** A strategy: one underlying, a schedule, legs and the strategy-level blocks (docs/dsl.md#strategy). */
import { z } from 'zod';
import { findInstrument } from '../market/instruments.ts';
import { ConditionsSchema, legIdsReferenced } from './conditions.ts';
import { DELTA_HEDGE_LEG_ID, DeltaHedgeSchema, type DeltaHedge } from './delta-hedge.ts';
import { ExpirySchema, LegSchema, type Leg } from './leg.ts';
import { MomentumSchema } from './momentum.ts';
import { Id, Name, Time, Weekday, minutesOf, typeVersion } from './primitives.ts';
import { RangeBreakoutSchema } from './range-breakout.ts';
import { StrategyReEntrySchema } from './re-entry.ts';
import { SizingSchema } from './sizing.ts';
import { PREMIUM_LEVEL_TYPES } from './stop-loss.ts';
import {
  LockAndTrailSchema,
  LockSchema,
  StrategyStopLossSchema,
  StrategyTargetSchema,
  StrategyTrailingStopSchema,
  TrailToBreakEvenSchema,
} from './strategy-risk.ts';
import { UNDERLYING_SYMBOLS } from './underlyings.ts';

export const Underlying = z.enum(UNDERLYING_SYMBOLS as [string, ...string[]], {
  message: `unknown underlying; use one of ${UNDERLYING_SYMBOLS.join(', ')}`,
});

export const EntrySchema = z.strictObject({
  time: Time,
  weekdays: z
    .array(Weekday)
    .min(1, { message: 'pick at least one weekday' })
    .default(['MON', 'TUE', 'WED', 'THU', 'FRI'])
    .refine((d) => new Set(d).size === d.length, { message: 'weekdays must not repeat' }),
});

export const DaysToExpirySchema = z
  .strictObject({
    min: z.int().min(0).max(400).optional(),
    max: z.int().min(0).max(400).optional(),
    expiry: ExpirySchema.default({ kind: 'weekly', offset: 0 }),
  })
  .refine((d) => d.min !== undefined || d.max !== undefined, { message: 'give min, max or both' })
  .refine((d) => d.min === undefined || d.max === undefined || d.min <= d.max, {
    path: ['max'],
    message: 'max must be >= min',
  });

export const ExitSchema = z.strictObject({ time: Time });

/**
 * Positional mode (AlgoTest's): the position is held across sessions, entered `entryDaysBefore`
 * trading days before the reference expiry at `entry.time` and exited `exitDaysBefore` trading
 * days before it (0: on expiry day) at `exit.time`. Without it a strategy is intraday.
 */
export const PositionalSchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    expiry: ExpirySchema.default({ kind: 'weekly', offset: 0 }),
    entryDaysBefore: z.int().min(1).max(60),
    exitDaysBefore: z.int().min(0).max(59).default(0),
  })
  .refine((p) => p.exitDaysBefore < p.entryDaysBefore, {
    path: ['exitDaysBefore'],
    message: 'exit must come after entry: exitDaysBefore must be smaller than entryDaysBefore',
  });

export const SquareOff = z.enum(['partial', 'complete']);

export const StrategySchema = z
  .strictObject({
    typeVersion: typeVersion(1),
    id: Id,
    name: Name,
    underlying: Underlying,
    entry: EntrySchema,
    exit: ExitSchema,
    daysToExpiry: DaysToExpirySchema.optional(),
    positional: PositionalSchema.optional(),
    legs: z.array(LegSchema).min(1, { message: 'a strategy needs at least one leg' }).max(100),
    stopLoss: StrategyStopLossSchema.optional(),
    target: StrategyTargetSchema.optional(),
    lock: LockSchema.optional(),
    lockAndTrail: LockAndTrailSchema.optional(),
    trailingStop: StrategyTrailingStopSchema.optional(),
    trailToBreakEven: TrailToBreakEvenSchema.optional(),
    squareOff: SquareOff.default('partial'),
    momentum: MomentumSchema.optional(),
    rangeBreakout: RangeBreakoutSchema.optional(),
    conditions: ConditionsSchema.optional(),
    sizing: SizingSchema.default({ typeVersion: 1, method: 'fixed', multiplier: 1 }),
    reEntryOnStopLoss: StrategyReEntrySchema.optional(),
    reEntryOnTarget: StrategyReEntrySchema.optional(),
    noReEntryAfter: Time.optional(),
    stopMonitoringAfter: Time.optional(),
    deltaHedge: DeltaHedgeSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const entry = minutesOf(s.entry.time);
    const exit = minutesOf(s.exit.time);
    if (exit <= entry && !s.positional)
      issue(
        ['exit', 'time'],
        'exit time must be after entry time (an intraday strategy squares off the same day; add a positional block to hold across sessions)',
      );
    for (const key of ['noReEntryAfter', 'stopMonitoringAfter'] as const) {
      const t = s[key];
      if (t !== undefined && (minutesOf(t) <= entry || minutesOf(t) > exit))
        issue([key], `${key} must be after entry time and no later than exit time`);
    }
    if (s.rangeBreakout) {
      if (minutesOf(s.rangeBreakout.start) < entry)
        issue(['rangeBreakout', 'start'], 'range start must be at or after entry time');
      if (minutesOf(s.rangeBreakout.end) >= exit)
        issue(['rangeBreakout', 'end'], 'range end must be before exit time');
      if (s.momentum)
        issue(['rangeBreakout'], 'use either overall momentum or range breakout, not both');
    }
    const protections = (['lock', 'lockAndTrail', 'trailingStop'] as const).filter((k) => s[k]);
    if (protections.length > 1)
      issue(
        [protections[1]],
        `use one of lock, lockAndTrail, trailingStop (found ${protections.join(' and ')})`,
      );
    if (s.trailingStop && !s.stopLoss)
      issue(
        ['trailingStop'],
        'an overall trailing stop moves the overall stopLoss; add a stopLoss',
      );
    if (s.reEntryOnStopLoss && !s.stopLoss)
      issue(['reEntryOnStopLoss'], 're-entry on overall stop-loss needs an overall stopLoss');
    if (s.reEntryOnTarget && !s.target)
      issue(['reEntryOnTarget'], 're-entry on overall target needs an overall target');
    for (const key of ['reEntryOnStopLoss', 'reEntryOnTarget'] as const) {
      if (s[key]?.type === 'momentum' && !s.momentum)
        issue(
          [key],
          'momentum re-entry waits for the overall momentum; add a momentum block to the strategy',
        );
    }

    checkLegs(s.legs, issue);
    if (s.deltaHedge) checkDeltaHedge(s.underlying, s.deltaHedge, s.legs, issue);
    if (s.squareOff === 'complete') {
      s.legs.forEach((leg, i) => {
        for (const key of ['reEntryOnStopLoss', 'reEntryOnTarget'] as const) {
          if (leg[key])
            issue(
              ['legs', i, key],
              'squareOff "complete" closes the whole strategy when a leg exits, so leg re-entries and lazy links never run; use squareOff "partial" or remove this',
            );
        }
      });
    }

    if (s.sizing.method === 'riskPerTrade') {
      s.legs.forEach((leg, i) => {
        if (!leg.lazy && !(leg.stopLoss && PREMIUM_LEVEL_TYPES.includes(leg.stopLoss.type))) {
          issue(
            ['legs', i, 'stopLoss'],
            'risk-per-trade sizing needs every leg to have a stop-loss of type points, pct or premium',
          );
        }
      });
    }

    const legIds = new Set(s.legs.map((l) => l.id));
    if (s.conditions) {
      for (const group of ['filters', 'entry', 'exit'] as const) {
        s.conditions[group].forEach((rule, i) => {
          for (const id of legIdsReferenced(rule)) {
            if (!legIds.has(id))
              issue(
                ['conditions', group, i, 'conditions'],
                `legPnl names leg "${id}", which is not a leg of this strategy`,
              );
          }
        });
      }
    }
  });
export type Strategy = z.infer<typeof StrategySchema>;

type Issue = (path: (string | number)[], message: string) => void;

/**
 * The hedge trades futures of the underlying, so the underlying must have futures of that expiry
 * kind, its band must be reachable in whole lots, and its position's id must be free.
 */
function checkDeltaHedge(underlying: string, h: DeltaHedge, legs: Leg[], issue: Issue) {
  const instrument = findInstrument(underlying);
  if (!instrument) return; // the underlying's own error says so
  if (instrument.futureExpiries.length === 0) {
    issue(
      ['deltaHedge'],
      `${underlying} has no futures to hedge with: ${instrument.name} options trade on ${instrument.exchange}, where Strikeflow reaches no future of it, and orders are options or futures only (the underlying itself cannot be bought or sold); remove the delta hedge, or hedge with a FUT leg on an underlying that has futures (${futuresUnderlyings().join(', ')})`,
    );
    return;
  }
  if (!instrument.futureExpiries.includes(h.expiry.kind))
    issue(
      ['deltaHedge', 'expiry', 'kind'],
      `${instrument.exchange} lists ${underlying} futures for ${instrument.futureExpiries.join(' and ')} expiries only; use expiry kind "${instrument.futureExpiries[instrument.futureExpiries.length - 1]}"`,
    );
  const half = instrument.lotSize / 2;
  if (h.band !== undefined && h.band < half)
    issue(
      ['deltaHedge', 'band'],
      `band ${h.band} is narrower than half a ${underlying} futures lot (${half} units of ${instrument.lotSize}): whole-lot hedges cannot bring delta inside it; use a band of at least ${half}`,
    );
  legs.forEach((leg, i) => {
    if (leg.id === DELTA_HEDGE_LEG_ID)
      issue(
        ['legs', i, 'id'],
        `leg id "${DELTA_HEDGE_LEG_ID}" is the delta hedge's own position; rename this leg`,
      );
  });
}

function futuresUnderlyings(): string[] {
  return UNDERLYING_SYMBOLS.filter((u) => (findInstrument(u)?.futureExpiries.length ?? 0) > 0);
}

/** Leg ids are unique, lazy links point at lazy legs of this strategy, and lazy chains have no cycle. */
function checkLegs(legs: Leg[], issue: Issue) {
  const index = new Map<string, number>();
  legs.forEach((leg, i) => {
    if (index.has(leg.id))
      issue(['legs', i, 'id'], `leg id "${leg.id}" is used twice in this strategy`);
    else index.set(leg.id, i);
  });
  if (legs.length > 0 && legs.every((l) => l.lazy))
    issue(['legs'], 'every leg is lazy, so nothing is ever opened; make at least one leg not lazy');
  const opened = new Set<string>();
  legs.forEach((leg, i) => {
    for (const key of ['reEntryOnStopLoss', 'reEntryOnTarget'] as const) {
      const r = leg[key];
      if (r?.type !== 'lazy') continue;
      const j = index.get(r.leg);
      if (j === undefined)
        issue(['legs', i, key, 'leg'], `lazy leg "${r.leg}" is not a leg of this strategy`);
      else if (!legs[j].lazy)
        issue(
          ['legs', i, key, 'leg'],
          `leg "${r.leg}" is opened at entry; mark it "lazy": true to open it from this link`,
        );
      else opened.add(r.leg);
    }
  });
  legs.forEach((leg, i) => {
    if (leg.lazy && !opened.has(leg.id))
      issue(
        ['legs', i, 'lazy'],
        `lazy leg "${leg.id}" is never opened; link it from another leg's reEntryOnStopLoss or reEntryOnTarget`,
      );
  });
  const cycle = findLazyCycle(legs);
  if (cycle)
    issue(
      ['legs', index.get(cycle[0]) ?? 0, 'id'],
      `lazy legs form a cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    );
}

/** The first cycle of lazy links (leg ids in order), or null. Exposed for the graph compiler. */
export function findLazyCycle(
  legs: Pick<Leg, 'id' | 'reEntryOnStopLoss' | 'reEntryOnTarget'>[],
): string[] | null {
  const next = new Map<string, string[]>();
  for (const leg of legs) {
    const out: string[] = [];
    for (const r of [leg.reEntryOnStopLoss, leg.reEntryOnTarget])
      if (r?.type === 'lazy') out.push(r.leg);
    next.set(leg.id, out);
  }
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 1);
    stack.push(id);
    for (const n of next.get(id) ?? []) {
      if (!next.has(n)) continue;
      if (state.get(n) === 1) return stack.slice(stack.indexOf(n));
      if (!state.has(n)) {
        const c = visit(n);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(id, 2);
    return null;
  };
  for (const leg of legs) {
    if (!state.has(leg.id)) {
      const c = visit(leg.id);
      if (c) return c;
    }
  }
  return null;
}

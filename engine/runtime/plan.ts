/**
 * The basket prepared once per runtime: instruments looked up, times in minutes, and one
 * condition evaluator per rule group built and reused (never rebuilt per step).
 */
import type { Basket } from '../dsl/basket.ts';
import { toEngineRule, type Rule } from '../dsl/conditions.ts';
import type { Leg } from '../dsl/leg.ts';
import { minutesOf } from '../dsl/primitives.ts';
import type { Strategy } from '../dsl/strategy.ts';
import { getInstrument, type Instrument } from '../market/instruments.ts';
import { compiledEvaluator } from '../rules/compiled.ts';
import { crossingLeaves, normalizeCondition, topCondition } from '../rules/normalize.ts';
import { referenceEvaluator } from '../rules/reference.ts';
import type { Evaluator, Leaf } from '../rules/types.ts';
import type { RiskLimits } from './risk.ts';
import type { RuntimeSettings } from './types.ts';

export type RuleGroup = {
  name: 'filters' | 'entry' | 'exit';
  rules: Rule[];
  evaluator: Evaluator;
  /** Crossing leaves whose facts the runtime remembers after each evaluation. */
  crossings: Leaf[];
};

export type StrategyPlan = {
  dsl: Strategy;
  id: string;
  instrument: Instrument;
  entryMinute: number;
  exitMinute: number;
  noReEntryAfter: number | null;
  stopMonitoringAfter: number | null;
  legs: Map<string, Leg>;
  groups: { filters: RuleGroup | null; entry: RuleGroup | null; exit: RuleGroup | null };
  /** Whether daily closes need the ATM IV (IV rank, regime facts or regime sizing read it). */
  needsIv: boolean;
  /** Positional mode: held across sessions (null: intraday). */
  positional: Strategy['positional'] | null;
};

export type BasketPlan = {
  dsl: Basket;
  strategies: StrategyPlan[];
  settings: Required<Pick<RuntimeSettings, 'staleAfterMs' | 'evaluator' | 'orderTimeoutMs'>> &
    RuntimeSettings;
  /** The deployment's risk limits (the gate reads them; exchange rules apply regardless). */
  risk: RiskLimits;
};

function group(
  name: RuleGroup['name'],
  rules: Rule[] | undefined,
  strategyId: string,
  evaluator: 'compiled' | 'json-rules-engine',
): RuleGroup | null {
  if (!rules || rules.length === 0) return null;
  const set = Object.fromEntries(
    rules.map((r, i) => [
      `${strategyId}.${name}[${i}]${r.name ? ` ${r.name}` : ''}`,
      toEngineRule(r),
    ]),
  );
  const crossings: Leaf[] = [];
  for (const [key, r] of Object.entries(set))
    crossingLeaves(normalizeCondition(topCondition(r, key), key), crossings);
  return {
    name,
    rules,
    evaluator: evaluator === 'compiled' ? compiledEvaluator(set) : referenceEvaluator(set),
    crossings,
  };
}

const IV_FACTS = new Set(['atmIv', 'ivRank', 'regime']);

export function planBasket(
  basket: Basket,
  settings: RuntimeSettings = {},
  risk: RiskLimits = {},
): BasketPlan {
  const evaluator = settings.evaluator ?? 'compiled';
  return {
    dsl: basket,
    risk,
    settings: {
      ...settings,
      staleAfterMs: settings.staleAfterMs ?? 120_000,
      orderTimeoutMs: settings.orderTimeoutMs ?? 60_000,
      evaluator,
    },
    strategies: basket.strategies.map((s) =>
      withIvNeed({
        dsl: s,
        id: s.id,
        instrument: getInstrument(s.underlying),
        entryMinute: minutesOf(s.entry.time),
        exitMinute: minutesOf(s.exit.time),
        noReEntryAfter: s.noReEntryAfter ? minutesOf(s.noReEntryAfter) : null,
        stopMonitoringAfter: s.stopMonitoringAfter ? minutesOf(s.stopMonitoringAfter) : null,
        legs: new Map(s.legs.map((l) => [l.id, l])),
        positional: s.positional ?? null,
        groups: {
          filters: group('filters', s.conditions?.filters, s.id, evaluator),
          entry: group('entry', s.conditions?.entry, s.id, evaluator),
          exit: group('exit', s.conditions?.exit, s.id, evaluator),
        },
      }),
    ),
  };
}

function withIvNeed(p: Omit<StrategyPlan, 'needsIv'>): StrategyPlan {
  const groups = [p.groups.filters, p.groups.entry, p.groups.exit].filter(
    (g): g is RuleGroup => g !== null,
  );
  const needsIv =
    p.dsl.sizing.regimeMultipliers !== undefined ||
    groups.some((g) => g.evaluator.facts.some((f) => IV_FACTS.has(f)));
  return { ...p, needsIv };
}

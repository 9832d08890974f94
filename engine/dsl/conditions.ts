/**
 * The condition language: json-rules-engine rule JSON restricted to the facts and operators
 * Strikeflow documents (docs/dsl.md#conditions). FACTS and OPERATORS are data so the runtime
 * registers exactly these, and validation rejects anything else before it reaches the engine.
 */
import { z } from 'zod';
import { Id, TIME_RE, WEEKDAYS, minutesOf, typeVersion } from './primitives.ts';

export const REGIMES = [
  'low_vol',
  'high_vol',
  'iv_expansion',
  'iv_contraction',
  'neutral',
] as const;
export type Regime = (typeof REGIMES)[number];

/** Thresholds of the regime classifier (docs/dsl.md#regime); fixed in DSL v1. */
export const REGIME_THRESHOLDS = {
  highVolVixRank: 80,
  lowVolVixRank: 20,
  ivExpansionHvIvRatio: 1.2,
  ivContractionHvIvRatio: 0.8,
  vixRankLookbackDays: 252,
  hvLookbackDays: 20,
} as const;

export type FactKind = 'number' | 'time' | 'weekday' | 'regime';

export type FactParamSpec = {
  name: string;
  kind: 'lookbackDays' | 'legId';
  required: boolean;
  default?: number;
  description: string;
};

export type FactSpec = {
  name: string;
  kind: FactKind;
  unit: string;
  description: string;
  params: FactParamSpec[];
};

const lookback = (def: number): FactParamSpec => ({
  name: 'lookbackDays',
  kind: 'lookbackDays',
  required: false,
  default: def,
  description: 'number of past sessions (daily closes) in the window, 5..1000',
});

export const FACTS: readonly FactSpec[] = [
  {
    name: 'timeOfDay',
    kind: 'time',
    unit: 'minutes since 00:00 exchange-local (a value may be written "HH:MM")',
    description: 'The snapshot time of day.',
    params: [],
  },
  {
    name: 'weekday',
    kind: 'weekday',
    unit: 'MON..SUN',
    description: 'The exchange-local weekday of the snapshot.',
    params: [],
  },
  {
    name: 'daysToExpiry',
    kind: 'number',
    unit: 'calendar days (integer)',
    description:
      'Calendar days from the session date to the nearest listed expiry (0 on expiry day).',
    params: [],
  },
  {
    name: 'spot',
    kind: 'number',
    unit: 'underlying price',
    description: 'Spot price of the underlying in the snapshot.',
    params: [],
  },
  {
    name: 'spotChangePct',
    kind: 'number',
    unit: 'percent (1.5 = +1.5 %)',
    description:
      '(spot - sessionOpen) / sessionOpen x 100; sessionOpen is the spot of the first snapshot of the session.',
    params: [],
  },
  {
    name: 'vix',
    kind: 'number',
    unit: 'index points (13.2)',
    description:
      'The volatility index in the snapshot (India VIX, VIX, ...). Missing vix: the condition is not met.',
    params: [],
  },
  {
    name: 'vixRank',
    kind: 'number',
    unit: 'percent 0..100',
    description:
      '(vix - min) / (max - min) x 100 over the daily closing vix of the lookback, today included.',
    params: [lookback(REGIME_THRESHOLDS.vixRankLookbackDays)],
  },
  {
    name: 'atmIv',
    kind: 'number',
    unit: 'percent (12.8 = 12.8 % annualised)',
    description:
      'Mean implied volatility of the ATM call and ATM put of the nearest expiry, x 100.',
    params: [],
  },
  {
    name: 'ivRank',
    kind: 'number',
    unit: 'percent 0..100',
    description:
      '(atmIv - min) / (max - min) x 100 over the daily closing atmIv of the lookback, today included.',
    params: [lookback(252)],
  },
  {
    name: 'hv',
    kind: 'number',
    unit: 'percent annualised',
    description:
      'Historical volatility: stdev of daily log returns of the closing spot over the lookback x sqrt(annualisation days of the instrument) x 100.',
    params: [lookback(REGIME_THRESHOLDS.hvLookbackDays)],
  },
  {
    name: 'regime',
    kind: 'regime',
    unit: REGIMES.join(' | '),
    description: 'Volatility regime from vixRank and hv/atmIv (docs/dsl.md#regime).',
    params: [],
  },
  {
    name: 'strategyMtm',
    kind: 'number',
    unit: 'money (underlying currency)',
    description:
      'Realised + unrealised P&L of this strategy today, after the strategy multiplier, before costs.',
    params: [],
  },
  {
    name: 'legPnl',
    kind: 'number',
    unit: 'money (underlying currency)',
    description:
      'Realised + unrealised P&L today of every instance of one leg (its re-entries included).',
    params: [
      { name: 'leg', kind: 'legId', required: true, description: 'id of a leg of this strategy' },
    ],
  },
] as const;

export const FACT_NAMES = FACTS.map((f) => f.name);
const factByName = new Map(FACTS.map((f) => [f.name, f]));
export function getFact(name: string): FactSpec | undefined {
  return factByName.get(name);
}

export type OperatorValueShape = 'scalar' | 'list' | 'range';

export type OperatorSpec = {
  name: string;
  builtin: boolean;
  value: OperatorValueShape;
  kinds: readonly FactKind[];
  description: string;
};

const ordered: FactKind[] = ['number', 'time'];
const all: FactKind[] = ['number', 'time', 'weekday', 'regime'];

export const OPERATORS: readonly OperatorSpec[] = [
  { name: 'equal', builtin: true, value: 'scalar', kinds: all, description: 'fact === value' },
  { name: 'notEqual', builtin: true, value: 'scalar', kinds: all, description: 'fact !== value' },
  { name: 'lessThan', builtin: true, value: 'scalar', kinds: ordered, description: 'fact < value' },
  {
    name: 'lessThanInclusive',
    builtin: true,
    value: 'scalar',
    kinds: ordered,
    description: 'fact <= value',
  },
  {
    name: 'greaterThan',
    builtin: true,
    value: 'scalar',
    kinds: ordered,
    description: 'fact > value',
  },
  {
    name: 'greaterThanInclusive',
    builtin: true,
    value: 'scalar',
    kinds: ordered,
    description: 'fact >= value',
  },
  {
    name: 'in',
    builtin: true,
    value: 'list',
    kinds: all,
    description: 'value (a non-empty array) includes fact',
  },
  {
    name: 'notIn',
    builtin: true,
    value: 'list',
    kinds: all,
    description: 'value (a non-empty array) does not include fact',
  },
  {
    name: 'between',
    builtin: false,
    value: 'range',
    kinds: ordered,
    description: 'value is [low, high] with low <= high; true when low <= fact <= high',
  },
  {
    name: 'notBetween',
    builtin: false,
    value: 'range',
    kinds: ordered,
    description: 'value is [low, high] with low <= high; true when fact < low or fact > high',
  },
  {
    name: 'crossesAbove',
    builtin: false,
    value: 'scalar',
    kinds: ordered,
    description:
      'true when previous < value <= current (previous = the fact at the previous evaluation of this rule in this deployment and session; false on the first evaluation)',
  },
  {
    name: 'crossesBelow',
    builtin: false,
    value: 'scalar',
    kinds: ordered,
    description: 'true when previous > value >= current (same previous as crossesAbove)',
  },
] as const;

export const OPERATOR_NAMES = OPERATORS.map((o) => o.name);
export const CUSTOM_OPERATORS = OPERATORS.filter((o) => !o.builtin);
const operatorByName = new Map(OPERATORS.map((o) => [o.name, o]));
export function getOperator(name: string): OperatorSpec | undefined {
  return operatorByName.get(name);
}

/** A crossing condition's fact value, as the runtime supplies it (see toEngineRule). */
export type Crossing = { previous: number | undefined; current: number | undefined };

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const range = (value: unknown): [number, number] | null =>
  Array.isArray(value) && value.length === 2 && isNum(value[0]) && isNum(value[1])
    ? [value[0], value[1]]
    : null;
const crossing = (fact: unknown): Crossing =>
  fact !== null && typeof fact === 'object'
    ? (fact as Crossing)
    : { previous: undefined, current: undefined };

/**
 * The one implementation of the custom operators: registered with json-rules-engine
 * (`engine.addOperator(name, fn)`) by engine/rules' reference engine and called directly by its
 * compiled evaluator. Anything malformed (a missing fact, a range that is not two numbers) is
 * false rather than an exception: a condition on a fact the snapshot lacks simply does not hold.
 */
export const CUSTOM_OPERATOR_IMPLEMENTATIONS: Record<
  string,
  (fact: unknown, value: unknown) => boolean
> = {
  between: (fact, value) => {
    const r = range(value);
    return r !== null && isNum(fact) && fact >= r[0] && fact <= r[1];
  },
  notBetween: (fact, value) => {
    const r = range(value);
    return r !== null && isNum(fact) && (fact < r[0] || fact > r[1]);
  },
  /** previous < value <= current: false on the first evaluation (no previous). */
  crossesAbove: (fact, value) => {
    const { previous, current } = crossing(fact);
    return (
      isNum(previous) && isNum(current) && isNum(value) && previous < value && value <= current
    );
  },
  /** previous > value >= current. */
  crossesBelow: (fact, value) => {
    const { previous, current } = crossing(fact);
    return (
      isNum(previous) && isNum(current) && isNum(value) && previous > value && value >= current
    );
  },
};

/** The operators whose fact is a Crossing (previous and current value) rather than a plain value. */
export const CROSSING_OPERATORS: ReadonlySet<string> = new Set(['crossesAbove', 'crossesBelow']);

// ---- schema ---------------------------------------------------------------------------

const FactParams = z.record(z.string(), z.union([z.string(), z.number()]));

const FactReference = z.strictObject({ fact: z.string(), params: FactParams.optional() });

export type FactCondition = {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, string | number>;
  name?: string;
  priority?: number;
};
export type Condition =
  | FactCondition
  | { all: Condition[]; name?: string; priority?: number }
  | { any: Condition[]; name?: string; priority?: number }
  | { not: Condition; name?: string; priority?: number };

const Priority = z.int().min(1, { message: 'priority must be an integer >= 1' });

function checkParams(
  spec: FactSpec,
  params: Record<string, string | number> | undefined,
  ctx: z.RefinementCtx,
  path: (string | number)[],
) {
  const given = params ?? {};
  for (const key of Object.keys(given)) {
    const p = spec.params.find((x) => x.name === key);
    if (!p) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, key],
        message: spec.params.length
          ? `fact "${spec.name}" takes params ${spec.params.map((x) => x.name).join(', ')}, not "${key}"`
          : `fact "${spec.name}" takes no params`,
      });
      continue;
    }
    const v = given[key];
    if (
      p.kind === 'lookbackDays' &&
      !(Number.isInteger(v) && (v as number) >= 5 && (v as number) <= 1000)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, key],
        message: 'lookbackDays must be an integer from 5 to 1000',
      });
    }
    if (p.kind === 'legId' && !(typeof v === 'string' && Id.safeParse(v).success)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, key],
        message: 'leg must be the id of a leg of this strategy',
      });
    }
  }
  for (const p of spec.params) {
    if (p.required && !(p.name in given))
      ctx.addIssue({
        code: 'custom',
        path: params ? path : path.slice(0, -1),
        message: `fact "${spec.name}" needs params.${p.name}`,
      });
  }
}

function scalarOk(kind: FactKind, v: unknown): string | null {
  switch (kind) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'expected a number';
    case 'time':
      if (typeof v === 'number')
        return Number.isInteger(v) && v >= 0 && v < 1440
          ? null
          : 'expected minutes since midnight, an integer 0..1439';
      return typeof v === 'string' && TIME_RE.test(v)
        ? null
        : 'expected "HH:MM" or minutes since midnight';
    case 'weekday':
      return (WEEKDAYS as readonly unknown[]).includes(v)
        ? null
        : `expected one of ${WEEKDAYS.join(', ')}`;
    case 'regime':
      return (REGIMES as readonly unknown[]).includes(v)
        ? null
        : `expected one of ${REGIMES.join(', ')}`;
  }
}

const asNumber = (kind: FactKind, v: unknown) =>
  kind === 'time' && typeof v === 'string' ? minutesOf(v) : (v as number);

function checkValue(
  spec: FactSpec,
  op: OperatorSpec,
  value: unknown,
  ctx: z.RefinementCtx,
  path: (string | number)[],
) {
  const issue = (message: string, sub: (string | number)[] = []) =>
    ctx.addIssue({ code: 'custom', path: [...path, ...sub], message });
  if (op.value === 'scalar') {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const ref = FactReference.safeParse(value);
      if (!ref.success) return issue('a fact reference is {"fact": name, "params"?: {...}}');
      const other = getFact(ref.data.fact);
      if (!other)
        return issue(`unknown fact "${ref.data.fact}"; known facts: ${FACT_NAMES.join(', ')}`, [
          'fact',
        ]);
      if (other.kind !== spec.kind)
        return issue(
          `fact "${other.name}" (${other.kind}) cannot be compared with "${spec.name}" (${spec.kind})`,
          ['fact'],
        );
      if (CROSSING_OPERATORS.has(op.name))
        return issue(`${op.name} compares with a constant, not a fact`);
      checkParams(other, ref.data.params, ctx, [...path, 'params']);
      return;
    }
    const err = scalarOk(spec.kind, value);
    if (err) issue(`${err} for fact "${spec.name}"`);
    return;
  }
  if (op.value === 'list') {
    if (!Array.isArray(value) || value.length === 0)
      return issue(`${op.name} needs a non-empty array`);
    value.forEach((v, i) => {
      const err = scalarOk(spec.kind, v);
      if (err) issue(`${err} for fact "${spec.name}"`, [i]);
    });
    return;
  }
  if (!Array.isArray(value) || value.length !== 2) return issue(`${op.name} needs [low, high]`);
  let ok = true;
  value.forEach((v, i) => {
    const err = scalarOk(spec.kind, v);
    if (err) {
      ok = false;
      issue(`${err} for fact "${spec.name}"`, [i]);
    }
  });
  if (ok && asNumber(spec.kind, value[0]) > asNumber(spec.kind, value[1]))
    issue(`${op.name} needs low <= high`);
}

export const FactConditionSchema = z
  .strictObject({
    fact: z.string(),
    operator: z.string(),
    value: z.unknown(),
    params: FactParams.optional(),
    name: z.string().max(120).optional(),
    priority: Priority.optional(),
  })
  .superRefine((c, ctx) => {
    const spec = getFact(c.fact);
    const op = getOperator(c.operator);
    if (!spec)
      ctx.addIssue({
        code: 'custom',
        path: ['fact'],
        message: `unknown fact "${c.fact}"; known facts: ${FACT_NAMES.join(', ')}`,
      });
    if (!op)
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: `unknown operator "${c.operator}"; known operators: ${OPERATOR_NAMES.join(', ')}`,
      });
    if (!spec || !op) return;
    if (!op.kinds.includes(spec.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: `operator "${op.name}" does not apply to fact "${spec.name}" (${spec.kind}); use one of ${OPERATORS.filter(
          (o) => o.kinds.includes(spec.kind),
        )
          .map((o) => o.name)
          .join(', ')}`,
      });
      return;
    }
    checkParams(spec, c.params, ctx, ['params']);
    checkValue(spec, op, c.value, ctx, ['value']);
  });

const meta = { name: z.string().max(120).optional(), priority: Priority.optional() };

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  // Fact conditions first: they are most conditions, and a union stops at the first branch that passes.
  z.union([
    FactConditionSchema,
    z.strictObject({
      all: z.array(ConditionSchema).min(1, { message: '"all" needs at least one condition' }),
      ...meta,
    }),
    z.strictObject({
      any: z.array(ConditionSchema).min(1, { message: '"any" needs at least one condition' }),
      ...meta,
    }),
    z.strictObject({ not: ConditionSchema, ...meta }),
  ]),
) as z.ZodType<Condition>;

/** Top level of a rule: json-rules-engine requires all / any / not here (a bare fact condition is not allowed). */
export const TopLevelConditionSchema = z.union([
  z.strictObject({
    all: z.array(ConditionSchema).min(1, { message: '"all" needs at least one condition' }),
    ...meta,
  }),
  z.strictObject({
    any: z.array(ConditionSchema).min(1, { message: '"any" needs at least one condition' }),
    ...meta,
  }),
  z.strictObject({ not: ConditionSchema, ...meta }),
]);

export const RuleEventSchema = z.strictObject({
  type: z.string().min(1, { message: 'event.type must not be empty' }).max(120),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const RuleSchema = z.strictObject({
  name: z.string().max(120).optional(),
  priority: Priority.optional(),
  conditions: TopLevelConditionSchema,
  event: RuleEventSchema,
});
export type Rule = z.infer<typeof RuleSchema>;

/** The conditions block of a strategy (docs/dsl.md#conditions). */
export const ConditionsSchema = z.strictObject({
  typeVersion: typeVersion(1),
  filters: z.array(RuleSchema).max(50).default([]),
  entry: z.array(RuleSchema).max(50).default([]),
  exit: z.array(RuleSchema).max(50).default([]),
});
export type Conditions = z.infer<typeof ConditionsSchema>;

// ---- helpers for the runtime ----------------------------------------------------------

export function isFactCondition(c: Condition): c is FactCondition {
  return typeof (c as FactCondition).fact === 'string';
}

/** Every fact condition in a rule, depth first, in document order. */
export function factConditions(c: Condition): FactCondition[] {
  if (isFactCondition(c)) return [c];
  if ('all' in c) return c.all.flatMap(factConditions);
  if ('any' in c) return c.any.flatMap(factConditions);
  return factConditions(c.not);
}

/** Leg ids a rule reads through `legPnl` (checked against the strategy's legs). */
export function legIdsReferenced(rule: Rule): string[] {
  const out: string[] = [];
  const visit = (fc: { fact: string; params?: Record<string, string | number> }) => {
    if (fc.fact === 'legPnl' && typeof fc.params?.leg === 'string') out.push(fc.params.leg);
  };
  for (const fc of factConditions(rule.conditions as Condition)) {
    visit(fc);
    const v = fc.value as { fact?: unknown; params?: Record<string, string | number> } | null;
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string')
      visit(v as { fact: string; params?: Record<string, string | number> });
  }
  return out;
}

function engineCondition(c: Condition): Condition {
  if ('all' in c) return { ...c, all: c.all.map(engineCondition) };
  if ('any' in c) return { ...c, any: c.any.map(engineCondition) };
  if ('not' in c) return { ...c, not: engineCondition(c.not) };
  const fc = c as FactCondition;
  const spec = getFact(fc.fact);
  let value = fc.value;
  if (spec?.kind === 'time') {
    const toMin = (v: unknown) => (typeof v === 'string' ? minutesOf(v) : v);
    value = Array.isArray(value) ? value.map(toMin) : toMin(value);
  }
  const out: FactCondition = { ...fc, value };
  if (CROSSING_OPERATORS.has(fc.operator)) out.params = { ...(fc.params ?? {}), crossing: 1 };
  return out;
}

/**
 * The rule as json-rules-engine should receive it: "HH:MM" time values become minutes, and
 * crossing conditions carry `params.crossing = 1` so the fact resolver returns a Crossing
 * ({previous, current}) for them instead of a number.
 */
export function toEngineRule(rule: Rule): Rule {
  return {
    ...rule,
    conditions: engineCondition(rule.conditions as Condition) as Rule['conditions'],
  };
}

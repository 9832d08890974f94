/**
 * Editing json-rules-engine conditions without JSON: pure helpers the conditions editor calls.
 * The editor edits the rule JSON in place (paths into the tree), so what it writes is exactly the
 * DSL's rule language and any hand-written JSON (names, priorities, nesting) survives a visual
 * edit untouched.
 */
import {
  FACTS,
  OPERATORS,
  REGIMES,
  WEEKDAYS,
  getFact,
  getOperator,
  type FactSpec,
  type OperatorSpec,
} from '@/engine/dsl';

export type Json = unknown;
export type Path = (string | number)[];
export type FactConditionJson = {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, string | number>;
  [k: string]: unknown;
};

export const RULE_GROUPS = [
  {
    key: 'filters',
    title: 'Only trade the day if',
    help: 'checked once at entry time; all must hold',
  },
  { key: 'entry', title: 'Enter when', help: 'all must hold on the same snapshot' },
  { key: 'exit', title: 'Exit when', help: 'the first rule that holds squares off the strategy' },
] as const;
export type RuleGroupKey = (typeof RULE_GROUPS)[number]['key'];

/** The facts grouped as a trader looks for them. */
export const FACT_GROUPS: { title: string; facts: string[] }[] = [
  { title: 'Time', facts: ['timeOfDay', 'weekday', 'daysToExpiry'] },
  {
    title: 'Market',
    facts: ['spot', 'spotChangePct', 'vix', 'vixRank', 'atmIv', 'ivRank', 'hv', 'regime'],
  },
  { title: 'P&L', facts: ['strategyMtm', 'legPnl'] },
];

export function operatorsFor(fact: FactSpec): OperatorSpec[] {
  return OPERATORS.filter((o) => o.kinds.includes(fact.kind));
}

/** A sensible first value for a fact under an operator's value shape. */
export function defaultValue(fact: FactSpec, op: OperatorSpec): unknown {
  const scalar =
    fact.kind === 'time'
      ? '09:30'
      : fact.kind === 'weekday'
        ? 'MON'
        : fact.kind === 'regime'
          ? 'neutral'
          : (SCALAR_DEFAULTS[fact.name] ?? 0);
  if (op.value === 'scalar') return scalar;
  if (op.value === 'list') return [scalar];
  const hi =
    fact.kind === 'time' ? '15:00' : typeof scalar === 'number' ? scalar * 1.5 || 1 : scalar;
  return [scalar, hi];
}

const SCALAR_DEFAULTS: Record<string, number> = {
  daysToExpiry: 2,
  spot: 0,
  spotChangePct: 0.5,
  vix: 15,
  vixRank: 50,
  atmIv: 15,
  ivRank: 50,
  hv: 15,
  strategyMtm: 0,
  legPnl: 0,
};

export function newFactCondition(factName = 'vix', legIds: string[] = []): FactConditionJson {
  const fact = getFact(factName) ?? FACTS[0];
  const op =
    operatorsFor(fact).find(
      (o) => o.name === (fact.kind === 'time' ? 'greaterThan' : 'greaterThan'),
    ) ?? operatorsFor(fact)[0];
  return withParams(
    { fact: fact.name, operator: op.name, value: defaultValue(fact, op) },
    fact,
    legIds,
  );
}

function withParams(c: FactConditionJson, fact: FactSpec, legIds: string[]): FactConditionJson {
  const params: Record<string, string | number> = {};
  for (const p of fact.params)
    if (p.required && p.kind === 'legId') params[p.name] = legIds[0] ?? 'leg';
  const { params: _old, ...rest } = c;
  return Object.keys(params).length ? { ...rest, params } : rest;
}

/** Another fact on a row: keeps the operator when it still applies, else the first that does. */
export function changeFact(
  c: FactConditionJson,
  factName: string,
  legIds: string[],
): FactConditionJson {
  const fact = getFact(factName);
  if (!fact) return c;
  const ops = operatorsFor(fact);
  const keep = ops.find((o) => o.name === c.operator);
  const op = keep ?? ops.find((o) => o.name === 'greaterThan') ?? ops[0];
  const oldFact = getFact(c.fact);
  const sameKind = oldFact?.kind === fact.kind && keep;
  return withParams(
    {
      ...c,
      fact: fact.name,
      operator: op.name,
      value: sameKind ? c.value : defaultValue(fact, op),
    },
    fact,
    legIds,
  );
}

/** Another operator: the value changes shape (one value, a list, a range) when it must. */
export function changeOperator(c: FactConditionJson, opName: string): FactConditionJson {
  const fact = getFact(c.fact);
  const op = getOperator(opName);
  const old = getOperator(c.operator);
  if (!fact || !op) return { ...c, operator: opName };
  if (old?.value === op.value) return { ...c, operator: opName };
  const first = Array.isArray(c.value) ? c.value[0] : c.value;
  const valid = first !== undefined && (typeof first !== 'object' || first === null);
  let value: unknown;
  if (!valid) value = defaultValue(fact, op);
  else if (op.value === 'scalar') value = first;
  else if (op.value === 'list') value = [first];
  else {
    const d = defaultValue(fact, op) as unknown[];
    value = [first, Array.isArray(c.value) && c.value.length > 1 ? c.value[1] : d[1]];
  }
  return { ...c, operator: opName, value };
}

export function isFact(v: unknown): v is FactConditionJson {
  return !!v && typeof v === 'object' && typeof (v as { fact?: unknown }).fact === 'string';
}

export function groupKind(v: unknown): 'all' | 'any' | 'not' | null {
  if (!v || typeof v !== 'object') return null;
  if (Array.isArray((v as { all?: unknown }).all)) return 'all';
  if (Array.isArray((v as { any?: unknown }).any)) return 'any';
  if ('not' in (v as object)) return 'not';
  return null;
}

/** A group switched between "all" and "any", its other keys (name, priority) kept. */
export function switchGroup(
  v: Record<string, unknown>,
  to: 'all' | 'any',
): Record<string, unknown> {
  const from = to === 'all' ? 'any' : 'all';
  if (!Array.isArray(v[from])) return v;
  const { [from]: list, ...rest } = v;
  return { ...rest, [to]: list };
}

/** `root` with `value` at `path` (immutably); `undefined` removes an array item or a key. */
export function setAt(root: Json, path: Path, value: unknown): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const i = Number(head);
    const next = setAt(root[i], rest, value);
    if (next === undefined && rest.length === 0) return root.filter((_, j) => j !== i);
    return root.map((x, j) => (j === i ? next : x));
  }
  const obj = (root && typeof root === 'object' ? root : {}) as Record<string, unknown>;
  const next = setAt(obj[head as string], rest, value);
  if (next === undefined && rest.length === 0) {
    const { [head as string]: _gone, ...others } = obj;
    return others;
  }
  return { ...obj, [head as string]: next };
}

export function getAt(root: Json, path: Path): unknown {
  let cur = root;
  for (const k of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** A new rule for a group: one condition, an event named after the group. */
export function newRule(
  group: RuleGroupKey,
  index: number,
  legIds: string[],
): Record<string, unknown> {
  return {
    name: `${group} rule ${index + 1}`,
    conditions: { all: [newFactCondition('vix', legIds)] },
    event: { type: `${group}-${index + 1}` },
  };
}

export const WEEKDAY_CHOICES = WEEKDAYS;
export const REGIME_CHOICES = REGIMES;

/** "HH:MM" for a time value written either way. */
export function timeText(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1440)
    return `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`;
  return typeof v === 'string' ? v : '';
}

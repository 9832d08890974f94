/**
 * Puts rule JSON into the one shape both evaluators run: the top-level condition of a rule,
 * "HH:MM" times as minutes since midnight, and crossing leaves marked `params.crossing = 1` so the
 * fact resolver hands them a Crossing (previous and current value) instead of a number.
 */
import { CROSSING_OPERATORS } from './operators.ts';
import type { Condition, Leaf, RuleJson } from './types.ts';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const TIME_FACTS = new Set(['timeOfDay']);

function isRule(r: RuleJson): r is { conditions: Condition } {
  return typeof r === 'object' && r !== null && 'conditions' in r;
}

export function isLeaf(c: Condition): c is Leaf {
  return typeof (c as Leaf).fact === 'string';
}

export function topCondition(rule: RuleJson, name: string): Condition {
  const c = isRule(rule) ? rule.conditions : rule;
  if (!c || typeof c !== 'object' || !('all' in c || 'any' in c || 'not' in c)) {
    throw new Error(
      `rule "${name}": the top level must be {"all": [...]}, {"any": [...]} or {"not": {...}} (json-rules-engine's format); wrap a single condition in {"all": [ ... ]}`,
    );
  }
  return c;
}

const minutes = (v: unknown) => {
  const m = typeof v === 'string' ? TIME.exec(v) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : v;
};

export function normalizeCondition(c: Condition, name: string): Condition {
  if ('all' in c) return { all: c.all.map((x) => normalizeCondition(x, name)) };
  if ('any' in c) return { any: c.any.map((x) => normalizeCondition(x, name)) };
  if ('not' in c) return { not: normalizeCondition(c.not, name) };
  if (!isLeaf(c) || typeof c.operator !== 'string') {
    throw new Error(
      `rule "${name}": a condition needs "fact" and "operator" (or all/any/not); got ${JSON.stringify(c)}`,
    );
  }
  let value = c.value;
  if (TIME_FACTS.has(c.fact)) value = Array.isArray(value) ? value.map(minutes) : minutes(value);
  const leaf: Leaf = { fact: c.fact, operator: c.operator, value };
  if (c.params) leaf.params = { ...c.params };
  if (c.path !== undefined) leaf.path = c.path;
  if (CROSSING_OPERATORS.has(c.operator)) leaf.params = { ...(leaf.params ?? {}), crossing: 1 };
  return leaf;
}

/** Facts a condition reads, in first-seen order. */
export function factsOf(c: Condition, out: string[] = []): string[] {
  if ('all' in c) c.all.forEach((x) => factsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => factsOf(x, out));
  else if ('not' in c) factsOf(c.not, out);
  else if (isLeaf(c)) {
    if (!out.includes(c.fact)) out.push(c.fact);
    const v = c.value as { fact?: unknown } | null;
    if (v && typeof v === 'object' && typeof v.fact === 'string' && !out.includes(v.fact))
      out.push(v.fact);
  }
  return out;
}

/** The crossing leaves of a condition: the runtime remembers these facts' values between evaluations. */
export function crossingLeaves(c: Condition, out: Leaf[] = []): Leaf[] {
  if ('all' in c) c.all.forEach((x) => crossingLeaves(x, out));
  else if ('any' in c) c.any.forEach((x) => crossingLeaves(x, out));
  else if ('not' in c) crossingLeaves(c.not, out);
  else if (isLeaf(c) && CROSSING_OPERATORS.has(c.operator)) out.push(c);
  return out;
}

/** A plain dotted path (`$.a.b` or `a.b`) resolver: JSONPath is slow and the DSL needs no more. */
export function resolvePath(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

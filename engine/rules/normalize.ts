/**
 * Puts rule JSON into the one shape both evaluators run: the top-level condition of a rule, with
 * crosses-above/below leaves reading the pair fact `<fact>:pair` (previous and current value) that
 * the runtime supplies, so the same fact can still be compared plainly elsewhere in the rule.
 */
import { CROSSING_OPERATORS } from './operators.ts';
import type { Condition, Leaf, RuleJson } from './types.ts';

export const pairFact = (fact: string) => `${fact}:pair`;

function isRule(r: RuleJson): r is { conditions: Condition } {
  return typeof r === 'object' && r !== null && 'conditions' in r;
}

export function isLeaf(c: Condition): c is Leaf {
  return 'fact' in c;
}

export function topCondition(rule: RuleJson, name: string): Condition {
  const c = isRule(rule) ? rule.conditions : rule;
  if (!c || typeof c !== 'object' || !('all' in c || 'any' in c || 'not' in c)) {
    throw new Error(`rule "${name}": the top level must be {"all": [...]}, {"any": [...]} or {"not": {...}} (json-rules-engine's format); wrap a single condition in {"all": [ ... ]}`);
  }
  return c;
}

export function normalizeCondition(c: Condition, name: string): Condition {
  if ('all' in c) return { all: c.all.map((x) => normalizeCondition(x, name)) };
  if ('any' in c) return { any: c.any.map((x) => normalizeCondition(x, name)) };
  if ('not' in c) return { not: normalizeCondition(c.not, name) };
  if (!isLeaf(c) || typeof c.fact !== 'string' || typeof c.operator !== 'string') {
    throw new Error(`rule "${name}": a condition needs "fact" and "operator" (or all/any/not); got ${JSON.stringify(c)}`);
  }
  const leaf: Leaf = { fact: c.fact, operator: c.operator, value: c.value };
  if (c.path !== undefined) leaf.path = c.path;
  if (CROSSING_OPERATORS.has(c.operator)) leaf.fact = pairFact(c.fact);
  return leaf;
}

/** Facts a condition reads (crossing leaves report their underlying fact), in first-seen order. */
export function factsOf(c: Condition, out: string[] = []): string[] {
  if ('all' in c) c.all.forEach((x) => factsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => factsOf(x, out));
  else if ('not' in c) factsOf(c.not, out);
  else {
    const base = c.fact.endsWith(':pair') ? c.fact.slice(0, -5) : c.fact;
    if (!out.includes(base)) out.push(base);
    const v = c.value as { fact?: unknown } | null;
    if (v && typeof v === 'object' && typeof v.fact === 'string' && !out.includes(v.fact)) out.push(v.fact);
  }
  return out;
}

/** Facts that some rule compares with crosses-above/below: the runtime remembers their last value. */
export function crossingFactsOf(c: Condition, out: string[] = []): string[] {
  if ('all' in c) c.all.forEach((x) => crossingFactsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => crossingFactsOf(x, out));
  else if ('not' in c) crossingFactsOf(c.not, out);
  else if (c.fact.endsWith(':pair')) {
    const base = c.fact.slice(0, -5);
    if (!out.includes(base)) out.push(base);
  }
  return out;
}

/** A plain dotted path (`$.a.b` or `a.b`) resolver: JSONPath is slow and the DSL needs no more. */
export function resolvePath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').split('.').filter(Boolean);
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

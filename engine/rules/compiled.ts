/**
 * The hot-path evaluator: rule JSON compiled once into plain closures, synchronous and
 * allocation-free per evaluation. It must fire exactly what json-rules-engine fires;
 * differential.test.ts checks that on thousands of generated fact sets.
 */
import { isLeaf, normalizeCondition, resolvePath, topCondition, factsOf } from './normalize.ts';
import { CUSTOM_OPERATORS } from './operators.ts';
import type { Condition, Evaluator, FactResolver, RuleSet } from './types.ts';

type Pred = (facts: FactResolver) => boolean;
type Op = (a: unknown, b: unknown) => boolean;

const numeric = (a: unknown) => Number.parseFloat(a as string).toString() !== 'NaN';

// json-rules-engine's default operators, with its fact-value validators.
const BUILT_IN: Record<string, Op> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).indexOf(a) > -1,
  notIn: (a, b) => (b as unknown[]).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => numeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => numeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => numeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => numeric(a) && (a as number) >= (b as number),
};

function operator(name: string, rule: string): Op {
  if (name.startsWith('not:')) {
    const inner = operator(name.slice(4), rule);
    return (a, b) => !inner(a, b);
  }
  const op = BUILT_IN[name] ?? CUSTOM_OPERATORS[name];
  if (!op) {
    throw new Error(
      `rule "${rule}": unknown operator "${name}"; use one of ${[...Object.keys(BUILT_IN), ...Object.keys(CUSTOM_OPERATORS)].join(', ')}`,
    );
  }
  return op;
}

function reader(
  fact: string,
  params: Record<string, unknown> | undefined,
  path: string | undefined,
): (facts: FactResolver) => unknown {
  const p = params && Object.keys(params).length ? params : undefined;
  if (path === undefined || path === '') return (resolve) => resolve(fact, p);
  return (resolve) => {
    const v = resolve(fact, p);
    return v !== null && typeof v === 'object' ? resolvePath(v, path) : v;
  };
}

function compile(c: Condition, rule: string): Pred {
  if ('all' in c) {
    const parts = c.all.map((x) => compile(x, rule));
    return (f) => {
      for (const p of parts) if (!p(f)) return false;
      return true;
    };
  }
  if ('any' in c) {
    if (c.any.length === 0) return () => true; // json-rules-engine: an empty any passes
    const parts = c.any.map((x) => compile(x, rule));
    return (f) => {
      for (const p of parts) if (p(f)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compile(c.not, rule);
    return (f) => !inner(f);
  }
  if (!isLeaf(c)) throw new Error(`rule "${rule}": unreadable condition ${JSON.stringify(c)}`);
  const op = operator(c.operator, rule);
  const left = reader(c.fact, c.params, c.path);
  const v = c.value as { fact?: unknown; params?: Record<string, unknown>; path?: string } | null;
  if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, 'fact')) {
    const right = reader(String(v.fact), v.params, v.path);
    return (f) => op(left(f), right(f));
  }
  const constant = c.value;
  return (f) => op(left(f), constant);
}

export function compiledEvaluator(
  rules: RuleSet,
): Evaluator & { evaluateSync(facts: FactResolver): string[] } {
  const names = Object.keys(rules);
  const facts: string[] = [];
  const preds = names.map((name) => {
    const cond = normalizeCondition(topCondition(rules[name], name), name);
    factsOf(cond, facts);
    return compile(cond, name);
  });
  const evaluateSync = (input: FactResolver): string[] => {
    const out: string[] = [];
    for (let i = 0; i < preds.length; i++) if (preds[i](input)) out.push(names[i]);
    return out;
  };
  return { names, facts, evaluateSync, evaluate: (input) => Promise.resolve(evaluateSync(input)) };
}

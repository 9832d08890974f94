import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledEvaluator } from './compiled.ts';
import { referenceEvaluator } from './reference.ts';
import type { Condition, FactResolver, RuleSet } from './types.ts';

// Small value domains so equalities, boundaries and crossings actually happen.
const num = fc.integer({ min: -5, max: 5 });
const numFacts = ['spot', 'vix', 'mtm', 'ivRank'] as const;
const strFacts = ['regime', 'weekday'] as const;
const words = fc.constantFrom('low_vol', 'high_vol', 'neutral', 'MON', 'TUE');

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    fact: fc.constantFrom(...numFacts),
    operator: fc.constantFrom(
      'lessThan',
      'lessThanInclusive',
      'greaterThan',
      'greaterThanInclusive',
      'equal',
      'notEqual',
      'not:greaterThan',
      'crossesAbove',
      'crossesBelow',
    ),
    value: num,
  }),
  fc.record({
    fact: fc.constantFrom(...numFacts),
    operator: fc.constantFrom('between', 'notBetween'),
    value: fc.tuple(num, num),
  }),
  fc.record({
    fact: fc.constant('timeOfDay'),
    operator: fc.constantFrom('greaterThanInclusive', 'lessThan', 'crossesAbove'),
    value: fc.constantFrom('09:20', '09:21', '09:22'),
  }),
  fc.record({
    fact: fc.constant('legPnl'),
    params: fc.record({ leg: fc.constantFrom('L1', 'L2') }),
    operator: fc.constantFrom('lessThan', 'greaterThanInclusive', 'crossesBelow'),
    value: num,
  }),
  fc.record({
    fact: fc.constantFrom(...numFacts),
    operator: fc.constantFrom('greaterThan', 'equal'),
    value: fc.record({ fact: fc.constantFrom(...numFacts) }),
  }),
  fc.record({
    fact: fc.constantFrom(...strFacts),
    operator: fc.constantFrom('equal', 'notEqual'),
    value: words,
  }),
  fc.record({
    fact: fc.constantFrom(...strFacts),
    operator: fc.constantFrom('in', 'notIn'),
    value: fc.array(words, { maxLength: 3 }),
  }),
  fc.record({
    fact: fc.constant('greeks'),
    path: fc.constantFrom('$.delta', '$.theta'),
    operator: fc.constantFrom('lessThan', 'greaterThanInclusive'),
    value: num,
  }),
  fc.record({
    fact: fc.constant('tags'),
    operator: fc.constantFrom('contains', 'doesNotContain'),
    value: words,
  }),
);

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const top: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ all: fc.array(condition, { maxLength: 4 }) }),
  fc.record({ any: fc.array(condition, { maxLength: 4 }) }),
  fc.record({ not: condition }),
);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const pair = <T>(a: fc.Arbitrary<T>) => fc.record({ previous: maybe(a), current: maybe(a) });
const minute = fc.integer({ min: 559, max: 563 });

type World = {
  num: Record<string, { previous?: number; current?: number }>;
  regime?: string;
  weekday?: string;
  legPnl: Record<string, { previous?: number; current?: number }>;
  greeks?: { delta: number; theta?: number };
  tags?: string[];
};

const worlds: fc.Arbitrary<World> = fc.record({
  num: fc.record({
    spot: pair(num),
    vix: pair(num),
    mtm: pair(num),
    ivRank: pair(num),
    timeOfDay: pair(minute),
  }),
  regime: maybe(words),
  weekday: maybe(words),
  legPnl: fc.record({ L1: pair(num), L2: pair(num) }),
  greeks: maybe(fc.record({ delta: num, theta: maybe(num) })),
  tags: maybe(fc.array(words, { maxLength: 3 })),
});

// The same resolver feeds both evaluators, as the runtime's fact builder does.
const resolverOf =
  (w: World): FactResolver =>
  (name, params) => {
    const crossing = params?.crossing === 1;
    const series = name === 'legPnl' ? w.legPnl[String(params?.leg)] : w.num[name];
    if (series)
      return crossing ? { previous: series.previous, current: series.current } : series.current;
    return (w as unknown as Record<string, unknown>)[name];
  };

describe('compiled evaluator vs json-rules-engine', () => {
  it('fires exactly the same rules on thousands of generated rule sets and fact sets', async () => {
    let fired = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(top, { minLength: 1, maxLength: 4 }),
        fc.array(worlds, { minLength: 1, maxLength: 10 }),
        async (tops, factSets) => {
          const rules: RuleSet = Object.fromEntries(tops.map((t, i) => [`r${i}`, t]));
          const ref = referenceEvaluator(rules);
          const fast = compiledEvaluator(rules);
          for (const w of factSets) {
            const expected = await ref.evaluate(resolverOf(w));
            expect(fast.evaluateSync(resolverOf(w))).toEqual(expected);
            fired += expected.length;
            total += tops.length;
          }
        },
      ),
      { numRuns: 600, seed: 20261121 },
    );
    // The generators must exercise both outcomes, or the comparison proves nothing.
    expect(fired).toBeGreaterThan(total * 0.1);
    expect(fired).toBeLessThan(total * 0.9);
  });

  it('crosses above fires on the move through the level, not while staying above', async () => {
    const rules: RuleSet = {
      breakout: { all: [{ fact: 'spot', operator: 'crossesAbove', value: 24400 }] },
    };
    for (const ev of [referenceEvaluator(rules), compiledEvaluator(rules)]) {
      const at = (previous: number | undefined, current: number) =>
        resolverOf({ num: { spot: { previous, current } }, legPnl: {} });
      expect(await ev.evaluate(at(24390, 24410))).toEqual(['breakout']);
      expect(await ev.evaluate(at(24390, 24400))).toEqual(['breakout']);
      expect(await ev.evaluate(at(24400, 24420))).toEqual([]);
      expect(await ev.evaluate(at(24410, 24420))).toEqual([]);
      expect(await ev.evaluate(at(undefined, 24420))).toEqual([]);
    }
  });

  it('names the unknown operator and the rule', () => {
    expect(() =>
      compiledEvaluator({ entry: { all: [{ fact: 'vix', operator: 'bigger', value: 1 }] } }),
    ).toThrow(/rule "entry": unknown operator "bigger"/);
    expect(() =>
      compiledEvaluator({ entry: { fact: 'vix', operator: 'equal', value: 1 } }),
    ).toThrow(/top level must be/);
  });
});

// The custom operators against docs/dsl.md's wording of them, on generated values: the rules
// layer runs the DSL's implementation, and that implementation says what the docs say.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM_OPERATOR_IMPLEMENTATIONS, OPERATORS } from '../dsl/conditions.ts';
import { CUSTOM_OPERATORS } from './operators.ts';

const n = fc.integer({ min: -3, max: 3 });
const maybe = fc.option(n, { nil: undefined });
const run = <T extends unknown[]>(
  arbs: { [K in keyof T]: fc.Arbitrary<T[K]> },
  check: (...args: T) => void,
) =>
  fc.assert(
    fc.property(
      ...(arbs as unknown as [fc.Arbitrary<unknown>]),
      check as (...a: unknown[]) => void,
    ),
    { numRuns: 2000, seed: 7 },
  );

describe('custom operators', () => {
  it("are the DSL's implementation, one function per custom operator the DSL lists", () => {
    expect(Object.keys(CUSTOM_OPERATORS).sort()).toEqual(
      OPERATORS.filter((o) => !o.builtin)
        .map((o) => o.name)
        .sort(),
    );
    for (const [name, fn] of Object.entries(CUSTOM_OPERATORS))
      expect(fn, name).toBe(CUSTOM_OPERATOR_IMPLEMENTATIONS[name]);
  });

  it('between is low <= fact <= high, notBetween its complement, for numbers', () => {
    run([n, n, n], (x, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(CUSTOM_OPERATORS.between(x, [lo, hi])).toBe(lo <= x && x <= hi);
      expect(CUSTOM_OPERATORS.notBetween(x, [lo, hi])).toBe(!(lo <= x && x <= hi));
    });
  });

  it('crossesAbove is previous < value <= current, crossesBelow its mirror, false without a previous', () => {
    run([maybe, maybe, n], (previous, current, v) => {
      const above = previous !== undefined && current !== undefined && previous < v && v <= current;
      expect(CUSTOM_OPERATORS.crossesAbove({ previous, current }, v)).toBe(above);
      const mirrored = (x: number | undefined) => (x === undefined ? undefined : -x);
      expect(
        CUSTOM_OPERATORS.crossesBelow(
          { previous: mirrored(previous), current: mirrored(current) },
          -v,
        ),
      ).toBe(above);
    });
  });

  it('hold for no fact they cannot compare: missing facts, non-numbers, malformed ranges', () => {
    for (const op of ['between', 'notBetween']) {
      expect(CUSTOM_OPERATORS[op](undefined, [0, 1]), op).toBe(false);
      expect(CUSTOM_OPERATORS[op]('5', [0, 10]), op).toBe(false);
      expect(CUSTOM_OPERATORS[op](NaN, [0, 1]), op).toBe(false);
      expect(CUSTOM_OPERATORS[op](5, [0]), op).toBe(false);
      expect(CUSTOM_OPERATORS[op](5, 'x'), op).toBe(false);
    }
    for (const op of ['crossesAbove', 'crossesBelow']) {
      expect(CUSTOM_OPERATORS[op](undefined, 0), op).toBe(false);
      expect(CUSTOM_OPERATORS[op](null, 0), op).toBe(false);
      expect(CUSTOM_OPERATORS[op](3, 0), op).toBe(false);
      expect(CUSTOM_OPERATORS[op]({ previous: -1, current: 1 }, '0'), op).toBe(false);
    }
  });
});

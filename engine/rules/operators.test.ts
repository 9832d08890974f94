import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM_OPERATOR_IMPLEMENTATIONS, OPERATORS } from '../dsl/conditions.ts';
import { CUSTOM_OPERATORS } from './operators.ts';

describe('custom operators agree with the DSL contract', () => {
  it('implements every custom operator the DSL lists', () => {
    expect(Object.keys(CUSTOM_OPERATORS).sort()).toEqual(OPERATORS.filter((o) => !o.builtin).map((o) => o.name).sort());
  });

  it('gives the same answers as engine/dsl/conditions.ts on generated values', () => {
    const n = fc.integer({ min: -3, max: 3 });
    const maybe = fc.option(n, { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(CUSTOM_OPERATORS)), maybe, maybe, n, n, (op, a, b, lo, hi) => {
        const [low, high] = lo <= hi ? [lo, hi] : [hi, lo];
        const fact = op.startsWith('crosses') ? { previous: a, current: b } : a;
        const value = op.endsWith('etween') ? [low, high] : lo;
        expect(CUSTOM_OPERATORS[op](fact, value)).toBe(CUSTOM_OPERATOR_IMPLEMENTATIONS[op](fact, value));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

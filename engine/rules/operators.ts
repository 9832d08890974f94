/**
 * Operators the DSL adds to json-rules-engine's built-ins (docs/dsl.md#conditions), shared by the
 * reference engine and the compiled evaluator so the two cannot drift. Crossing operators read a
 * Crossing: the fact at this rule's previous evaluation and now, kept in the runtime's state.
 */

export type Crossing = { previous: number | undefined; current: number | undefined };

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const range = (value: unknown): [number, number] | null => (Array.isArray(value) && value.length === 2 && isNum(value[0]) && isNum(value[1]) ? [value[0], value[1]] : null);
const crossing = (fact: unknown): Crossing => (fact !== null && typeof fact === 'object' ? (fact as Crossing) : { previous: undefined, current: undefined });

export const CUSTOM_OPERATORS: Record<string, (fact: unknown, value: unknown) => boolean> = {
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
    return isNum(previous) && isNum(current) && isNum(value) && previous < value && value <= current;
  },
  /** previous > value >= current. */
  crossesBelow: (fact, value) => {
    const { previous, current } = crossing(fact);
    return isNum(previous) && isNum(current) && isNum(value) && previous > value && value >= current;
  },
};

export const CROSSING_OPERATORS = new Set(['crossesAbove', 'crossesBelow']);

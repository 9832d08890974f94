/**
 * Operators the DSL adds to json-rules-engine's built-ins, shared verbatim by the reference engine
 * and the compiled evaluator so the two cannot drift. Crosses operators compare a [previous, current]
 * pair that the runtime keeps in its state (see crossing.ts).
 */

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** True when the fact moved from at-or-below the value to above it since the previous evaluation. */
export function crossesAbove(pair: unknown, value: unknown): boolean {
  if (!Array.isArray(pair) || !isNum(value)) return false;
  const [prev, cur] = pair as unknown[];
  return isNum(prev) && isNum(cur) && prev <= value && cur > value;
}

/** True when the fact moved from at-or-above the value to below it since the previous evaluation. */
export function crossesBelow(pair: unknown, value: unknown): boolean {
  if (!Array.isArray(pair) || !isNum(value)) return false;
  const [prev, cur] = pair as unknown[];
  return isNum(prev) && isNum(cur) && prev >= value && cur < value;
}

/** Inclusive range check: value is [low, high]. */
export function between(fact: unknown, value: unknown): boolean {
  if (!isNum(fact) || !Array.isArray(value) || value.length !== 2) return false;
  const [lo, hi] = value as unknown[];
  return isNum(lo) && isNum(hi) && fact >= lo && fact <= hi;
}

export const CUSTOM_OPERATORS: Record<string, (fact: unknown, value: unknown) => boolean> = {
  crossesAbove,
  crossesBelow,
  between,
};

export const CROSSING_OPERATORS = new Set(['crossesAbove', 'crossesBelow']);

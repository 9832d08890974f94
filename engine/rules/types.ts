/** The rule language of the DSL: json-rules-engine's condition JSON, typed for both evaluators. */

export type Leaf = {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
  path?: string;
  name?: string;
  priority?: number;
};
export type Condition =
  | Leaf
  | { all: Condition[]; name?: string; priority?: number }
  | { any: Condition[]; name?: string; priority?: number }
  | { not: Condition; name?: string; priority?: number };
/** A top-level condition, or a whole json-rules-engine rule whose `conditions` is one. */
export type RuleJson =
  Condition | { conditions: Condition; event?: unknown; name?: string; priority?: number };

/** Named rules evaluated together (entry, exit, filters of one strategy); each name fires or not. */
export type RuleSet = Record<string, RuleJson>;

/**
 * Where fact values come from. `params` are the condition's params (a leg id, a lookback);
 * `params.crossing === 1` asks for a Crossing ({previous, current}) instead of the plain value.
 * `undefined` means the fact is not available (a missing VIX): the condition is not met.
 */
export type FactResolver = (name: string, params: Record<string, unknown> | undefined) => unknown;

/** Evaluates one rule set; the result lists the names whose conditions hold, in rule-set order. */
export type Evaluator = {
  readonly names: readonly string[];
  /** Facts the rules read, so callers know what to compute and what to report as compared. */
  readonly facts: readonly string[];
  evaluate(facts: FactResolver): Promise<string[]>;
};

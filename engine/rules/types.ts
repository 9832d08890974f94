/** The rule language of the DSL: json-rules-engine's condition JSON, typed for both evaluators. */

export type Leaf = {
  fact: string;
  operator: string;
  value: unknown;
  path?: string;
  params?: Record<string, unknown>;
  priority?: number;
};
export type Condition = Leaf | { all: Condition[]; priority?: number } | { any: Condition[]; priority?: number } | { not: Condition; priority?: number };
/** A top-level condition, or a whole json-rules-engine rule whose `conditions` is one. */
export type RuleJson = Condition | { conditions: Condition; event?: unknown; name?: string; priority?: number };

/** Named conditions evaluated together (entry, exit, filters of one strategy); each name fires or not. */
export type RuleSet = Record<string, RuleJson>;

export type Facts = Record<string, unknown>;

/** Evaluates one rule set; `fired` lists the names whose conditions hold, in rule-set order. */
export type Evaluator = {
  readonly names: readonly string[];
  /** Facts each rule reads, so callers compute only what is needed and report what was compared. */
  readonly facts: readonly string[];
  evaluate(facts: Facts): Promise<string[]>;
};

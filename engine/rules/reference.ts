/**
 * The reference evaluator: json-rules-engine itself. One Engine per rule set, built once and reused
 * (addRule per run is slow); every rule gets the same priority because concurrent run() calls on an
 * Engine with several priority levels silently skip rules (json-rules-engine issue #303).
 */
import { Engine } from 'json-rules-engine';
import { normalizeCondition, resolvePath, topCondition, factsOf } from './normalize.ts';
import { CUSTOM_OPERATORS } from './operators.ts';
import type { Evaluator, FactResolver, RuleSet } from './types.ts';

export function referenceEvaluator(rules: RuleSet): Evaluator {
  const names = Object.keys(rules);
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    pathResolver: (value: object, path: string) => resolvePath(value, path),
  });
  for (const [op, fn] of Object.entries(CUSTOM_OPERATORS)) engine.addOperator(op, fn);
  const facts: string[] = [];
  names.forEach((name, index) => {
    const conditions = normalizeCondition(topCondition(rules[name], name), name);
    factsOf(conditions, facts);
    engine.addRule({
      name,
      priority: 1,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- json-rules-engine's TopLevelCondition type is narrower than the JSON it accepts
      conditions: conditions as any,
      event: { type: name, params: { index } },
    });
  });
  return {
    names,
    facts,
    async evaluate(resolve: FactResolver): Promise<string[]> {
      // Dynamic facts: json-rules-engine calls them with each condition's params (leg id, crossing).
      const runFacts: Record<string, (params: Record<string, unknown>) => unknown> = {};
      for (const f of facts)
        runFacts[f] = (params) =>
          resolve(f, params && Object.keys(params).length ? params : undefined);
      const { events } = await engine.run(runFacts);
      const fired = new Set(events.map((e) => e.type));
      return names.filter((n) => fired.has(n));
    },
  };
}

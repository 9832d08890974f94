/**
 * Rule evaluation per step: the compiled evaluator beside json-rules-engine on the same rules
 * (the DSL showcase example's filter, entry and exit rules) and the same facts, plus raw
 * json-rules-engine with plain constant facts as the floor of what the reference can do.
 * Prints one JSON document; figures are medians of several runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from 'json-rules-engine';
import { parseDsl } from '../engine/dsl/parse.ts';
import { toEngineRule } from '../engine/dsl/conditions.ts';
import { compiledEvaluator } from '../engine/rules/compiled.ts';
import { referenceEvaluator } from '../engine/rules/reference.ts';
import { CUSTOM_OPERATORS } from '../engine/rules/operators.ts';
import { normalizeCondition, topCondition } from '../engine/rules/normalize.ts';
import type { FactResolver, RuleSet } from '../engine/rules/types.ts';
import { emit, interleaved } from './_harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const doc = parseDsl(
  JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples/spx-conditions-showcase.json'), 'utf8'),
  ),
);
if (!doc.ok) throw new Error('spx-conditions-showcase.json does not validate');
const c = doc.value.basket.strategies[0].conditions!;
const rules: RuleSet = Object.fromEntries(
  [...c.filters, ...c.entry, ...c.exit].map((r, i) => [`r${i}`, toEngineRule(r)]),
);

// A day of facts that move: 375 one-minute evaluations.
const N = 375;
const worlds = Array.from({ length: N }, (_, i) => ({
  timeOfDay: 555 + i,
  weekday: 'MON',
  daysToExpiry: 0,
  spot: 6600 + 20 * Math.sin(i / 30),
  spotChangePct: 0.3 * Math.sin(i / 30),
  vix: 18 + 8 * Math.sin(i / 50),
  vixRank: 40,
  atmIv: 15,
  hv: 14 + (i % 7),
  regime: i % 3 === 0 ? 'neutral' : 'iv_contraction',
}));
const resolver =
  (w: (typeof worlds)[number], prev: (typeof worlds)[number]): FactResolver =>
  (name, params) => {
    const cur = (w as Record<string, unknown>)[name];
    return params?.crossing === 1
      ? { previous: (prev as Record<string, unknown>)[name], current: cur }
      : cur;
  };

/** Microseconds of CPU per evaluation of the whole rule set, from a round's median. */
const perStep = (cpuSeconds: number) => (cpuSeconds * 1e6) / (N * REPEAT);
// A day of 375 evaluations takes well under a millisecond compiled: repeat it so a round is
// long enough for the CPU clock's resolution.
const REPEAT = 20;

const compiled = compiledEvaluator(rules);
const reference = referenceEvaluator(rules);

// Raw json-rules-engine: the same rules, plain constant facts, no resolver (its best case).
const raw = new Engine([], { allowUndefinedFacts: true });
for (const [op, fn] of Object.entries(CUSTOM_OPERATORS)) raw.addOperator(op, fn);
for (const [name, r] of Object.entries(rules)) {
  raw.addRule({
    name,
    priority: 1,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine's condition type is narrower than the JSON it takes
    conditions: normalizeCondition(topCondition(r, name), name) as any,
    event: { type: name },
  });
}
const plain = worlds.map((w, i) => {
  const prev = worlds[Math.max(0, i - 1)];
  return { ...w, vix: { previous: prev.vix, current: w.vix } as unknown as number };
});

let agree = 0;
for (let i = 0; i < N; i++) {
  const f = resolver(worlds[i], worlds[Math.max(0, i - 1)]);
  if (JSON.stringify(compiled.evaluateSync(f)) === JSON.stringify(await reference.evaluate(f)))
    agree++;
}

const t = await interleaved(
  [
    {
      name: 'compiled',
      run: () => {
        for (let r = 0; r < REPEAT; r++)
          for (let i = 0; i < N; i++)
            compiled.evaluateSync(resolver(worlds[i], worlds[Math.max(0, i - 1)]));
      },
    },
    {
      name: 'jsonRulesEngine',
      run: async () => {
        for (let r = 0; r < REPEAT; r++)
          for (let i = 0; i < N; i++)
            await reference.evaluate(resolver(worlds[i], worlds[Math.max(0, i - 1)]));
      },
    },
    {
      name: 'rawJsonRulesEngine',
      run: async () => {
        for (let r = 0; r < REPEAT; r++) for (let i = 0; i < N; i++) await raw.run(plain[i]);
      },
    },
  ],
  { rounds: 7, warmup: 1 },
);
const compiledUs = perStep(t.compiled.medianCpuSeconds);
const referenceUs = perStep(t.jsonRulesEngine.medianCpuSeconds);
const rawUs = perStep(t.rawJsonRulesEngine.medianCpuSeconds);

emit({
  bench: 'rules',
  what: 'CPU microseconds per evaluation of the rule set, medians of interleaved rounds',
  rules: Object.keys(rules).length,
  evaluations: N,
  sameEventsAsReference: `${agree}/${N}`,
  compiledMicrosPerStep: Number(compiledUs.toFixed(2)),
  reference: {
    jsonRulesEngineMicrosPerStep: Number(referenceUs.toFixed(2)),
    rawJsonRulesEngineConstantFactsMicrosPerStep: Number(rawUs.toFixed(2)),
  },
  speedupOverJsonRulesEngine: Number((referenceUs / compiledUs).toFixed(1)),
});

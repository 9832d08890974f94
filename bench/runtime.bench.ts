/**
 * The runtime's speed in one run, CPU time, interleaved rounds: a 4-leg iron condor
 * backtested through step + risk gate + paper broker on the real 2026-08-18 NIFTY 1-minute
 * day, import included (the file into the chain store, then the backtest reading the store),
 * beside the same backtest on snapshots already in memory (the stepping alone, target <= 100
 * ms); and the cost of its rule evaluation per step beside raw json-rules-engine on the same
 * rules and facts; and the bytes a deployment of it stores after every step (encodeState, what a
 * live deployment writes to Postgres; target <= 4 KB). The simulated year lives in
 * bench/store.bench.ts (it reads the store).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from 'json-rules-engine';
import { backtestDocument } from '../engine/backtest/basket.ts';
import { toEngineRule } from '../engine/dsl/conditions.ts';
import { parseDsl } from '../engine/dsl/parse.ts';
import type { DslDocument } from '../engine/dsl/basket.ts';
import { compiledEvaluator } from '../engine/rules/compiled.ts';
import { normalizeCondition, topCondition } from '../engine/rules/normalize.ts';
import { CUSTOM_OPERATORS } from '../engine/rules/operators.ts';
import type { RuleSet } from '../engine/rules/types.ts';
import type { ChainSnapshot } from '../engine/runtime/types.ts';
import { readSnapshots } from '../datasets/read-snapshots.ts';
import { sharedDataDir } from '../datasets/shared-data.ts';
import { importToStore, readStore } from '../datasets/store/index.ts';
import { chainReach } from '../engine/reach/reach.ts';
import { backtestSettingsFor } from '../engine/backtest/settings.ts';
import { PaperBroker } from '../engine/broker/paper/paper-broker.ts';
import { createRuntime } from '../engine/runtime/runtime.ts';
import { encodeState } from '../engine/runtime/state-codec.ts';
import { Session } from '../engine/session/driver.ts';
import { emit, interleaved, median } from './_harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const shared = sharedDataDir() ?? path.resolve(root, '../shared/data');
const dayFile = path.join(
  shared,
  'chiragaibooks-Option-chain-Parquet',
  'option_chain_20260818.parquet',
);
const round = (x: number, d = 1) => Number(x.toFixed(d));

// The iron condor example (4 legs, closest-delta strikes, premium stops, MTM stop, % target),
// with its days-to-expiry filter lifted so it trades on any day, and entry/exit rules added so
// every step also evaluates conditions.
function benchStrategy(): DslDocument {
  const json = JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples/nifty-iron-condor-delta.json'), 'utf8'),
  );
  const s = json.basket.strategies[0];
  delete s.daysToExpiry;
  s.entry = { time: '09:30' };
  s.conditions.filters = [];
  s.conditions.entry = [
    {
      name: 'calm morning',
      conditions: {
        all: [
          { fact: 'timeOfDay', operator: 'between', value: ['09:30', '14:00'] },
          { fact: 'spotChangePct', operator: 'between', value: [-1.5, 1.5] },
          { fact: 'spot', operator: 'greaterThan', value: 1000 },
        ],
      },
      event: { type: 'enter' },
    },
  ];
  s.conditions.exit = [
    {
      name: 'spot runs',
      conditions: {
        any: [
          { fact: 'spotChangePct', operator: 'crossesAbove', value: 2 },
          { fact: 'spotChangePct', operator: 'crossesBelow', value: -2 },
        ],
      },
      event: { type: 'exit' },
    },
  ];
  const r = parseDsl(json);
  if (!r.ok) throw new Error(`bench strategy does not validate: ${JSON.stringify(r.errors)}`);
  return r.value;
}

const doc = benchStrategy();
const overrides = { costModel: 'india-index-options' as const };

async function realDay() {
  if (!existsSync(dayFile)) return { skipped: `${dayFile} is absent (set STRIKEFLOW_SHARED_DATA)` };
  const snaps: ChainSnapshot[] = [];
  for await (const s of readSnapshots(dayFile)) snaps.push(s);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-runtime-bench-'));
  let orders = 0;
  let events = 0;
  let n = 0;
  try {
    const reach = chainReach(doc.basket);
    const t = await interleaved(
      [
        {
          name: 'inMemory',
          run: async () => {
            const r = await backtestDocument(doc, snaps, { overrides });
            orders = r.orders.length;
            events = r.events.length;
          },
        },
        {
          name: 'importIntoStoreAndBacktest',
          run: async () => {
            const store = path.join(tmp, String(n++));
            await importToStore(store, dayFile);
            await backtestDocument(doc, readStore(store, { underlying: 'NIFTY', reach }), {
              overrides,
            });
          },
        },
      ],
      { rounds: 7, warmup: 2 },
    );
    const ms = t.inMemory.medianCpuSeconds * 1000;
    return {
      data: path.relative(shared, dayFile),
      snapshots: snaps.length,
      orders,
      events,
      backtestCpuMs: round(ms),
      stepsPerCpuSecond: Math.round(snaps.length / t.inMemory.medianCpuSeconds),
      microsPerStep: round((ms * 1000) / snaps.length),
      importIntoStoreAndBacktestCpuMs: round(t.importIntoStoreAndBacktest.medianCpuSeconds * 1000),
      rounds: t.inMemory.rounds,
      targetMs: 100,
      meetsTarget: ms <= 100,
      snaps,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The stored state of a deployment of the condor after every step of the day (snapshots and the
 * paper broker's reports), as a live deployment writes it: median and largest, in bytes.
 */
async function stateBytes(snaps: ChainSnapshot[] | null) {
  if (!snaps) return { skipped: 'no real day' };
  const settings = backtestSettingsFor(doc, overrides);
  const runtime = createRuntime(doc.basket, { deploymentId: 'a3c9f1e2-5b7d-4e8f-9a0b-1c2d3e4f5a6b', risk: settings.riskLimits }); // prettier-ignore
  const broker = new PaperBroker({ slippage: settings.slippage, latency: settings.latency, costModel: settings.costModel, tickSize: settings.tickSize }); // prettier-ignore
  const bytes: number[] = [];
  const session = new Session({
    runtime,
    broker,
    onStep: (_input, r) => {
      bytes.push(Buffer.byteLength(encodeState(r.state)));
    },
  });
  for (const snapshot of snaps) await session.feed({ kind: 'snapshot', snapshot });
  await session.finish();
  const med = median(bytes);
  const max = Math.max(...bytes);
  return {
    steps: bytes.length,
    medianBytes: med,
    maxBytes: max,
    targetBytes: 4096,
    meetsTarget: max <= 4096,
    what: 'Buffer.byteLength(encodeState(state)) after every step of the real day, deployment id a UUID as live',
  };
}

/** The strategy's rules on the day's facts: the compiled evaluator the runtime uses vs raw json-rules-engine. */
async function rules(snaps: ChainSnapshot[] | null) {
  const c = doc.basket.strategies[0].conditions!;
  const ruleSet: RuleSet = Object.fromEntries(
    [...c.filters, ...c.entry, ...c.exit].map((r, i) => [`r${i}`, toEngineRule(r)]),
  );
  const open = snaps?.[0]?.spot ?? 24000;
  const worlds = (
    snaps ??
    Array.from({ length: 288 }, (_, i) => ({
      ts: `2026-08-18T${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+05:30`,
      spot: 24000 + 30 * Math.sin(i / 20),
    }))
  ).map((s) => ({
    timeOfDay: s.ts.slice(11, 16),
    spot: s.spot,
    spotChangePct: ((s.spot - open) / open) * 100,
  }));
  const facts = (i: number) => {
    const w = worlds[i];
    const prev = worlds[Math.max(0, i - 1)];
    return (name: string, params: Record<string, unknown> | undefined) => {
      const cur = (w as Record<string, unknown>)[name];
      return params?.crossing === 1
        ? { previous: (prev as Record<string, unknown>)[name], current: cur }
        : cur;
    };
  };
  const compiled = compiledEvaluator(ruleSet);
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [op, fn] of Object.entries(CUSTOM_OPERATORS)) engine.addOperator(op, fn);
  for (const [name, r] of Object.entries(ruleSet)) {
    engine.addRule({
      name,
      priority: 1,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine's condition type is narrower than the JSON it takes
      conditions: normalizeCondition(topCondition(r, name), name) as any,
      event: { type: name },
    });
  }
  // Raw json-rules-engine gets the same values as plain constant facts (crossings pre-paired).
  const plain = worlds.map((w, i) => ({
    ...w,
    spotChangePct: { previous: worlds[Math.max(0, i - 1)].spotChangePct, current: w.spotChangePct },
  }));
  const N = worlds.length;
  let agree = 0;
  for (let i = 0; i < N; i++) {
    const mine = compiled.evaluateSync(facts(i));
    const ref = (await engine.run(plain[i])).events.map((e) => e.type).sort();
    if (JSON.stringify([...mine].sort()) === JSON.stringify(ref)) agree++;
  }
  const REPEAT = 20;
  const t = await interleaved(
    [
      {
        name: 'compiled',
        run: () => {
          for (let r = 0; r < REPEAT; r++)
            for (let i = 0; i < N; i++) compiled.evaluateSync(facts(i));
        },
      },
      {
        name: 'raw',
        run: async () => {
          for (let r = 0; r < REPEAT; r++) for (let i = 0; i < N; i++) await engine.run(plain[i]);
        },
      },
    ],
    { rounds: 7, warmup: 1 },
  );
  const compiledUs = (t.compiled.medianCpuSeconds * 1e6) / (N * REPEAT);
  const rawUs = (t.raw.medianCpuSeconds * 1e6) / (N * REPEAT);
  return {
    rules: Object.keys(ruleSet).length,
    steps: N,
    sameEvents: `${agree}/${N}`,
    compiledMicrosPerStep: round(compiledUs, 2),
    rawJsonRulesEngineMicrosPerStep: round(rawUs, 2),
    speedup: round(rawUs / compiledUs),
  };
}

const day = await realDay();
const snaps = 'snaps' in day && day.snaps ? day.snaps : null;
const ruleCost = await rules(snaps);
const stored = await stateBytes(snaps);
const { snaps: _omit, ...dayFigures } = 'snaps' in day ? day : { ...day, snaps: null };

emit({
  bench: 'runtime',
  strategy: `${doc.basket.name} (4 legs; days-to-expiry filter lifted, entry/exit rules added), costs india-index-options`,
  realDay: dayFigures,
  ruleEvaluation: ruleCost,
  statePerDeployment: stored,
  reference: {
    realDay:
      'the same backtest on snapshots already in memory (no import) beside import + backtest',
    ruleEvaluation:
      'raw json-rules-engine 7.3.1 Engine.run on the same rules with the same values as constant facts',
  },
});

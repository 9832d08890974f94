/**
 * Validate + compile of a 50-leg basket (10 strategies x 5 legs, with conditions), the work the
 * canvas does on every edit; target <= 5 ms. References measured in the same run: a JSON
 * round trip, structuredClone, and the bare zod safeParse of the same document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DslDocumentSchema, parseDsl, type DslDocument } from '../engine/dsl/index.ts';
import { compile, decompile } from '../engine/graph/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET_MS = 5;
const RUNS = 9;
const ITERATIONS = 40;

function basket(): unknown {
  const read = (f: string) => JSON.parse(readFileSync(path.join(here, '../engine/dsl/examples', f), 'utf8'));
  const condor = read('nifty-iron-condor-delta.json').basket.strategies[0];
  const width = read('banknifty-straddle-width-momentum.json').basket.strategies[0];
  const lazy = read('nifty-lazy-legs.json').basket.strategies[0];
  const spx = read('spx-conditions-showcase.json').basket.strategies[0];
  const strategies = [];
  for (let i = 0; i < 10; i++) {
    const s = structuredClone([condor, width, lazy][i % 3]);
    s.id = `s${i}`;
    s.underlying = ['NIFTY', 'BANKNIFTY', 'NIFTY'][i % 3];
    // Five legs each: top up from the template's own first leg; conditions from the SPX example.
    while (s.legs.length < 5) s.legs.push({ ...structuredClone(s.legs[0]), id: `extra${s.legs.length}`, lazy: false, reEntryOnStopLoss: undefined });
    s.legs = s.legs.slice(0, 5).map((l: Record<string, unknown>) => JSON.parse(JSON.stringify(l)));
    s.conditions = structuredClone(spx.conditions);
    strategies.push(s);
  }
  return { dslVersion: 1, basket: { typeVersion: 1, name: '50-leg bench basket', capital: 10_000_000, strategies } };
}

function timeOnce(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / ITERATIONS;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(fn: () => unknown): { median_ms: number; min_ms: number; max_ms: number } {
  for (let i = 0; i < 3; i++) timeOnce(fn); // warm-up: JIT and zod's lazy schema compilation
  const runs = Array.from({ length: RUNS }, () => timeOnce(fn));
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { median_ms: r(median(runs)), min_ms: r(Math.min(...runs)), max_ms: r(Math.max(...runs)) };
}

const doc = basket();
const parsed = parseDsl(doc);
if (!parsed.ok) {
  console.error(JSON.stringify(parsed.errors));
  process.exit(1);
}
const value: DslDocument = parsed.value;
const graph = decompile(value);
const legs = value.basket.strategies.reduce((n, s) => n + s.legs.length, 0);
const check = compile(graph);
if (!check.ok) {
  console.error(JSON.stringify(check.errors));
  process.exit(1);
}

const validate = measure(() => parseDsl(doc));
const compileGraph = measure(() => compile(graph));
const both = measure(() => {
  parseDsl(doc);
  compile(graph);
});
const reference = {
  json_roundtrip: measure(() => JSON.parse(JSON.stringify(doc))),
  structured_clone: measure(() => structuredClone(doc)),
  zod_safe_parse: measure(() => DslDocumentSchema.safeParse(doc)),
  decompile: measure(() => decompile(value)),
};

console.log(
  JSON.stringify(
    {
      bench: 'dsl',
      what: 'parseDsl (validate) and compile(graph) of a 50-leg basket; compile includes a full validation',
      document: { strategies: value.basket.strategies.length, legs, graphNodes: graph.nodes.length, graphEdges: graph.edges.length, jsonBytes: JSON.stringify(doc).length },
      runs: RUNS,
      iterationsPerRun: ITERATIONS,
      target_ms: TARGET_MS,
      results: { validate, compile: compileGraph, validate_plus_compile: both },
      reference,
      meetsTarget: both.median_ms <= TARGET_MS,
      node: process.version,
    },
    null,
    2,
  ),
);

/**
 * The canvas compiles and validates the whole graph on every edit, so a big graph must stay
 * under one frame (16 ms). Measures the builder's per-edit path (editor reducer + the engine's
 * compile via the catalog) on a ~300-block basket, beside the engine's bare DSL validation of
 * the same strategy as the reference.
 */
import { compileDoc } from '@/components/builder/catalog';
import {
  editorReducer,
  initialEditorState,
  type EditorState,
} from '@/components/builder/editor-state';
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';

const TARGET_MS = 16;
const STRATEGIES = 4;
const LEGS = 15;

function leg(s: number, l: number) {
  return {
    typeVersion: 1,
    id: `s${s}leg${l}`,
    kind: l % 2 ? 'PE' : 'CE',
    side: 'SELL',
    lots: 1 + (l % 3),
    expiry: { kind: 'weekly', offset: 0 },
    strike: { typeVersion: 1, type: 'otm', steps: 1 + (l % 5), atmFrom: 'spot' },
    stopLoss: { typeVersion: 1, type: 'pct', value: 30 },
    target: { typeVersion: 1, type: 'pct', value: 50 },
    reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 2 },
  };
}

const dsl = {
  dslVersion: 1,
  basket: {
    typeVersion: 1,
    name: 'Benchmark basket',
    capital: 5_000_000,
    strategies: Array.from({ length: STRATEGIES }, (_, s) => ({
      typeVersion: 1,
      id: `s${s}`,
      name: `Strategy ${s}`,
      underlying: 'NIFTY',
      entry: { time: '09:20' },
      exit: { time: '15:15' },
      stopLoss: { typeVersion: 1, type: 'mtm', value: 20000 },
      sizing: { typeVersion: 1, method: 'fixed', multiplier: 1 },
      legs: Array.from({ length: LEGS }, (_, l) => leg(s, l)),
    })),
  },
};

const parsed = parseDsl(dsl);
if (!parsed.ok)
  throw new Error(`benchmark strategy is invalid: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
const graph = decompile(parsed.value);
if (compileDoc(graph).problems.length) throw new Error('benchmark graph does not compile');

/** CPU milliseconds of this process: on a shared machine wall time measures the neighbours. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.95)];
};
const round = (x: number) => Math.round(x * 1000) / 1000;

const legNodes = graph.nodes.filter((n) => n.type === 'leg');

/** One run: N edits, each typed into a leg's lots field and followed by a full compile. */
function editRun(edits: number, invalidEvery: number): { valid: number[]; invalid: number[] } {
  let state: EditorState = initialEditorState(graph);
  const valid: number[] = [];
  const invalid: number[] = [];
  for (let i = 0; i < edits; i++) {
    const bad = invalidEvery > 0 && i % invalidEvery === 0;
    // The edit after a bad one fixes that same leg, as a trader correcting a typo would.
    const fixes = invalidEvery > 0 && i % invalidEvery === 1;
    const node = legNodes[(fixes ? i - 1 : i) % legNodes.length];
    const t0 = cpuMs();
    state = editorReducer(state, {
      type: 'update-data',
      id: node.id,
      data: { ...node.data, lots: bad ? 0 : 1 + (i % 7) },
      key: 'lots',
    });
    const compiled = compileDoc(state.doc);
    const dt = cpuMs() - t0;
    if (bad !== compiled.problems.length > 0)
      throw new Error(`edit ${i}: expected ${bad ? 'a problem' : 'no problem'}`);
    (bad ? invalid : valid).push(dt);
  }
  return { valid, invalid };
}

function referenceRun(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = cpuMs();
    const r = parseDsl(dsl);
    out.push(cpuMs() - t0);
    if (!r.ok) throw new Error('reference failed');
  }
  return out;
}

editRun(50, 5);
referenceRun(50);

const RUNS = 5;
const EDITS = 200;
const runs = Array.from({ length: RUNS }, () => {
  const { valid, invalid } = editRun(EDITS, 5);
  const ref = referenceRun(EDITS);
  return {
    valid: median(valid),
    validP95: p95(valid),
    invalid: median(invalid),
    reference: median(ref),
  };
});

const perEdit = median(runs.map((r) => r.valid));
const result = {
  bench: 'builder',
  what: 'CPU ms to compile + validate the whole graph after one inspector edit (editor reducer + engine compile), median of per-run medians; reference runs alternate with the edits',
  blocks: graph.nodes.length,
  edges: graph.edges.length,
  runs: RUNS,
  editsPerRun: EDITS,
  targetMs: TARGET_MS,
  perEditMs: round(perEdit),
  perEditP95Ms: round(median(runs.map((r) => r.validP95))),
  perEditWithProblemMs: round(median(runs.map((r) => r.invalid))),
  reference: {
    what: 'the engine validating the same strategy as a DSL document (parseDsl), no graph',
    medianMs: round(median(runs.map((r) => r.reference))),
  },
  graphOverhead: round(perEdit / median(runs.map((r) => r.reference))),
  pass: perEdit < TARGET_MS,
};
console.log(JSON.stringify(result, null, 2));

/**
 * The server's view of strategy documents: the engine compiles graphs and reads imported files,
 * so what the API stores is exactly what the canvas and the CLI would accept.
 */
import { isKnownUnderlying, type DslDocument } from '@/engine/dsl';
import { marketOf } from '@/engine/dsl/describe';
import { compile, GRAPH_VERSION, readStrategyFile as readEngineFile } from '@/engine/graph';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, jsonDepth } from '@/engine/dsl';

export type DocumentProblem = {
  path: string;
  field: string | null;
  message: string;
  nodeId: string | null;
};

export function compileForSave(graph: unknown): {
  dsl: DslDocument | null;
  problems: DocumentProblem[];
} {
  const r = compile(graph);
  if (r.ok) return { dsl: r.value, problems: [] };
  return {
    dsl: null,
    problems: r.errors.map((e) => ({
      path: e.path,
      field: e.field ?? null,
      message: e.message,
      nodeId: e.nodeId ?? null,
    })),
  };
}

export type ReadFile =
  | {
      ok: true;
      kind: 'dsl' | 'graph';
      graph: Record<string, unknown>;
      name?: string;
      description?: string;
    }
  | { ok: false; kind: 'dsl' | 'graph' | 'unknown'; errors: DocumentProblem[] };

/** The engine decides what the file is; the API keeps its own nullable-field shape. */
export function readStrategyFile(value: unknown): ReadFile {
  const r = readEngineFile(value);
  if (!r.ok) {
    return {
      ok: false,
      kind: r.kind,
      errors: r.errors.map((e) => ({
        path: e.path,
        field: e.field ?? null,
        message: e.message,
        nodeId: e.nodeId ?? null,
      })),
    };
  }
  const graph: Record<string, unknown> = r.doc;
  if (r.kind === 'graph') return { ok: true, kind: 'graph', graph };
  return {
    ok: true,
    kind: 'dsl',
    graph,
    name: r.dsl.basket.name,
    description: r.dsl.basket.description,
  };
}

/**
 * A new strategy opens with a basket, its execution (the market's cost model, so backtests are
 * charged what a broker charges) and one strategy already connected, all under the strategy's
 * one name; the first thing the trader does is add legs (a preset in the leg table), and the
 * problems list says what is still missing.
 */
export function starterGraph(
  opts: { name?: string; underlying?: string } = {},
): Record<string, unknown> {
  const underlying =
    opts.underlying && isKnownUnderlying(opts.underlying) ? opts.underlying : 'NIFTY';
  const name = opts.name?.trim() || 'My strategy';
  const market = marketOf(underlying);
  const capital = market?.currency === 'INR' ? 500000 : 25000;
  const [entry, exit] = SESSION_TIMES[underlying] ?? ['09:20', '15:15'];
  return {
    graphVersion: GRAPH_VERSION,
    nodes: [
      {
        id: 'basket',
        type: 'basket',
        typeVersion: 1,
        position: { x: 536, y: 0 },
        data: { name, capital },
      },
      {
        id: 'execution',
        type: 'execution',
        typeVersion: 1,
        position: { x: 268, y: 0 },
        data: {
          trigger: 'ltp',
          slippage: { type: 'points', value: 0 },
          costModel: { type: market?.costModel ?? 'none' },
        },
      },
      {
        id: 'strategy',
        type: 'strategy',
        typeVersion: 1,
        position: { x: 268, y: 180 },
        data: {
          id: 'strategy',
          name,
          underlying,
          entry: { time: entry, weekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
          exit: { time: exit },
        },
      },
    ],
    edges: [
      {
        id: 'e-execution-basket',
        source: 'execution',
        sourceHandle: 'out',
        target: 'basket',
        targetHandle: 'execution',
      },
      {
        id: 'e-strategy-basket',
        source: 'strategy',
        sourceHandle: 'out',
        target: 'basket',
        targetHandle: 'strategies',
      },
    ],
    viewport: { x: 0, y: 0, zoom: 1 },
  };
}

/** Entry and exit times a trader of each market starts from (exchange-local). */
const SESSION_TIMES: Record<string, [string, string]> = {
  SPY: ['09:45', '15:45'],
  QQQ: ['09:45', '15:45'],
  SPX: ['09:45', '15:45'],
  BTC: ['08:05', '23:55'],
  ETH: ['08:05', '23:55'],
};

/**
 * A canvas graph holds the DSL's content plus positions and labels: twice the DSL's byte limit,
 * and the same nesting limit, checked before anything is stored or compiled.
 */
export const MAX_GRAPH_BYTES = 2 * MAX_DOCUMENT_BYTES;

/** Why a graph or document is too big to take, or null. */
export function documentSizeProblem(value: unknown, maxBytes = MAX_GRAPH_BYTES): string | null {
  if (jsonDepth(value) > MAX_DOCUMENT_DEPTH)
    return `it nests deeper than ${MAX_DOCUMENT_DEPTH} levels; a strategy never needs that`;
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
  if (bytes > maxBytes)
    return `it is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${maxBytes / 1024 / 1024} MB (a 100-strategy basket is about 1 MB)`;
  return null;
}

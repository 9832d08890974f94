/**
 * The server's view of strategy documents: the engine compiles graphs and reads imported files,
 * so what the API stores is exactly what the canvas and the CLI would accept.
 */
import { compile, GRAPH_VERSION, readStrategyFile as readEngineFile } from '@/engine/graph';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, jsonDepth } from '@/engine/dsl';

export type DocumentProblem = {
  path: string;
  field: string | null;
  message: string;
  nodeId: string | null;
};

export function compileForSave(graph: unknown): {
  dsl: Record<string, unknown> | null;
  problems: DocumentProblem[];
} {
  const r = compile(graph);
  if (r.ok) return { dsl: r.value as unknown as Record<string, unknown>, problems: [] };
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
  const graph = r.doc as unknown as Record<string, unknown>;
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
 * A new strategy opens with a basket and one strategy already connected, so the first thing the
 * trader does is add legs; the problems list says what is still missing.
 */
export function starterGraph(): Record<string, unknown> {
  return {
    graphVersion: GRAPH_VERSION,
    nodes: [
      {
        id: 'basket',
        type: 'basket',
        typeVersion: 1,
        position: { x: 640, y: 0 },
        data: { name: 'My basket', capital: 500000 },
      },
      {
        id: 'strategy',
        type: 'strategy',
        typeVersion: 1,
        position: { x: 320, y: 0 },
        data: {
          id: 'strategy',
          name: 'My strategy',
          underlying: 'NIFTY',
          entry: { time: '09:20', weekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
          exit: { time: '15:15' },
        },
      },
    ],
    edges: [
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

/**
 * The server's view of strategy documents: the engine compiles graphs and reads imported files,
 * so what the API stores is exactly what the canvas and the CLI would accept.
 */
import { parseDsl, toDslErrors, type DslDocument } from '@/engine/dsl';
import { compile, decompile, GRAPH_VERSION, GraphDocumentSchema } from '@/engine/graph';

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

const noNode = (errors: { path: string; message: string }[]): DocumentProblem[] =>
  errors.map((e) => ({ ...e, field: null, nodeId: null }));

/**
 * A DSL document is validated and laid out as a graph; a graph document must be well formed
 * (it may still have problems to fix on the canvas, like any draft).
 */
export function readStrategyFile(value: unknown): ReadFile {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('dslVersion' in v || 'basket' in v) {
      const parsed = parseDsl(value);
      if (!parsed.ok) return { ok: false, kind: 'dsl', errors: noNode(parsed.errors) };
      const dsl: DslDocument = parsed.value;
      return {
        ok: true,
        kind: 'dsl',
        graph: decompile(dsl) as unknown as Record<string, unknown>,
        name: dsl.basket.name,
        description: dsl.basket.description,
      };
    }
    if ('nodes' in v || 'edges' in v || 'graphVersion' in v) {
      const parsed = GraphDocumentSchema.safeParse(value);
      if (!parsed.success)
        return {
          ok: false,
          kind: 'graph',
          errors: noNode(toDslErrors(parsed.error.issues, value)),
        };
      return { ok: true, kind: 'graph', graph: parsed.data as unknown as Record<string, unknown> };
    }
  }
  return {
    ok: false,
    kind: 'unknown',
    errors: [
      {
        path: '',
        message:
          'expected a strategy DSL document (with "dslVersion" and "basket") or a graph document (with "graphVersion", "nodes" and "edges")',
        field: null,
        nodeId: null,
      },
    ],
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

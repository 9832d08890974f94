// One decision for what an imported strategy file is, so the canvas and the API accept and refuse the same files with the same words.
import { liftGraph } from './compile.ts';
import { parseDsl, toDslErrors, type DslDocument } from '../dsl/index.ts';
import type { GraphError } from './compile.ts';
import { decompile } from './decompile.ts';
import { GraphDocumentSchema, type GraphDocument } from './document.ts';

export type StrategyFile =
  | { ok: true; kind: 'dsl'; doc: GraphDocument; dsl: DslDocument }
  | { ok: true; kind: 'graph'; doc: GraphDocument }
  | { ok: false; kind: 'dsl' | 'graph' | 'unknown'; errors: GraphError[] };

/**
 * A DSL document is validated and laid out as a graph; a graph document must be well formed
 * (it may still have problems to fix on the canvas, like any draft).
 */
export function readStrategyFile(value: unknown): StrategyFile {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('dslVersion' in v || 'basket' in v) {
      const parsed = parseDsl(value);
      if (!parsed.ok) return { ok: false, kind: 'dsl', errors: parsed.errors };
      return { ok: true, kind: 'dsl', doc: decompile(parsed.value), dsl: parsed.value };
    }
    if ('nodes' in v || 'edges' in v || 'graphVersion' in v) {
      const parsed = GraphDocumentSchema.safeParse(value);
      if (!parsed.success) {
        return { ok: false, kind: 'graph', errors: toDslErrors(parsed.error.issues, value) };
      }
      return { ok: true, kind: 'graph', doc: liftGraph(parsed.data) };
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
      },
    ],
  };
}

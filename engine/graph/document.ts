/** The canvas's saved document: our own versioned shape, not React Flow's internal state. */
import { z } from 'zod';

export const GRAPH_VERSION = 1 as const;

const Finite = z.number().finite();

export const GraphNodeSchema = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(60),
  typeVersion: z.int().min(1),
  position: z.strictObject({ x: Finite, y: Finite }),
  data: z.record(z.string(), z.unknown()),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z.strictObject({
  id: z.string().min(1).max(400),
  source: z.string().min(1).max(200),
  sourceHandle: z.string().min(1).max(60),
  target: z.string().min(1).max(200),
  targetHandle: z.string().min(1).max(60),
});
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

export const ViewportSchema = z.strictObject({
  x: Finite,
  y: Finite,
  zoom: z.number().gt(0).lte(10),
});
export type Viewport = z.infer<typeof ViewportSchema>;

export const GraphDocumentSchema = z.strictObject({
  graphVersion: z.literal(GRAPH_VERSION),
  nodes: z.array(GraphNodeSchema).max(5000),
  edges: z.array(GraphEdgeSchema).max(10000),
  viewport: ViewportSchema.default({ x: 0, y: 0, zoom: 1 }),
});
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const hasExactly = (o: Record<string, unknown>, keys: string[]) => {
  let n = 0;
  for (const k in o) {
    if (!keys.includes(k)) return false;
    n++;
  }
  return n === keys.length;
};

/**
 * A fast, sufficient check that `v` is a GraphDocument exactly as GraphDocumentSchema reads it
 * (viewport included), so the canvas's per-edit compile skips zod for well-formed graphs. When it
 * says false, the zod schema decides and explains.
 */
export function isWellFormedGraph(v: unknown): v is GraphDocument {
  if (!isObj(v) || !hasExactly(v, ['graphVersion', 'nodes', 'edges', 'viewport'])) return false;
  if (
    v.graphVersion !== GRAPH_VERSION ||
    !Array.isArray(v.nodes) ||
    !Array.isArray(v.edges) ||
    v.nodes.length > 5000 ||
    v.edges.length > 10000
  )
    return false;
  const vp = v.viewport;
  if (
    !isObj(vp) ||
    !hasExactly(vp, ['x', 'y', 'zoom']) ||
    !isNum(vp.x) ||
    !isNum(vp.y) ||
    !isNum(vp.zoom) ||
    vp.zoom <= 0 ||
    vp.zoom > 10
  )
    return false;
  for (const n of v.nodes as unknown[]) {
    if (!isObj(n) || !hasExactly(n, ['id', 'type', 'typeVersion', 'position', 'data']))
      return false;
    if (
      !isStr(n.id, 200) ||
      !isStr(n.type, 60) ||
      !Number.isSafeInteger(n.typeVersion) ||
      (n.typeVersion as number) < 1
    )
      return false;
    const p = n.position;
    if (!isObj(p) || !hasExactly(p, ['x', 'y']) || !isNum(p.x) || !isNum(p.y)) return false;
    if (!isObj(n.data) || Object.getPrototypeOf(n.data) !== Object.prototype) return false;
  }
  for (const e of v.edges as unknown[]) {
    if (!isObj(e) || !hasExactly(e, ['id', 'source', 'sourceHandle', 'target', 'targetHandle']))
      return false;
    if (
      !isStr(e.id, 400) ||
      !isStr(e.source, 200) ||
      !isStr(e.sourceHandle, 60) ||
      !isStr(e.target, 200) ||
      !isStr(e.targetHandle, 60)
    )
      return false;
  }
  return true;
}

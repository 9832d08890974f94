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

export const ViewportSchema = z.strictObject({ x: Finite, y: Finite, zoom: z.number().gt(0).lte(10) });
export type Viewport = z.infer<typeof ViewportSchema>;

export const GraphDocumentSchema = z.strictObject({
  graphVersion: z.literal(GRAPH_VERSION),
  nodes: z.array(GraphNodeSchema).max(5000),
  edges: z.array(GraphEdgeSchema).max(10000),
  viewport: ViewportSchema.default({ x: 0, y: 0, zoom: 1 }),
});
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;

/** The graph document as the builder edits it; the engine's graph module owns the real definition. */
export type GraphNode = {
  id: string;
  type: string;
  typeVersion: number;
  position: { x: number; y: number };
  data: Record<string, unknown>;
};
export type GraphEdge = { id: string; source: string; sourceHandle: string; target: string; targetHandle: string };
export type GraphDoc = { nodes: GraphNode[]; edges: GraphEdge[]; viewport?: { x: number; y: number; zoom: number } };

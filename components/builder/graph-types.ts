/** The graph document as the builder edits it: the engine's own document type, nothing of React Flow's. */
export type { GraphDocument as GraphDoc, GraphEdge, GraphNode, Viewport } from '@/engine/graph';

/** The canvas graph document and its compiler to and from the DSL (docs/dsl.md#graph-document). */
export {
  GraphDocumentSchema,
  isWellFormedGraph,
  GraphNodeSchema,
  GraphEdgeSchema,
  ViewportSchema,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
  type GraphEdge,
  type Viewport,
} from './document.ts';
export {
  NODE_TYPES,
  OUT_HANDLE,
  LAZY_LEG_HANDLE,
  isBlockType,
  inputOf,
  edgeFields,
  isValidConnection,
  type InputHandle,
  type NodeTypeSpec,
} from './registry.ts';
export { compile, canvasOrder, liftGraph, type CompileResult, type GraphError } from './compile.ts';
export { decompile } from './decompile.ts';
export { layoutTree, COLUMN_WIDTH, ROW_HEIGHT, type LayoutTree } from './layout.ts';
export { nodeDataJsonSchema } from './inspector.ts';
export { readStrategyFile, type StrategyFile } from './strategy-file.ts';

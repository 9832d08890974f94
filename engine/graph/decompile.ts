/** DSL -> graph, so imported JSON and templates open on the canvas. Node ids are the blocks' DSL paths. */
import { BLOCK_CHILDREN, pointer, type BlockType, type DslDocument } from '../dsl/index.ts';
import { GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode } from './document.ts';
import { layoutTree, type LayoutTree } from './layout.ts';
import { LAZY_LEG_HANDLE, OUT_HANDLE } from './registry.ts';

type Block = Record<string, unknown>;

export function decompile(dsl: DslDocument): GraphDocument {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const lazyLinks: { reEntryId: string; strategyPath: (string | number)[]; legId: string }[] = [];
  const legNodeIds = new Map<string, string>();

  const visit = (
    block: Block,
    type: BlockType,
    path: (string | number)[],
    strategyPath: (string | number)[],
  ): LayoutTree => {
    const id = pointer(path).slice(1);
    const data: Block = {};
    const childFields = new Set(BLOCK_CHILDREN[type].map((c) => c.field));
    for (const [k, v] of Object.entries(block)) {
      if (k === 'typeVersion' || childFields.has(k)) continue;
      if (type === 'reEntry' && k === LAZY_LEG_HANDLE.handle) continue;
      data[k] = structuredClone(v);
    }
    nodes.push({
      id,
      type,
      typeVersion: block.typeVersion as number,
      position: { x: 0, y: 0 },
      data,
    });
    if (type === 'strategy') strategyPath = path;
    if (type === 'leg') legNodeIds.set(`${pointer(strategyPath)}#${String(block.id)}`, id);
    if (type === 'reEntry' && block.type === 'lazy')
      lazyLinks.push({ reEntryId: id, strategyPath, legId: String(block.leg) });
    const tree: LayoutTree = { id, children: [] };
    for (const child of BLOCK_CHILDREN[type]) {
      const v = block[child.field];
      if (v === undefined) continue;
      const items = child.many
        ? (v as Block[]).map((b, i) => [b, [...path, child.field, i]] as const)
        : [[v as Block, [...path, child.field]] as const];
      for (const [b, p] of items) {
        const sub = visit(b, child.block, [...p], strategyPath);
        tree.children.push(sub);
        edges.push({
          id: `${sub.id}->${id}:${child.field}`,
          source: sub.id,
          sourceHandle: OUT_HANDLE,
          target: id,
          targetHandle: child.field,
        });
      }
    }
    return tree;
  };

  const tree = visit(dsl.basket as unknown as Block, 'basket', ['basket'], []);
  for (const link of lazyLinks) {
    const legNode = legNodeIds.get(`${pointer(link.strategyPath)}#${link.legId}`);
    if (legNode)
      edges.push({
        id: `${legNode}->${link.reEntryId}:${LAZY_LEG_HANDLE.handle}`,
        source: legNode,
        sourceHandle: OUT_HANDLE,
        target: link.reEntryId,
        targetHandle: LAZY_LEG_HANDLE.handle,
      });
  }
  const positions = layoutTree(tree);
  for (const n of nodes) n.position = positions.get(n.id)!;
  return { graphVersion: GRAPH_VERSION, nodes, edges, viewport: { x: 0, y: 0, zoom: 1 } };
}

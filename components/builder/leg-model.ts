/**
 * The leg table's view of the graph document: strategies, their legs in canvas order, and each
 * leg's child blocks, read straight from nodes and edges. Every table edit becomes one
 * GraphChange on the same document the canvas draws, so the two views can never disagree.
 */
import { canvasOrder, OUT_HANDLE } from '@/engine/graph';
import type { GraphDoc, GraphEdge, GraphNode } from './graph-types';

/** The leg blocks' child handles, as the DSL names them. */
export const LEG_CHILDREN = [
  'strike',
  'stopLoss',
  'target',
  'trailingStop',
  'reEntryOnStopLoss',
  'reEntryOnTarget',
  'momentum',
] as const;
export type LegChild = (typeof LEG_CHILDREN)[number];

/** Which block type sits in each leg handle. */
export const LEG_CHILD_TYPE: Record<LegChild, string> = {
  strike: 'strike',
  stopLoss: 'stopLoss',
  target: 'target',
  trailingStop: 'trailingStop',
  reEntryOnStopLoss: 'reEntry',
  reEntryOnTarget: 'reEntry',
  momentum: 'momentum',
};

export type LegView = {
  node: GraphNode;
  children: Partial<Record<LegChild, GraphNode>>;
};

export type StrategyView = {
  node: GraphNode;
  legs: LegView[];
  /** Child blocks of the strategy by handle (conditions, sizing, stopLoss …). */
  children: Record<string, GraphNode>;
};

export type LegsModel = {
  basket: GraphNode | null;
  execution: GraphNode | null;
  strategies: StrategyView[];
};

/** A set of edits applied to the document as one step (one undo, one autosave). */
export type GraphChange = {
  addNodes?: GraphNode[];
  addEdges?: GraphEdge[];
  updateData?: { id: string; data: Record<string, unknown> }[];
  removeNodes?: string[];
  removeEdges?: string[];
  moveNodes?: { id: string; position: { x: number; y: number } }[];
};

function childrenOf(doc: Pick<GraphDoc, 'nodes' | 'edges'>, targetId: string) {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const out = new Map<string, GraphNode[]>();
  for (const e of doc.edges) {
    if (e.target !== targetId || e.sourceHandle !== OUT_HANDLE) continue;
    const n = byId.get(e.source);
    if (!n) continue;
    const list = out.get(e.targetHandle) ?? [];
    list.push(n);
    out.set(e.targetHandle, list);
  }
  return out;
}

export function readLegs(doc: Pick<GraphDoc, 'nodes' | 'edges'>): LegsModel {
  const basket = doc.nodes.find((n) => n.type === 'basket') ?? null;
  const fromBasket = basket ? childrenOf(doc, basket.id) : new Map<string, GraphNode[]>();
  const execution = fromBasket.get('execution')?.[0] ?? null;
  // Strategies on the basket in canvas order; loose strategy blocks after them, so a draft still shows.
  const attached = [...(fromBasket.get('strategies') ?? [])].sort(canvasOrder);
  const loose = doc.nodes
    .filter((n) => n.type === 'strategy' && !attached.includes(n))
    .sort(canvasOrder);
  const strategies = [...attached, ...loose].map((s): StrategyView => {
    const kids = childrenOf(doc, s.id);
    const legs = [...(kids.get('legs') ?? [])]
      .filter((n) => n.type === 'leg')
      .sort(canvasOrder)
      .map((leg): LegView => {
        const lk = childrenOf(doc, leg.id);
        const children: LegView['children'] = {};
        for (const h of LEG_CHILDREN) {
          const c = lk.get(h)?.[0];
          if (c && c.type === LEG_CHILD_TYPE[h]) children[h] = c;
        }
        return { node: leg, children };
      });
    const children: Record<string, GraphNode> = {};
    for (const [h, list] of kids) if (h !== 'legs' && list[0]) children[h] = list[0];
    return { node: s, legs, children };
  });
  return { basket, execution, strategies };
}

/** Every node below `id` through tree edges (its children, their children …), `id` included. */
export function subtree(doc: Pick<GraphDoc, 'nodes' | 'edges'>, id: string): string[] {
  const out = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of doc.edges)
      if (out.has(e.target) && !out.has(e.source) && e.targetHandle !== 'leg') {
        out.add(e.source);
        grew = true;
      }
  }
  return [...out];
}

export function edge(source: string, target: string, targetHandle: string, id: string): GraphEdge {
  return { id, source, sourceHandle: OUT_HANDLE, target, targetHandle };
}

/** Applies a change to a document (pure); the editor reducer and tests share it. */
export function applyChange(doc: GraphDoc, c: GraphChange): GraphDoc {
  const remove = new Set(c.removeNodes ?? []);
  const removeEdges = new Set(c.removeEdges ?? []);
  const updates = new Map((c.updateData ?? []).map((u) => [u.id, u.data]));
  const moves = new Map((c.moveNodes ?? []).map((m) => [m.id, m.position]));
  const nodes = [
    ...doc.nodes
      .filter((n) => !remove.has(n.id))
      .map((n) =>
        updates.has(n.id) || moves.has(n.id)
          ? { ...n, data: updates.get(n.id) ?? n.data, position: moves.get(n.id) ?? n.position }
          : n,
      ),
    ...(c.addNodes ?? []),
  ];
  const ids = new Set(nodes.map((n) => n.id));
  const edges = [
    ...doc.edges.filter((e) => !removeEdges.has(e.id) && ids.has(e.source) && ids.has(e.target)),
    ...(c.addEdges ?? []),
  ];
  return { ...doc, nodes, edges };
}

/** True when the change would alter nothing (so no undo step or autosave is made). */
export function isEmptyChange(c: GraphChange): boolean {
  return (
    !c.addNodes?.length &&
    !c.addEdges?.length &&
    !c.updateData?.length &&
    !c.removeNodes?.length &&
    !c.removeEdges?.length &&
    !c.moveNodes?.length
  );
}

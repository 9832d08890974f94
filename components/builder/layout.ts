/**
 * Auto-layout that never overlaps: the engine's tree order (children left of their parent, lists
 * top to bottom, so canvas order and DSL order agree) with each block's real size, so a block that
 * grew an error footer or many handles pushes its neighbours instead of covering them.
 */
import { canvasOrder, inputOf, isBlockType } from '@/engine/graph';
import type { GraphDoc, GraphNode } from './graph-types';

export type Size = { width: number; height: number };

/** Every block is drawn this wide (block-node.tsx), so columns line up. */
export const NODE_WIDTH = 200;
export const GAP_X = 40;
export const GAP_Y = 20;

/** A block's height before React Flow has measured it: header, summary, one row per input, footer. */
export function estimateSize(inputs: number, lines: number, footer: boolean): Size {
  return {
    width: NODE_WIDTH,
    height: 26 + 8 + lines * 17 + 6 + Math.max(1, inputs) * 14 + (footer ? 36 : 0),
  };
}

type Tree = { node: GraphNode; children: Tree[] };

function isLink(doc: Pick<GraphDoc, 'nodes'>, target: string, handle: string): boolean {
  const t = doc.nodes.find((n) => n.id === target);
  return !!t && isBlockType(t.type) && !!inputOf(t.type, handle)?.link;
}

export function tidyLayout(doc: GraphDoc, sizeOf: (n: GraphNode) => Size): GraphDoc {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const kids = new Map<string, GraphNode[]>();
  const hasParent = new Set<string>();
  for (const e of doc.edges) {
    if (
      isLink(doc, e.target, e.targetHandle) ||
      !byId.has(e.source) ||
      !byId.has(e.target) ||
      hasParent.has(e.source)
    )
      continue;
    hasParent.add(e.source);
    const list = kids.get(e.target) ?? [];
    list.push(byId.get(e.source)!);
    kids.set(e.target, list);
  }
  const seen = new Set<string>();
  const build = (n: GraphNode): Tree => {
    seen.add(n.id);
    const children = [...(kids.get(n.id) ?? [])]
      .sort(canvasOrder)
      .filter((c) => !seen.has(c.id))
      .map(build);
    return { node: n, children };
  };
  // Baskets first, then other roots in canvas order; nodes on a cycle become roots of their own.
  const roots = doc.nodes
    .filter((n) => !hasParent.has(n.id))
    .sort((a, b) => Number(b.type === 'basket') - Number(a.type === 'basket') || canvasOrder(a, b));
  const trees: Tree[] = [];
  for (const r of roots) if (!seen.has(r.id)) trees.push(build(r));
  for (const n of doc.nodes) if (!seen.has(n.id)) trees.push(build(n));

  // Column widths by depth (the root column is rightmost).
  const widths: number[] = [];
  const measure = (t: Tree, d: number) => {
    widths[d] = Math.max(widths[d] ?? 0, sizeOf(t.node).width);
    for (const c of t.children) measure(c, d + 1);
  };
  for (const t of trees) measure(t, 0);
  const xs: number[] = [];
  let x = 0;
  for (let d = widths.length - 1; d >= 0; d--) {
    xs[d] = x;
    x += widths[d] + GAP_X;
  }

  const placed = new Map<string, { x: number; y: number }>();
  const bottom: number[] = [];
  let cursor = 0;
  const place = (t: Tree, d: number): { top: number; bottom: number } => {
    const { height } = sizeOf(t.node);
    let desired: number;
    if (t.children.length === 0) desired = cursor;
    else {
      const spans = t.children.map((c) => place(c, d + 1));
      desired = (spans[0].top + spans[spans.length - 1].bottom) / 2 - height / 2;
    }
    const y = Math.max(desired, bottom[d] === undefined ? -Infinity : bottom[d] + GAP_Y, 0);
    bottom[d] = y + height;
    cursor = Math.max(cursor, y + height + GAP_Y);
    placed.set(t.node.id, { x: xs[d], y: Math.round(y) });
    return { top: y, bottom: y + height };
  };
  for (const t of trees) {
    place(t, 0);
    // The next tree starts below everything placed so far, in every column.
    const low = Math.max(cursor, ...bottom.map((b) => b + GAP_Y));
    cursor = low + GAP_Y * 2;
    for (let d = 0; d < bottom.length; d++) bottom[d] = cursor - GAP_Y;
  }
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, position: placed.get(n.id) ?? n.position })),
  };
}

/** Boxes that overlap, for tests and for checking a layout. */
export function overlaps(
  nodes: readonly GraphNode[],
  sizeOf: (n: GraphNode) => Size,
): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i];
      const b = nodes[j];
      const sa = sizeOf(a);
      const sb = sizeOf(b);
      if (
        a.position.x < b.position.x + sb.width &&
        b.position.x < a.position.x + sa.width &&
        a.position.y < b.position.y + sb.height &&
        b.position.y < a.position.y + sa.height
      )
        out.push([a.id, b.id]);
    }
  return out;
}

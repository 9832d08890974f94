/**
 * What the leg table does to the graph, as GraphChanges: add legs (with their strike block,
 * connected and placed where nothing is), set a field, add or remove a leg's stop-loss, target,
 * trailing stop or re-entry, reorder and delete legs, and switch the underlying (its market's
 * cost model follows). Pure, so each edit is one undoable step and testable without a browser.
 */
import { marketOf } from '@/engine/dsl/describe';
import { blockSpec, newBlockData } from './catalog';
import type { GraphDoc, GraphNode } from './graph-types';
import { GAP_X, GAP_Y, NODE_WIDTH, type Size } from './layout';
import {
  edge,
  LEG_CHILD_TYPE,
  subtree,
  type GraphChange,
  type LegChild,
  type LegView,
  type LegsModel,
  type StrategyView,
} from './leg-model';
import type { LegSpec } from './presets';

export type EditContext = {
  doc: Pick<GraphDoc, 'nodes' | 'edges'>;
  newId: (prefix: string) => string;
  sizeOf: (n: GraphNode) => Size;
};

const COLUMN = NODE_WIDTH + GAP_X;

function makeNode(
  ctx: EditContext,
  type: string,
  position: { x: number; y: number },
  data: Record<string, unknown> = {},
): GraphNode {
  const spec = blockSpec(type)!;
  const id = ctx.newId(spec.idPrefix);
  return {
    id,
    type,
    typeVersion: spec.typeVersion,
    position,
    data: { ...newBlockData(type, id), ...data },
  };
}

/**
 * The highest free spot at or below `y` in the column at `x` for a block of `size`, clear of
 * every block there and of `extra` blocks about to be added.
 */
function freeY(
  ctx: EditContext,
  x: number,
  y: number,
  size: Size,
  extra: { position: { x: number; y: number }; size: Size }[] = [],
): number {
  const boxes = [
    ...ctx.doc.nodes.map((n) => ({ position: n.position, size: ctx.sizeOf(n) })),
    ...extra,
  ].filter((b) => b.position.x < x + size.width && x < b.position.x + b.size.width);
  let top = y;
  for (let guard = 0; guard < 1000; guard++) {
    const hit = boxes.find(
      (b) => b.position.y < top + size.height + GAP_Y && top < b.position.y + b.size.height + GAP_Y,
    );
    if (!hit) return Math.round(top);
    top = hit.position.y + hit.size.height + GAP_Y;
  }
  return Math.round(top);
}

/** The lowest point of the whole graph, so new legs come after every existing one in canvas order. */
function graphBottom(ctx: EditContext): number {
  let b = 0;
  for (const n of ctx.doc.nodes) b = Math.max(b, n.position.y + ctx.sizeOf(n).height);
  return b;
}

/** New legs on a strategy, each with its strike selector block, connected and placed below the graph. */
export function addLegs(
  ctx: EditContext,
  strategy: StrategyView,
  specs: readonly LegSpec[],
): { change: GraphChange; legIds: string[] } {
  const change: GraphChange = { addNodes: [], addEdges: [] };
  const legX = strategy.node.position.x - COLUMN;
  const childX = legX - COLUMN;
  let y = Math.max(graphBottom(ctx) + GAP_Y * 2, strategy.node.position.y);
  const legIds: string[] = [];
  for (const spec of specs) {
    const leg = makeNode(
      ctx,
      'leg',
      { x: legX, y },
      {
        side: spec.side,
        instrument: 'option',
        right: spec.right,
        lots: spec.lots,
        expiry: spec.expiry ?? { kind: 'weekly', offset: 0 },
        ...(spec.hedge ? { hedge: true } : {}),
      },
    );
    const strike = makeNode(ctx, 'strike', { x: childX, y }, { ...spec.strike });
    change.addNodes!.push(leg, strike);
    change.addEdges!.push(
      edge(leg.id, strategy.node.id, 'legs', ctx.newId('e')),
      edge(strike.id, leg.id, 'strike', ctx.newId('e')),
    );
    legIds.push(leg.id);
    y += Math.max(ctx.sizeOf(leg).height, ctx.sizeOf(strike).height) + GAP_Y;
  }
  return { change, legIds };
}

/** A new data object for a node: its current data with `patch` applied (undefined removes a key). */
export function patchData(node: GraphNode, patch: Record<string, unknown>): GraphChange {
  const data = { ...node.data };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete data[k];
    else data[k] = v;
  }
  return { updateData: [{ id: node.id, data }] };
}

/**
 * Sets one of a leg's child blocks: `data` null removes it (and what hangs below it), else the
 * block is updated in place or created, connected and placed in the column left of the leg.
 */
export function setLegChild(
  ctx: EditContext,
  leg: LegView,
  handle: LegChild,
  data: Record<string, unknown> | null,
): GraphChange {
  const existing = leg.children[handle];
  if (data === null) return existing ? { removeNodes: subtree(ctx.doc, existing.id) } : {};
  if (existing) return { updateData: [{ id: existing.id, data: { ...existing.data, ...data } }] };
  const type = LEG_CHILD_TYPE[handle];
  const x = leg.node.position.x - COLUMN;
  const probe = makeNode(ctx, type, { x, y: 0 }, data);
  const y = freeY(ctx, x, leg.node.position.y, ctx.sizeOf(probe));
  const node = { ...probe, position: { x, y } };
  return { addNodes: [node], addEdges: [edge(node.id, leg.node.id, handle, ctx.newId('e'))] };
}

/** Sets one of a strategy's child blocks (conditions, overall stop-loss …) the same way. */
export function setStrategyChild(
  ctx: EditContext,
  strategy: StrategyView,
  handle: string,
  type: string,
  data: Record<string, unknown> | null,
): { change: GraphChange; nodeId: string | null } {
  const existing = strategy.children[handle];
  if (data === null)
    return {
      change: existing ? { removeNodes: subtree(ctx.doc, existing.id) } : {},
      nodeId: null,
    };
  if (existing)
    return {
      change: { updateData: [{ id: existing.id, data: { ...existing.data, ...data } }] },
      nodeId: existing.id,
    };
  const x = strategy.node.position.x - COLUMN;
  const probe = makeNode(ctx, type, { x, y: 0 }, data);
  const y = freeY(ctx, x, strategy.node.position.y, ctx.sizeOf(probe));
  const node = { ...probe, position: { x, y } };
  return {
    change: {
      addNodes: [node],
      addEdges: [edge(node.id, strategy.node.id, handle, ctx.newId('e'))],
    },
    nodeId: node.id,
  };
}

/** Removes a leg and every block hanging from it. */
export function removeLeg(ctx: EditContext, leg: LegView): GraphChange {
  return { removeNodes: subtree(ctx.doc, leg.node.id) };
}

/**
 * Moves a leg one place up or down: legs are ordered by their height on the canvas, so the two
 * legs (and their blocks) trade vertical places.
 */
export function moveLeg(
  ctx: EditContext,
  strategy: StrategyView,
  index: number,
  dir: -1 | 1,
): GraphChange {
  const a = strategy.legs[index];
  const b = strategy.legs[index + dir];
  if (!a || !b) return {};
  const dy = b.node.position.y - a.node.position.y;
  const shift = (leg: LegView, by: number) =>
    subtree(ctx.doc, leg.node.id).map((id) => {
      const n = ctx.doc.nodes.find((x) => x.id === id)!;
      return { id, position: { x: n.position.x, y: n.position.y + by } };
    });
  return { moveNodes: [...shift(a, dy), ...shift(b, -dy)] };
}

/**
 * A new underlying for a strategy; when the basket's cost model is for another market (or is
 * "none"), it becomes the new market's, so costs follow the market instead of going missing.
 */
export function setUnderlying(
  ctx: EditContext,
  model: LegsModel,
  strategy: StrategyView,
  underlying: string,
): GraphChange {
  const change = patchData(strategy.node, { underlying });
  const market = marketOf(underlying);
  if (!market || !model.basket) return change;
  const exec = model.execution;
  const current = (exec?.data.costModel as { type?: string } | undefined)?.type ?? 'none';
  const keep = current === market.costModel || current === 'fixed';
  if (keep) return change;
  if (exec)
    return {
      updateData: [
        ...change.updateData!,
        { id: exec.id, data: { ...exec.data, costModel: { type: market.costModel } } },
      ],
    };
  const x = model.basket.position.x - COLUMN;
  const probe = makeNode(ctx, 'execution', { x, y: 0 }, { costModel: { type: market.costModel } });
  const node = {
    ...probe,
    position: { x, y: freeY(ctx, x, model.basket.position.y, ctx.sizeOf(probe)) },
  };
  return {
    ...change,
    addNodes: [node],
    addEdges: [edge(node.id, model.basket.id, 'execution', ctx.newId('e'))],
  };
}

/** Combines changes into one step (later updates of the same node win). */
export function combine(...changes: GraphChange[]): GraphChange {
  const out: Required<GraphChange> = {
    addNodes: [],
    addEdges: [],
    updateData: [],
    removeNodes: [],
    removeEdges: [],
    moveNodes: [],
  };
  for (const c of changes) {
    out.addNodes.push(...(c.addNodes ?? []));
    out.addEdges.push(...(c.addEdges ?? []));
    out.updateData.push(...(c.updateData ?? []));
    out.removeNodes.push(...(c.removeNodes ?? []));
    out.removeEdges.push(...(c.removeEdges ?? []));
    out.moveNodes.push(...(c.moveNodes ?? []));
  }
  return out;
}

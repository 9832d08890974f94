'use client';
/**
 * A strategy's graph drawn read-only (templates are looked at, not edited): each block says in
 * words what it is ("SELL ATM CE · 1 lot · this week", "SL 25 %", "NIFTY · enters 09:20 IST
 * Mon–Fri"), laid out so no block covers another.
 */
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { memo, useMemo } from 'react';
import { autoLayout, blockSpec, GROUP_STYLE, summarize } from '@/components/builder/catalog';
import { NODE_WIDTH } from '@/components/builder/layout';
import { readLegs } from '@/components/builder/leg-model';
import type { GraphDocument } from '@/engine/graph';

type ViewData = { blockType: string; label: string; group: string; lines: string[] };
type ViewNode = Node<ViewData, 'view'>;

const ViewBlock = memo(function ViewBlock({ data }: NodeProps<ViewNode>) {
  const style = GROUP_STYLE[data.group as keyof typeof GROUP_STYLE] ?? GROUP_STYLE.structure;
  return (
    <div
      className="rounded-md border border-zinc-700 bg-zinc-900 text-[11px] shadow"
      style={{ width: NODE_WIDTH }}
      data-block-type={data.blockType}
    >
      <Handle
        type="target"
        position={Position.Left}
        className="!bg-zinc-500"
        isConnectable={false}
      />
      <div className={`rounded-t-md px-2 py-1 font-semibold text-zinc-50 ${style.header}`}>
        {data.label}
      </div>
      <div className="space-y-0.5 px-2 py-1.5 text-zinc-300">
        {data.lines.map((l) => (
          <div key={l} className="truncate" title={l}>
            {l}
          </div>
        ))}
      </div>
      <Handle
        type="source"
        position={Position.Right}
        className="!bg-zinc-500"
        isConnectable={false}
      />
    </div>
  );
});

const nodeTypes = { view: ViewBlock };

export function ReadonlyCanvas({ graph, height = 520 }: { graph: GraphDocument; height?: number }) {
  const { nodes, edges } = useMemo(() => {
    const strikeOf = new Map<string, Record<string, unknown>>();
    for (const s of readLegs(graph).strategies)
      for (const l of s.legs)
        if (l.children.strike) strikeOf.set(l.node.id, l.children.strike.data);
    const lines = (n: GraphDocument['nodes'][number]) => {
      const spec = blockSpec(n.type);
      return spec ? summarize(spec, n.data, { strike: strikeOf.get(n.id) }) : [n.type];
    };
    // Compact blocks: a header and their lines, no handle legend.
    const sized = autoLayout(graph, (n) => ({
      width: NODE_WIDTH,
      height: 30 + lines(n).length * 16 + 8,
    }));
    const nodes: ViewNode[] = sized.nodes.map((n) => {
      const spec = blockSpec(n.type);
      return {
        id: n.id,
        type: 'view',
        position: n.position,
        draggable: false,
        connectable: false,
        data: {
          blockType: n.type,
          label: spec?.label ?? n.type,
          group: spec?.group ?? 'structure',
          lines: lines(n),
        },
      };
    });
    const edges: Edge[] = graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: null,
      targetHandle: null,
    }));
    return { nodes, edges };
  }, [graph]);
  return (
    <div
      style={{ height }}
      className="rounded border border-zinc-800 bg-zinc-950"
      data-testid="readonly-canvas"
      role="region"
      aria-label="Strategy graph (read-only)"
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
        colorMode="dark"
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

'use client';
/**
 * A strategy's graph drawn read-only (templates are looked at, not edited): the engine's graph
 * document with its decompile layout, each block labelled with its type and a few values.
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
import type { GraphDocument } from '@/engine/graph';

type ViewData = { blockType: string; lines: string[] };
type ViewNode = Node<ViewData, 'view'>;

const SHOWN = 4;

function describe(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object')
    return Array.isArray(value) ? value.join(', ') : JSON.stringify(value);
  return String(value);
}

const ViewBlock = memo(function ViewBlock({ data }: NodeProps<ViewNode>) {
  return (
    <div
      className="min-w-[180px] max-w-[240px] rounded-md border border-zinc-700 bg-zinc-900 text-[11px] shadow"
      data-block-type={data.blockType}
    >
      <Handle
        type="target"
        position={Position.Left}
        className="!bg-zinc-500"
        isConnectable={false}
      />
      <div className="rounded-t-md bg-zinc-800 px-2 py-1 font-semibold text-zinc-100">
        {data.blockType}
      </div>
      <div className="space-y-0.5 px-2 py-1.5 text-zinc-400">
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
    const nodes: ViewNode[] = graph.nodes.map((n) => ({
      id: n.id,
      type: 'view',
      position: n.position,
      draggable: false,
      connectable: false,
      data: {
        blockType: n.type,
        lines: Object.entries(n.data)
          .slice(0, SHOWN)
          .map(([k, v]) => `${k}: ${describe(v)}`),
      },
    }));
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
        colorMode="dark"
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

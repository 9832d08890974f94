'use client';
/** The one node renderer: every block draws from its catalog entry; data carries values and problems only. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { blockSpec, GROUP_STYLE, summarize } from './catalog';
import { NODE_WIDTH } from './layout';

export type BlockNodeData = {
  blockType: string;
  values: Record<string, unknown>;
  problems: string[];
  /** Values that compile but look wrong (a 10,000 % stop-loss). */
  warnings?: string[];
  /** A leg's strike block, so the leg reads "SELL ATM CE". */
  strike?: Record<string, unknown>;
};
export type BlockFlowNode = Node<BlockNodeData, 'block'>;

function BlockNodeView({ data, selected, id }: NodeProps<BlockFlowNode>) {
  const spec = blockSpec(data.blockType);
  if (!spec) {
    return (
      <div className="rounded border border-rose-600 bg-zinc-900 px-3 py-2 text-xs text-rose-300">
        Unknown block type “{data.blockType}”. Delete it or import a graph made by this version.
      </div>
    );
  }
  const style = GROUP_STYLE[spec.group];
  const inputs = spec.handles.filter((h) => h.kind === 'target');
  const outputs = spec.handles.filter((h) => h.kind === 'source');
  const hasProblems = data.problems.length > 0;
  const warnings = data.warnings ?? [];
  return (
    <div
      data-testid={`block-${id}`}
      data-block-type={spec.type}
      data-problems={data.problems.length}
      data-warnings={warnings.length}
      style={{ width: NODE_WIDTH }}
      className={`rounded-md border bg-zinc-900 text-xs shadow-lg ${
        hasProblems ? 'border-rose-500' : selected ? 'border-sky-400' : 'border-zinc-700'
      } ${selected ? 'ring-2 ring-sky-500/60' : ''}`}
    >
      <div
        className={`flex items-center justify-between gap-2 rounded-t-md px-2 py-1 ${style.header}`}
      >
        <span className="font-semibold text-zinc-50">{spec.label}</span>
        <span className="text-[10px] uppercase tracking-wide text-zinc-300/80">{style.title}</span>
      </div>
      <div className="space-y-0.5 px-2 py-1.5 text-zinc-300">
        {summarize(spec, data.values, { strike: data.strike }).map((line) => (
          <div key={line} className="truncate">
            {line}
          </div>
        ))}
      </div>
      {inputs.length || outputs.length ? (
        // Each input's handle sits on the left edge level with its label; the out handle on the
        // right edge of the first row, so what connects where reads off the block.
        <div className="border-t border-zinc-800 py-0.5 text-[10px] leading-[14px] text-zinc-400">
          {(inputs.length ? inputs : [null]).map((h, i) => (
            <div key={h?.id ?? 'none'} className="relative flex justify-between px-2">
              <span>{h?.label ?? ''}</span>
              {i === 0 ? outputs.map((o) => <span key={o.id}>{o.label}</span>) : null}
              {h ? (
                <Handle
                  id={h.id}
                  type="target"
                  position={Position.Left}
                  title={`${h.label}: connect ${h.accepts}`}
                  data-testid={`handle-${id}-${h.id}`}
                  className="!h-2.5 !w-2.5 !border-2 !border-zinc-900 !bg-sky-400"
                />
              ) : null}
              {i === 0
                ? outputs.map((o) => (
                    <Handle
                      key={o.id}
                      id={o.id}
                      type="source"
                      position={Position.Right}
                      title={`${o.label}: connects to ${o.accepts}`}
                      data-testid={`handle-${id}-${o.id}`}
                      className="!h-3 !w-3 !border-2 !border-zinc-900 !bg-amber-400"
                    />
                  ))
                : null}
            </div>
          ))}
        </div>
      ) : null}
      {hasProblems ? (
        <div
          role="status"
          className="rounded-b-md border-t border-rose-900 bg-rose-950/60 px-2 py-1 text-rose-300"
          data-testid="block-problem"
        >
          {data.problems[0]}
          {data.problems.length > 1 ? (
            <span className="text-rose-400/80"> (+{data.problems.length - 1} more)</span>
          ) : null}
        </div>
      ) : warnings.length ? (
        <div
          className="rounded-b-md border-t border-amber-900 bg-amber-950/50 px-2 py-1 text-amber-200"
          data-testid="block-warning"
        >
          ⚠ {warnings[0]}
        </div>
      ) : null}
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);

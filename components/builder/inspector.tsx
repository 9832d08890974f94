'use client';
/** Edits the selected block: its fields (generated from the block's schema) and, for keyboard users, its connections. */
import { useId, useState } from 'react';
import { blockSpec, connectionCandidates, type Problem } from './catalog';
import { ConditionsEditor } from './conditions-editor';
import { readLegs } from './leg-model';
import { SchemaForm, type FieldErrors } from './form/schema-form';
import type { GraphDoc, GraphEdge, GraphNode } from './graph-types';

export function Inspector(props: {
  doc: GraphDoc;
  node: GraphNode | undefined;
  problems: Problem[];
  readOnly?: boolean;
  onChange: (id: string, data: Record<string, unknown>, fieldKey: string) => void;
  onConnect: (edge: Omit<GraphEdge, 'id'>) => void;
  onDisconnect: (edgeId: string) => void;
  onDelete: (id: string) => void;
  labelOf: (nodeId: string) => string;
}) {
  const { node } = props;
  if (!node) {
    return (
      <div className="p-3 text-xs text-zinc-400">
        <h2 className="mb-2 text-sm font-semibold text-zinc-200">Inspector</h2>
        <p>
          Select a block to edit it. Add blocks from the palette: drag them onto the canvas, or
          focus one and press Enter.
        </p>
        <p className="mt-2">
          Shortcuts: Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Ctrl+C / Ctrl+V copy and paste,
          Delete removes the selection.
        </p>
      </div>
    );
  }
  const spec = blockSpec(node.type);
  if (!spec)
    return <div className="p-3 text-xs text-rose-300">Unknown block type “{node.type}”.</div>;
  const mine = props.problems.filter((p) => p.nodeId === node.id);
  const errors: FieldErrors = {};
  const general: string[] = [];
  for (const p of mine) {
    if (p.field) (errors[p.field] ??= []).push(p.message);
    else general.push(p.message);
  }
  return (
    <section aria-labelledby="inspector-title" className="space-y-3 p-3" data-testid="inspector">
      <header>
        <h2 id="inspector-title" className="text-sm font-semibold text-zinc-100">
          {spec.label}{' '}
          <span className="font-mono text-[11px] font-normal text-zinc-400">{node.id}</span>
        </h2>
        <p className="text-xs text-zinc-400">{spec.description}</p>
      </header>
      {general.length ? (
        <ul
          className="space-y-1 rounded border border-rose-900 bg-rose-950/40 p-2 text-xs text-rose-300"
          role="alert"
        >
          {general.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : null}
      <fieldset disabled={props.readOnly} className="space-y-3">
        {node.type === 'conditions' ? (
          <ConditionsEditor
            key={node.id}
            value={node.data}
            errors={errors}
            legIds={legIdsFor(props.doc, node.id)}
            readOnly={props.readOnly}
            onChange={(data, fieldKey) => props.onChange(node.id, data, fieldKey)}
          />
        ) : (
          <SchemaForm
            key={node.id}
            schema={spec.schema}
            label={spec.label}
            value={node.data}
            skip={spec.skip}
            errors={errors}
            onChange={(data, fieldKey) => props.onChange(node.id, data, fieldKey)}
          />
        )}
      </fieldset>
      {!props.readOnly ? (
        <>
          <Connections {...props} node={node} />
          <button
            type="button"
            onClick={() => props.onDelete(node.id)}
            className="rounded border border-rose-800 px-2 py-1 text-xs text-rose-300 hover:bg-rose-950 focus:outline-none focus:ring-1 focus:ring-rose-500"
          >
            Delete block
          </button>
        </>
      ) : null}
    </section>
  );
}

function Connections(props: {
  doc: GraphDoc;
  node: GraphNode;
  onConnect: (edge: Omit<GraphEdge, 'id'>) => void;
  onDisconnect: (edgeId: string) => void;
  labelOf: (nodeId: string) => string;
}) {
  const { doc, node } = props;
  const spec = blockSpec(node.type)!;
  if (!spec.handles.length) return null;
  return (
    <fieldset className="space-y-2 rounded border border-zinc-800 p-2">
      <legend className="text-xs font-medium text-zinc-300">Connections</legend>
      {spec.handles.map((h) => {
        const existing = doc.edges.filter((e) =>
          h.kind === 'target'
            ? e.target === node.id && e.targetHandle === h.id
            : e.source === node.id && e.sourceHandle === h.id,
        );
        return (
          <div key={h.id} className="space-y-1">
            <div className="text-xs text-zinc-400">
              {h.label}{' '}
              <span className="text-zinc-400">
                ({h.kind === 'target' ? 'takes' : 'goes into'} {h.accepts})
              </span>
            </div>
            <ul className="space-y-0.5">
              {existing.map((e) => {
                const other = h.kind === 'target' ? e.source : e.target;
                return (
                  <li
                    key={e.id}
                    className="flex items-center justify-between gap-2 text-xs text-zinc-300"
                  >
                    <span>{props.labelOf(other)}</span>
                    <button
                      type="button"
                      className="text-zinc-400 underline hover:text-rose-300"
                      aria-label={`Disconnect ${props.labelOf(other)} from ${h.label}`}
                      onClick={() => props.onDisconnect(e.id)}
                    >
                      disconnect
                    </button>
                  </li>
                );
              })}
            </ul>
            <ConnectPicker
              doc={doc}
              node={node}
              handleId={h.id}
              handleLabel={h.label}
              labelOf={props.labelOf}
              onConnect={props.onConnect}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

function ConnectPicker(props: {
  doc: GraphDoc;
  node: GraphNode;
  handleId: string;
  handleLabel: string;
  labelOf: (nodeId: string) => string;
  onConnect: (edge: Omit<GraphEdge, 'id'>) => void;
}) {
  const candidates = connectionCandidates(props.doc, props.node.id, props.handleId);
  const [choice, setChoice] = useState('');
  const id = useId();
  if (!candidates.length) return null;
  return (
    <div className="flex items-end gap-1">
      <div className="flex-1">
        <label htmlFor={id} className="sr-only">
          Connect {props.handleLabel} to
        </label>
        <select
          id={id}
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          className="w-full rounded border border-zinc-700 bg-zinc-900 px-1 py-0.5 text-xs text-zinc-100 focus:border-sky-500 focus:outline-none"
        >
          <option value="">Connect {props.handleLabel.toLowerCase()} to…</option>
          {candidates.map((c, i) => (
            <option
              key={`${c.source}:${c.sourceHandle}:${c.target}:${c.targetHandle}`}
              value={String(i)}
            >
              {props.labelOf(c.source === props.node.id ? c.target : c.source)} · {c.label}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        disabled={choice === ''}
        onClick={() => {
          const c = candidates[Number(choice)];
          if (c)
            props.onConnect({
              source: c.source,
              sourceHandle: c.sourceHandle,
              target: c.target,
              targetHandle: c.targetHandle,
            });
          setChoice('');
        }}
        className="rounded border border-zinc-700 px-2 py-0.5 text-xs text-zinc-200 hover:border-sky-500 disabled:opacity-40"
      >
        Connect
      </button>
    </div>
  );
}

/** The leg ids of the strategy a conditions block belongs to, for legPnl pickers. */
function legIdsFor(doc: GraphDoc, conditionsId: string): string[] {
  const s = readLegs(doc).strategies.find((x) => x.children.conditions?.id === conditionsId);
  return s ? s.legs.map((l) => String(l.node.data.id ?? l.node.id)) : [];
}

'use client';
/**
 * The strategy builder: the React Flow canvas and, beside it, one side panel with the leg table,
 * the block palette, the inspector, the compiled DSL and whatever the page adds (payoff,
 * history). Our graph document (editor-state) is the only source of truth; the canvas and the
 * leg table both draw it, and every gesture in either becomes an editor action so it can be
 * undone, autosaved and compiled by the engine.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type Edge,
  type IsValidConnection,
  type NodeChange,
  type Viewport,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
  type Ref,
} from 'react';
import { BlockNode, type BlockFlowNode } from './block-node';
import {
  autoLayout,
  blockSpec,
  compileDoc,
  connectionProblem,
  estimateNodeSize,
  newBlockData,
  readJsonDocument,
  summarize,
  type Compiled,
  type Problem,
} from './catalog';
import { copySelection, editorReducer, initialEditorState, type Fragment } from './editor-state';
import type { GraphDoc, GraphEdge, GraphNode } from './graph-types';
import { Inspector } from './inspector';
import { NODE_WIDTH, type Size } from './layout';
import type { EditContext } from './leg-edits';
import { applyChange as applyGraphChange, readLegs, type GraphChange } from './leg-model';
import { LegTable } from './leg-table';
import { BLOCK_MIME, Palette } from './palette';
import { ProblemsPanel } from './problems';
import { findWarnings } from './warnings';

const nodeTypes = { block: BlockNode };
/**
 * Open and fit at a zoom where block text stays readable (a graph too big for that opens
 * centred at that zoom); the minimap and "Fit view" give the whole picture.
 */
const fitViewOptions = { padding: 0.08, minZoom: 0.7, maxZoom: 1 };
const wholeGraph = { padding: 0.08, maxZoom: 1 };

/** What the page around the builder may do to the document (rename, restore a version). */
export type BuilderController = {
  apply: (change: GraphChange, key?: string) => void;
  replace: (doc: GraphDoc) => void;
  doc: () => GraphDoc;
  /** Opens a side-panel tab ("legs", "history" …). */
  show: (tab: string) => void;
  announce: (text: string) => void;
};

export type SideTab = { id: string; label: string; content: ReactNode };

/** True when every block already sits (near enough) where auto-layout would put it. */
function isTidy(doc: GraphDoc, sizeOf: (n: GraphNode) => Size): boolean {
  const laid = autoLayout(doc, sizeOf);
  return laid.nodes.every((n, i) => {
    const p = doc.nodes[i].position;
    // Measured sizes differ a little from the estimates new blocks were placed with.
    return Math.abs(p.x - n.position.x) < 30 && Math.abs(p.y - n.position.y) < 30;
  });
}

export function newId(prefix: string): string {
  const bytes = new Uint8Array(5);
  crypto.getRandomValues(bytes);
  return `${prefix}_${Array.from(bytes, (b) => (b % 36).toString(36)).join('')}`;
}

export type BuilderProps = {
  initialDoc: GraphDoc;
  readOnly?: boolean;
  /** Called after every change to the document (not for selection or viewport-only changes). */
  onDocChange?: (doc: GraphDoc, compiled: Compiled) => void;
  /** The viewport is saved with the document but is not an edit; this lets autosave keep it. */
  onViewportChange?: (viewport: Viewport) => void;
  /** Called with the engine's compile result whenever it changes (also on first render). */
  onCompile?: (compiled: Compiled) => void;
  toolbarExtra?: ReactNode;
  exportName?: string;
  /** More side-panel tabs (the payoff, the version history), after the builder's own. */
  sideTabs?: SideTab[];
  controllerRef?: Ref<BuilderController>;
};

export function Builder(props: BuilderProps) {
  return (
    <ReactFlowProvider>
      <BuilderCanvas {...props} />
    </ReactFlowProvider>
  );
}

function isTyping(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return (
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (el as HTMLElement).isContentEditable
  );
}

export function downloadJson(fileName: string, value: unknown) {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function BuilderCanvas(props: BuilderProps) {
  const { readOnly = false } = props;
  const [state, dispatch] = useReducer(editorReducer, props.initialDoc, initialEditorState);
  const flow = useReactFlow();
  const rootRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const clipboard = useRef<Fragment | null>(null);
  const pasteCount = useRef(0);
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [side, setSide] = useState<string>('legs');
  const [minimap, setMinimap] = useState(true);
  const [dragging, setDragging] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [importErrors, setImportErrors] = useState<{
    title: string;
    errors: { path: string; message: string }[];
  } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const { nodes: docNodes, edges: docEdges } = state.doc;
  // Compile on every edit, never on selection or viewport changes.
  const compiled = useMemo(
    () => compileDoc({ nodes: docNodes, edges: docEdges }),
    [docNodes, docEdges],
  );
  const docRef = useRef(state.doc);
  docRef.current = state.doc;

  const onDocChange = props.onDocChange;
  const lastRevision = useRef(state.revision);
  useEffect(() => {
    if (state.revision === lastRevision.current) return;
    lastRevision.current = state.revision;
    onDocChange?.(state.doc, compiled);
  }, [state.revision, state.doc, compiled, onDocChange]);

  const onCompile = props.onCompile;
  useEffect(() => onCompile?.(compiled), [compiled, onCompile]);

  const problemsByNode = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of compiled.problems) {
      if (!p.nodeId) continue;
      const list = m.get(p.nodeId) ?? [];
      list.push(p.field ? `${p.field}: ${p.message}` : p.message);
      m.set(p.nodeId, list);
    }
    return m;
  }, [compiled]);

  const warnings = useMemo(
    () => findWarnings({ nodes: docNodes, edges: docEdges }),
    [docNodes, docEdges],
  );
  const warningsByNode = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const w of warnings) m.set(w.nodeId, [...(m.get(w.nodeId) ?? []), w.message]);
    return m;
  }, [warnings]);
  const legsModel = useMemo(
    () => readLegs({ nodes: docNodes, edges: docEdges }),
    [docNodes, docEdges],
  );
  /** Each leg's strike block, so the leg's own block can say "SELL ATM CE". */
  const strikeOfLeg = useMemo(() => {
    const m = new Map<string, Record<string, unknown>>();
    for (const s of legsModel.strategies)
      for (const l of s.legs) if (l.children.strike) m.set(l.node.id, l.children.strike.data);
    return m;
  }, [legsModel]);

  const measuredRef = useRef(measured);
  measuredRef.current = measured;
  /** A block's drawn size, or an estimate from what it will draw before React Flow measures it. */
  const sizeOf = useCallback((n: GraphNode): Size => {
    const m = measuredRef.current[n.id];
    if (m) return m;
    const spec = blockSpec(n.type);
    return spec
      ? estimateNodeSize(n.type, summarize(spec, n.data).length, false)
      : { width: NODE_WIDTH, height: 80 };
  }, []);
  const editContext: EditContext = useMemo(
    () => ({ doc: { nodes: docNodes, edges: docEdges }, newId, sizeOf }),
    [docNodes, docEdges, sizeOf],
  );
  const applyChange = useCallback(
    (change: GraphChange, key?: string, select?: string[]) => {
      if (readOnly) return;
      const before = docRef.current;
      let c = change;
      // New blocks from the table: a graph that was tidy (or had no legs yet) is laid out again,
      // so a straddle from a preset lands in order; a hand-arranged graph keeps its arrangement.
      if (
        change.addNodes?.length &&
        (!before.nodes.some((n) => n.type === 'leg') || isTidy(before, sizeOf))
      ) {
        const laid = autoLayout(applyGraphChange(before, change), sizeOf);
        const added = new Set(change.addNodes.map((n) => n.id));
        c = {
          ...change,
          addNodes: change.addNodes.map((n) => ({
            ...n,
            position: laid.nodes.find((x) => x.id === n.id)?.position ?? n.position,
          })),
          moveNodes: laid.nodes
            .filter((n) => !added.has(n.id))
            .map((n) => ({ id: n.id, position: n.position })),
        };
      }
      dispatch({ type: 'change', change: c, key, select });
      if (change.addNodes?.length) {
        setTimeout(() => void flow.fitView({ ...fitViewOptions, duration: 200 }), 80);
      }
    },
    [readOnly, sizeOf, flow],
  );
  useImperativeHandle(
    props.controllerRef,
    () => ({
      apply: (change, key) => dispatch({ type: 'change', change, key }),
      replace: (doc) => {
        dispatch({ type: 'replace', doc, undoable: true });
        setTimeout(() => void flow.fitView({ ...fitViewOptions, duration: 200 }), 80);
      },
      doc: () => docRef.current,
      show: (tab) => setSide(tab),
      announce: (text) => setAnnounce(text),
    }),
    [flow],
  );

  const selectedNodes = useMemo(() => new Set(state.selectedNodes), [state.selectedNodes]);
  const selectedEdges = useMemo(() => new Set(state.selectedEdges), [state.selectedEdges]);

  const rfNodes: BlockFlowNode[] = useMemo(
    () =>
      docNodes.map((n) => ({
        id: n.id,
        type: 'block' as const,
        position: n.position,
        selected: selectedNodes.has(n.id),
        measured: measured[n.id],
        ariaLabel: `${blockSpec(n.type)?.label ?? n.type} block ${n.id}`,
        data: {
          blockType: n.type,
          values: n.data,
          problems: problemsByNode.get(n.id) ?? [],
          warnings: warningsByNode.get(n.id) ?? [],
          strike: strikeOfLeg.get(n.id),
        },
      })),
    [docNodes, selectedNodes, measured, problemsByNode, warningsByNode, strikeOfLeg],
  );
  const rfEdges: Edge[] = useMemo(
    () =>
      docEdges.map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle,
        target: e.target,
        targetHandle: e.targetHandle,
        selected: selectedEdges.has(e.id),
        type: 'smoothstep',
      })),
    [docEdges, selectedEdges],
  );

  const labelOf = useCallback((id: string) => {
    const n = docRef.current.nodes.find((x) => x.id === id);
    if (!n) return id;
    const spec = blockSpec(n.type);
    const named =
      typeof n.data.name === 'string' && n.data.name
        ? n.data.name
        : typeof n.data.id === 'string'
          ? n.data.id
          : n.id;
    return `${spec?.label ?? n.type} ${named}`;
  }, []);

  const onNodesChange = useCallback(
    (changes: NodeChange<BlockFlowNode>[]) => {
      const positions: { id: string; position: { x: number; y: number } }[] = [];
      let dragging = false;
      let selection: Set<string> | null = null;
      const dims: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        if (c.type === 'position' && c.position && !readOnly) {
          positions.push({ id: c.id, position: c.position });
          dragging ||= c.dragging === true;
        } else if (c.type === 'select') {
          selection ??= new Set(state.selectedNodes);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          dims[c.id] = c.dimensions;
        }
      }
      if (Object.keys(dims).length) setMeasured((m) => ({ ...m, ...dims }));
      if (positions.length) dispatch({ type: 'move', positions, dragging });
      if (positions.length) setDragging(dragging);
      if (selection)
        dispatch({ type: 'select', nodeIds: [...selection], edgeIds: state.selectedEdges });
    },
    [readOnly, state.selectedNodes, state.selectedEdges],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let selection: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'select') {
          selection ??= new Set(state.selectedEdges);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        }
      }
      if (selection)
        dispatch({ type: 'select', nodeIds: state.selectedNodes, edgeIds: [...selection] });
    },
    [state.selectedNodes, state.selectedEdges],
  );

  const connect = useCallback((c: Omit<GraphEdge, 'id'>) => {
    const problem = connectionProblem(docRef.current, c);
    if (problem) {
      setAnnounce(problem);
      return;
    }
    dispatch({ type: 'connect', edge: { ...c, id: newId('e') } });
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      connect({
        source: c.source,
        sourceHandle: c.sourceHandle,
        target: c.target,
        targetHandle: c.targetHandle,
      });
    },
    [connect],
  );

  const isValidConnection: IsValidConnection = useCallback((c) => {
    if (!c.sourceHandle || !c.targetHandle) return false;
    return (
      connectionProblem(docRef.current, {
        source: c.source,
        sourceHandle: c.sourceHandle,
        target: c.target,
        targetHandle: c.targetHandle,
      }) === null
    );
  }, []);

  const addBlock = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      const spec = blockSpec(type);
      if (!spec || readOnly) return;
      let position = at;
      if (!position) {
        const r = canvasRef.current?.getBoundingClientRect();
        const centre = r
          ? flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 })
          : { x: 0, y: 0 };
        // Stagger keyboard-added blocks so they do not land on top of each other.
        const k = docRef.current.nodes.length % 8;
        position = {
          x: Math.round(centre.x - 100 + k * 24),
          y: Math.round(centre.y - 40 + k * 24),
        };
      }
      const id = newId(spec.idPrefix);
      dispatch({
        type: 'add',
        node: { id, type, typeVersion: spec.typeVersion, position, data: newBlockData(type, id) },
      });
      setSide('inspector');
      setAnnounce(`Added ${spec.label}. Edit it in the inspector.`);
    },
    [flow, readOnly],
  );

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const type = e.dataTransfer.getData(BLOCK_MIME);
      if (!type) return;
      e.preventDefault();
      setDragging(false);
      // A drop over the minimap would hide the new block under it: put it just left of the minimap.
      let x = e.clientX;
      const mm = canvasRef.current?.querySelector('.react-flow__minimap')?.getBoundingClientRect();
      if (
        mm &&
        x >= mm.left - NODE_WIDTH / 2 &&
        x <= mm.right &&
        e.clientY >= mm.top &&
        e.clientY <= mm.bottom
      )
        x = mm.left - NODE_WIDTH / 2 - 12;
      const p = flow.screenToFlowPosition({ x, y: e.clientY });
      addBlock(type, { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - 20) });
    },
    [addBlock, flow],
  );

  const removeSelection = useCallback(() => {
    if (readOnly) return;
    dispatch({ type: 'remove', nodeIds: state.selectedNodes, edgeIds: state.selectedEdges });
  }, [readOnly, state.selectedNodes, state.selectedEdges]);

  const copy = useCallback(() => {
    const frag = copySelection(state);
    if (!frag.nodes.length) return;
    clipboard.current = frag;
    pasteCount.current = 0;
    setAnnounce(`Copied ${frag.nodes.length} block${frag.nodes.length === 1 ? '' : 's'}.`);
  }, [state]);

  const paste = useCallback(() => {
    const frag = clipboard.current;
    if (!frag || readOnly) return;
    pasteCount.current += 1;
    const d = 40 * pasteCount.current;
    const prefixes = new Map(frag.nodes.map((n) => [n.id, blockSpec(n.type)?.idPrefix ?? 'block']));
    const queue = frag.nodes.map((n) => prefixes.get(n.id)!);
    let i = 0;
    dispatch({
      type: 'paste',
      fragment: frag,
      offset: { x: d, y: d },
      newId: () => newId(i < queue.length ? queue[i++] : 'e'),
    });
  }, [readOnly]);

  const layout = useCallback(() => {
    if (readOnly) return;
    dispatch({ type: 'replace', doc: autoLayout(docRef.current, sizeOf), undoable: true });
    // After React Flow has drawn the new positions, not before.
    setTimeout(() => void flow.fitView({ ...fitViewOptions, duration: 200 }), 80);
  }, [flow, readOnly, sizeOf]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const root = rootRef.current;
      const active = document.activeElement;
      if (!root || !(root.contains(active) || active === document.body)) return;
      if (isTyping(active)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && !e.shiftKey) dispatch({ type: 'undo' });
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) dispatch({ type: 'redo' });
      else if (mod && key === 'c') copy();
      else if (mod && key === 'v') paste();
      else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) removeSelection();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [copy, paste, removeSelection]);

  const focusProblem = useCallback(
    (p: Problem) => {
      if (!p.nodeId) return;
      const id = p.nodeId;
      dispatch({ type: 'select', nodeIds: [id], edgeIds: [] });
      setSide('inspector');
      flow.fitView({ nodes: [{ id }], duration: 250, maxZoom: 1.2, padding: 0.6 });
      // After the inspector shows this block, put the caret in the field the problem names.
      requestAnimationFrame(() => {
        const el = rootRef.current?.querySelector<HTMLElement>(
          '[data-testid="inspector"] [aria-invalid="true"]',
        );
        (
          el ??
          rootRef.current?.querySelector<HTMLElement>(
            '[data-testid="inspector"] input, [data-testid="inspector"] select',
          )
        )?.focus();
      });
    },
    [flow],
  );

  const onImportFile = useCallback(
    async (file: File) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch (err) {
        setImportErrors({
          title: `${file.name} is not JSON`,
          errors: [{ path: '', message: (err as Error).message }],
        });
        return;
      }
      const read = readJsonDocument(parsed);
      if (!read.ok) {
        setImportErrors({
          title: `${file.name} is not a valid ${read.kind === 'unknown' ? 'strategy (DSL) or graph' : read.kind.toUpperCase()} document`,
          errors: read.errors,
        });
        return;
      }
      setImportErrors(null);
      dispatch({ type: 'replace', doc: read.doc, undoable: true });
      setAnnounce(
        `Imported ${file.name} (${read.kind === 'dsl' ? 'strategy DSL' : 'graph'}). Ctrl+Z undoes the import.`,
      );
      // After React Flow has drawn the new positions, not before.
      setTimeout(() => void flow.fitView({ ...fitViewOptions, duration: 200 }), 80);
    },
    [flow],
  );

  const selected =
    state.selectedNodes.length === 1
      ? state.doc.nodes.find((n) => n.id === state.selectedNodes[0])
      : undefined;
  const exportName = props.exportName ?? 'strategy';

  const tabs: { id: string; label: string }[] = [
    { id: 'legs', label: `Legs (${legsModel.strategies.reduce((a, x) => a + x.legs.length, 0)})` },
    ...(readOnly ? [] : [{ id: 'blocks', label: 'Blocks' }]),
    { id: 'inspector', label: 'Inspector' },
    ...(props.sideTabs ?? []).map((t) => ({ id: t.id, label: t.label })),
    { id: 'dsl', label: 'Compiled DSL' },
  ];

  const btn =
    'rounded border border-zinc-700 px-2 py-1 text-xs text-zinc-200 hover:border-zinc-500 focus:outline-none focus:ring-1 focus:ring-sky-500 disabled:opacity-40';

  return (
    <div ref={rootRef} className="flex h-full min-h-0 flex-col bg-zinc-950 text-zinc-100">
      <div
        role="toolbar"
        aria-label="Builder tools"
        className="flex flex-wrap items-center gap-1 border-b border-zinc-800 px-2 py-1"
      >
        <button
          type="button"
          className={btn}
          disabled={readOnly || !state.past.length}
          onClick={() => dispatch({ type: 'undo' })}
          title="Ctrl+Z"
        >
          Undo
        </button>
        <button
          type="button"
          className={btn}
          disabled={readOnly || !state.future.length}
          onClick={() => dispatch({ type: 'redo' })}
          title="Ctrl+Shift+Z"
        >
          Redo
        </button>
        <span className="mx-1 h-4 w-px bg-zinc-800" />
        <button
          type="button"
          className={btn}
          disabled={!state.selectedNodes.length}
          onClick={copy}
          title="Ctrl+C"
        >
          Copy
        </button>
        <button type="button" className={btn} disabled={readOnly} onClick={paste} title="Ctrl+V">
          Paste
        </button>
        <button
          type="button"
          className={btn}
          disabled={readOnly || (!state.selectedNodes.length && !state.selectedEdges.length)}
          onClick={removeSelection}
          title="Delete"
        >
          Delete
        </button>
        <span className="mx-1 h-4 w-px bg-zinc-800" />
        <button type="button" className={btn} disabled={readOnly} onClick={layout}>
          Auto-layout
        </button>
        <button
          type="button"
          className={btn}
          onClick={() => flow.fitView({ ...wholeGraph, duration: 200 })}
          title="Show the whole graph"
        >
          Fit view
        </button>
        <button
          type="button"
          className={btn}
          aria-pressed={minimap}
          onClick={() => setMinimap(!minimap)}
        >
          Minimap
        </button>
        <span className="mx-1 h-4 w-px bg-zinc-800" />
        <button
          type="button"
          className={btn}
          disabled={!compiled.dsl}
          title={
            compiled.dsl
              ? 'Download the compiled strategy (DSL JSON)'
              : 'Fix the problems first: only a valid graph compiles to a DSL'
          }
          onClick={() => downloadJson(`${exportName}.dsl.json`, compiled.dsl)}
        >
          Export DSL
        </button>
        <button
          type="button"
          className={btn}
          onClick={() => downloadJson(`${exportName}.graph.json`, state.doc)}
        >
          Export graph
        </button>
        {!readOnly ? (
          <>
            <button type="button" className={btn} onClick={() => fileInput.current?.click()}>
              Import JSON…
            </button>
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              aria-label="Import a DSL or graph JSON file"
              data-testid="builder-import-file"
              className="hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void onImportFile(f);
              }}
            />
          </>
        ) : null}
        <div className="ml-auto flex items-center gap-2">{props.toolbarExtra}</div>
      </div>
      <div aria-live="polite" className="sr-only" data-testid="builder-announce">
        {announce}
      </div>
      {importErrors ? (
        <div
          role="alert"
          className="border-b border-rose-900 bg-rose-950/50 px-3 py-2 text-xs text-rose-200"
        >
          <div className="flex items-center justify-between">
            <strong>{importErrors.title}</strong>
            <button type="button" className="underline" onClick={() => setImportErrors(null)}>
              Dismiss
            </button>
          </div>
          <ul className="mt-1 max-h-32 overflow-y-auto">
            {importErrors.errors.map((e, i) => (
              <li key={i}>
                <span className="font-mono text-rose-300">{e.path || '(document)'}</span>{' '}
                {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          <div
            ref={canvasRef}
            className={`relative min-h-0 flex-1 ${dragging ? 'sf-dragging' : ''}`}
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes(BLOCK_MIME)) {
                e.preventDefault();
                e.dataTransfer.dropEffect = 'copy';
                if (!dragging) setDragging(true);
              }
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={onDrop}
            data-testid="canvas"
          >
            <ReactFlow<BlockFlowNode>
              nodes={rfNodes}
              edges={rfEdges}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onNodeClick={() => setSide('inspector')}
              isValidConnection={isValidConnection}
              deleteKeyCode={null}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              // Open on the graph: a saved viewport from another screen size can show nothing.
              fitView
              fitViewOptions={fitViewOptions}
              onMoveEnd={(_, viewport) => {
                dispatch({ type: 'viewport', viewport });
                props.onViewportChange?.(viewport);
              }}
              colorMode="dark"
              proOptions={{ hideAttribution: true }}
              minZoom={0.1}
            >
              <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
              {minimap ? (
                <MiniMap
                  pannable
                  zoomable
                  position="bottom-right"
                  // Never in the way of a drop or a drag: see-through while something is dragged.
                  className={`sf-minimap ${dragging ? 'pointer-events-none opacity-30' : 'opacity-90'}`}
                  style={{ width: 140, height: 90 }}
                  ariaLabel="Minimap of the strategy graph"
                  nodeColor={(n) =>
                    (n.data as { problems: string[] }).problems.length ? '#f43f5e' : '#38bdf8'
                  }
                />
              ) : null}
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
          <div className="h-28 shrink-0 border-t border-zinc-800">
            <ProblemsPanel
              problems={compiled.problems}
              warnings={warnings}
              labelOf={labelOf}
              onFocus={focusProblem}
            />
          </div>
        </div>
        <aside
          className="flex w-[520px] shrink-0 flex-col border-l border-zinc-800"
          aria-label="Side panel"
        >
          <div
            role="tablist"
            aria-label="Side panel"
            className="flex border-b border-zinc-800 text-xs"
          >
            {tabs.map((t) => (
              <button
                key={t.id}
                id={`side-tab-${t.id}`}
                type="button"
                role="tab"
                aria-selected={side === t.id}
                aria-controls="side-tabpanel"
                tabIndex={side === t.id ? 0 : -1}
                onClick={() => setSide(t.id)}
                onKeyDown={(e) => {
                  const i = tabs.findIndex((x) => x.id === side);
                  const next =
                    e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
                  if (next === null) return;
                  e.preventDefault();
                  const t2 = tabs[(next + tabs.length) % tabs.length];
                  setSide(t2.id);
                  document.getElementById(`side-tab-${t2.id}`)?.focus();
                }}
                className={`flex-1 px-2 py-1.5 ${side === t.id ? 'border-b-2 border-sky-500 text-zinc-100' : 'text-zinc-400 hover:text-zinc-200'}`}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div
            id="side-tabpanel"
            className="min-h-0 flex-1 overflow-y-auto"
            role="tabpanel"
            aria-labelledby={`side-tab-${side}`}
          >
            {side === 'legs' ? (
              <LegTable
                model={legsModel}
                ctx={editContext}
                problems={compiled.problems}
                warnings={warnings}
                readOnly={readOnly}
                onChange={applyChange}
                onHighlight={(ids) => dispatch({ type: 'select', nodeIds: ids, edgeIds: [] })}
                onAnnounce={setAnnounce}
              />
            ) : side === 'blocks' ? (
              <Palette onAdd={(t) => addBlock(t)} disabled={readOnly} />
            ) : side === 'inspector' ? (
              <Inspector
                doc={state.doc}
                node={selected}
                problems={compiled.problems}
                readOnly={readOnly}
                labelOf={labelOf}
                onChange={(id, data, key) => dispatch({ type: 'update-data', id, data, key })}
                onConnect={connect}
                onDisconnect={(edgeId) =>
                  dispatch({ type: 'remove', nodeIds: [], edgeIds: [edgeId] })
                }
                onDelete={(id) => dispatch({ type: 'remove', nodeIds: [id], edgeIds: [] })}
              />
            ) : side === 'dsl' ? (
              <DslView compiled={compiled} />
            ) : (
              (props.sideTabs?.find((t) => t.id === side)?.content ?? null)
            )}
          </div>
        </aside>
      </div>
    </div>
  );
}

function DslView({ compiled }: { compiled: Compiled }) {
  if (!compiled.dsl) {
    return (
      <p className="p-3 text-xs text-zinc-400">
        The graph has {compiled.problems.length} problem{compiled.problems.length === 1 ? '' : 's'};
        the compiled strategy appears here once they are fixed.
      </p>
    );
  }
  return (
    <pre
      data-testid="dsl-view"
      aria-label="Compiled strategy DSL (read-only)"
      tabIndex={0}
      className="whitespace-pre-wrap break-all p-3 font-mono text-[11px] text-zinc-300"
    >
      {JSON.stringify(compiled.dsl, null, 2)}
    </pre>
  );
}

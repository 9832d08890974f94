/**
 * The builder's state: our own graph document plus undo/redo history and the selection.
 * A pure reducer so every editing gesture (palette, keyboard, inspector, import, layout) goes
 * through one place and can be undone.
 */
import type { GraphDoc, GraphEdge, GraphNode } from './graph-types';
import { applyChange, isEmptyChange, type GraphChange } from './leg-model';

export type EditorState = {
  doc: GraphDoc;
  past: GraphDoc[];
  future: GraphDoc[];
  selectedNodes: string[];
  selectedEdges: string[];
  /** Consecutive edits with the same key (typing in one field, one drag) make one undo step. */
  lastKey: string | null;
  /** Bumped on every change to the document; autosave watches it. */
  revision: number;
};

export type Fragment = { nodes: GraphNode[]; edges: GraphEdge[] };

export type EditorAction =
  | { type: 'add'; node: GraphNode }
  | {
      type: 'move';
      positions: { id: string; position: { x: number; y: number } }[];
      dragging: boolean;
    }
  | { type: 'update-data'; id: string; data: Record<string, unknown>; key?: string }
  | { type: 'connect'; edge: GraphEdge }
  | { type: 'remove'; nodeIds: string[]; edgeIds: string[] }
  | { type: 'paste'; fragment: Fragment; newId: () => string; offset: { x: number; y: number } }
  | { type: 'replace'; doc: GraphDoc; undoable: boolean }
  /** Several edits as one step: a leg added from the table with its strike, a preset, a rename. */
  | { type: 'change'; change: GraphChange; key?: string; select?: string[] }
  | { type: 'viewport'; viewport: GraphDoc['viewport'] }
  | { type: 'select'; nodeIds: string[]; edgeIds: string[] }
  | { type: 'undo' }
  | { type: 'redo' };

const HISTORY_LIMIT = 200;

export function initialEditorState(doc: GraphDoc): EditorState {
  return {
    doc,
    past: [],
    future: [],
    selectedNodes: [],
    selectedEdges: [],
    lastKey: null,
    revision: 0,
  };
}

function commit(
  state: EditorState,
  doc: GraphDoc,
  key: string | null,
  extra: Partial<EditorState> = {},
): EditorState {
  const coalesce = key !== null && key === state.lastKey;
  const past = coalesce ? state.past : [...state.past, state.doc].slice(-HISTORY_LIMIT);
  return { ...state, ...extra, doc, past, future: [], lastKey: key, revision: state.revision + 1 };
}

/** The selected nodes and the edges between them, ready for the clipboard. */
export function copySelection(state: EditorState): Fragment {
  const ids = new Set(state.selectedNodes);
  return {
    nodes: state.doc.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: state.doc.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ ...e })),
  };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'add':
      return commit(state, { ...state.doc, nodes: [...state.doc.nodes, action.node] }, null, {
        selectedNodes: [action.node.id],
        selectedEdges: [],
      });
    case 'move': {
      const byId = new Map(action.positions.map((p) => [p.id, p.position]));
      const nodes = state.doc.nodes.map((n) =>
        byId.has(n.id) ? { ...n, position: byId.get(n.id)! } : n,
      );
      // One drag, however many intermediate positions, is one undo step; the key resets when it ends.
      const key = `move:${[...byId.keys()].sort().join(',')}`;
      const next = commit(state, { ...state.doc, nodes }, key);
      return action.dragging ? next : { ...next, lastKey: null };
    }
    case 'update-data': {
      if (!state.doc.nodes.some((n) => n.id === action.id)) return state;
      const nodes = state.doc.nodes.map((n) =>
        n.id === action.id ? { ...n, data: action.data } : n,
      );
      return commit(
        state,
        { ...state.doc, nodes },
        action.key ? `data:${action.id}:${action.key}` : null,
      );
    }
    case 'connect': {
      const e = action.edge;
      const dup = state.doc.edges.some(
        (x) =>
          x.source === e.source &&
          x.target === e.target &&
          x.sourceHandle === e.sourceHandle &&
          x.targetHandle === e.targetHandle,
      );
      if (dup) return state;
      return commit(state, { ...state.doc, edges: [...state.doc.edges, e] }, null);
    }
    case 'remove': {
      const nodeIds = new Set(action.nodeIds);
      const edgeIds = new Set(action.edgeIds);
      if (!nodeIds.size && !edgeIds.size) return state;
      const nodes = state.doc.nodes.filter((n) => !nodeIds.has(n.id));
      const edges = state.doc.edges.filter(
        (e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target),
      );
      if (nodes.length === state.doc.nodes.length && edges.length === state.doc.edges.length)
        return state;
      return commit(state, { ...state.doc, nodes, edges }, null, {
        selectedNodes: state.selectedNodes.filter((id) => !nodeIds.has(id)),
        selectedEdges: state.selectedEdges.filter((id) => !edgeIds.has(id)),
      });
    }
    case 'paste': {
      if (!action.fragment.nodes.length) return state;
      const ids = new Map(action.fragment.nodes.map((n) => [n.id, action.newId()]));
      const nodes = action.fragment.nodes.map((n) => ({
        ...structuredClone(n),
        id: ids.get(n.id)!,
        position: { x: n.position.x + action.offset.x, y: n.position.y + action.offset.y },
      }));
      const edges = action.fragment.edges
        .filter((e) => ids.has(e.source) && ids.has(e.target))
        .map((e) => ({
          ...e,
          id: action.newId(),
          source: ids.get(e.source)!,
          target: ids.get(e.target)!,
        }));
      return commit(
        state,
        {
          ...state.doc,
          nodes: [...state.doc.nodes, ...nodes],
          edges: [...state.doc.edges, ...edges],
        },
        null,
        {
          selectedNodes: nodes.map((n) => n.id),
          selectedEdges: [],
        },
      );
    }
    case 'change': {
      if (isEmptyChange(action.change)) return state;
      const doc = applyChange(state.doc, action.change);
      const ids = new Set(doc.nodes.map((n) => n.id));
      return commit(state, doc, action.key ? `change:${action.key}` : null, {
        selectedNodes: (action.select ?? state.selectedNodes).filter((id) => ids.has(id)),
        selectedEdges: state.selectedEdges.filter((id) => doc.edges.some((e) => e.id === id)),
      });
    }
    case 'replace':
      if (!action.undoable) return { ...initialEditorState(action.doc), revision: state.revision };
      return commit(state, action.doc, null, { selectedNodes: [], selectedEdges: [] });
    case 'viewport':
      // The viewport is view state, saved with the document but never an undo step.
      return { ...state, doc: { ...state.doc, viewport: action.viewport } };
    case 'select':
      return { ...state, selectedNodes: action.nodeIds, selectedEdges: action.edgeIds };
    case 'undo': {
      const prev = state.past.at(-1);
      if (!prev) return state;
      return {
        ...state,
        doc: { ...prev, viewport: state.doc.viewport },
        past: state.past.slice(0, -1),
        future: [state.doc, ...state.future],
        lastKey: null,
        revision: state.revision + 1,
        selectedNodes: state.selectedNodes.filter((id) => prev.nodes.some((n) => n.id === id)),
      };
    }
    case 'redo': {
      const next = state.future[0];
      if (!next) return state;
      return {
        ...state,
        doc: { ...next, viewport: state.doc.viewport },
        past: [...state.past, state.doc],
        future: state.future.slice(1),
        lastKey: null,
        revision: state.revision + 1,
        selectedNodes: state.selectedNodes.filter((id) => next.nodes.some((n) => n.id === id)),
      };
    }
  }
}

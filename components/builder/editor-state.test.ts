import { describe, expect, it } from 'vitest';
import {
  copySelection,
  editorReducer,
  initialEditorState,
  type EditorAction,
  type EditorState,
} from './editor-state';
import type { GraphDoc } from './graph-types';

const doc: GraphDoc = {
  graphVersion: 1,
  viewport: { x: 0, y: 0, zoom: 1 },
  nodes: [
    {
      id: 'leg1',
      type: 'leg',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      data: { side: 'SELL', lots: 1 },
    },
    {
      id: 'atm1',
      type: 'strike',
      typeVersion: 1,
      position: { x: 0, y: 100 },
      data: { type: 'atm' },
    },
  ],
  edges: [
    { id: 'e1', source: 'atm1', sourceHandle: 'out', target: 'leg1', targetHandle: 'strike' },
  ],
};
const run = (s: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, s);

describe('builder editing', () => {
  it('undoes and redoes a typed value as one step per field, not per keystroke', () => {
    const s = run(
      initialEditorState(doc),
      { type: 'update-data', id: 'leg1', data: { side: 'SELL', lots: 2 }, key: 'lots' },
      { type: 'update-data', id: 'leg1', data: { side: 'SELL', lots: 25 }, key: 'lots' },
      { type: 'update-data', id: 'leg1', data: { side: 'BUY', lots: 25 }, key: 'side' },
    );
    expect(s.doc.nodes[0].data).toEqual({ side: 'BUY', lots: 25 });
    const u1 = editorReducer(s, { type: 'undo' });
    expect(u1.doc.nodes[0].data).toEqual({ side: 'SELL', lots: 25 });
    const u2 = editorReducer(u1, { type: 'undo' });
    expect(u2.doc.nodes[0].data).toEqual({ side: 'SELL', lots: 1 });
    expect(editorReducer(u2, { type: 'undo' })).toBe(u2);
    const r = run(u2, { type: 'redo' }, { type: 'redo' });
    expect(r.doc.nodes[0].data).toEqual({ side: 'BUY', lots: 25 });
  });

  it('treats one drag as one undo step and a new edit clears redo', () => {
    const s = run(
      initialEditorState(doc),
      { type: 'move', positions: [{ id: 'leg1', position: { x: 10, y: 0 } }], dragging: true },
      { type: 'move', positions: [{ id: 'leg1', position: { x: 50, y: 5 } }], dragging: true },
      { type: 'move', positions: [{ id: 'leg1', position: { x: 80, y: 8 } }], dragging: false },
    );
    expect(s.past).toHaveLength(1);
    const u = editorReducer(s, { type: 'undo' });
    expect(u.doc.nodes[0].position).toEqual({ x: 0, y: 0 });
    const edited = editorReducer(u, {
      type: 'update-data',
      id: 'atm1',
      data: { type: 'otm', steps: 1 },
    });
    expect(edited.future).toEqual([]);
  });

  it('deleting a block removes its edges, and undo brings both back', () => {
    const s = run(initialEditorState(doc), { type: 'remove', nodeIds: ['atm1'], edgeIds: [] });
    expect(s.doc.nodes.map((n) => n.id)).toEqual(['leg1']);
    expect(s.doc.edges).toEqual([]);
    expect(editorReducer(s, { type: 'undo' }).doc).toEqual(doc);
  });

  it('pastes a copy with fresh ids, its inner edges rewired, offset and selected', () => {
    let n = 0;
    const s = run(initialEditorState(doc), {
      type: 'select',
      nodeIds: ['leg1', 'atm1'],
      edgeIds: [],
    });
    const frag = copySelection(s);
    const p = editorReducer(s, {
      type: 'paste',
      fragment: frag,
      newId: () => `n${++n}`,
      offset: { x: 40, y: 40 },
    });
    expect(p.doc.nodes).toHaveLength(4);
    expect(p.selectedNodes).toEqual(['n1', 'n2']);
    expect(p.doc.nodes[2]).toMatchObject({ id: 'n1', type: 'leg', position: { x: 40, y: 40 } });
    expect(p.doc.edges[1]).toMatchObject({
      id: 'n3',
      source: 'n2',
      target: 'n1',
      targetHandle: 'strike',
    });
    // The copy is independent: editing it leaves the original alone.
    const e = editorReducer(p, { type: 'update-data', id: 'n1', data: { side: 'BUY', lots: 9 } });
    expect(e.doc.nodes[0].data).toEqual({ side: 'SELL', lots: 1 });
  });

  it('ignores a duplicate connection', () => {
    const s = initialEditorState(doc);
    expect(editorReducer(s, { type: 'connect', edge: { ...doc.edges[0], id: 'e2' } })).toBe(s);
  });
});

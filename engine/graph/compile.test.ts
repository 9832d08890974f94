// The canvas graph compiles to the DSL, and every mistake comes back on the node (and field) to highlight.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDsl, type DslDocument } from '../dsl/index.ts';
import { baseDocument } from '@/tests/support/dsl/fixtures';
import {
  NODE_TYPES,
  compile,
  decompile,
  isValidConnection,
  type GraphDocument,
  type GraphError,
} from './index.ts';

const examplesDir = path.join(import.meta.dirname, '../dsl/examples');

function dsl(doc: unknown = baseDocument()): DslDocument {
  const r = parseDsl(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function errorsOf(g: unknown): GraphError[] {
  const r = compile(g);
  if (r.ok) throw new Error('expected the graph to be refused');
  return r.errors;
}

const LEG0 = 'basket/strategies/0/legs/0';
const LEG1 = 'basket/strategies/0/legs/1';

describe('compile(decompile(dsl))', () => {
  it.each(readdirSync(examplesDir).filter((f) => f.endsWith('.json')))('round-trips %s', (f) => {
    const d = dsl(JSON.parse(readFileSync(path.join(examplesDir, f), 'utf8')));
    const r = compile(decompile(d));
    expect(r).toEqual({ ok: true, value: d });
  });

  it('decompile is deterministic and places no two nodes on the same spot', () => {
    const d = dsl(JSON.parse(readFileSync(path.join(examplesDir, 'nifty-lazy-legs.json'), 'utf8')));
    const a = decompile(d);
    expect(decompile(d)).toEqual(a);
    const spots = new Set(a.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(spots.size).toBe(a.nodes.length);
    const basket = a.nodes.find((n) => n.type === 'basket')!;
    for (const n of a.nodes) expect(n.position.x).toBeLessThanOrEqual(basket.position.x);
  });

  it('draws a lazy link as an edge from the lazy leg into the re-entry block', () => {
    const d = dsl(JSON.parse(readFileSync(path.join(examplesDir, 'nifty-lazy-legs.json'), 'utf8')));
    const g = decompile(d);
    expect(g.edges).toContainEqual({
      id: `${'basket/strategies/0/legs/2'}->${LEG0}/reEntryOnStopLoss:leg`,
      source: 'basket/strategies/0/legs/2',
      sourceHandle: 'out',
      target: `${LEG0}/reEntryOnStopLoss`,
      targetHandle: 'leg',
    });
    expect(g.nodes.find((n) => n.id === `${LEG0}/reEntryOnStopLoss`)!.data).toEqual({
      type: 'lazy',
    });
  });
});

describe('compile errors name the node and field', () => {
  const graph = (): GraphDocument => decompile(dsl());
  const without = (g: GraphDocument, nodeId: string): GraphDocument => ({
    ...g,
    nodes: g.nodes.filter((n) => n.id !== nodeId),
    edges: g.edges.filter((e) => e.source !== nodeId && e.target !== nodeId),
  });
  const node = (g: GraphDocument, id: string) => g.nodes.find((n) => n.id === id)!;

  it('a CE leg with no strike selector', () => {
    expect(errorsOf(without(graph(), `${LEG0}/strike`))).toContainEqual(
      expect.objectContaining({
        nodeId: LEG0,
        field: 'strike',
        message: expect.stringMatching(/needs a strike selector/),
      }),
    );
  });

  it('a bad value inside a block', () => {
    const g = graph();
    node(g, `${LEG0}/stopLoss`).data.value = -5;
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({ nodeId: `${LEG0}/stopLoss`, field: 'value' }),
    ]);
  });

  it('an unknown field in node data', () => {
    const g = graph();
    node(g, LEG1).data.qty = 50;
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        nodeId: LEG1,
        field: 'qty',
        message: expect.stringMatching(/unknown key "qty"/),
      }),
    ]);
  });

  it('a rule on the strategy that points into a leg (exit before entry)', () => {
    const g = graph();
    node(g, 'basket/strategies/0').data.exit = { time: '09:00' };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({ nodeId: 'basket/strategies/0', field: 'exit.time' }),
    ]);
  });

  it('two stop-losses on one leg', () => {
    const g = graph();
    g.nodes.push({
      id: 'sl2',
      type: 'stopLoss',
      typeVersion: 1,
      position: { x: 0, y: 999 },
      data: { type: 'points', value: 10 },
    });
    g.edges.push({
      id: 'e-sl2',
      source: 'sl2',
      sourceHandle: 'out',
      target: LEG0,
      targetHandle: 'stopLoss',
    });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        nodeId: LEG0,
        field: 'stopLoss',
        edgeId: 'e-sl2',
        message: expect.stringMatching(/takes one block/),
      }),
    ]);
  });

  it('a block plugged into an input that does not take it', () => {
    const g = graph();
    const e = g.edges.find((x) => x.source === `${LEG0}/stopLoss`)!;
    e.targetHandle = 'target';
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({
        nodeId: LEG0,
        field: 'target',
        message: 'the target input of leg takes target, not stopLoss',
      }),
    );
  });

  it('an input the block does not have', () => {
    const g = graph();
    g.edges.find((x) => x.source === `${LEG0}/stopLoss`)!.targetHandle = 'hedge';
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({
        nodeId: LEG0,
        field: 'hedge',
        message: expect.stringMatching(/leg has no input "hedge"; its inputs: strike, stopLoss/),
      }),
    );
  });

  it('a block connected to nothing', () => {
    const g = graph();
    g.nodes.push({
      id: 'loose',
      type: 'target',
      typeVersion: 1,
      position: { x: 5, y: 5 },
      data: { type: 'pct', value: 50 },
    });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({ nodeId: 'loose', message: expect.stringMatching(/not connected/) }),
    ]);
  });

  it('no basket, and two baskets', () => {
    expect(errorsOf({ graphVersion: 1, nodes: [], edges: [] })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/no basket node/) }),
    ]);
    const g = graph();
    g.nodes.push({ ...node(g, 'basket'), id: 'basket2' });
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({
        nodeId: 'basket2',
        message: expect.stringMatching(/exactly one basket/),
      }),
    );
  });

  it('a child field typed into node data instead of drawn as an edge', () => {
    const g = graph();
    node(g, LEG0).data.strike = { type: 'atm' };
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({
        nodeId: LEG0,
        field: 'strike',
        message: expect.stringMatching(/comes from an edge/),
      }),
    );
  });

  it('a node from a newer Strikeflow, and a node type that does not exist', () => {
    const g = graph();
    node(g, `${LEG0}/stopLoss`).typeVersion = 7;
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({
        nodeId: `${LEG0}/stopLoss`,
        field: 'typeVersion',
        message: expect.stringMatching(/newer/),
      }),
    );
    const h = graph();
    node(h, `${LEG0}/stopLoss`).type = 'stopLossV2';
    expect(errorsOf(h)).toContainEqual(
      expect.objectContaining({
        nodeId: `${LEG0}/stopLoss`,
        field: 'type',
        message: expect.stringMatching(/unknown node type "stopLossV2"/),
      }),
    );
  });

  it('an edge to a node that is not there', () => {
    const g = graph();
    g.edges.push({
      id: 'dangling',
      source: 'ghost',
      sourceHandle: 'out',
      target: LEG0,
      targetHandle: 'target',
    });
    expect(errorsOf(g)).toContainEqual(
      expect.objectContaining({ edgeId: 'dangling', message: 'edge source "ghost" is not a node' }),
    );
  });

  it('a malformed graph document names the node it can', () => {
    const g = graph() as unknown as { nodes: Record<string, unknown>[] };
    delete g.nodes[3].position;
    const errs = errorsOf(g);
    expect(errs).toEqual([
      expect.objectContaining({
        nodeId: (g.nodes[3] as { id: string }).id,
        path: '/nodes/3/position',
      }),
    ]);
  });

  it('a lazy re-entry with no leg linked', () => {
    const d = baseDocument();
    d.basket.strategies[0].legs[0].reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'pe' };
    d.basket.strategies[0].legs[1].lazy = true;
    const g = decompile(dsl(d));
    g.edges = g.edges.filter((e) => e.targetHandle !== 'leg');
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        nodeId: `${LEG0}/reEntryOnStopLoss`,
        field: 'leg',
        message: expect.stringMatching(/connect the lazy leg/),
      }),
    ]);
  });

  it('lazy legs that open each other in a cycle', () => {
    const d = baseDocument();
    const legs = d.basket.strategies[0].legs;
    legs.push({ ...structuredClone(legs[0]), id: 'x', lazy: true });
    legs.push({ ...structuredClone(legs[0]), id: 'y', lazy: true });
    legs[0].reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'x' };
    legs[2].reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'y' };
    const g = decompile(dsl(d));
    // Close the loop on the canvas: y's stop-loss re-entry opens x.
    g.nodes.push({
      id: 'loop',
      type: 'reEntry',
      typeVersion: 1,
      position: { x: 0, y: -100 },
      data: { type: 'lazy' },
    });
    g.edges.push({
      id: 'loop-parent',
      source: 'loop',
      sourceHandle: 'out',
      target: 'basket/strategies/0/legs/3',
      targetHandle: 'reEntryOnStopLoss',
    });
    g.edges.push({
      id: 'loop-link',
      source: 'basket/strategies/0/legs/2',
      sourceHandle: 'out',
      target: 'loop',
      targetHandle: 'leg',
    });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        nodeId: 'basket/strategies/0/legs/2',
        message:
          'lazy legs form a cycle: x -> y -> x; a lazy leg cannot (indirectly) open the leg that opened it',
      }),
    ]);
  });

  it('reads list order from the canvas: top to bottom', () => {
    const g = graph();
    const [a, b] = [node(g, LEG0), node(g, LEG1)];
    [a.position, b.position] = [b.position, a.position];
    const r = compile(g);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.basket.strategies[0].legs.map((l) => l.id)).toEqual(['pe', 'ce']);
  });

  it("compiles a graph whose node ids and layout are the user's own", () => {
    const g = graph();
    const rename = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
    const renamed: GraphDocument = {
      ...g,
      nodes: g.nodes.map((n) => ({ ...n, id: rename.get(n.id)! })),
      edges: g.edges.map((e, i) => ({
        ...e,
        id: `e${i}`,
        source: rename.get(e.source)!,
        target: rename.get(e.target)!,
      })),
    };
    expect(compile(renamed)).toEqual({ ok: true, value: dsl() });
  });
});

describe('handle registry', () => {
  it('allows exactly the connections the DSL has', () => {
    expect(isValidConnection('strike', 'out', 'leg', 'strike')).toBe(true);
    expect(isValidConnection('leg', 'out', 'strategy', 'legs')).toBe(true);
    expect(isValidConnection('leg', 'out', 'reEntry', 'leg')).toBe(true);
    expect(isValidConnection('momentum', 'out', 'strategy', 'momentum')).toBe(true);
    expect(isValidConnection('stopLoss', 'out', 'strategy', 'stopLoss')).toBe(false);
    expect(isValidConnection('strategyStopLoss', 'out', 'strategy', 'stopLoss')).toBe(true);
    expect(isValidConnection('basket', 'out', 'strategy', 'legs')).toBe(false);
    expect(isValidConnection('strike', 'in', 'leg', 'strike')).toBe(false);
    expect(isValidConnection('nope', 'out', 'leg', 'strike')).toBe(false);
  });

  it('has a node type for every block, each with its current typeVersion', () => {
    expect(Object.keys(NODE_TYPES).length).toBe(21);
    expect(NODE_TYPES.leg.inputs.map((i) => i.handle)).toEqual([
      'strike',
      'stopLoss',
      'target',
      'trailingStop',
      'reEntryOnStopLoss',
      'reEntryOnTarget',
      'momentum',
    ]);
    expect(NODE_TYPES.basket.hasOutput).toBe(false);
  });
});

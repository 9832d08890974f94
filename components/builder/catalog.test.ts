import { describe, expect, it } from 'vitest';
import { decompile } from '@/engine/graph';
import { parseDsl } from '@/engine/dsl';
import {
  autoLayout,
  BLOCKS,
  blockSpec,
  compileDoc,
  connectionCandidates,
  connectionProblem,
  newBlockData,
  PALETTE_GROUPS,
  readJsonDocument,
} from './catalog';
import type { GraphDoc } from './graph-types';

const straddle = {
  dslVersion: 1,
  basket: {
    typeVersion: 1,
    name: 'Weekly straddle',
    capital: 500000,
    strategies: [
      {
        typeVersion: 1,
        id: 'straddle',
        name: 'NIFTY short straddle',
        underlying: 'NIFTY',
        entry: { time: '09:20' },
        exit: { time: '15:15' },
        legs: ['CE', 'PE'].map((kind) => ({
          typeVersion: 1,
          id: `short${kind}`,
          kind,
          side: 'SELL',
          lots: 1,
          expiry: { kind: 'weekly', offset: 0 },
          strike: { typeVersion: 1, type: 'atm' },
        })),
      },
    ],
  },
};
const parsed = parseDsl(straddle);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const graph = (): GraphDoc => decompile(parsed.value);
const node = (id: string, type: string, data: Record<string, unknown> = {}) => ({
  id,
  type,
  typeVersion: 1,
  position: { x: 0, y: 0 },
  data,
});

describe('the block catalog', () => {
  it('offers every DSL block in a palette group, with the engine schema and the handles of the registry', () => {
    expect(BLOCKS.map((b) => b.type).sort()).toEqual(
      [
        'basket',
        'conditions',
        'deltaHedge',
        'execution',
        'leg',
        'lock',
        'lockAndTrail',
        'momentum',
        'rangeBreakout',
        'reEntry',
        'sizing',
        'stopLoss',
        'strategy',
        'strategyReEntry',
        'strategyStopLoss',
        'strategyTarget',
        'strategyTrailingStop',
        'strike',
        'target',
        'trailToBreakEven',
        'trailingStop',
      ].sort(),
    );
    for (const g of PALETTE_GROUPS) expect(BLOCKS.some((b) => b.group === g)).toBe(true);
    const leg = blockSpec('leg')!;
    expect(leg.handles.filter((h) => h.kind === 'target').map((h) => h.id)).toContain('strike');
    expect(leg.skip.has('strike')).toBe(true);
    expect(leg.schema.properties?.side?.enum).toEqual(['BUY', 'SELL']);
  });

  it('creates block data the engine accepts once the block is wired up', () => {
    const doc: GraphDoc = {
      graphVersion: 1,
      viewport: { x: 0, y: 0, zoom: 1 },
      nodes: [
        { ...node('basket', 'basket', { ...newBlockData('basket', 'basket'), capital: 100000 }) },
        {
          ...node('strategy_a', 'strategy', {
            ...newBlockData('strategy', 'strategy_a'),
            entry: { time: '09:20' },
            exit: { time: '15:00' },
          }),
        },
        { ...node('leg_a', 'leg', newBlockData('leg', 'leg_a')) },
        { ...node('strike_a', 'strike', newBlockData('strike', 'strike_a')) },
      ],
      edges: [
        {
          id: 'e1',
          source: 'strategy_a',
          sourceHandle: 'out',
          target: 'basket',
          targetHandle: 'strategies',
        },
        {
          id: 'e2',
          source: 'leg_a',
          sourceHandle: 'out',
          target: 'strategy_a',
          targetHandle: 'legs',
        },
      ],
    };
    const before = compileDoc(doc);
    expect(before.dsl).toBeNull();
    expect(before.problems.some((p) => p.nodeId === 'strike_a')).toBe(true);
    doc.edges.push({
      id: 'e3',
      source: 'strike_a',
      sourceHandle: 'out',
      target: 'leg_a',
      targetHandle: 'strike',
    });
    const after = compileDoc(doc);
    expect(after.problems).toEqual([]);
    expect(after.dsl).toMatchObject({
      basket: {
        strategies: [{ id: 'strategy_a', legs: [{ id: 'leg_a', strike: { type: 'atm' } }] }],
      },
    });
  });

  it('names the node and field of a bad value, as the inspector needs', () => {
    const doc = graph();
    const leg = doc.nodes.find((n) => n.type === 'leg')!;
    leg.data = { ...leg.data, lots: 0 };
    const { problems } = compileDoc(doc);
    expect(problems).toContainEqual(expect.objectContaining({ nodeId: leg.id, field: 'lots' }));
  });

  it('allows only connections the registry allows, one child per single input', () => {
    const doc = graph();
    const leg = doc.nodes.find((n) => n.type === 'leg')!;
    const strike = doc.nodes.find((n) => n.type === 'strike')!;
    doc.nodes.push(node('sl1', 'stopLoss'), node('sl2', 'stopLoss'), node('strike2', 'strike'));
    expect(
      connectionProblem(doc, {
        source: 'sl1',
        sourceHandle: 'out',
        target: leg.id,
        targetHandle: 'stopLoss',
      }),
    ).toBeNull();
    expect(
      connectionProblem(doc, {
        source: 'sl1',
        sourceHandle: 'out',
        target: leg.id,
        targetHandle: 'strike',
      }),
    ).toMatch(/does not go into Leg/);
    expect(
      connectionProblem(doc, {
        source: 'strike2',
        sourceHandle: 'out',
        target: leg.id,
        targetHandle: 'strike',
      }),
    ).toMatch(/already has a block/);
    expect(
      connectionProblem(doc, {
        source: strike.id,
        sourceHandle: 'out',
        target: strike.id,
        targetHandle: 'strike',
      }),
    ).toMatch(/itself/);
    doc.edges.push({
      id: 'x',
      source: 'sl1',
      sourceHandle: 'out',
      target: leg.id,
      targetHandle: 'stopLoss',
    });
    const other = doc.nodes.filter((n) => n.type === 'leg')[1];
    expect(
      connectionProblem(doc, {
        source: 'sl1',
        sourceHandle: 'out',
        target: other.id,
        targetHandle: 'stopLoss',
      }),
    ).toMatch(/already connected/);
    // The keyboard picker lists exactly the legal targets for the second stop-loss: the free leg.
    expect(connectionCandidates(doc, 'sl2', 'out').map((c) => c.target)).toEqual([other.id]);
  });

  it('auto-layout keeps the order of legs, so the compiled strategy does not change', () => {
    const doc = graph();
    const scrambled: GraphDoc = {
      ...doc,
      nodes: doc.nodes.map((n, i) => ({
        ...n,
        position: { x: (i * 37) % 200, y: n.position.y + (i % 3) },
      })),
    };
    const laid = autoLayout(scrambled);
    expect(compileDoc(laid).dsl).toEqual(compileDoc(scrambled).dsl);
    expect(compileDoc(laid).dsl).toEqual(compileDoc(doc).dsl);
    const ys = new Set(laid.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(ys.size).toBe(laid.nodes.length);
  });

  it('reads an imported DSL or graph file as the document the canvas opens, errors with their path', () => {
    // What counts as DSL or graph is the engine's readStrategyFile (engine/graph/strategy-file.test.ts).
    const fromDsl = readJsonDocument(straddle);
    expect(fromDsl).toMatchObject({ ok: true, kind: 'dsl' });
    expect(fromDsl.ok && fromDsl.doc.nodes.filter((n) => n.type === 'leg')).toHaveLength(2);
    expect(readJsonDocument(graph())).toEqual({ ok: true, kind: 'graph', doc: graph() });
    const bad = structuredClone(straddle) as unknown as { basket: { capital: unknown } };
    bad.basket.capital = -5;
    expect(readJsonDocument(bad)).toMatchObject({
      ok: false,
      kind: 'dsl',
      errors: [expect.objectContaining({ path: '/basket/capital' })],
    });
    expect(readJsonDocument('hello')).toMatchObject({ ok: false, kind: 'unknown' });
  });
});

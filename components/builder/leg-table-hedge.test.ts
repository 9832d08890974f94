// The delta hedge from the builder's side: the block in the catalog with a form from its schema, a
// node body in words, and the leg table's switch writing the same block the canvas draws.
import { describe, expect, it } from 'vitest';
import { starterGraph } from '@/server/services/strategy-documents';
import {
  blockSpec,
  BLOCKS,
  compileDoc,
  estimateNodeSize,
  newBlockData,
  summarize,
} from './catalog';
import type { GraphDoc, GraphNode } from './graph-types';
import { addLegs, patchData, setStrategyChild, setUnderlying, type EditContext } from './leg-edits';
import { applyChange, readLegs } from './leg-model';
import { presetById } from './presets';

let n = 0;
const ctxFor = (doc: GraphDoc): EditContext => ({
  doc,
  newId: (p) => `${p}_${++n}`,
  sizeOf: (node: GraphNode) =>
    estimateNodeSize(node.type, summarize(blockSpec(node.type)!, node.data).length, false),
});

function straddle(): GraphDoc {
  const doc = starterGraph({ name: 'Hedged straddle', underlying: 'NIFTY' }) as GraphDoc;
  const ctx = ctxFor(doc);
  return applyChange(doc, addLegs(ctx, readLegs(doc).strategies[0], presetById('short-straddle')!.legs).change); // prettier-ignore
}

const strategyDsl = (doc: GraphDoc) => {
  const c = compileDoc(doc);
  return { dsl: c.dsl as { basket: { strategies: Record<string, unknown>[] } } | null, problems: c.problems }; // prettier-ignore
};

describe('the delta hedge in the builder', () => {
  it('is a Risk block whose inspector form comes from its zod schema', () => {
    const spec = blockSpec('deltaHedge')!;
    expect(BLOCKS).toContain(spec);
    expect(spec.group).toBe('risk');
    expect(Object.keys(spec.schema.properties ?? {})).toEqual(
      expect.arrayContaining(['band', 'intervalMinutes', 'targetDelta', 'minTradeLots', 'maxLots', 'costLimitPct', 'expiry']), // prettier-ignore
    );
    expect(blockSpec('strategy')!.handles.map((h) => h.id)).toContain('deltaHedge');
    const data = newBlockData('deltaHedge', 'hedge_1');
    expect(data).toMatchObject({ band: 50, expiry: { kind: 'monthly', offset: 0 } });
    expect(summarize(spec, data)).toEqual([
      "delta hedge to 0 with this month's futures",
      'outside ± 50',
    ]);
  });

  it("the leg table's switch adds the block on the canvas, its fields edit it, and the DSL carries it", () => {
    let doc = straddle();
    const s = () => readLegs(doc).strategies[0];
    doc = applyChange(doc, setStrategyChild(ctxFor(doc), s(), 'deltaHedge', 'deltaHedge', { band: 50 }).change); // prettier-ignore
    const node = s().children.deltaHedge;
    expect(node.type).toBe('deltaHedge');
    expect(doc.edges.some((e) => e.source === node.id && e.targetHandle === 'deltaHedge')).toBe(true); // prettier-ignore
    doc = applyChange(doc, patchData(node, { intervalMinutes: 15, costLimitPct: 5 }));
    const { dsl, problems } = strategyDsl(doc);
    expect(problems).toEqual([]);
    expect(dsl!.basket.strategies[0].deltaHedge).toEqual({
      typeVersion: 1,
      expiry: { kind: 'monthly', offset: 0 },
      targetDelta: 0,
      band: 50,
      intervalMinutes: 15,
      minTradeLots: 1,
      costLimitPct: 5,
    });
    // Off again: the block and its edge go.
    doc = applyChange(doc, setStrategyChild(ctxFor(doc), s(), 'deltaHedge', 'deltaHedge', null).change); // prettier-ignore
    expect(doc.nodes.some((x) => x.type === 'deltaHedge')).toBe(false);
    expect(strategyDsl(doc).dsl!.basket.strategies[0].deltaHedge).toBeUndefined();
  });

  it('an underlying without futures puts the reason on the hedge block', () => {
    let doc = straddle();
    doc = applyChange(doc, setStrategyChild(ctxFor(doc), readLegs(doc).strategies[0], 'deltaHedge', 'deltaHedge', { band: 50 }).change); // prettier-ignore
    const model = readLegs(doc);
    doc = applyChange(doc, setUnderlying(ctxFor(doc), model, model.strategies[0], 'SPY'));
    const hedge = readLegs(doc).strategies[0].children.deltaHedge;
    const { problems } = strategyDsl(doc);
    expect(problems.filter((p) => p.nodeId === hedge.id).map((p) => p.message)).toEqual([
      expect.stringMatching(/^SPY has no futures to hedge with/),
    ]);
  });
});

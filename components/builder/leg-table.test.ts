import { describe, expect, it } from 'vitest';
import { ConditionsSchema, parseDsl } from '@/engine/dsl';
import { describeRule } from '@/engine/dsl/describe';
import { decompile } from '@/engine/graph';
import { starterGraph } from '@/server/services/strategy-documents';
import spx from '@/engine/dsl/examples/spx-conditions-showcase.json' with { type: 'json' };
import { blockSpec, compileDoc, estimateNodeSize, summarize } from './catalog';
import {
  changeFact,
  changeOperator,
  newFactCondition,
  setAt,
  switchGroup,
} from './conditions-model';
import { editorReducer, initialEditorState } from './editor-state';
import type { GraphDoc, GraphNode } from './graph-types';
import { overlaps, tidyLayout } from './layout';
import {
  addLegs,
  moveLeg,
  removeLeg,
  setLegChild,
  setUnderlying,
  type EditContext,
} from './leg-edits';
import { applyChange, readLegs } from './leg-model';
import { PRESETS, presetById } from './presets';
import { findWarnings } from './warnings';

const start = () => starterGraph({ name: 'Short straddle', underlying: 'NIFTY' }) as GraphDoc;

let n = 0;
function ctxFor(doc: GraphDoc): EditContext {
  return {
    doc,
    newId: (p) => `${p}_${++n}`,
    sizeOf: (node: GraphNode) =>
      estimateNodeSize(node.type, summarize(blockSpec(node.type)!, node.data).length, false),
  };
}

/** Applies an edit the way the builder does: on the current document, with fresh ids. */
function edit(
  doc: GraphDoc,
  f: (ctx: EditContext, model: ReturnType<typeof readLegs>) => { change?: object } | object,
) {
  const ctx = ctxFor(doc);
  const r = f(ctx, readLegs(doc)) as { change?: object };
  return applyChange(doc, ('change' in r ? r.change : r) as never);
}

const dsl = (doc: GraphDoc) => {
  const c = compileDoc(doc);
  if (!c.dsl) throw new Error(JSON.stringify(c.problems));
  return c.dsl as {
    basket: {
      name: string;
      execution: { costModel: { type: string } };
      strategies: { name: string; underlying: string; legs: Record<string, unknown>[] }[];
    };
  };
};

describe('a new strategy', () => {
  it('has one name on the basket and the strategy, and the cost model of its market', () => {
    const doc = start();
    const legs = readLegs(doc);
    expect(legs.basket?.data.name).toBe('Short straddle');
    expect(legs.strategies[0].node.data.name).toBe('Short straddle');
    expect(legs.execution?.data.costModel).toEqual({ type: 'india-index-options' });
    const us = readLegs(starterGraph({ name: 'x', underlying: 'SPY' }) as GraphDoc);
    expect(us.execution?.data.costModel).toEqual({ type: 'us-options' });
    expect(us.strategies[0].node.data.entry).toMatchObject({ time: '09:45' });
  });
});

describe('the leg table edits the graph the canvas draws', () => {
  it('inserts a straddle from a preset as connected leg and strike blocks that compile', () => {
    const doc = edit(start(), (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('short-straddle')!.legs),
    );
    const out = dsl(doc);
    expect(out.basket.name).toBe('Short straddle');
    expect(out.basket.strategies[0].legs).toEqual([
      expect.objectContaining({
        side: 'SELL',
        instrument: 'option',
        right: 'CE',
        lots: 1,
        strike: expect.objectContaining({ type: 'atm' }),
      }),
      expect.objectContaining({
        side: 'SELL',
        instrument: 'option',
        right: 'PE',
        lots: 1,
        strike: expect.objectContaining({ type: 'atm' }),
      }),
    ]);
    expect(doc.nodes.filter((n) => n.type === 'leg')).toHaveLength(2);
    expect(doc.nodes.filter((n) => n.type === 'strike')).toHaveLength(2);
    const ctx = ctxFor(doc);
    expect(overlaps(doc.nodes, ctx.sizeOf)).toEqual([]);
  });

  it('every preset compiles into the legs it describes', () => {
    for (const p of PRESETS) {
      const doc = edit(start(), (ctx, m) => addLegs(ctx, m.strategies[0], p.legs));
      const legs = dsl(doc).basket.strategies[0].legs;
      expect(
        legs.map((l) => `${l.side} ${l.right} ${l.lots}`),
        p.id,
      ).toEqual(p.legs.map((l) => `${l.side} ${l.right} ${l.lots}`));
    }
  });

  it('adds a 30 % stop-loss to a leg, changes it, removes it', () => {
    let doc = edit(start(), (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('short-straddle')!.legs),
    );
    doc = edit(doc, (ctx, m) =>
      setLegChild(ctx, m.strategies[0].legs[0], 'stopLoss', { type: 'pct', value: 30 }),
    );
    doc = edit(doc, (ctx, m) =>
      setLegChild(ctx, m.strategies[0].legs[1], 'stopLoss', { type: 'pct', value: 30 }),
    );
    let legs = dsl(doc).basket.strategies[0].legs;
    expect(legs.map((l) => l.stopLoss)).toEqual([
      { typeVersion: 1, type: 'pct', value: 30 },
      { typeVersion: 1, type: 'pct', value: 30 },
    ]);
    expect(overlaps(doc.nodes, ctxFor(doc).sizeOf)).toEqual([]);
    doc = edit(doc, (ctx, m) =>
      setLegChild(ctx, m.strategies[0].legs[1], 'stopLoss', { value: 45 }),
    );
    doc = edit(doc, (ctx, m) => setLegChild(ctx, m.strategies[0].legs[0], 'stopLoss', null));
    legs = dsl(doc).basket.strategies[0].legs;
    expect(legs[0].stopLoss).toBeUndefined();
    expect(legs[1].stopLoss).toEqual({ typeVersion: 1, type: 'pct', value: 45 });
    expect(doc.nodes.filter((n) => n.type === 'stopLoss')).toHaveLength(1);
  });

  it('reorders legs by their place on the canvas and deletes a leg with its blocks', () => {
    let doc = edit(start(), (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('bull-call-spread')!.legs),
    );
    expect(dsl(doc).basket.strategies[0].legs.map((l) => l.side)).toEqual(['BUY', 'SELL']);
    doc = edit(doc, (ctx, m) => moveLeg(ctx, m.strategies[0], 0, 1));
    expect(dsl(doc).basket.strategies[0].legs.map((l) => l.side)).toEqual(['SELL', 'BUY']);
    doc = edit(doc, (ctx, m) => removeLeg(ctx, m.strategies[0].legs[0]));
    expect(dsl(doc).basket.strategies[0].legs.map((l) => l.side)).toEqual(['BUY']);
    expect(doc.nodes.filter((n) => n.type === 'strike')).toHaveLength(1);
  });

  it('switching the underlying to another market switches the cost model with it', () => {
    let doc = edit(start(), (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('iron-condor')!.legs),
    );
    doc = edit(doc, (ctx, m) => setUnderlying(ctx, m, m.strategies[0], 'SPY'));
    expect(dsl(doc).basket.execution.costModel).toEqual({ type: 'us-options' });
    expect(dsl(doc).basket.strategies[0].underlying).toBe('SPY');
    // A basket without an execution block gets one.
    const bare = start();
    bare.nodes = bare.nodes.filter((n) => n.type !== 'execution');
    const withLegs = edit(bare, (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('short-straddle')!.legs),
    );
    const btc = edit(withLegs, (ctx, m) => setUnderlying(ctx, m, m.strategies[0], 'BTC'));
    expect(dsl(btc).basket.execution.costModel).toEqual({ type: 'deribit-options' });
  });

  it('is one undo step per table edit', () => {
    const doc = start();
    let state = initialEditorState(doc);
    const { change } = addLegs(
      ctxFor(doc),
      readLegs(doc).strategies[0],
      presetById('iron-fly')!.legs,
    );
    state = editorReducer(state, { type: 'change', change });
    expect(state.doc.nodes.filter((n) => n.type === 'leg')).toHaveLength(4);
    state = editorReducer(state, { type: 'undo' });
    expect(state.doc.nodes.filter((n) => n.type === 'leg')).toHaveLength(0);
  });
});

describe('auto-layout', () => {
  it('never overlaps blocks, tall ones (with error footers) included, and keeps the DSL', () => {
    const parsed = parseDsl(spx);
    if (!parsed.ok) throw new Error('spx example');
    const doc = decompile(parsed.value);
    const tall = new Set(doc.nodes.filter((_, i) => i % 3 === 0).map((n) => n.id));
    const sizeOf = (n: GraphNode) => {
      const e = estimateNodeSize(
        n.type,
        summarize(blockSpec(n.type)!, n.data).length,
        tall.has(n.id),
      );
      return { ...e, height: e.height + (tall.has(n.id) ? 60 : 0) };
    };
    const laid = tidyLayout(doc, sizeOf);
    expect(overlaps(laid.nodes, sizeOf)).toEqual([]);
    expect(compileDoc(laid).dsl).toEqual(compileDoc(doc).dsl);
    // The engine's fixed-row layout would overlap these same blocks.
    expect(overlaps(doc.nodes, sizeOf).length).toBeGreaterThan(0);
  });
});

describe('conditions without JSON', () => {
  it('builds "VIX between 12 and 20 and time after 09:30" from pickers, valid and in words', () => {
    let row = newFactCondition('vix');
    row = changeOperator(row, 'between');
    expect(Array.isArray(row.value)).toBe(true);
    row = { ...row, value: [12, 20] };
    let time = changeFact(newFactCondition('vix'), 'timeOfDay', []);
    time = changeOperator(time, 'greaterThan');
    time = { ...time, value: '09:30' };
    const rule = { name: 'calm', conditions: { all: [row, time] }, event: { type: 'calm' } };
    expect(ConditionsSchema.safeParse({ typeVersion: 1, entry: [rule] }).success).toBe(true);
    expect(describeRule(rule)).toBe('VIX between 12 and 20 and time after 09:30');
    // all <-> any keeps the rows; a path edit changes one value only.
    const any = switchGroup(rule.conditions, 'any');
    expect(any).toEqual({ any: [row, time] });
    expect(setAt(rule, ['conditions', 'all', 0, 'value', 1], 22)).toMatchObject({
      conditions: { all: [{ value: [12, 22] }, time] },
    });
  });

  it('keeps the value when the new operator takes the same shape, reshapes it otherwise', () => {
    const c = { fact: 'ivRank', operator: 'greaterThan', value: 50 };
    expect(changeOperator(c, 'lessThan').value).toBe(50);
    expect(changeOperator(c, 'in').value).toEqual([50]);
    expect(changeOperator(c, 'notBetween').value).toEqual([50, 75]);
    expect(changeFact(c, 'weekday', []).value).toBe('MON');
    expect(changeFact(c, 'legPnl', ['ce', 'pe']).params).toEqual({ leg: 'ce' });
  });
});

describe('warnings', () => {
  it('warns on an absurd stop-loss and on a basket without costs', () => {
    let doc = edit(start(), (ctx, m) =>
      addLegs(ctx, m.strategies[0], presetById('short-straddle')!.legs),
    );
    expect(findWarnings(doc)).toEqual([]);
    doc = edit(doc, (ctx, m) =>
      setLegChild(ctx, m.strategies[0].legs[0], 'stopLoss', { type: 'pct', value: 10000 }),
    );
    const exec = readLegs(doc).execution!;
    doc = applyChange(doc, {
      updateData: [{ id: exec.id, data: { ...exec.data, costModel: { type: 'none' } } }],
    });
    const w = findWarnings(doc).map((x) => x.message);
    expect(w[0]).toMatch(/10,000 % stop-loss/);
    expect(w[1]).toMatch(/no brokerage.*india-index-options/);
    // Warnings do not stop the strategy from compiling.
    expect(compileDoc(doc).dsl).not.toBeNull();
  });
});

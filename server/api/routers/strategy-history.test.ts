import { describe, expect, it } from 'vitest';
import { compileDoc } from '@/components/builder/catalog';
import { addLegs, setLegChild, type EditContext } from '@/components/builder/leg-edits';
import { applyChange, readLegs } from '@/components/builder/leg-model';
import { presetById } from '@/components/builder/presets';
import type { GraphDoc } from '@/components/builder/graph-types';
import { useTestApi } from '@/server/testing/api';

const api = useTestApi();

let n = 0;
const ctx = (doc: GraphDoc): EditContext => ({
  doc,
  newId: (p) => `${p}_${++n}`,
  sizeOf: () => ({ width: 200, height: 120 }),
});

describe('a new strategy', () => {
  it('takes its market from the underlying and refuses a blank name', async () => {
    const { caller } = await api.callerFor('newbie@example.test');
    const s = await caller.strategies.create({ name: 'SPY puts', underlying: 'SPY' });
    const legs = readLegs(s.graph as GraphDoc);
    expect(legs.execution?.data.costModel).toEqual({ type: 'us-options' });
    expect(legs.basket?.data).toMatchObject({ name: 'SPY puts', capital: 25000 });
    expect(legs.strategies[0].node.data).toMatchObject({ name: 'SPY puts', underlying: 'SPY' });
    await expect(caller.strategies.create({ name: '   ' })).rejects.toMatchObject({
      message: expect.stringMatching(/Give the strategy a name/),
    });
    await expect(caller.strategies.create({ name: 'x', underlying: 'TSLA' })).rejects.toMatchObject(
      {
        message: expect.stringMatching(/Pick an underlying/),
      },
    );
  });
});

describe('versions you can see', () => {
  it('autosave is not a version; each version lists its DSL changes; the draft says what changed since the newest', async () => {
    const { caller } = await api.callerFor('historian@example.test');
    const created = await caller.strategies.create({
      name: 'Weekly straddle',
      underlying: 'NIFTY',
    });
    let doc = created.graph as GraphDoc;
    const straddle = addLegs(
      ctx(doc),
      readLegs(doc).strategies[0],
      presetById('short-straddle')!.legs,
    );
    doc = applyChange(doc, straddle.change);
    const saved = await caller.strategies.save({
      id: created.id,
      expectedVersion: created.version,
      graph: doc as unknown as Record<string, unknown>,
    });
    // Saved twice (create, autosave) and still no version.
    expect((await caller.strategies.history({ id: created.id })).versions).toEqual([]);

    const v1 = await caller.strategies.saveVersion({ id: created.id, name: 'plain straddle' });
    let h = await caller.strategies.history({ id: created.id });
    expect(h.versions.map((v) => [v.version, v.name, v.changeCount])).toEqual([
      [1, 'plain straddle', 0],
    ]);
    expect(h.draft).toEqual({ changeCount: 0, changes: [] });

    doc = applyChange(
      doc,
      setLegChild(ctx(doc), readLegs(doc).strategies[0].legs[0], 'stopLoss', {
        type: 'pct',
        value: 30,
      }),
    );
    await caller.strategies.save({
      id: created.id,
      expectedVersion: saved.version,
      graph: doc as unknown as Record<string, unknown>,
    });
    h = await caller.strategies.history({ id: created.id });
    expect(h.versions).toHaveLength(1);
    expect(h.draft?.changes).toEqual([
      {
        kind: 'added',
        path: '/basket/strategies/0/legs/0/stopLoss',
        after: { typeVersion: 1, type: 'pct', value: 30 },
      },
    ]);

    await caller.strategies.saveVersion({ id: created.id, name: 'with a stop' });
    h = await caller.strategies.history({ id: created.id });
    expect(h.versions.map((v) => v.name)).toEqual(['with a stop', 'plain straddle']);
    expect(h.versions[0].changeCount).toBe(1);
    expect(h.versions[0].changes[0].path).toBe('/basket/strategies/0/legs/0/stopLoss');
    expect(h.draft?.changeCount).toBe(0);

    // The older version opens with its own graph, which is what Restore puts back on the canvas.
    const old = await caller.strategies.getVersion({ id: v1.id });
    expect(compileDoc(old.graph as GraphDoc).dsl).toEqual(old.dsl);
    expect(JSON.stringify(old.dsl)).not.toContain('stopLoss');
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { decompile } from '@/engine/graph';
import { appRouter } from '@/server/api/root';

const api = useTestApi();

const callerFor = async (email: string) => (await api.callerFor(email)).caller;

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
        entry: { time: '09:20', weekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
        exit: { time: '15:15' },
        legs: ['CE', 'PE'].map((kind) => ({
          typeVersion: 1,
          id: `short${kind}`,
          kind,
          side: 'SELL',
          lots: 1,
          expiry: { kind: 'weekly', offset: 0 },
          strike: { typeVersion: 1, type: 'atm', atmFrom: 'spot' },
          stopLoss: { typeVersion: 1, type: 'pct', value: 30 },
        })),
      },
    ],
  },
};
const graphOf = (dsl: unknown) => decompile(dsl as never) as unknown as Record<string, unknown>;

describe('strategies: owner scoping', () => {
  it("user B cannot read, change, version, duplicate or delete user A's strategy", async () => {
    const a = await callerFor('a-owner@example.test');
    const b = await callerFor('b-intruder@example.test');
    const mine = await a.strategies.create({ name: 'Alice straddle', graph: graphOf(straddle) });
    const notFound = {
      code: 'NOT_FOUND',
      message: expect.stringMatching(/does not exist or is not yours/),
    };

    await expect(b.strategies.byId({ id: mine.id })).rejects.toMatchObject(notFound);
    await expect(
      b.strategies.save({ id: mine.id, expectedVersion: mine.version, name: 'pwned' }),
    ).rejects.toMatchObject(notFound);
    await expect(b.strategies.delete({ id: mine.id })).rejects.toMatchObject(notFound);
    await expect(b.strategies.duplicate({ id: mine.id })).rejects.toMatchObject(notFound);
    await expect(b.strategies.saveVersion({ id: mine.id })).rejects.toMatchObject(notFound);
    await expect(b.strategies.versions({ id: mine.id })).rejects.toMatchObject(notFound);
    expect(await b.strategies.list()).toEqual([]);
    expect(await b.strategies.list({ search: 'Alice' })).toEqual([]);

    const v = await a.strategies.saveVersion({ id: mine.id, name: 'first' });
    await expect(b.strategies.getVersion({ id: v.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // A deleted strategy cannot be restored by someone else either.
    await a.strategies.delete({ id: mine.id });
    await expect(b.strategies.restore({ id: mine.id })).rejects.toMatchObject(notFound);
    await a.strategies.restore({ id: mine.id });

    const after = await a.strategies.byId({ id: mine.id });
    expect(after).toMatchObject({ name: 'Alice straddle', version: mine.version });
    expect(after.graph).toEqual(mine.graph);
  });

  it('refuses every procedure without a session', async () => {
    const anon = appRouter.createCaller(await api.context(new Headers()));
    await expect(anon.strategies.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.strategies.create({ name: 'x' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('strategies: saving', () => {
  it("a second tab's stale save is a CONFLICT and never overwrites the newer one", async () => {
    const a = await callerFor('two-tabs@example.test');
    const created = await a.strategies.create({ name: 'Two tabs', graph: graphOf(straddle) });
    const tab1 = await a.strategies.byId({ id: created.id });
    const tab2 = await a.strategies.byId({ id: created.id });

    const saved1 = await a.strategies.save({
      id: created.id,
      expectedVersion: tab1.version,
      name: 'Renamed in tab 1',
    });
    expect(saved1.version).toBe(tab1.version + 1);

    await expect(
      a.strategies.save({
        id: created.id,
        expectedVersion: tab2.version,
        name: 'Renamed in tab 2',
      }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/saved elsewhere.*version 1.*version 2.*Reload/s),
    });
    expect(await a.strategies.byId({ id: created.id })).toMatchObject({
      name: 'Renamed in tab 1',
      version: saved1.version,
    });

    // After reloading, tab 2 saves on top of the latest version.
    const resaved = await a.strategies.save({
      id: created.id,
      expectedVersion: saved1.version,
      name: 'Renamed in tab 2',
    });
    expect(resaved).toMatchObject({ name: 'Renamed in tab 2', version: saved1.version + 1 });
  });

  it('autosaves a draft with problems (dsl null) and compiles it once valid', async () => {
    const a = await callerFor('drafts@example.test');
    const s = await a.strategies.create({ name: 'Draft' });
    expect(s.valid).toBe(false);
    expect(s.dsl).toBeNull();
    expect(s.problems.length).toBeGreaterThan(0);
    await expect(a.strategies.saveVersion({ id: s.id })).rejects.toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      message: /Fix the \d+ problem/,
    });

    const fixed = await a.strategies.save({
      id: s.id,
      expectedVersion: s.version,
      graph: graphOf(straddle),
    });
    expect(fixed.valid).toBe(true);
    expect(fixed.problems).toEqual([]);
    expect(fixed.dsl).toMatchObject({ dslVersion: 1, basket: { name: 'Weekly straddle' } });
  });

  it('named versions are immutable snapshots numbered per strategy', async () => {
    const a = await callerFor('versions@example.test');
    const s = await a.strategies.create({ name: 'Versioned', graph: graphOf(straddle) });
    const v1 = await a.strategies.saveVersion({ id: s.id, name: 'before the change' });
    const changed = structuredClone(straddle);
    changed.basket.name = 'Changed basket';
    await a.strategies.save({ id: s.id, expectedVersion: s.version, graph: graphOf(changed) });
    const v2 = await a.strategies.saveVersion({ id: s.id });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.name).toBe('Versioned v2');
    expect((await a.strategies.getVersion({ id: v1.id })).dsl).toMatchObject({
      basket: { name: 'Weekly straddle' },
    });
    expect((await a.strategies.getVersion({ id: v2.id })).dsl).toMatchObject({
      basket: { name: 'Changed basket' },
    });
    expect((await a.strategies.versions({ id: s.id })).map((v) => v.name)).toEqual([
      'Versioned v2',
      'before the change',
    ]);
  });
});

describe('strategies: list, duplicate, delete, import', () => {
  it('searches by name or description, duplicates, and undoes a delete', async () => {
    const a = await callerFor('lister@example.test');
    const s1 = await a.strategies.create({
      name: 'BANKNIFTY strangle',
      description: 'premium range',
      graph: graphOf(straddle),
    });
    await a.strategies.create({
      name: 'Iron condor',
      description: 'delta based',
      graph: graphOf(straddle),
    });
    expect((await a.strategies.list({ search: 'strangle' })).map((s) => s.name)).toEqual([
      'BANKNIFTY strangle',
    ]);
    expect((await a.strategies.list({ search: 'DELTA' })).map((s) => s.name)).toEqual([
      'Iron condor',
    ]);
    expect(await a.strategies.list({ search: '100%' })).toEqual([]);

    const copy = await a.strategies.duplicate({ id: s1.id });
    expect(copy).toMatchObject({ name: 'Copy of BANKNIFTY strangle', version: 1 });
    expect(copy.graph).toEqual(s1.graph);

    await a.strategies.delete({ id: s1.id });
    expect((await a.strategies.list()).map((s) => s.name).sort()).toEqual([
      'Copy of BANKNIFTY strangle',
      'Iron condor',
    ]);
    await expect(a.strategies.byId({ id: s1.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await a.strategies.restore({ id: s1.id });
    expect(await a.strategies.byId({ id: s1.id })).toMatchObject({ name: 'BANKNIFTY strangle' });
  });

  it('imports a DSL or a graph file, and names each error by path otherwise', async () => {
    const a = await callerFor('importer@example.test');
    const fromDsl = await a.strategies.import({ name: 'straddle', document: straddle });
    expect(fromDsl.ok).toBe(true);
    if (fromDsl.ok)
      expect(fromDsl.strategy.dsl).toMatchObject({ basket: { name: 'Weekly straddle' } });

    const fromGraph = await a.strategies.import({ document: graphOf(straddle) });
    expect(fromGraph.ok).toBe(true);

    const bad = structuredClone(straddle) as unknown as {
      basket: { strategies: { legs: { lots: unknown; colour?: string }[] }[] };
    };
    bad.basket.strategies[0].legs[1].lots = 0;
    bad.basket.strategies[0].legs[0].colour = 'red';
    const refused = await a.strategies.import({ document: bad });
    expect(refused).toMatchObject({ ok: false, kind: 'dsl' });
    if (!refused.ok) {
      const paths = refused.errors.map((e) => e.path);
      expect(paths).toContain('/basket/strategies/0/legs/1/lots');
      expect(paths).toContain('/basket/strategies/0/legs/0/colour');
    }
    expect(await a.strategies.import({ document: [1, 2] })).toMatchObject({
      ok: false,
      kind: 'unknown',
    });
    expect((await a.strategies.list()).length).toBe(2);
  });
});

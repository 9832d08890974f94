import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nifty from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { Auth } from '@/server/auth';
import { createTestAuth, signUp } from '@/server/testing/accounts';
import { openTestDb, type TestDb } from '@/tests/setup/db';

let t: TestDb;
let auth: Auth;
beforeAll(async () => {
  t = await openTestDb();
  auth = createTestAuth(t.db);
});
afterAll(async () => {
  await t?.close();
});

async function callerFor(email: string) {
  const headers = await signUp(auth, { email });
  return appRouter.createCaller(await createContext({ headers, db: t.db, auth }));
}

function graphOf(mutate: (dsl: typeof nifty) => void = () => {}) {
  const dsl = structuredClone(nifty);
  mutate(dsl);
  const parsed = parseDsl(dsl);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return decompile(parsed.value) as unknown as Record<string, unknown>;
}

describe('templates', () => {
  it('starts the gallery with the DSL examples, which anyone can open and fork', async () => {
    const c = await callerFor('gallery@example.test');
    const list = await c.templates.list();
    expect(list.filter((x) => x.kind === 'example').length).toBeGreaterThanOrEqual(10);
    const ex = list.find((x) => x.id === 'example-nifty-short-straddle-recost')!;
    expect(ex).toMatchObject({ title: nifty.basket.name, underlyings: ['NIFTY'], legs: 2 });
    expect((await c.templates.byId({ id: ex.id })).dsl).toEqual(parseDsl(nifty).ok && (parseDsl(nifty) as { value: unknown }).value);
    const fork = await c.templates.fork({ id: ex.id });
    expect(await c.strategies.byId({ id: fork.id })).toMatchObject({ name: nifty.basket.name, valid: true });
    await expect(c.templates.byId({ id: 'example-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('publishes, is read and forked by another trader, who is told of a newer version with the DSL diff', async () => {
    const author = await callerFor('author@example.test');
    const trader = await callerFor('trader@example.test');
    const mine = await author.strategies.create({ name: 'Author straddle', graph: graphOf() });

    // Someone else cannot publish the author's strategy.
    await expect(trader.templates.publish({ strategyId: mine.id, title: 'stolen' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const published = await author.templates.publish({ strategyId: mine.id, title: 'Straddle 25% SL', description: 'Sell ATM', tags: ['NIFTY', 'straddle', 'nifty'] });
    expect(published).toMatchObject({ kind: 'published', version: 1, mine: true, tags: ['nifty', 'straddle'], author: 'author@example.test' });

    const seen = (await trader.templates.list({ search: 'straddle 25' })).find((x) => x.id === published.id);
    expect(seen).toMatchObject({ mine: false, forkCount: 0 });
    const fork = await trader.templates.fork({ id: published.id });
    expect((await trader.strategies.byId({ id: fork.id })).graph).toEqual(mine.graph);
    expect(await trader.templates.upstream({ strategyId: fork.id })).toMatchObject({ forkedVersion: 1, latestVersion: 1, newVersionAvailable: false, changes: [] });
    expect((await author.templates.byId({ id: published.id })).forkCount).toBe(1);
    // The fork is the trader's own: the author cannot see or change it.
    await expect(author.strategies.byId({ id: fork.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await author.templates.upstream({ strategyId: fork.id })).toBeNull();

    const latest = await author.strategies.byId({ id: mine.id });
    await author.strategies.save({
      id: mine.id,
      expectedVersion: latest.version,
      graph: graphOf((d) => {
        d.basket.capital = 750000;
      }),
    });
    const v2 = await author.templates.publish({ strategyId: mine.id, title: 'Straddle 25% SL', description: 'Sell ATM, more capital', tags: ['nifty'] });
    expect(v2).toMatchObject({ id: published.id, version: 2 });

    const up = await trader.templates.upstream({ strategyId: fork.id });
    expect(up).toMatchObject({ templateId: published.id, forkedVersion: 1, latestVersion: 2, newVersionAvailable: true });
    expect(up!.changes).toEqual([{ path: '/basket/capital', before: nifty.basket.capital, after: 750000 }]);
  });
});

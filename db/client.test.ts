import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { DatabaseUnavailableError, closeClient, openClient, pingDb } from './client';
import { backtests, strategies, strategyVersions, templates, user } from './schema';
import { straddle } from '@/engine/backtest/golden-straddle';

/** Any valid strategy document: these tests are about rows and links, not the DSL. */
const doc = straddle();

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.close();
});

async function addUser(id: string) {
  await t.db.insert(user).values({ id, name: id, email: `${id}@example.test` });
}

describe(`database (${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'})`, () => {
  it('creates every table the app relies on', async () => {
    const rows = await t.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = (
      Array.isArray(rows) ? rows : (rows as { rows: { table_name: string }[] }).rows
    ).map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'account',
        'backtests',
        'session',
        'strategies',
        'strategy_versions',
        'templates',
        'user',
        'verification',
      ]),
    );
  });

  it('refuses a second account with the same email', async () => {
    await addUser('dup-a');
    await expect(
      t.db.insert(user).values({ id: 'dup-b', name: 'b', email: 'dup-a@example.test' }),
    ).rejects.toThrow();
  });

  it('keeps a strategy, its immutable versions, a template and a backtest linked', async () => {
    await addUser('alice');
    const [s] = await t.db
      .insert(strategies)
      .values({ ownerId: 'alice', name: 'Short straddle', dsl: doc, graph: { nodes: [] } })
      .returning();
    expect(s.version).toBe(1);
    const [v] = await t.db
      .insert(strategyVersions)
      .values({
        strategyId: s.id,
        ownerId: 'alice',
        version: 1,
        name: s.name,
        dsl: s.dsl ?? doc,
        graph: s.graph,
      })
      .returning();
    await expect(
      t.db
        .insert(strategyVersions)
        .values({ strategyId: s.id, ownerId: 'alice', version: 1, name: 'x', dsl: doc, graph: {} }),
    ).rejects.toThrow();
    const [tpl] = await t.db
      .insert(templates)
      .values({
        strategyVersionId: v.id,
        authorId: 'alice',
        title: 'Straddle',
        tags: ['nifty', 'weekly'],
        isPublic: true,
      })
      .returning();
    expect(tpl.tags).toEqual(['nifty', 'weekly']);
    expect(tpl.forkCount).toBe(0);
    const [bt] = await t.db
      .insert(backtests)
      .values({
        ownerId: 'alice',
        strategyVersionId: v.id,
        dataSource: { kind: 'simulated', seed: 7 },
        settings: {},
      })
      .returning();
    expect(bt.status).toBe('queued');
    expect(bt.progress).toBe(0);

    // Deleting the strategy keeps the snapshot that the template and the backtest point at.
    await t.db.delete(strategies).where(eq(strategies.id, s.id));
    const [kept] = await t.db.select().from(strategyVersions).where(eq(strategyVersions.id, v.id));
    expect(kept.strategyId).toBeNull();
    expect(kept.dsl).toEqual(doc);
  });

  it('rejects a backtest progress outside 0..1', async () => {
    await addUser('bob');
    const [v] = await t.db
      .insert(strategyVersions)
      .values({ ownerId: 'bob', version: 1, name: 'n', dsl: doc, graph: {} })
      .returning();
    await expect(
      t.db.insert(backtests).values({
        ownerId: 'bob',
        strategyVersionId: v.id,
        dataSource: {},
        settings: {},
        progress: 1.5,
      }),
    ).rejects.toThrow();
  });

  it('optimistic locking: an update against a stale version changes nothing', async () => {
    await addUser('carol');
    const [s] = await t.db
      .insert(strategies)
      .values({ ownerId: 'carol', name: 'a', dsl: null, graph: {} })
      .returning();
    const bump = (name: string, expected: number) =>
      t.db
        .update(strategies)
        .set({ name, version: sql`${strategies.version} + 1` })
        .where(sql`${strategies.id} = ${s.id} and ${strategies.version} = ${expected}`)
        .returning();
    expect(await bump('b', 1)).toHaveLength(1);
    expect(await bump('c', 1)).toHaveLength(0);
    const [now] = await t.db.select().from(strategies).where(eq(strategies.id, s.id));
    expect(now).toMatchObject({ name: 'b', version: 2 });
  });
});

describe('unreachable database', () => {
  it('says which DATABASE_URL failed, within seconds', async () => {
    const c = await openClient({ databaseUrl: 'postgres://strikeflow:secret@127.0.0.1:1/nowhere' });
    const started = Date.now();
    try {
      const err = await pingDb(c, 8_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect((err as Error).message).toMatch(
        /Cannot reach the database at DATABASE_URL=postgres:\/\/strikeflow:\*\*\*@127\.0\.0\.1:1\/nowhere: connection refused/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await closeClient(c);
    }
  });
});

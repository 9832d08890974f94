// What the API takes at its door: no NUL characters anywhere (they failed in Postgres with a
// 500), graphs and imported files within the DSL's size and nesting limits, and a strategies list
// that reads summaries, never whole graphs.
import { describe, expect, it } from 'vitest';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import * as schema from '@/db/schema';
import type { Db } from '@/db/client';
import { strategies } from '@/db/schema';
import { listStrategies } from '@/server/services/strategies';
import { starterGraph } from '@/server/services/strategy-documents';
import { useTestApi } from '@/server/testing/api';
import { straddle } from '@/engine/backtest/golden-straddle';

const straddleParsed = straddle();

const api = useTestApi();

describe('NUL characters', () => {
  it('are refused in names, searches, graphs and tags with the field named, storing nothing', async () => {
    const { caller } = await api.callerFor('nul-api@example.test');
    await expect(caller.strategies.create({ name: 'Iron\u0000condor' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/name holds a NUL character/),
    });
    await expect(caller.strategies.list({ search: 'x\u0000' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/search holds a NUL character/),
    });
    const graph = starterGraph() as { nodes: { data: Record<string, unknown> }[] };
    graph.nodes[0].data = { ...graph.nodes[0].data, label: 'a\u0000b' };
    await expect(caller.strategies.create({ name: 'ok', graph })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/graph\.nodes\[0\]\.data\.label holds a NUL character/),
    });
    const created = await caller.strategies.create({ name: 'Clean' });
    await expect(
      caller.templates.publish({ strategyId: created.id, title: 'T', tags: ['weekly\u0000'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/tags\[0\]/) });
    expect((await caller.strategies.list()).map((s) => s.name)).toEqual(['Clean']);
  });
});

describe('graph size', () => {
  it('refuses a graph or imported file beyond the limits, with the size and the limit', async () => {
    const { caller } = await api.callerFor('big-graph@example.test');
    const huge = { ...starterGraph(), padding: 'x'.repeat(5 * 1024 * 1024) };
    await expect(caller.strategies.create({ name: 'Huge', graph: huge })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/The graph is too large: it is 5\.0 MB; the limit is 4 MB/),
    });
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    await expect(
      caller.strategies.import({ document: { ...starterGraph(), deep } }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/nests deeper than 64 levels/) });
    const s = await caller.strategies.create({ name: 'Small' });
    await expect(
      caller.strategies.save({ id: s.id, expectedVersion: s.version, graph: huge }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await caller.strategies.list()).toHaveLength(1);
  });
});

describe('the strategies list', () => {
  it('reads names and dates, not graphs or compiled documents', async () => {
    const { userId } = await api.callerFor('lister@example.test');
    await api.db.insert(strategies).values([
      {
        ownerId: userId,
        name: 'Valid',
        dsl: straddleParsed,
        graph: { big: 'x'.repeat(1000) },
      },
      { ownerId: userId, name: 'Draft', dsl: null, graph: { big: 'y'.repeat(1000) } },
    ]);
    const queries: string[] = [];
    const logger = { logQuery: (q: string) => queries.push(q) };
    const client = (api.db as unknown as { $client: unknown }).$client;
    const logged = ('query' in (client as object) && 'exec' in (client as object)
      ? drizzlePglite({ client: client as never, schema, logger })
      : drizzlePostgres({ client: client as never, schema, logger })) as unknown as Db;
    const list = await listStrategies(logged, userId, {});
    expect(list.map((s) => [s.name, s.valid])).toEqual(
      expect.arrayContaining([
        ['Valid', true],
        ['Draft', false],
      ]),
    );
    expect(Object.keys(list[0]).sort()).toEqual(
      ['createdAt', 'description', 'id', 'name', 'updatedAt', 'valid', 'version'].sort(),
    );
    expect(queries).toHaveLength(1);
    // The graph column is never selected; the compiled document only as "is it there".
    expect(queries[0]).not.toMatch(/"graph"/);
    expect(queries[0]).toMatch(/"dsl" is not null/);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { strategies } from '@/db/schema';

const api = useTestApi();

const callerFor = api.callerFor;

describe('strategies router', () => {
  it('lists a new account as empty', async () => {
    const { caller } = await callerFor('fresh@example.test');
    expect(await caller.strategies.list()).toEqual([]);
  });

  it("never shows user A's strategies to user B", async () => {
    const a = await callerFor('alice@example.test');
    const b = await callerFor('bob@example.test');
    const [mine] = await api.db
      .insert(strategies)
      .values({
        ownerId: a.userId,
        name: 'Alice straddle',
        dsl: null,
        graph: { nodes: [] },
      })
      .returning();

    const aList = await a.caller.strategies.list();
    expect(aList.map((s) => s.name)).toEqual(['Alice straddle']);
    expect(await a.caller.strategies.byId({ id: mine.id })).toMatchObject({
      name: 'Alice straddle',
    });

    expect(await b.caller.strategies.list()).toEqual([]);
    await expect(b.caller.strategies.byId({ id: mine.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/does not exist or is not yours/),
    });
  });

  it('lists the most recently edited strategy first', async () => {
    const c = await callerFor('carol@example.test');
    await api.db.insert(strategies).values([
      {
        ownerId: c.userId,
        name: 'Old iron condor',
        dsl: null,
        graph: {},
        updatedAt: new Date('2026-01-01T00:00:00Z'),
      },
      {
        ownerId: c.userId,
        name: 'New strangle',
        dsl: null,
        graph: {},
        updatedAt: new Date('2026-06-01T00:00:00Z'),
      },
    ]);
    expect((await c.caller.strategies.list()).map((s) => s.name)).toEqual([
      'New strangle',
      'Old iron condor',
    ]);
  });
});

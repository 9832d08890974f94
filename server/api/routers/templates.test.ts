import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { eq } from 'drizzle-orm';
import { backtests, strategies, templates } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import straddle from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { appRouter } from '@/server/api/root';
import { seedExampleTemplates } from '@/server/services/template-examples';

const api = useTestApi();

const callerFor = api.callerFor;

const parsed = parseDsl(straddle);
if (!parsed.ok) throw new Error('the straddle example must be valid');
const dsl = parsed.value as unknown as Record<string, unknown>;

async function strategyOf(ownerId: string, name: string) {
  const [row] = await api.db
    .insert(strategies)
    .values({
      ownerId,
      name,
      dsl,
      graph: decompile(parsed.ok ? parsed.value : (null as never)) as unknown as Record<
        string,
        unknown
      >,
    })
    .returning();
  return row;
}

describe('example templates', () => {
  it('the gallery starts with every DSL example, seeded once however often seeding runs', async () => {
    const first = await seedExampleTemplates(api.db);
    expect(first.created).toBe(12);
    const again = await seedExampleTemplates(api.db);
    expect(again).toEqual({ created: 0, updated: 0, unchanged: 12 });

    const { caller } = await callerFor('gallery@example.test');
    const list = await caller.templates.list();
    expect(list.filter((x) => x.isExample)).toHaveLength(12);
    expect(list.map((x) => x.title)).toContain('NIFTY short straddle, 25% SL, re-cost');
    expect(list.every((x) => !x.isMine)).toBe(true);
    expect(await caller.templates.list({ tag: 'nifty' })).not.toHaveLength(0);
    const detail = await caller.templates.byId({ id: list[0].id });
    expect((detail.graph as { nodes: unknown[] }).nodes.length).toBeGreaterThan(2);
  });
});

describe('templates authorization', () => {
  it("user B reads A's public template but cannot change it, nor read A's strategy", async () => {
    const a = await callerFor('author@example.test');
    const b = await callerFor('reader@example.test');
    const source = await strategyOf(a.userId, 'Alice straddle');
    const { id } = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Alice straddle',
      description: 'Sell the ATM straddle',
      tags: ['Straddle', 'nifty', 'straddle'],
    });

    const seen = await b.caller.templates.byId({ id });
    expect(seen).toMatchObject({
      title: 'Alice straddle',
      tags: ['straddle', 'nifty'],
      isMine: false,
      version: 1,
    });
    expect(seen.dsl).toEqual(dsl);
    // The author's own strategy id is not handed to readers.
    expect(seen.sourceStrategyId).toBeNull();
    expect((await a.caller.templates.byId({ id })).sourceStrategyId).toBe(source.id);

    const forbidden = { code: 'FORBIDDEN', message: expect.stringMatching(/Only the author/) };
    await expect(
      b.caller.templates.update({ id, title: 'Bob owns this now' }),
    ).rejects.toMatchObject(forbidden);
    await expect(
      b.caller.templates.publishVersion({ templateId: id, notes: 'hijack' }),
    ).rejects.toMatchObject(forbidden);
    await expect(b.caller.templates.delete({ id })).rejects.toMatchObject(forbidden);
    expect((await a.caller.templates.byId({ id })).title).toBe('Alice straddle');

    await expect(b.caller.strategies.byId({ id: source.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    // A's backtest of the published version: B sees its summary on the template, never the run itself.
    const [tpl] = await api.db
      .select({ versionId: templates.strategyVersionId })
      .from(templates)
      .where(eq(templates.id, id));
    const report = {
      strategy: 'Alice straddle',
      from: '2026-11-16T09:15:00+05:30',
      to: '2026-11-20T15:30:00+05:30',
      summary: {
        netPnl: 1234.5,
        grossPnl: 1500,
        costs: 265.5,
        trades: 8,
        winRate: 62.5,
        maxDrawdown: 800,
        sharpe: 1.1,
        profitFactor: 1.6,
      },
      orders: [],
      events: [],
      equity: [],
    };
    const [run] = await api.db
      .insert(backtests)
      .values({
        ownerId: a.userId,
        strategyVersionId: tpl.versionId,
        dataSource: { kind: 'simulator' },
        settings: {},
        status: 'succeeded',
        progress: 1,
        report,
        finishedAt: new Date(),
      })
      .returning({ id: backtests.id });
    expect((await b.caller.templates.byId({ id })).backtest).toMatchObject({
      backtestId: run.id,
      netPnl: 1234.5,
      trades: 8,
      winRate: 62.5,
    });
    await expect(b.caller.backtests.get({ id: run.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await b.caller.backtests.list()).toEqual([]);
    expect((await a.caller.backtests.get({ id: run.id })).status).toBe('succeeded');
    await expect(
      b.caller.templates.publish({ strategyId: source.id, title: 'Stolen straddle' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(b.caller.templates.forkStatus({ strategyId: source.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('an unpublished template is invisible to everyone but its author', async () => {
    const a = await callerFor('private@example.test');
    const b = await callerFor('snoop@example.test');
    const source = await strategyOf(a.userId, 'Secret straddle');
    const { id } = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Secret straddle',
    });
    await a.caller.templates.update({ id, isPublic: false });

    expect((await a.caller.templates.list()).map((x) => x.id)).toContain(id);
    expect((await b.caller.templates.list()).map((x) => x.id)).not.toContain(id);
    await expect(b.caller.templates.byId({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(b.caller.templates.fork({ templateId: id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('signed-out callers read nothing', async () => {
    const anon = appRouter.createCaller(await api.context(new Headers()));
    await expect(anon.templates.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('forks', () => {
  it('keep their lineage and see a newer version with the DSL diff, then update to it', async () => {
    const a = await callerFor('maker@example.test');
    const b = await callerFor('forker@example.test');
    const source = await strategyOf(a.userId, 'Maker straddle');
    const { id } = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Maker straddle',
    });

    const fork = await b.caller.templates.fork({ templateId: id });
    expect(fork.version).toBe(1);
    const mine = await b.caller.strategies.byId({ id: fork.strategyId });
    expect(mine).toMatchObject({ name: 'Maker straddle', dsl });
    expect(await b.caller.strategies.list()).toHaveLength(1);
    expect((await b.caller.templates.byId({ id })).forkCount).toBe(1);
    expect(await b.caller.templates.forkStatus({ strategyId: fork.strategyId })).toMatchObject({
      forked: true,
      templateId: id,
      forkedVersion: 1,
      latestVersion: 1,
      newVersionAvailable: false,
      changes: [],
    });

    // Nothing changed yet: publishing again is refused rather than making an empty version.
    await expect(
      a.caller.templates.publishVersion({ templateId: id, notes: 'same' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    const edited = structuredClone(dsl) as {
      basket: { strategies: { legs: { stopLoss: { value: number } }[] }[] };
    };
    edited.basket.strategies[0].legs[0].stopLoss.value = 30;
    await api.db
      .update(strategies)
      .set({ dsl: edited as unknown as Record<string, unknown>, version: 2 })
      .where(eq(strategies.id, source.id));
    expect(
      await a.caller.templates.publishVersion({ templateId: id, notes: 'Wider stop on the call' }),
    ).toEqual({ id, version: 2 });

    const status = await b.caller.templates.forkStatus({ strategyId: fork.strategyId });
    expect(status).toMatchObject({
      forked: true,
      forkedVersion: 1,
      latestVersion: 2,
      newVersionAvailable: true,
      notes: ['v2: Wider stop on the call'],
    });
    expect(status.forked && status.changes).toEqual([
      {
        kind: 'changed',
        path: '/basket/strategies/0/legs/0/stopLoss/value',
        before: 25,
        after: 30,
      },
    ]);
    expect((await b.caller.templates.byId({ id })).versions.map((v) => v.version)).toEqual([2, 1]);

    await expect(
      b.caller.templates.updateFork({ strategyId: fork.strategyId, expectedVersion: 7 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(
      await b.caller.templates.updateFork({ strategyId: fork.strategyId, expectedVersion: 1 }),
    ).toEqual({ strategyId: fork.strategyId, version: 2 });
    expect((await b.caller.strategies.byId({ id: fork.strategyId })).dsl).toEqual(edited);
    expect(await b.caller.templates.forkStatus({ strategyId: fork.strategyId })).toMatchObject({
      forkedVersion: 2,
      latestVersion: 2,
      newVersionAvailable: false,
    });

    // A fork of the fork is independent: the author's strategy never changed because of B.
    expect((await a.caller.strategies.byId({ id: source.id })).name).toBe('Maker straddle');
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { eq } from 'drizzle-orm';
import { backtests, strategies, strategyVersions } from '@/db/schema';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import type { BacktestReport } from '@/engine/backtest/backtest';
import { decompile } from '@/engine/graph';
import straddle from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { appRouter } from '@/server/api/root';
import { seedExampleTemplates } from '@/server/services/template-examples';

const api = useTestApi();

const callerFor = api.callerFor;

const parsed = parseDsl(straddle);
if (!parsed.ok) throw new Error('the straddle example must be valid');
const dsl = parsed.value;

/** Only the parts of a stored report the gallery reads (a whole report is long and beside the point). */
function reportOf(netPnl: number): BacktestReport {
  return {
    strategy: 'Alice straddle',
    from: '2026-11-16T09:15:00+05:30',
    to: '2026-11-20T15:30:00+05:30',
    summary: {
      netPnl,
      grossPnl: netPnl + 265.5,
      costs: 265.5,
      trades: 8,
      winRate: 62.5,
      maxDrawdown: 800,
      sharpe: 1.1,
      profitFactor: 1.6,
    },
    metrics: { maxDrawdownPct: 0.16 },
    settings: { capital: 500000, currency: 'INR' },
    orders: [],
    events: [],
    equity: [],
  } as unknown as BacktestReport;
}

/** A finished backtest of the strategy as it is now (a version of it is made when missing). */
async function runOf(
  ownerId: string,
  strategyId: string,
  dataSource: Record<string, unknown>,
  netPnl: number,
  runDsl: DslDocument = dsl,
) {
  const existing = (
    await api.db.select().from(strategyVersions).where(eq(strategyVersions.strategyId, strategyId))
  ).find((v) => JSON.stringify(v.dsl) === JSON.stringify(runDsl));
  const versionId =
    existing?.id ??
    (
      await api.db
        .insert(strategyVersions)
        .values({
          strategyId,
          ownerId,
          version: 100 + Math.floor(Math.random() * 1e6),
          name: 'run',
          dsl: runDsl,
          graph: decompile(parsed.ok ? parsed.value : (null as never)) as unknown as Record<
            string,
            unknown
          >,
        })
        .returning({ id: strategyVersions.id })
    )[0].id;
  const [run] = await api.db
    .insert(backtests)
    .values({
      ownerId,
      strategyVersionId: versionId,
      dataSource,
      settings: {},
      status: 'succeeded',
      progress: 1,
      report: reportOf(netPnl),
      finishedAt: new Date(),
    })
    .returning({ id: backtests.id });
  return run;
}

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

    // A's backtest published with the version: B sees its summary on the template, never the run itself.
    const run = await runOf(
      a.userId,
      source.id,
      { kind: 'simulator', underlying: 'NIFTY' },
      1234.5,
    );
    const second = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Alice straddle, tested',
      backtestId: run.id,
    });
    expect((await b.caller.templates.byId({ id: second.id })).backtest).toMatchObject({
      backtestId: run.id,
      netPnl: 1234.5,
      trades: 8,
      winRate: 62.5,
      returnPct: 0.2469,
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
      .set({ dsl: edited as unknown as DslDocument, version: 2 })
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

describe('the backtest a template shows', () => {
  it('is only the one the author chose to publish with the version: never a private upload, never a later run', async () => {
    const a = await callerFor('tester@example.test');
    const b = await callerFor('browser@example.test');
    const source = await strategyOf(a.userId, 'Tested straddle');
    const sim = await runOf(
      a.userId,
      source.id,
      { kind: 'simulator', underlying: 'NIFTY', from: '2026-08-03', to: '2026-10-30', seed: 7 },
      5000,
    );
    const upload = await runOf(
      a.userId,
      source.id,
      { kind: 'upload', filename: 'my-broker-fills.ndjson' },
      90000,
    );

    // Published without choosing one: the gallery shows none, though succeeded runs exist.
    const plain = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Untested straddle',
    });
    expect((await b.caller.templates.byId({ id: plain.id })).backtest).toBeNull();

    // The author picks from the runs of exactly this strategy; a private upload is refused, saying why.
    const choices = await a.caller.templates.publishableBacktests({ strategyId: source.id });
    expect(choices.find((c) => c.id === sim.id)?.refused).toBeNull();
    expect(choices.find((c) => c.id === upload.id)?.refused).toMatch(/file you uploaded/);
    await expect(
      a.caller.templates.publish({ strategyId: source.id, title: 'Leaky', backtestId: upload.id }),
    ).rejects.toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      message: expect.stringMatching(/stays private/),
    });

    const tested = await a.caller.templates.publish({
      strategyId: source.id,
      title: 'Tested straddle',
      backtestId: sim.id,
    });
    const shown = async () => (await b.caller.templates.byId({ id: tested.id })).backtest;
    expect(await shown()).toMatchObject({ backtestId: sim.id, netPnl: 5000, returnPct: 1 });
    expect((await shown())?.data).toMatch(/^simulated NIFTY/);

    // Runs after publishing, better or private, change nothing on the template.
    await runOf(a.userId, source.id, { kind: 'simulator', underlying: 'NIFTY' }, 99999);
    await runOf(a.userId, source.id, { kind: 'upload', filename: 'later.csv' }, 77777);
    expect((await shown())?.backtestId).toBe(sim.id);
    const card = (await b.caller.templates.list()).find((t) => t.id === tested.id);
    expect(card?.backtest?.backtestId).toBe(sim.id);

    // A run of an older version of the strategy cannot be published with the new one.
    const edited = structuredClone(dsl) as {
      basket: { strategies: { legs: { stopLoss: { value: number } }[] }[] };
    };
    edited.basket.strategies[0].legs[0].stopLoss.value = 40;
    await api.db
      .update(strategies)
      .set({ dsl: edited as unknown as DslDocument, version: 5 })
      .where(eq(strategies.id, source.id));
    await expect(
      a.caller.templates.publishVersion({
        templateId: tested.id,
        notes: 'wider',
        backtestId: sim.id,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/earlier version/) });
    // Published without a run, the new version shows no backtest: figures never outlive their DSL.
    await a.caller.templates.publishVersion({ templateId: tested.id, notes: 'wider' });
    expect(await shown()).toBeNull();
  });

  it('sorts the gallery by newest, most forked and best published backtest', async () => {
    const a = await callerFor('sorter@example.test');
    const s1 = await strategyOf(a.userId, 'Sort one');
    const s2 = await strategyOf(a.userId, 'Sort two');
    const r1 = await runOf(a.userId, s1.id, { kind: 'simulator' }, 1000);
    const r2 = await runOf(a.userId, s2.id, { kind: 'simulator' }, 25000);
    const t1 = await a.caller.templates.publish({
      strategyId: s1.id,
      title: 'Sort one',
      backtestId: r1.id,
    });
    const t2 = await a.caller.templates.publish({
      strategyId: s2.id,
      title: 'Sort two',
      backtestId: r2.id,
    });
    await (await callerFor('forks@example.test')).caller.templates.fork({ templateId: t1.id });
    const ids = async (sort: 'newest' | 'forks' | 'best') =>
      (await a.caller.templates.list({ search: 'Sort', sort })).map((t) => t.id);
    expect(await ids('newest')).toEqual([t2.id, t1.id]);
    expect(await ids('forks')).toEqual([t1.id, t2.id]);
    expect(await ids('best')).toEqual([t2.id, t1.id]);
  });

  it('can be run straight from a template without forking it into the strategy list', async () => {
    const a = await callerFor('origin@example.test');
    const b = await callerFor('trier@example.test');
    const source = await strategyOf(a.userId, 'Try me');
    const { id } = await a.caller.templates.publish({ strategyId: source.id, title: 'Try me' });
    const target = await b.caller.templates.backtestTarget({ templateId: id });
    expect(target.name).toBe('Try me (template v1)');
    expect((await b.caller.templates.backtestTarget({ templateId: id })).strategyVersionId).toBe(
      target.strategyVersionId,
    );
    expect((await b.caller.strategies.getVersion({ id: target.strategyVersionId })).dsl).toEqual(
      dsl,
    );
    expect(await b.caller.strategies.list()).toEqual([]);
    await expect(
      a.caller.strategies.getVersion({ id: target.strategyVersionId }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

// A live deployment end to end on Kite's local fake: a Kite account connected through its login
// flow, an example strategy deployed live, its orders at the fake with the right tradingsymbol,
// quantity and tag, fills back into the runtime, reconciliation every time it is asked, a kill
// that squares off at the broker, the audit log. Then the same under faults (429, 500, dropped
// connections, fills 5 s late, every order update twice and out of order), and a position
// changed behind the deployment's back. Real PGlite/Postgres, real Redis and BullMQ workers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor as until } from '@/tests/support/wait-for';
import { resetEnv } from '@/db/env';
import { auditLog, deploymentEvents, deployments, fills, orders } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import example from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { decompile } from '@/engine/graph';
import type { Db } from '@/db/client';
import { createDeployment, insertDeployment, startDeployment } from '@/server/services/deployments';
import { createStrategy } from '@/server/services/strategies';
import { useTestApi } from '@/server/testing/api';
import {
  contractSnapshot,
  niftyContractMarket,
  type ContractMarket,
} from '@/tests/support/broker-contract';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { testRedisUrl } from '@/tests/setup/redis';
import { kiteTag } from '@/workers/brokers/kite/tag';
import { startWorkers, type RunningWorkers } from '@/workers/index';
import { closeQueues, createConnection, requestReconciliation } from '@/workers/queues';
import { publishTick, type LiveFlowDeps } from './index';

const api = useTestApi();
const saved = { ...process.env };
const SECRET = 'kite-live-secret-9876543210';
let kite: KiteFake;
let workers: RunningWorkers;
let deps: LiveFlowDeps;
let dataDir: string;

const market: ContractMarket = niftyContractMarket();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-live-'));
  kite = await startKiteFake({
    apiKey: 'kitelive1',
    apiSecret: SECRET,
    listings: [{ underlying: 'NIFTY', expiry: market.expiry, strike: market.strike, lotSize: 65 }],
    redirectUrl: 'http://127.0.0.1:9/api/brokers/kite/callback',
  });
  const url = await testRedisUrl();
  Object.assign(process.env, {
    REDIS_URL: url,
    DATA_DIR: dataDir,
    KITE_API_URL: kite.url,
    KITE_WS_URL: kite.wsUrl,
    KITE_LOGIN_URL: kite.loginUrl,
  });
  delete process.env.STRIKEFLOW_SECRET_KEY;
  resetEnv();
  workers = await startWorkers({ url, db: async () => api.db, sweep: false, heartbeatMs: 60_000 });
  deps = { db: async () => api.db, redis: createConnection('client', url), shards: 1 };
}, 60_000);

afterAll(async () => {
  await workers?.close({ force: true });
  deps?.redis.disconnect();
  await closeQueues();
  await kite?.close();
  process.env = { ...saved };
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A live deployment on the trader's Kite account that takes the ticks this file publishes by hand.
 * The app refuses live deployments on recorded ticks (real orders at a file's prices); these tests
 * are about the live order path, not the feed, so the deployment is made on the market (its
 * broker's feed) and its row pointed at a recorded feed of its own in the same transaction, as
 * only a test can.
 */
async function liveOnTestTicks(t: Awaited<ReturnType<typeof trader>>) {
  const dep = await api.db.transaction(async (tx) => {
    const d = await insertDeployment(tx as unknown as Db, t.userId, { strategyId: t.strategyId, mode: 'live', brokerAccountId: t.accountId, feed: 'market' }); // prettier-ignore
    const [row] = await tx.update(deployments).set({ feed: { kind: 'recorded', underlyings: d.underlyings, source: 'test ticks' }, feedId: `recorded:${d.id}` }).where(eq(deployments.id, d.id)).returning(); // prettier-ignore
    return row;
  });
  await startDeployment(dep);
  return dep;
}

let shared: ReturnType<typeof connectTrader> | undefined;
/** One trader, one Kite login for the file: the tests' deployments share the broker account. */
const trader = () => (shared ??= connectTrader('live-kite@example.com'));

/** A trader with a Kite account connected through Kite's login flow and the example strategy. */
async function connectTrader(email: string) {
  const { caller, userId } = await api.callerFor(email);
  const { account } = await caller.brokerAccounts.connect({
    broker: 'kite',
    label: 'Zerodha',
    credentials: { apiKey: 'kitelive1', apiSecret: SECRET },
  });
  const { url } = await caller.brokerAccounts.kiteLoginUrl({ id: account.id });
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
  const done = await caller.brokerAccounts.completeKiteLogin({
    state: back.searchParams.get('state')!,
    requestToken: back.searchParams.get('request_token')!,
  });
  expect(done.account.status).toBe('connected');
  const doc = parseDsl(example);
  if (!doc.ok) throw new Error('the example does not parse');
  const strategy = await createStrategy(api.db, userId, {
    name: 'NIFTY short straddle',
    graph: decompile(doc.value) as unknown as Record<string, unknown>,
  });
  return { caller, userId, accountId: account.id, strategyId: strategy.id };
}

/** Our orders of a deployment as the fake received them (matched by tag). */
async function atFake(deploymentId: string) {
  const ours = await api.db.select().from(orders).where(eq(orders.deploymentId, deploymentId)).orderBy(asc(orders.createdAt)); // prettier-ignore
  const tags = new Map(ours.map((o) => [kiteTag(o.id), o]));
  return kite.placed
    .filter((p) => tags.has(p.form.tag))
    .map((p) => ({ form: p.form, ours: tags.get(p.form.tag)! }));
}

const netAtFake = () => [...kite.exchange.positions().values()].map((p) => p.qty);

async function reconciled(deploymentId: string, after: string) {
  // Requests are one a second per deployment (the job id holds the second).
  await new Promise((r) => setTimeout(r, 1_100));
  await requestReconciliation(deploymentId);
  return until('a reconciliation', async () => {
    const [d] = await api.db.select().from(deployments).where(eq(deployments.id, deploymentId));
    return d.reconciliation && d.reconciliation.checkedAt > after ? d.reconciliation : null;
  });
}

describe('a live deployment on Kite (local fake)', () => {
  it('sends the example straddle to Kite with its tradingsymbols, quantities and tags; kill squares off there; all audited', async () => {
    const t = await trader();
    const dep = await liveOnTestTicks(t);
    const snap = contractSnapshot(market, 0);
    kite.publish(snap);
    await publishTick(deps, dep.feedId, snap);

    const sent = await until('both legs at Kite', async () => {
      const s = await atFake(dep.id);
      return s.length === 2 ? s : null;
    });
    const ce = kite.instrument('NIFTY', market.expiry, market.strike, 'CE').tradingsymbol;
    const pe = kite.instrument('NIFTY', market.expiry, market.strike, 'PE').tradingsymbol;
    expect(sent.map((o) => o.form.tradingsymbol).sort()).toEqual([ce, pe].sort());
    for (const o of sent) {
      expect(o.form).toMatchObject({ transaction_type: 'SELL', quantity: '65', exchange: 'NFO', order_type: 'MARKET' }); // prettier-ignore
      expect(o.form.tag).toBe(kiteTag(o.ours.id));
      expect(o.form.tag.length).toBeLessThanOrEqual(20);
    }
    // The fills come back through the order updates into the runtime: both legs open, short 65.
    const view = await until('both legs open', async () => {
      const v = await t.caller.deployments.get({ id: dep.id });
      return v.positions.filter((p) => p.status === 'OPEN' && p.qty === 65).length === 2 ? v : null; // prettier-ignore
    });
    expect(view.mode).toBe('live');
    expect(netAtFake().sort()).toEqual([-65, -65]);

    const rec = await reconciled(dep.id, new Date().toISOString());
    expect(rec.error).toBeNull();
    expect(rec.broker.map((b) => b.qty)).toEqual([-65, -65]);
    const matched = await until('the reconciliation applied', async () => {
      const v = await t.caller.deployments.get({ id: dep.id });
      return v.reconciliation.kind === 'checked' && v.reconciliation.status === 'matched' ? v : null; // prettier-ignore
    });
    expect(matched.reconciliation).toMatchObject({ entriesHalted: false });
    expect(matched.tradingState).toBe('ACTIVE');

    await t.caller.deployments.kill({ id: dep.id });
    const exits = await until('the kill at Kite', async () => {
      const s = (await atFake(dep.id)).filter((o) => o.form.transaction_type === 'BUY');
      return s.length === 2 ? s : null;
    });
    expect(exits.map((o) => o.form.tradingsymbol).sort()).toEqual([ce, pe].sort());
    expect(exits.every((o) => o.form.quantity === '65')).toBe(true);
    await until('flat at Kite', async () => netAtFake().every((q) => q === 0));
    await until('flat in our book', async () => {
      const v = await t.caller.deployments.get({ id: dep.id });
      return v.positions.every((p) => p.qty === 0) && v.status === 'killed';
    });
    const audit = await api.db.select().from(auditLog).where(eq(auditLog.deploymentId, dep.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['deploy', 'kill']);
    expect(audit.find((a) => a.action === 'deploy')!.detail).toMatchObject({ mode: 'live' });

    // Nothing the API answers, and nothing in the database, holds the secret or the session.
    const everything = JSON.stringify([
      await t.caller.deployments.get({ id: dep.id }),
      await t.caller.deployments.list(),
      await t.caller.brokerAccounts.list(),
    ]);
    const rows = JSON.stringify((await api.db.execute(sql`select * from broker_accounts`)) as unknown); // prettier-ignore
    for (const secret of [SECRET, ...kite.accessTokens]) {
      expect(everything).not.toContain(secret);
      expect(rows).not.toContain(secret);
    }
  }, 60_000);

  it('places once and applies each fill once when Kite answers 429 and 500, drops connections, fills 5 s late and repeats updates out of order; the position matches after reconciliation', async () => {
    const t = await trader();
    kite.exchange.fillDelayMs = 5_000;
    kite.scramble = true;
    kite.faults.add('POST /orders/regular', { status: 429 }, 1);
    kite.faults.add('POST /orders/regular', { status: 500 }, 1);
    kite.faults.add('POST /orders/regular', { drop: true }, 1);
    try {
      const before = netAtFake().reduce((a, b) => a + Math.abs(b), 0);
      const dep = await liveOnTestTicks(t);
      const snap = contractSnapshot(market, 60);
      kite.publish(snap);
      await publishTick(deps, dep.feedId, snap);
      await until('both legs at Kite', async () => (await atFake(dep.id)).length === 2);
      // The network blips while the fills are on their way.
      kite.dropConnections();
      const view = await until(
        'both late fills in the book',
        async () => {
          const v = await t.caller.deployments.get({ id: dep.id });
          return v.positions.filter((p) => p.status === 'OPEN' && p.qty === 65).length === 2 ? v : null; // prettier-ignore
        },
        30_000,
      );
      // Let duplicate and late updates arrive, then count.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await atFake(dep.id)).toHaveLength(2);
      const f = await api.db.select().from(fills).where(eq(fills.deploymentId, dep.id));
      expect(f).toHaveLength(2);
      expect(view.orders.every((o) => o.filledQty === 65 && o.status === 'FILLED')).toBe(true);
      const events = await api.db.select().from(deploymentEvents).where(and(eq(deploymentEvents.deploymentId, dep.id), eq(deploymentEvents.type, 'FILL'))); // prettier-ignore
      expect(events).toHaveLength(2);

      const rec = await reconciled(dep.id, new Date().toISOString());
      // Our book and the broker agree; the account's first deployment (killed, flat) is taken out.
      expect(rec.broker.map((b) => b.qty)).toEqual([-65, -65]);
      const v = await until('reconciled', async () => {
        const x = await t.caller.deployments.get({ id: dep.id });
        return x.reconciliation.kind === 'checked' && x.reconciliation.checkedAt === rec.checkedAt && x.reconciliation.status === 'matched' ? x : null; // prettier-ignore
      });
      expect(v.tradingState).toBe('ACTIVE');
      expect(netAtFake().reduce((a, b) => a + Math.abs(b), 0)).toBe(before + 130);

      // Someone buys 65 calls by hand at Kite: the next reconciliation stops new entries.
      kite.exchange.fillDelayMs = 0;
      kite.scramble = false;
      const ce = kite.instrument('NIFTY', market.expiry, market.strike, 'CE');
      kite.exchange.submit({ symbol: ce.tradingsymbol, side: 'BUY', qty: 65, type: 'MARKET', limit: null, clientId: null, lot: 65 }); // prettier-ignore
      kite.exchange.match();
      const rec2 = await reconciled(dep.id, rec.checkedAt);
      expect(rec2.broker.find((b) => b.contract.endsWith('CE'))!.qty).toBe(0);
      const halted = await until('entries halted', async () => {
        const x = await t.caller.deployments.get({ id: dep.id });
        return x.reconciliation.kind === 'checked' && x.reconciliation.status === 'mismatch' ? x : null; // prettier-ignore
      });
      expect(halted.tradingState).toBe('REDUCING');
      expect(halted.reconciliation).toMatchObject({ entriesHalted: true, rows: expect.arrayContaining([expect.objectContaining({ ours: -65, broker: 0, differs: true })]) }); // prettier-ignore
      const mismatch = await api.db.select().from(deploymentEvents).where(and(eq(deploymentEvents.deploymentId, dep.id), eq(deploymentEvents.type, 'RECONCILIATION_MISMATCH'))); // prettier-ignore
      expect(mismatch.length).toBeGreaterThan(0);
      // Exits keep working while entries are halted: the kill reaches Kite.
      await t.caller.deployments.kill({ id: dep.id });
      await until('the kill at Kite', async () => (await atFake(dep.id)).filter((o) => o.form.transaction_type === 'BUY').length === 2); // prettier-ignore
    } finally {
      kite.exchange.fillDelayMs = 0;
      kite.scramble = false;
    }
  }, 90_000);
});

/** Deploys the example live on the shared account and waits for both legs to be open. */
async function liveWithPositions(t: Awaited<ReturnType<typeof trader>>, step: number) {
  const dep = await liveOnTestTicks(t);
  const snap = contractSnapshot(market, step);
  kite.publish(snap);
  await publishTick(deps, dep.feedId, snap);
  return dep;
}

const openLegs = async (caller: Awaited<ReturnType<typeof trader>>['caller'], id: string) =>
  (await caller.deployments.get({ id })).positions.filter((p) => p.status === 'OPEN' && p.qty === 65).length; // prettier-ignore

describe('switching a deployment between paper and live', () => {
  it('goes live only for its owner, with a usable account of theirs and the strategy name typed; the paper deployment stays paper and is killed', async () => {
    const t = await trader();
    const other = await api.callerFor('switch-intruder@example.com');
    const { account: foreign } = await other.caller.brokerAccounts.connect({ broker: 'kite', label: 'Not yours', credentials: { apiKey: 'kitelive1', apiSecret: SECRET } }); // prettier-ignore
    const paper = await createDeployment(api.db, t.userId, { strategyId: t.strategyId, mode: 'paper', feed: 'market', riskLimits: { maxLotsPerOrder: 2 } }); // prettier-ignore

    const preview = await t.caller.deployments.modeSwitchPreview({ id: paper.id });
    expect(preview).toMatchObject({ mode: 'paper', to: 'live', strategyName: 'NIFTY short straddle', riskLimits: { maxLotsPerOrder: 2 }, blockers: [] }); // prettier-ignore
    expect(preview.basketLimits.map((l) => l.label)).toContain('Max daily loss');
    expect(preview.brokerAccounts).toEqual([expect.objectContaining({ id: t.accountId, usable: true })]); // prettier-ignore

    const go = { id: paper.id, to: 'live' as const, brokerAccountId: t.accountId, confirmName: 'NIFTY short straddle' }; // prettier-ignore
    await expect(other.caller.deployments.modeSwitchPreview({ id: paper.id })).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore
    await expect(other.caller.deployments.switchMode(go)).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore
    await expect(t.caller.deployments.switchMode({ ...go, brokerAccountId: foreign.id })).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore
    await expect(t.caller.deployments.switchMode({ ...go, confirmName: 'nifty short straddle' })).rejects.toThrow(/Type the strategy name "NIFTY short straddle" exactly/); // prettier-ignore
    await expect(t.caller.deployments.switchMode({ ...go, to: 'paper', positions: 'hand_over' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' }); // prettier-ignore
    // None of the refusals left anything behind.
    expect((await t.caller.deployments.get({ id: paper.id })).successor).toBeNull();

    const r = await t.caller.deployments.switchMode(go);
    expect(r).toMatchObject({ predecessorId: paper.id, mode: 'live' });
    const [pred] = await api.db.select().from(deployments).where(eq(deployments.id, paper.id));
    const [succ] = await api.db.select().from(deployments).where(eq(deployments.id, r.successorId));
    expect(pred.mode).toBe('paper');
    expect(pred.brokerAccountId).toBeNull();
    expect(succ).toMatchObject({ mode: 'live', brokerAccountId: t.accountId, predecessorId: paper.id, riskLimits: { maxLotsPerOrder: 2 }, strategyVersionId: paper.strategyVersionId }); // prettier-ignore
    await until('the paper deployment killed', async () => (await t.caller.deployments.get({ id: paper.id })).status === 'killed'); // prettier-ignore
    // The live one was reconciled with Kite at its start.
    await until('its first reconciliation', async () => {
      const v = await t.caller.deployments.get({ id: r.successorId });
      return v.reconciliation.kind === 'checked' && v.reconciliation.status === 'matched';
    });
    const audit = await api.db.select().from(auditLog).where(eq(auditLog.userId, t.userId));
    expect(audit.find((a) => a.action === 'switch_mode' && a.deploymentId === paper.id)!.detail).toMatchObject({ from: 'paper', to: 'live', successorId: r.successorId, brokerAccountId: t.accountId }); // prettier-ignore
    expect(audit.find((a) => a.action === 'deploy' && a.deploymentId === r.successorId)!.detail).toMatchObject({ mode: 'live', predecessorId: paper.id }); // prettier-ignore
    // A deployment switches once; its successor is the one to switch next.
    await expect(t.caller.deployments.switchMode(go)).rejects.toMatchObject({ code: 'UNPROCESSABLE_CONTENT' }); // prettier-ignore
    await t.caller.deployments.kill({ id: r.successorId });
  }, 60_000);

  it('hands live positions over to paper (nothing sent to Kite), but not while orders are working', async () => {
    const t = await trader();
    kite.exchange.fillDelayMs = 3_000;
    try {
      const live = await liveWithPositions(t, 120);
      await until('both legs at Kite', async () => (await atFake(live.id)).length === 2);
      const back = { id: live.id, to: 'paper' as const, positions: 'hand_over' as const, confirmName: 'NIFTY short straddle' }; // prettier-ignore
      expect((await t.caller.deployments.modeSwitchPreview({ id: live.id })).canHandOver).toBe(false); // prettier-ignore
      await expect(t.caller.deployments.switchMode(back)).rejects.toThrow(/orders are still working at the broker/); // prettier-ignore
      await until('both legs open', async () => (await openLegs(t.caller, live.id)) === 2, 30_000);
      const held = netAtFake();
      const sentBefore = kite.placed.length;
      const r = await t.caller.deployments.switchMode(back);
      const paper = await t.caller.deployments.get({ id: r.successorId });
      expect(paper.mode).toBe('paper');
      expect(paper.positions.filter((p) => p.status === 'OPEN' && p.qty === 65)).toHaveLength(2);
      const old = await t.caller.deployments.get({ id: live.id });
      expect(old.status).toBe('stopped');
      expect(old.statusReason).toMatch(/2 open positions handed over to paper deployment .*stay open at the broker/); // prettier-ignore
      expect(old.successor).toEqual({ id: r.successorId, mode: 'paper' });
      await new Promise((res) => setTimeout(res, 1_500));
      expect(kite.placed.length).toBe(sentBefore);
      expect(netAtFake()).toEqual(held);
      const audit = await api.db.select().from(auditLog).where(eq(auditLog.deploymentId, live.id));
      expect(audit.find((a) => a.action === 'switch_mode')!.detail).toMatchObject({ from: 'live', to: 'paper', positions: 'hand_over' }); // prettier-ignore
      // Square off by hand what was handed over, for the next test.
      for (const [symbol, p] of kite.exchange.positions())
        if (p.qty !== 0) kite.exchange.submit({ symbol, side: p.qty < 0 ? 'BUY' : 'SELL', qty: Math.abs(p.qty), type: 'MARKET', limit: null, clientId: null, lot: 65 }); // prettier-ignore
      kite.exchange.fillDelayMs = 0;
      kite.exchange.match();
      await t.caller.deployments.kill({ id: r.successorId });
    } finally {
      kite.exchange.fillDelayMs = 0;
    }
  }, 60_000);

  it('squares live positions off at Kite when switching back to paper that way; the paper deployment starts flat', async () => {
    const t = await trader();
    await until('flat at Kite', async () => netAtFake().every((q) => q === 0));
    const live = await liveWithPositions(t, 180);
    await until('both legs open', async () => (await openLegs(t.caller, live.id)) === 2, 30_000);
    const r = await t.caller.deployments.switchMode({ id: live.id, to: 'paper', positions: 'square_off', confirmName: ' NIFTY short straddle ' }); // prettier-ignore
    const exits = await until('the square-off at Kite', async () => {
      const s = (await atFake(live.id)).filter((o) => o.form.transaction_type === 'BUY');
      return s.length === 2 ? s : null;
    });
    expect(exits.every((o) => o.form.quantity === '65')).toBe(true);
    await until('flat at Kite', async () => netAtFake().every((q) => q === 0));
    await until('the live deployment killed', async () => (await t.caller.deployments.get({ id: live.id })).status === 'killed'); // prettier-ignore
    const paper = await t.caller.deployments.get({ id: r.successorId });
    expect(paper.mode).toBe('paper');
    expect(paper.positions).toEqual([]);
    expect(paper.predecessorId).toBe(live.id);
  }, 60_000);
});

describe('when the broker cannot be asked', () => {
  // Last in the file: it ends every Kite session of the fake.
  it('shows why the reconciliation could not run (Kite session ended at 06:00 IST), and says nothing internal', async () => {
    const t = await trader();
    const dep = await liveOnTestTicks(t);
    await until('its first reconciliation', async () => {
      const v = await t.caller.deployments.get({ id: dep.id });
      return v.reconciliation.kind === 'checked' && v.reconciliation.status === 'matched';
    });
    kite.expireSessions();
    const rec = await reconciled(dep.id, new Date().toISOString());
    expect(rec.error).toMatch(/log in to Kite again/);
    const v = await t.caller.deployments.get({ id: dep.id });
    expect(v.reconciliation).toMatchObject({ kind: 'checked', status: 'error' });
    expect(JSON.stringify(v)).not.toContain(SECRET);
    await t.caller.deployments.kill({ id: dep.id });
  }, 60_000);
});

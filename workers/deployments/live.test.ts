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
import { resetEnv } from '@/db/env';
import { auditLog, deploymentEvents, deployments, fills, orders } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import example from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { decompile } from '@/engine/graph';
import { createDeployment } from '@/server/services/deployments';
import { createStrategy } from '@/server/services/strategies';
import { useTestApi } from '@/server/testing/api';
import { contractSnapshot, type ContractMarket } from '@/tests/support/broker-contract';
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

const market: ContractMarket = {
  underlying: 'NIFTY',
  expiry: '2026-11-24',
  strike: 24000,
  lotSize: 65,
  spot: 24010,
  ce: { bid: 120, ask: 121 },
  pe: { bid: 110, ask: 111 },
  ts: '2026-11-20T09:20:00+05:30',
};

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

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
    const dep = await createDeployment(api.db, t.userId, { strategyId: t.strategyId, mode: 'live', brokerAccountId: t.accountId, feed: 'recorded', source: 'test ticks' }); // prettier-ignore
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
      const dep = await createDeployment(api.db, t.userId, { strategyId: t.strategyId, mode: 'live', brokerAccountId: t.accountId, feed: 'recorded', source: 'test ticks' }); // prettier-ignore
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

// A live deployment trades on its broker's own ticks: deployed live on a Kite account (local fake),
// it takes its chains from the fake's WebSocket ticker (binary full packets, stamped with the
// exchange's time), enters and stops out at those prices, and when the ticker goes down it is told
// which account's stream stopped, enters nothing on old quotes, shows the gap when ticks come back,
// and still gets its exits out to Kite. Real PGlite/Postgres, Redis and BullMQ workers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor as until } from '@/tests/support/wait-for';
import { resetEnv } from '@/db/env';
import {
  deploymentEvents,
  deploymentInputs,
  deployments,
  fills,
  notifications,
  orders,
} from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import example from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { decompile } from '@/engine/graph';
import { commandDeployment, createDeployment } from '@/server/services/deployments';
import { createStrategy } from '@/server/services/strategies';
import { useTestApi } from '@/server/testing/api';
import { contractSnapshot, niftyContractMarket } from '@/tests/support/broker-contract';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { testRedisUrl } from '@/tests/setup/redis';
import { kiteTag } from '@/workers/brokers/kite/tag';
import { startWorkers, type RunningWorkers } from '@/workers/index';
import { closeQueues } from '@/workers/queues';
import { latestSnapshot } from './feed-store';

const api = useTestApi();
const saved = { ...process.env };
const SECRET = 'kite-feed-secret-0123456789';
let kite: KiteFake;
let workers: RunningWorkers;
let dataDir: string;
/** The fake exchange's clock: the ticker's timestamps and the workers' "now". */
let clock = Date.parse('2026-11-20T09:19:00+05:30');
const at = (hhmmss: string) => (clock = Date.parse(`2026-11-20T${hhmmss}+05:30`));

const market = niftyContractMarket('2026-11-20T09:19:00+05:30');
const quotes = (ce: { bid: number; ask: number }, pe: { bid: number; ask: number }) =>
  contractSnapshot({ ...market, ce, pe });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-live-feed-'));
  kite = await startKiteFake({
    apiKey: 'kitefeed1',
    apiSecret: SECRET,
    listings: [{ underlying: 'NIFTY', expiry: market.expiry, strike: market.strike, lotSize: 65 }],
    spot: { NIFTY: market.spot },
    redirectUrl: 'http://127.0.0.1:9/api/brokers/kite/callback',
  });
  kite.now = () => clock;
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
  workers = await startWorkers({
    url,
    db: async () => api.db,
    sweep: false,
    heartbeatMs: 60_000,
    now: () => clock,
    brokerFeeds: {
      tuning: { intervalMs: 100, today: '2026-11-20' },
      leaseMs: 1_500,
      downAfterMs: 1_000,
      restartAfterMs: 2_000,
    },
  });
}, 60_000);

afterAll(async () => {
  await workers?.close({ force: true });
  await closeQueues();
  await kite?.close();
  process.env = { ...saved };
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Our orders of a deployment as the fake received them (matched by tag), oldest first. */
async function atFake(deploymentId: string) {
  const ours = await api.db.select().from(orders).where(eq(orders.deploymentId, deploymentId)).orderBy(asc(orders.createdAt)); // prettier-ignore
  const tags = new Map(ours.map((o) => [kiteTag(o.id), o]));
  return kite.placed.filter((p) => tags.has(p.form.tag)).map((p) => p.form);
}

async function eventsOf(deploymentId: string, type: string) {
  return api.db.select().from(deploymentEvents).where(and(eq(deploymentEvents.deploymentId, deploymentId), eq(deploymentEvents.type, type))); // prettier-ignore
}

/** Fill prices of a deployment by side and contract ("SELL NIFTY 2026-11-24 24000 CE"). */
async function fillPrices(deploymentId: string) {
  const rows = await api.db
    .select({ side: orders.side, contract: orders.contract, price: fills.price })
    .from(fills)
    .innerJoin(orders, eq(orders.id, fills.orderId))
    .where(eq(fills.deploymentId, deploymentId));
  return rows.map((r) => `${r.side} ${r.contract} @ ${r.price}`).sort();
}

describe('a live deployment on its broker feed (Kite fake)', () => {
  it('trades on the ticker’s prices, enters nothing while the stream is down, shows the gap, and exits while it is down', async () => {
    const { caller, userId } = await api.callerFor('live-feed@example.com');
    const { account } = await caller.brokerAccounts.connect({ broker: 'kite', label: 'Zerodha', credentials: { apiKey: 'kitefeed1', apiSecret: SECRET } }); // prettier-ignore
    const { url } = await caller.brokerAccounts.kiteLoginUrl({ id: account.id });
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    await caller.brokerAccounts.completeKiteLogin({ state: back.searchParams.get('state')!, requestToken: back.searchParams.get('request_token')! }); // prettier-ignore
    const doc = parseDsl(example);
    if (!doc.ok) throw new Error('the example does not parse');
    const strategy = await createStrategy(api.db, userId, { name: 'NIFTY short straddle', graph: decompile(doc.value) as unknown as Record<string, unknown> }); // prettier-ignore

    // 09:19: the market before the entry time, on the fake's ticker only.
    at('09:19:00');
    kite.publish(quotes({ bid: 120, ask: 121 }, { bid: 110, ask: 111 }));
    const dep = await createDeployment(api.db, userId, { strategyId: strategy.id, mode: 'live', brokerAccountId: account.id, feed: 'market' }); // prettier-ignore
    expect(dep.feed).toEqual({ kind: 'broker', accountId: account.id, broker: 'kite', label: 'AB1234', underlyings: ['NIFTY'] }); // prettier-ignore
    expect(dep.feedId).toBe(`broker:${account.id}`);
    const view = await caller.deployments.get({ id: dep.id });
    expect(view.feed).toEqual({ kind: 'broker', label: 'Ticks: Kite (AB1234)' });

    // The ticker's chain, not a simulated one: the fake's spot and quotes at the exchange's time.
    const first = await until('the first broker tick', () => latestSnapshot(api.db, dep.feedId, 'NIFTY')); // prettier-ignore
    expect(first.ts).toBe('2026-11-20T09:19:00+05:30');
    expect(first.spot).toBe(24010);
    expect(first.expiries[0].options.find((o) => o.right === 'CE')).toMatchObject({ strike: 24000, bid: 120, ask: 121 }); // prettier-ignore
    await until('the tick evaluated', async () => (await api.db.select().from(deploymentInputs).where(and(eq(deploymentInputs.deploymentId, dep.id), eq(deploymentInputs.kind, 'snapshot')))).length > 0); // prettier-ignore

    // The ticker goes down across the entry time; the market moves meanwhile.
    kite.tickerDown = true;
    const down = await until('the feed-down event', async () => (await eventsOf(dep.id, 'FEED_DOWN'))[0]); // prettier-ignore
    expect(down.message).toMatch(/NIFTY market-data stream of Kite \(AB1234\) is down/);
    expect(down.message).toMatch(/under Brokers/);
    expect(down.message).toMatch(/exits still go out/);
    at('09:21:00');
    kite.publish(quotes({ bid: 130, ask: 131 }, { bid: 100, ask: 101 }));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await atFake(dep.id)).toEqual([]);
    expect(await eventsOf(dep.id, 'ENTRY')).toEqual([]);
    // Only one notice per outage, however long it lasts, and the trader is alerted to it once.
    expect(await eventsOf(dep.id, 'FEED_DOWN')).toHaveLength(1);
    const alerts = await api.db.select().from(notifications).where(eq(notifications.deploymentId, dep.id)); // prettier-ignore
    expect(alerts.filter((n) => n.kind === 'feed')).toEqual([
      expect.objectContaining({ title: expect.stringMatching(/^Market data down · /), message: down.message }), // prettier-ignore
    ]);

    // 09:23: the ticker is back; the gap shows, and the entry happens on the fresh prices.
    at('09:23:00');
    kite.tickerDown = false;
    const gap = await until('the feed gap', async () => (await eventsOf(dep.id, 'FEED_GAP'))[0]);
    expect(gap.message).toMatch(/No NIFTY ticks from the broker between 09:19:00 and 09:23:00 \(240 s\)/); // prettier-ignore
    const entries = await until('both entries at Kite', async () => {
      const s = await atFake(dep.id);
      return s.length === 2 ? s : null;
    });
    expect(entries.every((o) => o.transaction_type === 'SELL' && o.quantity === '65')).toBe(true);
    await until('both entries filled', async () => (await fillPrices(dep.id)).length === 2);
    expect(await fillPrices(dep.id)).toEqual([
      'SELL NIFTY 2026-11-24 24000 CE @ 130',
      'SELL NIFTY 2026-11-24 24000 PE @ 100',
    ]);

    // 09:24: the call jumps on the ticker; its 25 % stop-loss (at 162.5) buys it back at Kite.
    at('09:24:00');
    kite.publish(quotes({ bid: 170, ask: 171 }, { bid: 95, ask: 96 }));
    const stop = await until('the stop-loss at Kite', async () => (await atFake(dep.id)).find((o) => o.transaction_type === 'BUY')); // prettier-ignore
    expect(stop.tradingsymbol).toBe(kite.instrument('NIFTY', market.expiry, 24000, 'CE').tradingsymbol); // prettier-ignore
    await until('the stop filled', async () => (await fillPrices(dep.id)).length === 3);
    expect(await fillPrices(dep.id)).toContain('BUY NIFTY 2026-11-24 24000 CE @ 171');

    // The ticker drops again: the kill still squares the put off at Kite.
    kite.tickerDown = true;
    await new Promise((r) => setTimeout(r, 1_500));
    at('09:26:00');
    await commandDeployment(api.db, userId, dep.id, 'KILL', {}, clock);
    const exit = await until('the kill at Kite', async () => (await atFake(dep.id)).filter((o) => o.transaction_type === 'BUY').length === 2); // prettier-ignore
    expect(exit).toBe(true);
    const pe = kite.instrument('NIFTY', market.expiry, 24000, 'PE').tradingsymbol;
    expect((await atFake(dep.id)).filter((o) => o.transaction_type === 'BUY').map((o) => o.tradingsymbol)).toContain(pe); // prettier-ignore
    await until('flat at Kite', async () => [...kite.exchange.positions().values()].every((p) => p.qty === 0), 30_000); // prettier-ignore
    const [row] = await api.db.select().from(deployments).where(eq(deployments.id, dep.id));
    expect(row.status).toBe('killed');
    kite.tickerDown = false;
  }, 90_000);
});

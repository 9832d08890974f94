// margin.basket end to end: real database, real Redis (BullMQ) with the brokers worker, and the
// local Kite fake answering POST /margins/basket as Kite's documents and official mock say.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { startAlpacaFake, type AlpacaFake } from '@/tests/fakes/alpaca';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { testRedisUrl } from '@/tests/setup/redis';
import { useTestApi } from '@/server/testing/api';
import { forgetBasketMargins, MARGIN_CALLS_PER_MINUTE } from '@/server/services/basket-margin';
import { brokerAccountProcessor } from '@/workers/brokers/accounts';
import { closeQueues, createConnection, QUEUES } from '@/workers/queues';

const api = useTestApi();
let worker: Worker;
let kite: KiteFake;
let alpaca: AlpacaFake;
let dataDir: string;
const saved = { ...process.env };
const KITE_SECRET = 'kite-api-secret-margin-0123';
const EXPIRY = '2026-12-29';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-margin-'));
  kite = await startKiteFake({
    apiKey: 'kitemarginkey',
    apiSecret: KITE_SECRET,
    listings: [24000, 24100, 24200].map((strike) => ({
      underlying: 'NIFTY',
      expiry: EXPIRY,
      strike,
      lotSize: 75,
    })),
    redirectUrl: 'http://127.0.0.1:9/api/brokers/kite/callback',
  });
  alpaca = await startAlpacaFake({
    keyId: 'PKMARGIN1',
    secretKey: 'alpaca-secret-m',
    listings: [],
  });
  Object.assign(process.env, {
    REDIS_URL: await testRedisUrl(),
    DATA_DIR: dataDir,
    KITE_API_URL: kite.url,
    KITE_LOGIN_URL: kite.loginUrl,
    ALPACA_API_URL: alpaca.url,
  });
  delete process.env.STRIKEFLOW_SECRET_KEY;
  resetEnv();
  worker = new Worker(QUEUES.brokers, brokerAccountProcessor({ db: async () => api.db }), {
    connection: createConnection('worker', process.env.REDIS_URL),
  });
  await worker.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  await closeQueues();
  await Promise.all([kite?.close(), alpaca?.close()]);
  process.env = { ...saved };
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  forgetBasketMargins();
  kite.basketRejection = null;
});

type Caller = Awaited<ReturnType<typeof api.callerFor>>['caller'];

/** Connects a Kite account and runs its daily login against the fake, as the Brokers page does. */
async function connectKite(caller: Caller, label: string): Promise<string> {
  const { account } = await caller.brokerAccounts.connect({
    broker: 'kite',
    label,
    credentials: { apiKey: 'kitemarginkey', apiSecret: KITE_SECRET },
  });
  const { url } = await caller.brokerAccounts.kiteLoginUrl({ id: account.id });
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
  const done = await caller.brokerAccounts.completeKiteLogin({
    state: back.searchParams.get('state')!,
    requestToken: back.searchParams.get('request_token')!,
  });
  expect(done.account.status).toBe('connected');
  return account.id;
}

const spread = (qty = 75) => [
  {
    expiry: EXPIRY,
    instrument: 'option' as const,
    strike: 24000,
    right: 'CE' as const,
    side: 'SELL' as const,
    qty,
  },
  {
    expiry: EXPIRY,
    instrument: 'option' as const,
    strike: 24200,
    right: 'CE' as const,
    side: 'BUY' as const,
    qty,
  },
];

describe('margin.basket', () => {
  it("asks Kite for the basket's margin with the dump's tradingsymbols and keeps the answer briefly", async () => {
    const { caller } = await api.callerFor('margin-kite@example.com');
    const id = await connectKite(caller, 'Kite main');
    const before = kite.basketRequests.length;
    const r = await caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: spread() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.account).toEqual({ id, label: 'Kite main', broker: 'kite' });
    // The fake charges a covered short the strike gap: a hedge benefit the trader sees.
    expect(r.final).toBeLessThan(r.required);
    expect(r.final).toBeCloseTo(200 * 75 + 0.02 * 24000 * 75, 6);
    expect(r.notes.join(' ')).toMatch(/Hedge benefit/);
    expect(r.charges).toBeGreaterThan(0);
    const sent = kite.basketRequests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].query).toBe('?consider_positions=true');
    expect(JSON.parse(sent[0].body)).toEqual([
      {
        exchange: 'NFO',
        tradingsymbol: kite.instrument('NIFTY', EXPIRY, 24000, 'CE').tradingsymbol,
        transaction_type: 'SELL',
        variety: 'regular',
        product: 'NRML',
        order_type: 'MARKET',
        quantity: 75,
        price: 0,
        trigger_price: 0,
      },
      expect.objectContaining({
        tradingsymbol: kite.instrument('NIFTY', EXPIRY, 24200, 'CE').tradingsymbol,
        transaction_type: 'BUY',
      }),
    ]);
    expect(r.orders.map((o) => o.tradingsymbol)).toEqual(
      JSON.parse(sent[0].body).map((o: { tradingsymbol: string }) => o.tradingsymbol),
    );

    // The same basket again is answered from the cache; another basket asks Kite again.
    const again = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(),
    });
    expect(again).toEqual(r);
    expect(kite.basketRequests.length).toBe(before + 1);
    const bigger = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(150),
    });
    expect(bigger.ok && bigger.final).toBeCloseTo(2 * r.final, 6);
    expect(kite.basketRequests.length).toBe(before + 2);
    expect(JSON.stringify([r, bigger])).not.toContain(KITE_SECRET);
    for (const token of kite.accessTokens) expect(JSON.stringify([r, bigger])).not.toContain(token);
  });

  it("passes Kite's refusal back naming the account, and names a contract the dump does not list", async () => {
    const { caller } = await api.callerFor('margin-refused@example.com');
    const id = await connectKite(caller, 'Kite refuses');
    kite.basketRejection = {
      status: 400,
      errorType: 'InputException',
      message: 'Margin calculation is not available for this instrument.',
    };
    const refused = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(),
    });
    expect(refused).toMatchObject({ ok: false, kind: 'refused' });
    expect(!refused.ok && refused.message).toMatch(
      /^Kite account "Kite refuses": Kite refused the basket margin request: Margin calculation is not available/,
    );
    kite.basketRejection = null;
    const missing = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: [
        {
          expiry: EXPIRY,
          instrument: 'option' as const,
          strike: 24050,
          right: 'PE',
          side: 'SELL',
          qty: 75,
        },
      ],
    });
    expect(missing).toMatchObject({ ok: false, kind: 'instrument' });
    expect(!missing.ok && missing.message).toMatch(
      /Kite account "Kite refuses": NIFTY 2026-12-29 24050 PE is not in today's Kite instrument dump/,
    );
    const odd = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(100),
    });
    expect(!odd.ok && odd.message).toMatch(/trades in lots of 75; 100 units/);
    const asked = kite.basketRequests.length;
    const spx = await caller.margin.basket({ accountId: id, underlying: 'SPX', legs: spread() });
    expect(!spx.ok && spx.message).toMatch(/NSE and BSE derivatives only; SPX trades on CBOE/);
    expect(kite.basketRequests.length).toBe(asked);
  });

  it('says to log in again when Kite ends the session, and marks the account so', async () => {
    const { caller } = await api.callerFor('margin-expired@example.com');
    const id = await connectKite(caller, 'Kite morning');
    kite.expireSessions();
    const r = await caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: spread() });
    expect(r).toMatchObject({ ok: false, kind: 'login' });
    expect(!r.ok && r.message).toMatch(/Kite account "Kite morning".*log in to Kite again/);
    const [account] = await caller.brokerAccounts.list();
    expect(account.status).toBe('login_required');
    // Now known to need a login: answered without asking Kite at all.
    const n = kite.basketRequests.length;
    forgetBasketMargins();
    const again = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(),
    });
    expect(again).toMatchObject({ ok: false, kind: 'login' });
    expect(kite.basketRequests.length).toBe(n);
  });

  it("answers that basket margin is Kite-only for other brokers, and refuses another user's account", async () => {
    const { caller: a } = await api.callerFor('margin-alpaca@example.com');
    const { caller: b } = await api.callerFor('margin-intruder@example.com');
    const { account } = await a.brokerAccounts.connect({
      broker: 'alpaca',
      label: 'Alpaca paper',
      credentials: { keyId: 'PKMARGIN1', secretKey: 'alpaca-secret-m' },
    });
    const r = await a.margin.basket({ accountId: account.id, underlying: 'NIFTY', legs: spread() });
    expect(r).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(!r.ok && r.message).toMatch(/Kite only: Alpaca account "Alpaca paper"/);
    await expect(
      b.margin.basket({ accountId: account.id, underlying: 'NIFTY', legs: spread() }),
    ).rejects.toThrow(/not yours/);
  });

  it('limits legs and broker calls per user', async () => {
    const { caller } = await api.callerFor('margin-limits@example.com');
    const id = await connectKite(caller, 'Kite busy');
    const tooMany = Array.from({ length: 21 }, () => spread()[0]);
    await expect(
      caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: tooMany }),
    ).rejects.toThrow(/at most 20 legs/);
    await expect(
      caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: [] }),
    ).rejects.toThrow(/no legs/);
    for (let i = 1; i <= MARGIN_CALLS_PER_MINUTE; i++)
      await caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: spread(75 * i) });
    await expect(
      caller.margin.basket({ accountId: id, underlying: 'NIFTY', legs: spread(75 * 99) }),
    ).rejects.toThrow(/basket margins in the last minute/);
    // A basket already answered is still served from the cache.
    const cached = await caller.margin.basket({
      accountId: id,
      underlying: 'NIFTY',
      legs: spread(),
    });
    expect(cached.ok).toBe(true);
  });
});

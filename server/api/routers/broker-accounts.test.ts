// brokerAccounts.* end to end: real database, real Redis (BullMQ) with the worker that checks
// accounts, and the local broker fakes standing in for Kite, Alpaca and Deribit. Credentials are
// sealed in the row and never come back out of the API; user B cannot see or use A's accounts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { startAlpacaFake, type AlpacaFake } from '@/tests/fakes/alpaca';
import { startDeribitFake, type DeribitFake } from '@/tests/fakes/deribit';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { testRedisUrl } from '@/tests/setup/redis';
import { useTestApi } from '@/server/testing/api';
import { brokerAccountProcessor } from '@/workers/brokers/accounts';
import { closeQueues, createConnection, QUEUES } from '@/workers/queues';

const api = useTestApi();
let worker: Worker;
let kite: KiteFake;
let alpaca: AlpacaFake;
let deribit: DeribitFake;
let dataDir: string;
const saved = { ...process.env };

const SECRETS = {
  kiteSecret: 'kite-api-secret-0123456789',
  alpacaSecret: 'alpaca-secret-key-abcdefgh',
  deribitSecret: 'deribit-client-secret-zyx',
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-brokers-'));
  kite = await startKiteFake({
    apiKey: 'kiteapikey1',
    apiSecret: SECRETS.kiteSecret,
    listings: [],
    redirectUrl: 'http://127.0.0.1:9/api/brokers/kite/callback',
  });
  alpaca = await startAlpacaFake({
    keyId: 'PKALPACA1',
    secretKey: SECRETS.alpacaSecret,
    listings: [],
  });
  deribit = await startDeribitFake({
    clientId: 'deribit-id',
    clientSecret: SECRETS.deribitSecret,
    listings: [],
    index: {},
  });
  Object.assign(process.env, {
    REDIS_URL: await testRedisUrl(),
    DATA_DIR: dataDir,
    KITE_API_URL: kite.url,
    KITE_LOGIN_URL: kite.loginUrl,
    ALPACA_API_URL: alpaca.url,
    DERIBIT_WS_URL: deribit.url,
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
  await Promise.all([kite?.close(), alpaca?.close(), deribit?.close()]);
  process.env = { ...saved };
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every column of every broker_accounts row, as the database hands it out. */
async function rawRows(): Promise<string> {
  const r = await api.db.execute(sql`select * from broker_accounts`);
  return JSON.stringify((r as unknown as { rows?: unknown[] }).rows ?? r);
}

describe('broker accounts', () => {
  it('connects Alpaca and Deribit against the broker, keeps the secrets sealed, and never returns them', async () => {
    const { caller } = await api.callerFor('a-brokers@example.com');
    const a = await caller.brokerAccounts.connect({
      broker: 'alpaca',
      label: 'Alpaca paper',
      credentials: { keyId: 'PKALPACA1', secretKey: SECRETS.alpacaSecret },
    });
    expect(a.account).toMatchObject({ status: 'connected', profile: { keyId: '••••ACA1' } });
    expect(a.message).toMatch(/Connected to Alpaca account PA0000001/);
    const d = await caller.brokerAccounts.connect({
      broker: 'deribit',
      label: 'Deribit',
      credentials: { clientId: 'deribit-id', clientSecret: SECRETS.deribitSecret },
    });
    expect(d.account.status).toBe('connected');

    const everything = JSON.stringify([a, d, await caller.brokerAccounts.list()]);
    const stored = await rawRows();
    for (const s of [SECRETS.alpacaSecret, SECRETS.deribitSecret, 'PKALPACA1', 'deribit-id']) {
      expect(everything).not.toContain(s);
      expect(stored).not.toContain(s);
    }
  });

  it('reports wrong keys as an error the trader can act on', async () => {
    const { caller } = await api.callerFor('wrong-keys@example.com');
    const r = await caller.brokerAccounts.connect({
      broker: 'alpaca',
      label: 'typo',
      credentials: { keyId: 'PKALPACA1', secretKey: 'not-the-secret' },
    });
    expect(r.account.status).toBe('error');
    expect(r.account.lastError).toMatch(/check the API key id and secret/);
    expect(JSON.stringify(r)).not.toContain('not-the-secret');
  });

  it("runs Kite's daily login: login URL with a nonce, redirect back with a request token, checksum exchange", async () => {
    const { caller } = await api.callerFor('kite-login@example.com');
    const { account } = await caller.brokerAccounts.connect({
      broker: 'kite',
      label: 'Kite',
      credentials: { apiKey: 'kiteapikey1', apiSecret: SECRETS.kiteSecret },
    });
    expect(account.status).toBe('login_required');
    const { url } = await caller.brokerAccounts.kiteLoginUrl({ id: account.id });
    expect(url.startsWith(kite.loginUrl)).toBe(true);
    expect(url).not.toContain(SECRETS.kiteSecret);
    // The browser goes to Kite and comes back to our callback with request_token and our state.
    const res = await fetch(url, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('status')).toBe('success');
    const done = await caller.brokerAccounts.completeKiteLogin({
      state: back.searchParams.get('state')!,
      requestToken: back.searchParams.get('request_token')!,
    });
    expect(done.account).toMatchObject({ status: 'connected', profile: { userId: 'AB1234' } });
    // The session ends at the next 06:00 IST (00:30 UTC).
    const ends = done.account.sessionExpiresAt!;
    expect(ends.getTime()).toBeGreaterThan(Date.now());
    expect(ends.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(ends.toISOString().slice(11, 16)).toBe('00:30');
    // A used nonce cannot finish a second login.
    await expect(
      caller.brokerAccounts.completeKiteLogin({
        state: back.searchParams.get('state')!,
        requestToken: back.searchParams.get('request_token')!,
      }),
    ).rejects.toThrow(/not one you started/);
    const stored = await rawRows();
    expect(stored).not.toContain(SECRETS.kiteSecret);
    for (const token of kite.accessTokens) expect(stored).not.toContain(token);
    // 06:00 IST: Kite ends the session; the next check says to log in again.
    kite.expireSessions();
    const after = await caller.brokerAccounts.test({ id: account.id });
    expect(after.account.status).toBe('login_required');
    expect(after.message).toMatch(/log in to Kite again/);
  });

  it("does not let another user see, test, log in with or disconnect someone's account", async () => {
    const { caller: a } = await api.callerFor('owner-a@example.com');
    const { caller: b } = await api.callerFor('intruder-b@example.com');
    const { account } = await a.brokerAccounts.connect({
      broker: 'kite',
      label: 'A main',
      credentials: { apiKey: 'kiteapikey1', apiSecret: SECRETS.kiteSecret },
    });
    expect(await b.brokerAccounts.list()).toEqual([]);
    await expect(b.brokerAccounts.test({ id: account.id })).rejects.toThrow(/not yours/);
    await expect(b.brokerAccounts.kiteLoginUrl({ id: account.id })).rejects.toThrow(/not yours/);
    await expect(b.brokerAccounts.disconnect({ id: account.id })).rejects.toThrow(/not yours/);
    const { url } = await a.brokerAccounts.kiteLoginUrl({ id: account.id });
    const state = new URLSearchParams(new URL(url).searchParams.get('redirect_params')!).get(
      'state',
    )!;
    await expect(
      b.brokerAccounts.completeKiteLogin({ state, requestToken: 'abcdef123456' }),
    ).rejects.toThrow(/not one you started/);
    expect((await a.brokerAccounts.list()).map((x) => x.id)).toEqual([account.id]);
    await a.brokerAccounts.disconnect({ id: account.id });
    expect(await a.brokerAccounts.list()).toEqual([]);
  });

  it('refuses bad input with a message naming the field, and anonymous callers', async () => {
    const { caller } = await api.callerFor('bad-input@example.com');
    await expect(
      caller.brokerAccounts.connect({
        broker: 'alpaca',
        label: '',
        credentials: { keyId: 'x', secretKey: 'y' },
      }),
    ).rejects.toThrow(/label/);
    await expect(
      caller.brokerAccounts.connect({
        broker: 'alpaca',
        label: 'x',
        credentials: { keyId: '', secretKey: 'y' },
      }),
    ).rejects.toThrow(/API key id is required/);
    const anon = (await import('@/server/api/root')).appRouter.createCaller(
      await api.context(new Headers()),
    );
    await expect(anon.brokerAccounts.list()).rejects.toThrow(/signed out/);
  });
});

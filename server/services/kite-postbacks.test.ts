// Kite postbacks as the Kite fake sends them (order object, user_id, SHA-256 checksum): a true
// one is relayed to the account's live broker on Redis as a hint, a forged or malformed one is
// refused and relays nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sealCredentials } from '@/db/broker-credentials';
import { resetEnv } from '@/db/env';
import { brokerAccounts } from '@/db/schema';
import { useTestApi } from '@/server/testing/api';
import {
  contractOrder,
  contractSnapshot,
  niftyContractMarket,
  type ContractMarket,
} from '@/tests/support/broker-contract';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { testRedisUrl } from '@/tests/setup/redis';
import { BROKER_CHANGES_CHANNEL, closeQueues, createConnection } from '@/workers/queues';
import { LiveBroker } from '@/workers/brokers/live-broker';
import { KiteVenue } from '@/workers/brokers/kite/venue';
import { receiveKitePostback } from './kite-postbacks';

const api = useTestApi();
const SECRET = 'postback-api-secret';
let kite: KiteFake;
let receiver: http.Server;
let sub: Redis;
const relayed: string[] = [];
const answers: number[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  process.env.REDIS_URL = await testRedisUrl();
  resetEnv();
  // The app's postback route, reduced to the service it calls.
  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await receiveKitePostback(api.db, Buffer.concat(chunks).toString());
    answers.push(r.status);
    res.writeHead(r.status).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  kite = await startKiteFake({
    apiKey: 'pbkey',
    apiSecret: SECRET,
    listings: [{ underlying: 'NIFTY', expiry: '2026-11-24', strike: 24000, lotSize: 65 }],
    postbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
  });
  sub = createConnection('worker', process.env.REDIS_URL);
  await sub.subscribe(BROKER_CHANGES_CHANNEL);
  sub.on('message', (_c, m) => relayed.push(m));
});
afterAll(async () => {
  sub?.disconnect();
  await kite?.close();
  await new Promise((r) => receiver?.close(r));
  await closeQueues();
  process.env = { ...saved };
  resetEnv();
});

describe('kite postbacks', () => {
  it('relays a genuine postback for the account whose secret signs it, and refuses a forged one', async () => {
    const { userId } = await api.callerFor('postbacks@example.com');
    const id = crypto.randomUUID();
    await api.db.insert(brokerAccounts).values({
      id,
      ownerId: userId,
      broker: 'kite',
      label: 'Kite',
      status: 'connected',
      credentials: sealCredentials(
        { id, ownerId: userId },
        { apiKey: 'pbkey', apiSecret: SECRET, accessToken: 't' },
      ),
      profile: { userId: 'AB1234' },
    });
    kite.accessTokens.add('t');
    const m: ContractMarket = { ...niftyContractMarket(), spot: 24000 };
    kite.publish(contractSnapshot(m));
    const b = new LiveBroker(
      new KiteVenue({ apiUrl: kite.url, wsUrl: kite.wsUrl, apiKey: 'pbkey', accessToken: 't' }),
    );
    await b.place(contractOrder(m, { id: 'pb:1' }));
    // The fake records a postback once our receiver answered it; the relay happened before that.
    await expect.poll(() => kite.postbacks.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(() => relayed.length, { timeout: 5_000 }).toBeGreaterThan(0);
    const orderId = kite.placed[0].orderId;
    expect(relayed.map((x) => JSON.parse(x))).toContainEqual({
      accountId: id,
      venueOrderId: orderId,
    });
    expect(answers).toContain(200);
    await b.close();

    const genuine = JSON.parse(kite.postbacks[0].body);
    const forged = { ...genuine, order_id: '999999999999999' };
    expect((await receiveKitePostback(api.db, JSON.stringify(forged))).status).toBe(403);
    expect((await receiveKitePostback(api.db, '{"order_id":1}')).status).toBe(400);
    expect((await receiveKitePostback(api.db, 'x'.repeat(70_000))).status).toBe(400);
    // The fake posts once per state change (OPEN, then COMPLETE), so more genuine postbacks may
    // still be on their way: count relays against the genuine ones our receiver accepted rather
    // than against a snapshot taken while one was in flight.
    await new Promise((r) => setTimeout(r, 200));
    await expect
      .poll(() => relayed.length, { timeout: 5_000 })
      .toBe(answers.filter((s) => s === 200).length);
    expect(relayed.map((x) => JSON.parse(x).venueOrderId)).not.toContain('999999999999999');
    expect(new Set(relayed.map((x) => JSON.parse(x).venueOrderId))).toEqual(new Set([orderId]));
  });
});

// Each live feed against its local fake: the market the fake shows comes out as chain snapshots
// in the project's format (validated by its schema), with the venue's quotes in the snapshot's
// currency and the underlying's level as spot.
import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { contractSnapshot, type ContractMarket } from '@/tests/support/broker-contract';
import { startAlpacaFake } from '@/tests/fakes/alpaca';
import { startDeribitFake } from '@/tests/fakes/deribit';
import { startKiteFake } from '@/tests/fakes/kite';
import { AlpacaChainFeed } from './alpaca-feed';
import { DeribitChainFeed } from './deribit-feed';
import type { ChainFeed } from './feed';
import { KiteChainFeed } from './kite-feed';

async function firstSnapshots(
  feed: ChainFeed,
  underlying: string,
  n: number,
): Promise<ChainSnapshot[]> {
  const got: ChainSnapshot[] = [];
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`no ${n} snapshots within 8 s (got ${got.length})`)),
      8_000,
    );
    void feed
      .start(underlying, (s) => {
        got.push(s);
        if (got.length >= n) {
          clearTimeout(t);
          resolve();
        }
      })
      .catch(reject);
  });
  await feed.stop();
  return got;
}

const quoteOf = (s: ChainSnapshot, expiry: string, strike: number, right: 'CE' | 'PE') =>
  s.expiries
    .find((e) => e.expiry === expiry)
    ?.options.find((o) => o.strike === strike && o.right === right);

describe('live chain feeds', () => {
  it('Kite: binary full packets from the ticker become snapshots with the depth touch and the index as spot', async () => {
    const m: ContractMarket = {
      underlying: 'NIFTY',
      expiry: '2026-11-24',
      strike: 24000,
      lotSize: 65,
      spot: 24012.35,
      ce: { bid: 120.05, ask: 121.1 },
      pe: { bid: 110, ask: 111.25 },
      ts: '2026-11-20T09:20:00+05:30',
    };
    const fake = await startKiteFake({
      apiKey: 'k',
      apiSecret: 's',
      listings: [
        { underlying: 'NIFTY', expiry: m.expiry, strike: 24000, lotSize: 65 },
        { underlying: 'NIFTY', expiry: m.expiry, strike: 24050, lotSize: 65 },
      ],
      spot: { NIFTY: m.spot },
    });
    try {
      fake.accessTokens.add('t');
      fake.publish(contractSnapshot(m));
      const feed = new KiteChainFeed({
        apiUrl: fake.url,
        wsUrl: fake.wsUrl,
        apiKey: 'k',
        accessToken: 't',
        intervalMs: 100,
        today: '2026-11-20',
      });
      const [s] = await firstSnapshots(feed, 'NIFTY', 1);
      expect(s.underlying).toBe('NIFTY');
      expect(s.spot).toBe(m.spot);
      expect(s.ts).toMatch(/\+05:30$/);
      expect(quoteOf(s, m.expiry, 24000, 'CE')).toMatchObject({ bid: 120.05, ask: 121.1 });
      expect(quoteOf(s, m.expiry, 24000, 'PE')).toMatchObject({ bid: 110, ask: 111.25 });
      // A listed strike with no quote yet is left out rather than sent empty.
      expect(quoteOf(s, m.expiry, 24050, 'CE')).toBeUndefined();
    } finally {
      await fake.close();
    }
  });

  it('Alpaca: the paged snapshot endpoint and the MessagePack quote stream become snapshots', async () => {
    const m: ContractMarket = {
      underlying: 'SPY',
      expiry: '2026-11-20',
      strike: 650,
      lotSize: 100,
      spot: 648.2,
      ce: { bid: 5.1, ask: 5.2 },
      pe: { bid: 6.3, ask: 6.45 },
      ts: '2026-11-18T10:00:00-05:00',
    };
    const credentials = { keyId: 'id', secretKey: 'secret' };
    const fake = await startAlpacaFake({
      ...credentials,
      listings: [{ underlying: 'SPY', expiry: m.expiry, strike: 650 }],
    });
    try {
      fake.publish(contractSnapshot(m));
      const feed = new AlpacaChainFeed({
        dataUrl: fake.dataUrl,
        dataStreamUrl: fake.dataStreamUrl,
        credentials,
        intervalMs: 100,
      });
      const got: ChainSnapshot[] = [];
      const started = feed.start('SPY', (s) => got.push(s));
      await started;
      // The stream moves the call's quote between two polls of the snapshot endpoint.
      await new Promise((r) => setTimeout(r, 300));
      fake.publish(contractSnapshot({ ...m, ce: { bid: 5.4, ask: 5.5 } }, 1));
      await expect
        .poll(() => quoteOf(got[got.length - 1], m.expiry, 650, 'CE')?.bid, { timeout: 5_000 })
        .toBe(5.4);
      await feed.stop();
      expect(got[0].spot).toBe(648.2);
      expect(quoteOf(got[0], m.expiry, 650, 'PE')).toMatchObject({ bid: 6.3, ask: 6.45, iv: 0.2 });
    } finally {
      await fake.close();
    }
  });

  it('Deribit: ticker subscriptions become USD snapshots at the forward, with IV as a decimal', async () => {
    const m: ContractMarket = {
      underlying: 'BTC',
      expiry: '2026-12-25',
      strike: 100000,
      lotSize: 1,
      spot: 98000,
      ce: { bid: 4900, ask: 5000 },
      pe: { bid: 6800, ask: 6950 },
      ts: '2026-11-20T12:00:00Z',
    };
    const fake = await startDeribitFake({
      clientId: 'c',
      clientSecret: 's',
      listings: [{ currency: 'BTC', expiry: m.expiry, strike: 100000 }],
      index: { BTC: m.spot },
    });
    try {
      fake.publish(contractSnapshot(m));
      const feed = new DeribitChainFeed({ wsUrl: fake.url, intervalMs: 100 });
      const [s] = await firstSnapshots(feed, 'BTC', 1);
      expect(s.spot).toBe(98000);
      expect(s.ts).toMatch(/Z$/);
      const ce = quoteOf(s, m.expiry, 100000, 'CE')!;
      expect(ce.bid).toBeCloseTo(4900, 6);
      expect(ce.ask).toBeCloseTo(5000, 6);
      expect(ce.iv).toBe(0.5);
      expect(s.expiries[0].forward).toBe(98000);
    } finally {
      await fake.close();
    }
  });
});

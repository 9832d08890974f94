// Fault tests of the three live adapters against their local fakes: the venue drops connections,
// answers 429 and 500, fills 5 s late, repeats its updates; an expired session; the circuit
// breaker. Whatever happens: one order at the venue per order of ours, and the positions the
// broker reports are the ones the venue holds.
import { describe, expect, it } from 'vitest';
import type { ExecutionReport } from '@/engine/broker/broker';
import {
  contractOrder,
  contractSnapshot,
  niftyContractMarket,
  type ContractMarket,
} from '@/tests/support/broker-contract';
import { startAlpacaFake } from '@/tests/fakes/alpaca';
import { startDeribitFake } from '@/tests/fakes/deribit';
import type { FakeExchange } from '@/tests/fakes/exchange';
import { startKiteFake } from '@/tests/fakes/kite';
import { AlpacaVenue } from './alpaca/venue';
import { DeribitVenue } from './deribit/venue';
import { VenueAuthError, VenueUnavailable } from './errors';
import { KiteVenue } from './kite/venue';
import { LiveBroker, type LiveBrokerOptions } from './live-broker';

type Rig = {
  market: ContractMarket;
  /** Our units in one unit of the venue's quantity (Alpaca counts contracts of 100). */
  perVenueUnit: number;
  exchange: FakeExchange;
  broker(o?: Partial<LiveBrokerOptions>): LiveBroker;
  /** The next `times` placements fail this way before the venue sees them. */
  failPlacement(f: 429 | 500 | 'drop', times: number): void;
  /** Look-ups and placements both fail (the venue is down). */
  failEverything(times: number): void;
  drop(): void;
  scramble(): void;
  publish(step: number, ce?: { bid: number; ask: number }): void;
  /** Ends every session (Kite at 06:00 IST); venues without daily sessions ignore it. */
  expireSessions(): void;
  close(): Promise<void>;
};

const fast: Partial<LiveBrokerOptions> = { backoffMs: 10, maxBackoffMs: 50, refreshMs: 200 };
/**
 * How long an adapter waits for the fake's answer. 400 ms failed once in CI (three test files at
 * once on two cores): an answer that came late counted as one more failed attempt, so "429 twice"
 * used up all three. A dropped request costs this long, once per drop.
 */
const ANSWER_MS = 1_500;

const rigs: Record<string, () => Promise<Rig>> = {
  async kite() {
    const market = niftyContractMarket();
    const fake = await startKiteFake({
      apiKey: 'k',
      apiSecret: 's',
      listings: [{ underlying: 'NIFTY', expiry: market.expiry, strike: 24000, lotSize: 65 }],
    });
    fake.accessTokens.add('t');
    return {
      market,
      perVenueUnit: 1,
      exchange: fake.exchange,
      broker: (o) =>
        new LiveBroker(
          new KiteVenue({
            apiUrl: fake.url,
            wsUrl: fake.wsUrl,
            apiKey: 'k',
            accessToken: 't',
            timeoutMs: ANSWER_MS,
          }),
          { ...fast, ...o },
        ),
      failPlacement: (f, n) =>
        fake.faults.add('POST /orders/regular', f === 'drop' ? { drop: true } : { status: f }, n),
      failEverything: (n) => {
        fake.faults.add('GET /orders', { status: 503 }, n);
        fake.faults.add('POST /orders/regular', { status: 503 }, n);
      },
      drop: () => fake.dropConnections(),
      scramble: () => (fake.scramble = true),
      publish: (k, ce) => fake.publish(contractSnapshot({ ...market, ce: ce ?? market.ce }, k)),
      expireSessions: () => fake.expireSessions(),
      close: () => fake.close(),
    };
  },
  async alpaca() {
    const market: ContractMarket = {
      underlying: 'SPY',
      expiry: '2026-11-20',
      strike: 650,
      lotSize: 100,
      spot: 648,
      ce: { bid: 5.1, ask: 5.2 },
      pe: { bid: 6.3, ask: 6.45 },
      ts: '2026-11-18T10:00:00-05:00',
    };
    const credentials = { keyId: 'id', secretKey: 'secret' };
    const fake = await startAlpacaFake({
      ...credentials,
      listings: [{ underlying: 'SPY', expiry: market.expiry, strike: 650 }],
    });
    return {
      market,
      perVenueUnit: 100,
      exchange: fake.exchange,
      broker: (o) =>
        new LiveBroker(
          new AlpacaVenue({
            apiUrl: fake.url,
            streamUrl: fake.streamUrl,
            credentials,
            timeoutMs: ANSWER_MS,
          }),
          { ...fast, ...o },
        ),
      failPlacement: (f, n) =>
        fake.faults.add('POST /v2/orders', f === 'drop' ? { drop: true } : { status: f }, n),
      failEverything: (n) => {
        fake.faults.add('GET /v2/orders:by_client_order_id', { status: 503 }, n);
        fake.faults.add('POST /v2/orders', { status: 503 }, n);
      },
      drop: () => fake.dropConnections(),
      scramble: () => (fake.scramble = true),
      publish: (k, ce) => fake.publish(contractSnapshot({ ...market, ce: ce ?? market.ce }, k)),
      expireSessions: () => {},
      close: () => fake.close(),
    };
  },
  async deribit() {
    const market: ContractMarket = {
      underlying: 'BTC',
      expiry: '2026-12-25',
      strike: 100000,
      lotSize: 1,
      spot: 98000,
      ce: { bid: 4900, ask: 5000 },
      pe: { bid: 6800, ask: 6950 },
      ts: '2026-11-20T12:00:00Z',
    };
    const credentials = { clientId: 'c', clientSecret: 's' };
    const fake = await startDeribitFake({
      ...credentials,
      listings: [{ currency: 'BTC', expiry: market.expiry, strike: 100000 }],
      index: { BTC: 98000 },
    });
    return {
      market,
      perVenueUnit: 1,
      exchange: fake.exchange,
      broker: (o) =>
        new LiveBroker(
          new DeribitVenue({
            wsUrl: fake.url,
            credentials,
            currencies: ['BTC'],
            timeoutMs: ANSWER_MS,
          }),
          { ...fast, ...o },
        ),
      failPlacement: (f, n) =>
        fake.fault(
          'private/buy',
          f === 'drop'
            ? { drop: true }
            : f === 429
              ? { error: 10028, message: 'too_many_requests' }
              : { error: 11051, message: 'system_maintenance' },
          n,
        ),
      failEverything: (n) => {
        fake.fault(
          'private/get_order_state_by_label',
          { error: 10047, message: 'matching_engine_queue_full' },
          n,
        );
        fake.fault('private/buy', { error: 10047, message: 'matching_engine_queue_full' }, n);
      },
      drop: () => fake.dropConnections(),
      scramble: () => (fake.scramble = true),
      publish: (k, ce) => fake.publish(contractSnapshot({ ...market, ce: ce ?? market.ce }, k)),
      expireSessions: () => {},
      close: () => fake.close(),
    };
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `orderId` has `qty` filled (each execution counted once) or the time is up. */
async function fillsOf(
  b: LiveBroker,
  orderId: string,
  qty: number,
  timeoutMs: number,
  first: ExecutionReport[] = [],
) {
  const all = [...first];
  const deadline = Date.now() + timeoutMs;
  const filled = () =>
    [
      ...new Map(
        all.flatMap((r) =>
          r.kind === 'fill' && r.orderId === orderId ? [[r.executionId, r.qty]] : [],
        ),
      ).values(),
    ].reduce((a, b) => a + b, 0);
  while (filled() < qty && Date.now() < deadline) {
    all.push(...(await b.poll()));
    if (filled() < qty) await sleep(100);
  }
  return { reports: all, filled: filled() };
}

const ours = (x: FakeExchange) => [...x.orders.values()].filter((o) => o.clientId !== null);

async function heldAtBroker(b: LiveBroker, m: ContractMarket): Promise<number> {
  return (await b.positions())
    .filter(
      (p) =>
        p.underlying === m.underlying &&
        p.expiry === m.expiry &&
        p.strike === m.strike &&
        p.right === 'CE',
    )
    .reduce((a, p) => a + p.qty, 0);
}

async function venueNet(r: Rig): Promise<number> {
  return [...r.exchange.positions().values()].reduce((a, p) => a + p.qty, 0) * r.perVenueUnit;
}

for (const [venue, start] of Object.entries(rigs)) {
  describe(`${venue} adapter under faults`, () => {
    async function withRig(fn: (r: Rig) => Promise<void>) {
      const r = await start();
      try {
        r.publish(0);
        await fn(r);
      } finally {
        await r.close();
      }
    }

    for (const fault of [429, 500, 'drop'] as const)
      it(`places once when the venue answers ${fault === 'drop' ? 'by dropping the connection' : fault} twice`, () =>
        withRig(async (r) => {
          const b = r.broker();
          r.failPlacement(fault, 2);
          const o = contractOrder(r.market, { id: `f:${fault}` });
          const { filled } = await fillsOf(b, o.id, o.qty, 5_000, await b.place(o));
          expect(filled).toBe(o.qty);
          expect(ours(r.exchange)).toHaveLength(1);
          expect(await heldAtBroker(b, r.market)).toBe(o.qty);
          await b.close();
        }));

    it(
      'reports a fill that comes 5 s late, once, and the position matches the venue',
      () =>
        withRig(async (r) => {
          r.exchange.fillDelayMs = 5_000;
          const b = r.broker();
          const o = contractOrder(r.market, { id: 'f:late' });
          const first = await b.place(o);
          expect(first.map((x) => x.kind)).toEqual(['accepted']);
          const early = await fillsOf(b, o.id, o.qty, 2_000, first);
          expect(early.filled).toBe(0);
          const { filled, reports } = await fillsOf(b, o.id, o.qty, 8_000, early.reports);
          expect(filled).toBe(o.qty);
          expect(reports.filter((x) => x.kind === 'fill')).toHaveLength(1);
          expect(ours(r.exchange)).toHaveLength(1);
          expect(await heldAtBroker(b, r.market)).toBe(await venueNet(r));
          await b.close();
        }),
      20_000,
    );

    it(
      'still learns of a fill that happens while its connections are down',
      () =>
        withRig(async (r) => {
          const b = r.broker();
          const o = contractOrder(r.market, {
            id: 'f:drop',
            orderType: 'LIMIT',
            limitPrice: r.market.ce.bid,
          });
          const first = await b.place(o);
          expect((await fillsOf(b, o.id, o.qty, 500, first)).filled).toBe(0);
          r.drop();
          // The market comes to the resting limit while the stream is down.
          r.publish(5, { bid: r.market.ce.bid * 0.95, ask: r.market.ce.bid });
          const { filled } = await fillsOf(b, o.id, o.qty, 8_000, first);
          expect(filled).toBe(o.qty);
          expect(ours(r.exchange)).toHaveLength(1);
          expect(await heldAtBroker(b, r.market)).toBe(await venueNet(r));
          await b.close();
        }),
      20_000,
    );

    it(
      'reports each execution once when every update comes twice and out of order',
      () =>
        withRig(async (r) => {
          r.scramble();
          r.exchange.liquidity = r.market.lotSize / r.perVenueUnit;
          const b = r.broker();
          const orders = [1, 2, 3].map((k) =>
            contractOrder(r.market, {
              id: `f:dup${k}`,
              orderType: 'LIMIT',
              limitPrice: r.market.ce.ask,
              lots: 2,
              qty: 2 * r.market.lotSize,
            }),
          );
          const all: ExecutionReport[] = [];
          for (const o of orders) all.push(...(await b.place(o)));
          r.exchange.liquidity = null;
          r.publish(3);
          for (const o of orders)
            all.push(...(await fillsOf(b, o.id, o.qty, 5_000, all)).reports.slice(all.length));
          const ids = all
            .filter((x) => x.kind === 'fill')
            .map((x) => (x as { executionId: string }).executionId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ours(r.exchange)).toHaveLength(3);
          expect(await heldAtBroker(b, r.market)).toBe(6 * r.market.lotSize);
          expect(await venueNet(r)).toBe(6 * r.market.lotSize);
          await b.close();
        }),
      20_000,
    );

    it(
      'opens the circuit breaker on a failing venue: new entries are refused, an exit keeps trying and gets through',
      () =>
        withRig(async (r) => {
          const b = r.broker({
            breaker: { threshold: 3, cooldownMs: 60_000 },
            entryAttempts: 3,
            exitAttempts: 12,
          });
          r.failEverything(4);
          const entry = contractOrder(r.market, { id: 'f:entry' });
          await expect(b.place(entry)).rejects.toBeInstanceOf(VenueUnavailable);
          expect(b.health().breaker.state).toBe('open');
          const next = await b.place(contractOrder(r.market, { id: 'f:entry2' }));
          expect(next).toMatchObject([{ kind: 'rejected', code: 'OTHER' }]);
          expect((next[0] as { reason: string }).reason).toMatch(/entries are halted/);
          const exit = contractOrder(r.market, {
            id: 'f:exit',
            side: 'SELL',
            closing: true,
            reason: 'KILL',
          });
          const { filled } = await fillsOf(b, exit.id, exit.qty, 5_000, await b.place(exit));
          expect(filled).toBe(exit.qty);
          expect(b.health().breaker.state).toBe('closed');
          // Nothing of the refused entries reached the venue; the exit did, once.
          expect(ours(r.exchange).map((o) => o.side)).toEqual(['SELL']);
          await b.close();
        }),
      20_000,
    );
  });
}

describe('kite session expiry', () => {
  it('says the daily login has ended when Kite answers TokenException, and places nothing more', async () => {
    const r = await rigs.kite();
    try {
      r.publish(0);
      const b = r.broker();
      const first = contractOrder(r.market, { id: 'f:before' });
      expect(await b.place(first)).toMatchObject([{ kind: 'accepted' }]);
      r.expireSessions();
      await expect(b.place(contractOrder(r.market, { id: 'f:after' }))).rejects.toThrow(
        VenueAuthError,
      );
      await expect(b.place(contractOrder(r.market, { id: 'f:after2' }))).rejects.toThrow(
        /expires at 06:00 IST\); log in to Kite again/,
      );
      expect(ours(r.exchange)).toHaveLength(1);
      await b.close();
    } finally {
      await r.close();
    }
  });
});

describe('kite freeze limit', () => {
  it('refuses an order above the NSE freeze limit with the limit and its source, sending nothing', async () => {
    const r = await rigs.kite();
    try {
      r.publish(0);
      const b = r.broker();
      const lots = 28; // 28 x 65 = 1820 units > 1800
      const o = contractOrder(r.market, { id: 'f:freeze', lots, qty: lots * 65 });
      const [rep] = await b.place(o);
      expect(rep).toMatchObject({ kind: 'rejected', code: 'INVALID_QUANTITY' });
      expect((rep as { reason: string }).reason).toMatch(
        /1820 units of NIFTY exceed the exchange freeze limit of 1800 units per order \(NSE circular FAOP/,
      );
      const ok = await b.place(
        contractOrder(r.market, { id: 'f:freeze-ok', lots: 27, qty: 27 * 65 }),
      );
      expect(ok[0].kind).toBe('accepted');
      expect(ours(r.exchange).map((x) => x.qty)).toEqual([1755]);
      await b.close();
    } finally {
      await r.close();
    }
  });
});

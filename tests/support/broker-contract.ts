/**
 * The broker contract: one vitest suite every broker must pass, the paper broker and each live
 * adapter against its local fake venue, so "works like paper" is checked, not hoped. Another
 * platform's stop orders worked in its sandbox and fired at once live; here an order type either
 * behaves the same in paper and at the broker, or both refuse it the same way.
 *
 * The cases speak only the kernel's Broker interface. What a case needs from the venue itself
 * (its funds, its liquidity, a slow answer, a noisy update stream) the harness provides through
 * `venue`; a paper harness implements the same knobs on its simulated exchange.
 * Import it only from test files.
 */
import { describe, expect, it } from 'vitest';
import type {
  Broker,
  BrokerPosition,
  ExecutionReport,
  OrderRequest,
  OrderType,
} from '@/engine/broker/broker';
import type { ChainSnapshot } from '@/engine/runtime/types';

/** The one listed option series the contract trades, as the venue lists it. */
export type ContractMarket = {
  underlying: string;
  /** YYYY-MM-DD, listed at the venue. */
  expiry: string;
  /** A listed strike; `strike + 1` is assumed not listed (the invalid-instrument case uses 99999 x strike). */
  strike: number;
  lotSize: number;
  spot: number;
  /** The touch the venue shows for the call and the put (money per unit, the snapshot's currency). */
  ce: { bid: number; ask: number };
  pe: { bid: number; ask: number };
  /** First snapshot time (ISO with offset); later snapshots step a second at a time. */
  ts: string;
};

/** The NIFTY series the Kite fakes list (24000 CE/PE of 2026-11-24, lot 65), first quoted at `ts`. */
export function niftyContractMarket(ts = '2026-11-20T09:20:00+05:30'): ContractMarket {
  return {
    underlying: 'NIFTY',
    expiry: '2026-11-24',
    strike: 24000,
    lotSize: 65,
    spot: 24010,
    ce: { bid: 120, ask: 121 },
    pe: { bid: 110, ask: 111 },
    ts,
  };
}

export type VenueControls = {
  /** Money the account can commit to premium and margin; null lifts the limit. */
  setFunds(amount: number | null): Promise<void>;
  /** Units the touch fills for one order; the rest stays open until cancelled. null: unlimited. */
  setLiquidity(units: number | null): Promise<void>;
  /** The venue takes the next order but answers the placement only after the adapter gave up waiting. */
  stallNextPlacement(): Promise<void>;
  /** From now on the venue delivers every order update twice and in scrambled order. */
  scrambleUpdates(): Promise<void>;
};

export type BrokerHarness = {
  broker: Broker;
  market: ContractMarket;
  /**
   * Makes the venue show this snapshot (the paper feed, or the fake venue's book) and hands it to
   * the broker's onSnapshot, once: for paper the two are the same call.
   */
  publish(snapshot: ChainSnapshot): Promise<void>;
  /** Closes `broker` and returns a new adapter instance on the same venue account, as after a crash. */
  restart(): Promise<Broker>;
  venue: VenueControls;
  close?(): Promise<void>;
};

/**
 * Venue behaviours a broker does not have yet. Their cases then run as expected failures (they
 * must still fail: the day the broker gains the behaviour, the case says to drop the gap).
 */
export type ContractGap = 'funds' | 'price-band';

export function contractSnapshot(m: ContractMarket, step = 0): ChainSnapshot {
  const t = new Date(Date.parse(m.ts) + step * 1000);
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(m.ts)?.[1] ?? 'Z';
  // Keep the market's offset so the snapshot reads like the venue's local time.
  const shift =
    offset === 'Z'
      ? 0
      : (offset[0] === '-' ? -1 : 1) *
        (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(t.getTime() + shift * 60_000).toISOString().slice(0, 19);
  const mid = (q: { bid: number; ask: number }) => (q.bid + q.ask) / 2;
  return {
    ts: `${local}${offset}`,
    underlying: m.underlying,
    spot: m.spot,
    expiries: [
      {
        expiry: m.expiry,
        options: [
          { strike: m.strike, right: 'CE', ...m.ce, ltp: mid(m.ce) },
          { strike: m.strike, right: 'PE', ...m.pe, ltp: mid(m.pe) },
        ],
      },
    ],
  };
}

export function contractOrder(m: ContractMarket, over: Partial<OrderRequest> = {}): OrderRequest {
  const id = over.id ?? 'contract:1';
  const lots = over.lots ?? 1;
  return {
    id,
    intentId: id,
    deploymentId: 'contract',
    strategyId: 's1',
    legId: 'l1',
    ts: contractSnapshot(m).ts,
    underlying: m.underlying,
    expiry: m.expiry,
    instrument: 'option',
    strike: m.strike,
    right: 'CE',
    side: 'BUY',
    qty: lots * m.lotSize,
    lots,
    lotSize: m.lotSize,
    orderType: 'MARKET',
    reason: 'ENTRY',
    closing: false,
    ...over,
  } as OrderRequest;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls (publishing a fresh snapshot each round, as a feed would) until `done` holds for the
 * reports collected so far, or the rounds run out. Live venues answer asynchronously.
 */
async function collect(
  h: BrokerHarness,
  broker: Broker,
  done: (all: ExecutionReport[]) => boolean,
  opts: { rounds?: number; first?: ExecutionReport[]; waitMs?: number } = {},
): Promise<ExecutionReport[]> {
  const all = [...(opts.first ?? [])];
  const rounds = opts.rounds ?? 60;
  for (let k = 1; k <= rounds && !done(all); k++) {
    await h.publish(contractSnapshot(h.market, k));
    all.push(...(await broker.poll()));
    if (!done(all)) await sleep(opts.waitMs ?? 50);
  }
  return all;
}

const of = (id: string, rs: ExecutionReport[]) => rs.filter((r) => r.orderId === id);
const fills = (id: string, rs: ExecutionReport[]) =>
  of(id, rs).filter((r): r is Extract<ExecutionReport, { kind: 'fill' }> => r.kind === 'fill');
/** Filled units counting each execution once, as the kernel's order model does. */
const filledQty = (id: string, rs: ExecutionReport[]) => {
  const seen = new Map<string, number>();
  for (const f of fills(id, rs)) seen.set(f.executionId, f.qty);
  return [...seen.values()].reduce((a, b) => a + b, 0);
};
const terminal = (id: string, rs: ExecutionReport[]) =>
  of(id, rs).find((r) => r.kind === 'rejected' || r.kind === 'cancelled' || r.kind === 'expired');

function netPosition(ps: BrokerPosition[], m: ContractMarket, right: 'CE' | 'PE' = 'CE'): number {
  return ps
    .filter(
      (p) =>
        p.underlying === m.underlying &&
        p.expiry === m.expiry &&
        p.strike === m.strike &&
        p.right === right,
    )
    .reduce((a, p) => a + p.qty, 0);
}

function onlyRejection(id: string, rs: ExecutionReport[]) {
  const mine = of(id, rs);
  const r = mine.find((x) => x.kind === 'rejected');
  if (!r || r.kind !== 'rejected')
    throw new Error(`expected ${id} to be rejected, got ${JSON.stringify(mine)}`);
  expect(fills(id, rs)).toEqual([]);
  return r;
}

export function defineBrokerContract(
  name: string,
  factory: () => Promise<BrokerHarness>,
  gaps: ContractGap[] = [],
): void {
  const caseFor = (gap: ContractGap) => (gaps.includes(gap) ? it.fails : it);
  describe(`broker contract: ${name}`, () => {
    async function withHarness(fn: (h: BrokerHarness) => Promise<void>) {
      const h = await factory();
      try {
        await h.publish(contractSnapshot(h.market));
        await fn(h);
      } finally {
        await h.close?.();
      }
    }

    it('fills a market buy for the whole quantity at a positive price, and the position shows it', () =>
      withHarness(async (h) => {
        const o = contractOrder(h.market);
        const first = await h.broker.place(o);
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= o.qty, { first });
        expect(filledQty(o.id, rs)).toBe(o.qty);
        for (const f of fills(o.id, rs)) {
          expect(f.price).toBeGreaterThan(0);
          expect(f.executionId).not.toBe('');
          expect(Number.isFinite(f.costs) && f.costs >= 0).toBe(true);
          expect(Number.isNaN(Date.parse(f.ts))).toBe(false);
        }
        expect(terminal(o.id, rs)).toBeUndefined();
        const view = await h.broker.order(o.id);
        expect(view).toMatchObject({
          orderId: o.id,
          status: 'FILLED',
          qty: o.qty,
          filledQty: o.qty,
        });
        expect(new Set(view!.executions.map((e) => e.executionId))).toEqual(
          new Set(fills(o.id, rs).map((f) => f.executionId)),
        );
        expect(netPosition(await h.broker.positions(), h.market)).toBe(o.qty);
      }));

    it('never places an order twice: not when placed again, not by a new instance after a restart', () =>
      withHarness(async (h) => {
        const o = contractOrder(h.market);
        const first = [...(await h.broker.place(o)), ...(await h.broker.place({ ...o }))];
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= o.qty, { first });
        const again = await h.restart();
        const afterRestart = [...(await again.place({ ...o }))];
        const more = await collect(h, again, () => false, { rounds: 3, first: afterRestart });
        // The new instance may repeat facts it looked up; counted once each, they are the same fill.
        expect(filledQty(o.id, [...rs, ...more])).toBe(o.qty);
        expect((await again.order(o.id))?.filledQty).toBe(o.qty);
        expect(netPosition(await again.positions(), h.market)).toBe(o.qty);
      }));

    it('sells no higher than it buys on the same market', () =>
      withHarness(async (h) => {
        const b = contractOrder(h.market, { id: 'contract:b' });
        const s = contractOrder(h.market, { id: 'contract:s', side: 'SELL', closing: true });
        const first = [...(await h.broker.place(b)), ...(await h.broker.place(s))];
        const rs = await collect(
          h,
          h.broker,
          (a) => filledQty(b.id, a) >= b.qty && filledQty(s.id, a) >= s.qty,
          { first },
        );
        const avg = (id: string) => {
          const f = fills(id, rs);
          if (f.length === 0) throw new Error(`${id} did not fill`);
          return f.reduce((a, x) => a + x.price * x.qty, 0) / f.reduce((a, x) => a + x.qty, 0);
        };
        expect(avg(s.id)).toBeLessThanOrEqual(avg(b.id));
        expect(netPosition(await h.broker.positions(), h.market)).toBe(0);
      }));

    it('rejects an instrument the venue does not list, naming the strike, and holds nothing', () =>
      withHarness(async (h) => {
        const bad = h.market.strike * 99999;
        const o = contractOrder(h.market, { id: 'contract:x', strike: bad });
        const rs = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.place(o),
        });
        const r = onlyRejection(o.id, rs);
        expect(r.code).toBe('INVALID_INSTRUMENT');
        expect(r.reason).toContain(String(bad));
        expect(netPosition(await h.broker.positions(), { ...h.market, strike: bad })).toBe(0);
      }));

    it('rejects a quantity that is not a whole number of lots', () =>
      withHarness(async (h) => {
        for (const [id, qty] of [
          ['contract:q0', 0],
          ['contract:q1', h.market.lotSize * 1.5],
        ] as const) {
          const o = contractOrder(h.market, { id, qty });
          const rs = await collect(h, h.broker, (a) => !!terminal(id, a), {
            first: await h.broker.place(o),
          });
          expect(onlyRejection(id, rs).code).toBe('INVALID_QUANTITY');
        }
        expect(netPosition(await h.broker.positions(), h.market)).toBe(0);
      }));

    caseFor('funds')('rejects an order the account cannot pay for, saying so', () =>
      withHarness(async (h) => {
        await h.venue.setFunds(1);
        const o = contractOrder(h.market, { id: 'contract:m' });
        const rs = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.place(o),
        });
        const r = onlyRejection(o.id, rs);
        expect(r.code).toBe('INSUFFICIENT_MARGIN');
        expect(r.reason).toMatch(/margin|funds|buying power/i);
        expect(netPosition(await h.broker.positions(), h.market)).toBe(0);
      }),
    );

    caseFor('price-band')('rejects a limit price far outside the price band', () =>
      withHarness(async (h) => {
        const o = contractOrder(h.market, {
          id: 'contract:band',
          orderType: 'LIMIT',
          limitPrice: h.market.ce.ask * 10,
        });
        const rs = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.place(o),
        });
        expect(onlyRejection(o.id, rs).code).toBe('PRICE_BAND');
      }),
    );

    it('fills a marketable limit at the limit or better', () =>
      withHarness(async (h) => {
        const limit = h.market.ce.ask * 1.02;
        const o = contractOrder(h.market, {
          id: 'contract:lm',
          orderType: 'LIMIT',
          limitPrice: limit,
        });
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= o.qty, {
          first: await h.broker.place(o),
        });
        expect(filledQty(o.id, rs)).toBe(o.qty);
        for (const f of fills(o.id, rs)) expect(f.price).toBeLessThanOrEqual(limit + 1e-9);
      }));

    it('rests a limit away from the market until it is cancelled, then holds nothing', () =>
      withHarness(async (h) => {
        const o = contractOrder(h.market, {
          id: 'contract:rest',
          orderType: 'LIMIT',
          limitPrice: h.market.ce.bid * 0.8,
        });
        const rs = await collect(h, h.broker, () => false, {
          rounds: 5,
          first: await h.broker.place(o),
        });
        expect(fills(o.id, rs)).toEqual([]);
        expect(terminal(o.id, rs)).toBeUndefined();
        expect((await h.broker.order(o.id))?.status).toBe('ACCEPTED');
        const after = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.cancel(o.id),
        });
        expect(terminal(o.id, after)).toMatchObject({ kind: 'cancelled', filledQty: 0 });
        expect((await h.broker.order(o.id))?.status).toBe('CANCELLED');
        expect(netPosition(await h.broker.positions(), h.market)).toBe(0);
      }));

    it('refuses an order type it does not support (a stop) the same way everywhere, sending nothing', () =>
      withHarness(async (h) => {
        const o = contractOrder(h.market, {
          id: 'contract:stop',
          orderType: 'STOP' as OrderType,
          limitPrice: h.market.ce.ask * 1.1,
        });
        const rs = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.place(o),
        });
        const r = onlyRejection(o.id, rs);
        expect(r.code).toBe('ORDER_TYPE');
        expect(r.reason).toContain('STOP');
        // Nothing works or fills: a venue never saw it, paper may keep the rejected record.
        const view = await h.broker.order(o.id);
        if (view !== null) expect(view).toMatchObject({ status: 'REJECTED', filledQty: 0 });
        expect(netPosition(await h.broker.positions(), h.market)).toBe(0);
      }));

    it('fills part of an order when the touch is thin, and cancelling the rest keeps the part', () =>
      withHarness(async (h) => {
        await h.venue.setLiquidity(h.market.lotSize);
        const o = contractOrder(h.market, {
          id: 'contract:part',
          lots: 3,
          qty: 3 * h.market.lotSize,
          orderType: 'LIMIT',
          limitPrice: h.market.ce.ask * 1.02,
        });
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= h.market.lotSize, {
          first: await h.broker.place(o),
        });
        expect(filledQty(o.id, rs)).toBe(h.market.lotSize);
        expect(await h.broker.order(o.id)).toMatchObject({
          status: 'PARTIALLY_FILLED',
          filledQty: h.market.lotSize,
        });
        const after = await collect(h, h.broker, (a) => !!terminal(o.id, a), {
          first: await h.broker.cancel(o.id),
        });
        expect(terminal(o.id, after)).toMatchObject({
          kind: 'cancelled',
          filledQty: h.market.lotSize,
        });
        expect(filledQty(o.id, [...rs, ...after])).toBe(h.market.lotSize);
        expect(netPosition(await h.broker.positions(), h.market)).toBe(h.market.lotSize);
      }));

    it('places an order once when the venue answers too slowly, and reports it', () =>
      withHarness(async (h) => {
        await h.venue.stallNextPlacement();
        const o = contractOrder(h.market, { id: 'contract:slow' });
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= o.qty, {
          first: await h.broker.place(o),
        });
        expect(filledQty(o.id, rs)).toBe(o.qty);
        expect(netPosition(await h.broker.positions(), h.market)).toBe(o.qty);
      }));

    it('reports each execution once when the venue repeats and reorders its updates', () =>
      withHarness(async (h) => {
        await h.venue.scrambleUpdates();
        await h.venue.setLiquidity(h.market.lotSize);
        const o = contractOrder(h.market, {
          id: 'contract:noise',
          lots: 2,
          qty: 2 * h.market.lotSize,
          orderType: 'LIMIT',
          limitPrice: h.market.ce.ask * 1.02,
        });
        const rs = await collect(h, h.broker, (a) => filledQty(o.id, a) >= h.market.lotSize, {
          first: await h.broker.place(o),
        });
        await h.venue.setLiquidity(null);
        const more = await collect(h, h.broker, (a) => filledQty(o.id, [...rs, ...a]) >= o.qty);
        const all = [...rs, ...more];
        const ids = fills(o.id, all).map((f) => f.executionId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(filledQty(o.id, all)).toBe(o.qty);
        expect(of(o.id, all).filter((r) => r.kind === 'accepted').length).toBeLessThanOrEqual(1);
        expect(netPosition(await h.broker.positions(), h.market)).toBe(o.qty);
      }));
  });
}

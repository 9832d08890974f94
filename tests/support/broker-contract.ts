/**
 * The broker contract: one vitest suite every broker must pass, the paper broker here and each
 * live adapter against its local fake exchange later, so "works like paper" is checked, not hoped.
 * Import it only from test files.
 */
import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '@/engine/runtime/types';
import type { Broker, ExecutionReport, OrderRequest } from '@/engine/broker/broker';

export type BrokerHarness = {
  broker: Broker;
  /** Makes the market (the paper feed, or the fake exchange's order book) show this snapshot. */
  publish(snapshot: ChainSnapshot): Promise<void>;
  close?(): Promise<void>;
};

const EXPIRY = '2026-11-26';

export function contractSnapshot(ts: string, spot = 24000): ChainSnapshot {
  return {
    ts,
    underlying: 'NIFTY',
    spot,
    expiries: [
      {
        expiry: EXPIRY,
        options: [
          { strike: 24000, right: 'CE', bid: 120, ask: 121, ltp: 120.5 },
          { strike: 24000, right: 'PE', bid: 110, ask: 111, ltp: 110.5 },
        ],
      },
    ],
  };
}

export function contractIntent(over: Partial<OrderRequest> = {}): OrderRequest {
  return {
    id: 'contract:1',
    intentId: over.id ?? 'contract:1',
    ts: '2026-11-20T09:20:00+05:30',
    deploymentId: 'contract',
    strategyId: 's1',
    legId: 'l1',
    underlying: 'NIFTY',
    expiry: EXPIRY,
    strike: 24000,
    right: 'CE',
    side: 'BUY',
    qty: 65,
    lots: 1,
    lotSize: 65,
    orderType: 'MARKET',
    reason: 'ENTRY',
    closing: false,
    ...over,
  };
}

/** Places, then feeds up to three later snapshots, collecting every report the broker gives. */
async function settle(h: BrokerHarness, orders: OrderRequest[]): Promise<ExecutionReport[]> {
  const out: ExecutionReport[] = [];
  for (const o of orders) out.push(...(await h.broker.place(o)));
  for (let k = 1; k <= 3; k++) {
    await h.publish(contractSnapshot(`2026-11-20T09:2${k}:00+05:30`));
    out.push(...(await h.broker.poll()));
  }
  return out;
}

const fills = (rs: ExecutionReport[]) =>
  rs.filter((r): r is Extract<ExecutionReport, { kind: 'fill' }> => r.kind === 'fill');
const final = (rs: ExecutionReport[]) => rs.filter((r) => r.kind !== 'accepted');

export function defineBrokerContract(name: string, factory: () => Promise<BrokerHarness>): void {
  describe(`broker contract: ${name}`, () => {
    async function withHarness(fn: (h: BrokerHarness) => Promise<void>) {
      const h = await factory();
      try {
        await h.publish(contractSnapshot('2026-11-20T09:20:00+05:30'));
        await fn(h);
      } finally {
        await h.close?.();
      }
    }

    it('fills a market buy once, for the whole quantity, at a positive price with its costs', () =>
      withHarness(async (h) => {
        const reports = await settle(h, [contractIntent()]);
        const f = fills(reports);
        expect(f.reduce((a, r) => a + r.qty, 0)).toBe(65);
        expect(new Set(f.map((r) => r.executionId)).size).toBe(f.length);
        for (const r of f) {
          expect(r.orderId).toBe('contract:1');
          expect(r.price).toBeGreaterThan(0);
          expect(Number.isFinite(r.costs) && r.costs >= 0).toBe(true);
          expect(Date.parse(r.ts) >= Date.parse('2026-11-20T09:20:00+05:30')).toBe(true);
        }
        const o = await h.broker.order('contract:1');
        expect(o).toMatchObject({ orderId: 'contract:1', status: 'FILLED', filledQty: 65 });
      }));

    it('never places an order twice when it is placed again (retried job), and can be looked up', () =>
      withHarness(async (h) => {
        const i = contractIntent();
        const reports = await settle(h, [i, i, { ...i }]);
        expect(fills(reports).reduce((a, r) => a + r.qty, 0)).toBe(65);
        expect((await h.broker.positions()).map((p) => p.qty)).toEqual([65]);
      }));

    it('sells no higher than it buys on the same market', () =>
      withHarness(async (h) => {
        const reports = await settle(h, [
          contractIntent({ id: 'contract:b' }),
          contractIntent({ id: 'contract:s', side: 'SELL', closing: true }),
        ]);
        const px = (id: string) => {
          const r = fills(reports).find((x) => x.orderId === id);
          if (!r) throw new Error(`${id} did not fill`);
          return r.price;
        };
        expect(px('contract:s')).toBeLessThanOrEqual(px('contract:b'));
      }));

    it('rejects an instrument the market does not list, naming it, and fills nothing', () =>
      withHarness(async (h) => {
        const reports = final(await settle(h, [contractIntent({ id: 'contract:x', strike: 99999 })])); // prettier-ignore
        expect(reports).toHaveLength(1);
        const r = reports[0];
        if (r.kind !== 'rejected')
          throw new Error('expected a rejection of a strike that does not exist');
        expect(r.orderId).toBe('contract:x');
        expect(r.reason).toContain('99999');
        expect(r.code).toBe('INVALID_INSTRUMENT');
      }));

    it('rejects a quantity that is not a whole number of lots', () =>
      withHarness(async (h) => {
        const reports = final(await settle(h, [contractIntent({ id: 'contract:z', qty: 0 }), contractIntent({ id: 'contract:h', qty: 30 })])); // prettier-ignore
        expect(reports.map((r) => [r.orderId, r.kind])).toEqual([
          ['contract:z', 'rejected'],
          ['contract:h', 'rejected'],
        ]);
      }));

    it('rests a limit order away from the market until it is cancelled, with nothing filled', () =>
      withHarness(async (h) => {
        const away = contractIntent({ id: 'contract:l', orderType: 'LIMIT', limitPrice: 100 });
        const reports = await settle(h, [away]);
        expect(fills(reports)).toEqual([]);
        expect((await h.broker.order('contract:l'))?.status).toMatch(/SUBMITTED|ACCEPTED/);
        const c = [...(await h.broker.cancel('contract:l')), ...(await h.broker.poll())];
        expect(c.find((r) => r.kind === 'cancelled')).toMatchObject({ orderId: 'contract:l', filledQty: 0 }); // prettier-ignore
      }));

    it('rejects an order type it does not support (a stop order) instead of filling it at once', () =>
      withHarness(async (h) => {
        const stop = { ...contractIntent({ id: 'contract:sl' }), orderType: 'STOP' } as unknown as OrderRequest; // prettier-ignore
        const reports = final(await settle(h, [stop]));
        expect(reports.map((r) => r.kind)).toEqual(['rejected']);
        expect(fills(reports)).toEqual([]);
      }));
  });
}

/**
 * The broker contract: one vitest suite every broker must pass, the paper broker here and each
 * live adapter against its local fake exchange later, so "works like paper" is checked, not hoped.
 * Import it only from test files.
 */
import { describe, expect, it } from 'vitest';
import type { ChainSnapshot, OrderIntent } from '@/engine/runtime/types';
import type { Broker, BrokerReport } from '@/engine/broker/broker';

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

export function contractIntent(over: Partial<OrderIntent> = {}): OrderIntent {
  return {
    id: 'contract:1',
    ts: '2026-11-20T09:20:00+05:30',
    deploymentId: 'contract',
    strategyId: 's1',
    legId: 'l1',
    underlying: 'NIFTY',
    expiry: EXPIRY,
    strike: 24000,
    right: 'CE',
    side: 'BUY',
    qty: 75,
    lots: 1,
    orderType: 'MARKET',
    reason: 'ENTRY',
    closing: false,
    ...over,
  };
}

/** Submits, then feeds up to three later snapshots, collecting every report the broker gives. */
async function settle(h: BrokerHarness, intents: OrderIntent[]): Promise<BrokerReport[]> {
  const out: BrokerReport[] = [];
  for (const i of intents) out.push(...(await h.broker.submit(i)));
  for (let k = 1; k <= 3; k++) {
    await h.publish(contractSnapshot(`2026-11-20T09:2${k}:00+05:30`));
    out.push(...(await h.broker.poll()));
  }
  return out;
}

const reportId = (r: BrokerReport) => (r.kind === 'fill' ? r.fill.intentId : r.intentId);

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
        expect(reports).toHaveLength(1);
        const r = reports[0];
        if (r.kind !== 'fill') throw new Error(`expected a fill, got a rejection: ${r.reason}`);
        expect(r.fill.intentId).toBe('contract:1');
        expect(r.fill.qty).toBe(75);
        expect(r.fill.price).toBeGreaterThan(0);
        expect(Number.isFinite(r.fill.costs) && r.fill.costs >= 0).toBe(true);
        expect(r.fill.ts >= '2026-11-20T09:20:00+05:30').toBe(true);
      }));

    it('never places an intent twice when it is submitted again (retried job)', () =>
      withHarness(async (h) => {
        const i = contractIntent();
        const reports = await settle(h, [i, i, { ...i }]);
        expect(reports.filter((r) => reportId(r) === i.id)).toHaveLength(1);
      }));

    it('sells no higher than it buys on the same market', () =>
      withHarness(async (h) => {
        const reports = await settle(h, [
          contractIntent({ id: 'contract:b' }),
          contractIntent({ id: 'contract:s', side: 'SELL', closing: true }),
        ]);
        const px = (id: string) => {
          const r = reports.find((x) => reportId(x) === id);
          if (r?.kind !== 'fill') throw new Error(`${id} did not fill`);
          return r.fill.price;
        };
        expect(px('contract:s')).toBeLessThanOrEqual(px('contract:b'));
      }));

    it('rejects an instrument the market does not list, naming it, and fills nothing', () =>
      withHarness(async (h) => {
        const reports = await settle(h, [contractIntent({ id: 'contract:x', strike: 99999 })]);
        expect(reports).toHaveLength(1);
        const r = reports[0];
        if (r.kind !== 'rejected')
          throw new Error('expected a rejection of a strike that does not exist');
        expect(r.intentId).toBe('contract:x');
        expect(r.reason).toContain('99999');
      }));

    it('rejects a quantity that is not a positive whole number', () =>
      withHarness(async (h) => {
        const reports = await settle(h, [contractIntent({ id: 'contract:z', qty: 0 })]);
        expect(reports.map((r) => r.kind)).toEqual(['rejected']);
      }));
  });
}

import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '../../runtime/types.ts';
import {
  contractOrder,
  defineBrokerContract,
  type BrokerHarness,
  type ContractGap,
  type ContractMarket,
} from '@/tests/support/broker-contract';
import { indiaIndexOptions, noCosts } from '../costs/cost-model.ts';
import { describeFillModel, type FillModelSettings } from './fill-model.ts';
import { PaperBroker, type PaperSettings } from './paper-broker.ts';

const nifty = () => 0.05;
const base: FillModelSettings = {
  slippage: { kind: 'none' },
  latency: 'none',
  costModel: noCosts,
  tickSize: nifty,
};

/**
 * The broker contract on the paper broker, with the same venue knobs the live fakes have:
 * liquidity is maxLotsPerFill, funds are the paper account's, a restart restores the broker from
 * its state. The paper broker never stalls or repeats itself (those knobs are no-ops here).
 */
const market: ContractMarket = {
  underlying: 'NIFTY',
  expiry: '2026-11-26',
  strike: 24000,
  lotSize: 65,
  spot: 24010,
  ce: { bid: 120, ask: 121 },
  pe: { bid: 110, ask: 111 },
  ts: '2026-11-20T09:20:00+05:30',
};

const contractIntent = (over: Parameters<typeof contractOrder>[1] = {}) =>
  contractOrder(market, over);

const PAPER_GAPS: ContractGap[] = [];

function paperHarness(settings: PaperSettings): () => Promise<BrokerHarness> {
  return async () => {
    let current = settings;
    let broker = new PaperBroker(current);
    return {
      get broker() {
        return broker;
      },
      market,
      publish: (s) => broker.onSnapshot(s),
      async restart() {
        broker = PaperBroker.restore(current, broker.state());
        return broker;
      },
      venue: {
        setFunds: async (amount) => {
          current = { ...current, funds: amount };
          broker.configure({ funds: amount });
        },
        setLiquidity: async (units) => {
          current = {
            ...current,
            maxLotsPerFill:
              units === null ? undefined : Math.max(1, Math.floor(units / market.lotSize)),
          };
          broker = PaperBroker.restore(current, broker.state());
        },
        stallNextPlacement: async () => {},
        scrambleUpdates: async () => {},
      },
    };
  };
}

defineBrokerContract(
  'paper (fill on the triggering snapshot)',
  paperHarness({ ...base, costModel: indiaIndexOptions }),
  PAPER_GAPS,
);
defineBrokerContract(
  'paper (latency: next snapshot)',
  paperHarness({ ...base, latency: 'next-snapshot', slippage: { kind: 'ticks', ticks: 2 } }),
  PAPER_GAPS,
);

function snap(ts: string, ce: { bid?: number; ask?: number; ltp?: number }): ChainSnapshot {
  return {
    ts,
    underlying: 'NIFTY',
    spot: 24010,
    expiries: [{ expiry: '2026-11-26', options: [{ strike: 24000, right: 'CE', ...ce }] }],
  };
}
const T0 = '2026-11-20T09:20:00+05:30';
const T1 = '2026-11-20T09:21:00+05:30';

/** The one final report (fill or rejection) of a market order placed on this snapshot. */
async function fillPrice(settings: FillModelSettings, s: ChainSnapshot, side: 'BUY' | 'SELL') {
  const b = new PaperBroker(settings);
  await b.onSnapshot(s);
  const reports = (await b.place(contractIntent({ side, ts: s.ts }))).filter((r) => r.kind !== 'accepted'); // prettier-ignore
  expect(reports).toHaveLength(1);
  return reports[0];
}

describe('paper account', () => {
  const chain = (ts: string): ChainSnapshot => ({
    ts,
    underlying: 'NIFTY',
    spot: 24010,
    expiries: [
      {
        expiry: '2026-11-26',
        options: [
          { strike: 24000, right: 'CE', bid: 120, ask: 121, ltp: 120.5, iv: 0.13 },
          { strike: 24000, right: 'PE', bid: 110, ask: 111, ltp: 110.5, iv: 0.13 },
        ],
      },
    ],
  });

  it('refuses a short it has no margin for, and takes it with enough funds; closing needs none', async () => {
    const poor = new PaperBroker({ ...base, funds: 50_000 });
    await poor.onSnapshot(chain(T0));
    const refused = await poor.place(contractIntent({ side: 'SELL', ts: T0 }));
    expect(refused).toMatchObject([{ kind: 'rejected', code: 'INSUFFICIENT_MARGIN' }]);
    expect((refused[0] as { reason: string }).reason).toMatch(/need margin [\d.]+, the paper account has 50000.00/); // prettier-ignore
    const rich = new PaperBroker({ ...base, funds: 300_000 });
    await rich.onSnapshot(chain(T0));
    expect((await rich.place(contractIntent({ side: 'SELL', ts: T0 }))).map((r) => r.kind)).toEqual(['accepted', 'fill']); // prettier-ignore
    rich.configure({ funds: 1 });
    const close = await rich.place(contractIntent({ id: 'contract:2', side: 'BUY', closing: true, ts: T0 })); // prettier-ignore
    expect(close.map((r) => r.kind)).toEqual(['accepted', 'fill']);
  });
});

describe('paper fill model', () => {
  it('buys at the ask and sells at the bid of the triggering snapshot', async () => {
    const s = snap(T0, { bid: 120.1, ask: 121, ltp: 120.5 });
    expect(await fillPrice(base, s, 'BUY')).toMatchObject({ kind: 'fill', price: 121, ts: T0, qty: 65 }); // prettier-ignore
    expect(await fillPrice(base, s, 'SELL')).toMatchObject({ kind: 'fill', price: 120.1 });
  });

  it('fills an order decided between two chains at its own time, at the newest quote, and a resting one at the chain that fills it', async () => {
    const b = new PaperBroker(base);
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    // A trader's square-off 22 s after the last chain: not stamped before it was decided.
    const later = '2026-11-20T09:20:22+05:30';
    expect(await b.place(contractIntent({ ts: later }))).toMatchObject([{ kind: 'accepted' }, { kind: 'fill', price: 121, ts: later }]); // prettier-ignore
    const resting = await b.place(contractIntent({ id: 'contract:2', ts: later, orderType: 'LIMIT', limitPrice: 125, side: 'SELL' })); // prettier-ignore
    expect(resting.map((r) => r.kind)).toEqual(['accepted']);
    await b.onSnapshot(snap(T1, { bid: 126, ask: 127 }));
    expect(await b.poll()).toMatchObject([{ kind: 'fill', price: 126, ts: T1 }]);
  });

  it('uses the LTP when that side is not quoted', async () => {
    const s = snap(T0, { ltp: 98.45 });
    expect(await fillPrice(base, s, 'BUY')).toMatchObject({ price: 98.45 });
    expect(await fillPrice(base, s, 'SELL')).toMatchObject({ price: 98.45 });
  });

  it('rejects, with the reason, an option that has neither quote nor LTP', async () => {
    const r = await fillPrice(base, snap(T0, {}), 'BUY');
    expect(r).toEqual({
      kind: 'rejected',
      orderId: 'contract:1',
      ts: T0,
      code: 'OTHER',
      reason: `no quote for NIFTY 2026-11-26 24000 CE at ${T0}: no ask and no LTP`,
    });
  });

  it('adds slippage against the trader in ticks, points and percent, rounded to the tick', async () => {
    const s = snap(T0, { bid: 120.1, ask: 121, ltp: 120.5 });
    const ticks: FillModelSettings = { ...base, slippage: { kind: 'ticks', ticks: 3 } };
    expect(await fillPrice(ticks, s, 'BUY')).toMatchObject({ price: 121.15 });
    expect(await fillPrice(ticks, s, 'SELL')).toMatchObject({ price: 119.95 });
    const points: FillModelSettings = { ...base, slippage: { kind: 'points', points: 0.5 } };
    expect(await fillPrice(points, s, 'BUY')).toMatchObject({ price: 121.5 });
    expect(await fillPrice(points, s, 'SELL')).toMatchObject({ price: 119.6 });
    const pct: FillModelSettings = { ...base, slippage: { kind: 'percent', percent: 0.5 } };
    // Rounded against the trader: 121 x 1.005 = 121.605 -> 121.65 (up); 120.1 x 0.995 = 119.4995 -> 119.45 (down)
    expect(await fillPrice(pct, s, 'BUY')).toMatchObject({ price: 121.65 });
    expect(await fillPrice(pct, s, 'SELL')).toMatchObject({ price: 119.45 });
  });

  it('never sells below one tick however large the slippage', async () => {
    const r = await fillPrice(
      { ...base, slippage: { kind: 'ticks', ticks: 10 } },
      snap(T0, { bid: 0.1, ask: 0.15 }),
      'SELL',
    );
    expect(r).toMatchObject({ price: 0.05 });
  });

  it('with latency fills on the next snapshot at its prices, not the triggering one', async () => {
    const b = new PaperBroker({ ...base, latency: 'next-snapshot' });
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    expect((await b.place(contractIntent({ ts: T0 }))).map((r) => r.kind)).toEqual(['accepted']);
    expect(await b.poll()).toEqual([]);
    expect(b.working()).toHaveLength(1);
    await b.onSnapshot(snap(T1, { bid: 130, ask: 131.5 }));
    expect(await b.poll()).toMatchObject([{ kind: 'fill', price: 131.5, ts: T1 }]);
    expect(b.working()).toHaveLength(0);
  });

  it('cancels a waiting order on request, so it never fills, and says so once', async () => {
    const b = new PaperBroker({ ...base, latency: 'next-snapshot' });
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    await b.place(contractIntent({ ts: T0 }));
    expect(await b.cancel('contract:1')).toMatchObject([{ kind: 'cancelled', orderId: 'contract:1', filledQty: 0 }]); // prettier-ignore
    expect(await b.cancel('contract:1')).toEqual([]);
    await b.onSnapshot(snap(T1, { bid: 130, ask: 131.5 }));
    expect(await b.poll()).toEqual([]);
  });

  it('fills in parts when liquidity is limited, each execution with its own id, and charges brokerage once per order', async () => {
    const b = new PaperBroker({ ...base, costModel: indiaIndexOptions, maxLotsPerFill: 2 });
    await b.onSnapshot(snap(T0, { bid: 100, ask: 100 }));
    const first = (await b.place(contractIntent({ ts: T0, qty: 3 * 65, lots: 3 }))).filter((r) => r.kind === 'fill'); // prettier-ignore
    await b.onSnapshot(snap(T1, { bid: 101, ask: 101 }));
    const second = await b.poll();
    expect(
      [...first, ...second].map((r) => r.kind === 'fill' && [r.executionId, r.qty, r.price]),
    ).toEqual([
      // prettier-ignore
      ['paper:contract:1:1', 130, 100],
      ['paper:contract:1:2', 65, 101],
    ]);
    // 13,000 bought: 20 + NSE 4.62 + SEBI 0.01 + stamp 0.39 + GST 4.43 = 29.45;
    // 6,565 bought, no brokerage: NSE 2.33 + SEBI 0.01 + stamp 0.2 + GST 0.42 = 2.96.
    expect(first[0]).toMatchObject({ costs: 29.45 });
    expect(second[0]).toMatchObject({ costs: 2.96 });
    expect(await b.order('contract:1')).toMatchObject({ status: 'FILLED', filledQty: 195, averagePrice: (130 * 100 + 65 * 101) / 195 }); // prettier-ignore
  });

  it('expires a day order still working when the next session starts', async () => {
    const b = new PaperBroker({ ...base, latency: 'next-snapshot' });
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    await b.place(contractIntent({ ts: T0, orderType: 'LIMIT', limitPrice: 100 }));
    await b.onSnapshot(snap('2026-11-23T09:15:00+05:30', { bid: 120, ask: 121 }));
    expect(await b.poll()).toMatchObject([
      { kind: 'expired', orderId: 'contract:1', filledQty: 0 },
    ]);
  });

  it('survives a restart from its saved state: the same order is not placed twice', async () => {
    const b = new PaperBroker(base);
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    await b.place(contractIntent({ ts: T0 }));
    const again = PaperBroker.restore(base, JSON.parse(JSON.stringify(b.state())));
    expect(await again.place(contractIntent({ ts: T0 }))).toEqual([]);
    expect(await again.positions()).toEqual([{ underlying: 'NIFTY', expiry: '2026-11-26', instrument: 'option', strike: 24000, right: 'CE', qty: 65 }]); // prettier-ignore
  });

  it("saves working orders whole, the newest day's final orders without their requests, and positions across days", async () => {
    const D2 = '2026-11-23T09:20:00+05:30';
    const b = new PaperBroker(base);
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    await b.place(contractIntent({ id: 'd:1', ts: T0 })); // fills: long 65
    await b.place(contractIntent({ id: 'd:2', ts: T0, orderType: 'LIMIT', limitPrice: 100 })); // rests
    await b.onSnapshot(snap(D2, { bid: 130, ask: 131 })); // d:2 expires with the day
    await b.place(contractIntent({ id: 'd:3', ts: D2, side: 'SELL', closing: true, qty: 65 })); // flat
    await b.place(contractIntent({ id: 'd:4', ts: D2 })); // long 65 again
    await b.place(contractIntent({ id: 'd:5', ts: D2, orderType: 'LIMIT', limitPrice: 100 })); // rests
    const saved = JSON.parse(JSON.stringify(b.state())) as ReturnType<PaperBroker['state']>;
    // The day before is over: its orders are not carried; today's final ones are, as views.
    expect(saved.orders.map((o) => o.orderId)).toEqual(['d:3', 'd:4', 'd:5']);
    expect(saved.orders.find((o) => o.orderId === 'd:4')).not.toHaveProperty('request');
    expect(saved.orders.find((o) => o.orderId === 'd:5')).toHaveProperty('request');
    expect(saved.positions).toEqual([{ underlying: 'NIFTY', expiry: '2026-11-26', instrument: 'option', strike: 24000, right: 'CE', qty: 65 }]); // prettier-ignore
    const again = PaperBroker.restore(base, saved, true);
    expect(await again.positions()).toEqual(await b.positions());
    expect(await again.place(contractIntent({ id: 'd:4', ts: D2 }))).toEqual([]);
    expect(await again.order('d:4')).toEqual(await b.order('d:4'));
    expect(again.working().map((o) => o.id)).toEqual(['d:5']);
    expect(await again.cancel('d:4')).toEqual([]);
    expect(await again.cancel('d:5')).toMatchObject([{ kind: 'cancelled', orderId: 'd:5' }]);
    // The saved state is the broker's own only when asked for (`shared`); by default a copy.
    const before = { positions: await b.positions(), order: await b.order('d:4') };
    const copy = b.state();
    copy.positions![0].qty = 0;
    copy.orders[1].filledQty = 0;
    expect({ positions: await b.positions(), order: await b.order('d:4') }).toEqual(before);
  });

  it('restores a state saved before positions were kept: they are summed from its orders', async () => {
    // Then every order was saved with its request, final or not, and no positions.
    const filled = (request: ReturnType<typeof contractIntent>, n: number) => ({
      orderId: request.id,
      brokerOrderId: `paper-${n}`,
      status: 'FILLED' as const,
      qty: request.qty,
      filledQty: request.qty,
      averagePrice: 120.5,
      executions: [{ executionId: `paper:${request.id}:1`, ts: T0, qty: request.qty, price: 120.5 }], // prettier-ignore
      request,
    });
    const orders = [
      filled(contractIntent({ id: 'o:1', ts: T0, lots: 2 }), 1), // long 130
      filled(contractIntent({ id: 'o:2', ts: T0, side: 'SELL', closing: true }), 2), // sells 65
    ];
    const again = PaperBroker.restore(base, { seq: 2, latest: {}, orders });
    expect(await again.positions()).toEqual([{ underlying: 'NIFTY', expiry: '2026-11-26', instrument: 'option', strike: 24000, right: 'CE', qty: 65 }]); // prettier-ignore
  });

  it('charges the cost model on each fill', async () => {
    const r = await fillPrice(
      { ...base, costModel: indiaIndexOptions },
      snap(T0, { bid: 100, ask: 100 }),
      'SELL',
    );
    // 6,500 premium sold: 20 + STT 9.75 + NSE 2.31 + SEBI 0.01 + GST 4.02
    expect(r).toMatchObject({ costs: 36.09 });
  });

  it('states its settings in words for the report', () => {
    expect(
      describeFillModel({
        ...base,
        slippage: { kind: 'ticks', ticks: 2 },
        costModel: indiaIndexOptions,
      }),
    ).toBe(
      'market orders fill at the touch (ask for a buy, bid for a sell, LTP without a quote) of the triggering snapshot with 2 tick(s) slippage, rounded to the tick against the trader (buys up, sells down); costs: india-index-options',
    );
  });
});

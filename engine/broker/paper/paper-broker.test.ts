import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '../../runtime/types.ts';
import { defineBrokerContract, contractIntent } from '@/tests/support/broker-contract';
import { indiaIndexOptions, noCosts } from '../costs/cost-model.ts';
import { describeFillModel, type FillModelSettings } from './fill-model.ts';
import { PaperBroker } from './paper-broker.ts';

const nifty = () => 0.05;
const base: FillModelSettings = {
  slippage: { kind: 'none' },
  latency: 'none',
  costModel: noCosts,
  tickSize: nifty,
};

defineBrokerContract('paper (fill on the triggering snapshot)', async () => {
  const broker = new PaperBroker({ ...base, costModel: indiaIndexOptions });
  return { broker, publish: (s) => broker.onSnapshot(s) };
});
defineBrokerContract('paper (latency: next snapshot)', async () => {
  const broker = new PaperBroker({
    ...base,
    latency: 'next-snapshot',
    slippage: { kind: 'ticks', ticks: 2 },
  });
  return { broker, publish: (s) => broker.onSnapshot(s) };
});

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

async function fillPrice(settings: FillModelSettings, s: ChainSnapshot, side: 'BUY' | 'SELL') {
  const b = new PaperBroker(settings);
  await b.onSnapshot(s);
  const [r] = await b.submit(contractIntent({ side, ts: s.ts }));
  return r;
}

describe('paper fill model', () => {
  it('buys at the ask and sells at the bid of the triggering snapshot', async () => {
    const s = snap(T0, { bid: 120.1, ask: 121, ltp: 120.5 });
    expect(await fillPrice(base, s, 'BUY')).toMatchObject({
      kind: 'fill',
      fill: { price: 121, ts: T0, qty: 75 },
    });
    expect(await fillPrice(base, s, 'SELL')).toMatchObject({
      kind: 'fill',
      fill: { price: 120.1 },
    });
  });

  it('uses the LTP when that side is not quoted', async () => {
    const s = snap(T0, { ltp: 98.45 });
    expect(await fillPrice(base, s, 'BUY')).toMatchObject({ fill: { price: 98.45 } });
    expect(await fillPrice(base, s, 'SELL')).toMatchObject({ fill: { price: 98.45 } });
  });

  it('rejects, with the reason, an option that has neither quote nor LTP', async () => {
    const r = await fillPrice(base, snap(T0, {}), 'BUY');
    expect(r).toEqual({
      kind: 'rejected',
      intentId: 'contract:1',
      ts: T0,
      reason: `no quote for NIFTY 2026-11-26 24000 CE at ${T0}: no ask and no LTP`,
    });
  });

  it('adds slippage against the trader in ticks, points and percent, rounded to the tick', async () => {
    const s = snap(T0, { bid: 120.1, ask: 121, ltp: 120.5 });
    const ticks: FillModelSettings = { ...base, slippage: { kind: 'ticks', ticks: 3 } };
    expect(await fillPrice(ticks, s, 'BUY')).toMatchObject({ fill: { price: 121.15 } });
    expect(await fillPrice(ticks, s, 'SELL')).toMatchObject({ fill: { price: 119.95 } });
    const points: FillModelSettings = { ...base, slippage: { kind: 'points', points: 0.5 } };
    expect(await fillPrice(points, s, 'BUY')).toMatchObject({ fill: { price: 121.5 } });
    expect(await fillPrice(points, s, 'SELL')).toMatchObject({ fill: { price: 119.6 } });
    const pct: FillModelSettings = { ...base, slippage: { kind: 'percent', percent: 0.5 } };
    // 121 x 1.005 = 121.605 -> 121.6; 120.1 x 0.995 = 119.4995 -> 119.5
    expect(await fillPrice(pct, s, 'BUY')).toMatchObject({ fill: { price: 121.6 } });
    expect(await fillPrice(pct, s, 'SELL')).toMatchObject({ fill: { price: 119.5 } });
  });

  it('never sells below one tick however large the slippage', async () => {
    const r = await fillPrice(
      { ...base, slippage: { kind: 'ticks', ticks: 10 } },
      snap(T0, { bid: 0.1, ask: 0.15 }),
      'SELL',
    );
    expect(r).toMatchObject({ fill: { price: 0.05 } });
  });

  it('with latency fills on the next snapshot at its prices, not the triggering one', async () => {
    const b = new PaperBroker({ ...base, latency: 'next-snapshot' });
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    expect(await b.submit(contractIntent({ ts: T0 }))).toEqual([]);
    expect(await b.poll()).toEqual([]);
    expect(b.unfilled()).toHaveLength(1);
    await b.onSnapshot(snap(T1, { bid: 130, ask: 131.5 }));
    expect(await b.poll()).toMatchObject([{ kind: 'fill', fill: { price: 131.5, ts: T1 } }]);
    expect(b.unfilled()).toHaveLength(0);
  });

  it('withdraws a waiting order on cancel, so it never fills', async () => {
    const b = new PaperBroker({ ...base, latency: 'next-snapshot' });
    await b.onSnapshot(snap(T0, { bid: 120, ask: 121 }));
    await b.submit(contractIntent({ ts: T0 }));
    expect(b.cancel('contract:1')).toBe(true);
    expect(b.cancel('contract:1')).toBe(false);
    await b.onSnapshot(snap(T1, { bid: 130, ask: 131.5 }));
    expect(await b.poll()).toEqual([]);
  });

  it('charges the cost model on each fill', async () => {
    const r = await fillPrice(
      { ...base, costModel: indiaIndexOptions },
      snap(T0, { bid: 100, ask: 100 }),
      'SELL',
    );
    // 7,500 premium sold: 20 + STT 11.25 + NSE 2.66 + SEBI 0.01 + GST 4.08
    expect(r).toMatchObject({ fill: { costs: 38 } });
  });

  it('states its settings in words for the report', () => {
    expect(
      describeFillModel({
        ...base,
        slippage: { kind: 'ticks', ticks: 2 },
        costModel: indiaIndexOptions,
      }),
    ).toBe(
      'market orders fill at the touch (ask for a buy, bid for a sell, LTP without a quote) of the triggering snapshot with 2 tick(s) slippage, rounded to the tick size; costs: india-index-options',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { ChainSnapshot, OrderIntent } from '../runtime/types.ts';
import { FillBook, markOf } from './book.ts';

const T = (hm: string) => `2026-11-20T${hm}:00+05:30`;
function intent(
  id: string,
  side: 'BUY' | 'SELL',
  qty: number,
  over: Partial<OrderIntent> = {},
): OrderIntent {
  return {
    id,
    ts: T('09:20'),
    deploymentId: 'd',
    strategyId: 's',
    legId: 'ce',
    underlying: 'NIFTY',
    expiry: '2026-11-26',
    strike: 24000,
    right: 'CE',
    side,
    qty,
    lots: qty / 75,
    orderType: 'MARKET',
    reason: 'ENTRY',
    closing: false,
    ...over,
  };
}
function snap(ts: string, ltp?: number, bid?: number, ask?: number): ChainSnapshot {
  return {
    ts,
    underlying: 'NIFTY',
    spot: 24000,
    expiries: [{ expiry: '2026-11-26', options: [{ strike: 24000, right: 'CE', ltp, bid, ask }] }],
  };
}

describe('fill book', () => {
  it("a short sold at 120 and bought back at 90 makes 30 x 75 gross, minus both sides' costs", () => {
    const b = new FillBook();
    b.apply(intent('1', 'SELL', 75), {
      intentId: '1',
      ts: T('09:20'),
      price: 120,
      qty: 75,
      costs: 40,
    });
    b.apply(intent('2', 'BUY', 75, { closing: true, reason: 'TARGET' }), {
      intentId: '2',
      ts: T('10:05'),
      price: 90,
      qty: 75,
      costs: 30,
    });
    expect(b.equity()).toBe(2250 - 70);
    expect(b.trades).toMatchObject([
      {
        date: '2026-11-20',
        grossPnl: 2250,
        costs: 70,
        netPnl: 2180,
        side: 'SELL',
        entryPrice: 120,
        exitPrice: 90,
      },
    ]);
    expect(b.openPositions()).toEqual([]);
  });

  it('marks open positions at LTP, else mid, and keeps the last mark when unquoted', () => {
    const b = new FillBook();
    b.apply(intent('1', 'BUY', 150), {
      intentId: '1',
      ts: T('09:20'),
      price: 100,
      qty: 150,
      costs: 0,
    });
    b.mark(snap(T('09:21'), 104));
    expect(b.equity()).toBe(600);
    b.mark(snap(T('09:22'), undefined, 101, 103));
    expect(b.equity()).toBe(300);
    b.mark(snap(T('09:23')));
    expect(b.equity()).toBe(300);
    expect(b.openPositions()).toMatchObject([
      { side: 'BUY', qty: 150, entryPrice: 100, mark: 102 },
    ]);
  });

  it('closes part of a lot and splits its entry costs by quantity', () => {
    const b = new FillBook();
    b.apply(intent('1', 'SELL', 150), {
      intentId: '1',
      ts: T('09:20'),
      price: 100,
      qty: 150,
      costs: 60,
    });
    b.apply(intent('2', 'BUY', 75, { closing: true }), {
      intentId: '2',
      ts: T('09:40'),
      price: 110,
      qty: 75,
      costs: 20,
    });
    expect(b.trades[0]).toMatchObject({ qty: 75, grossPnl: -750, costs: 50, netPnl: -800 });
    expect(b.openPositions()).toMatchObject([{ qty: 75, side: 'SELL' }]);
  });

  it('finds no mark for a strike the chain does not list', () => {
    expect(markOf(snap(T('09:20'), 5), '2026-11-26', 25000, 'CE')).toBeNull();
  });

  it('settles an expired short at intrinsic value as a cash flow without costs', () => {
    const b = new FillBook();
    b.apply(intent('1', 'SELL', 75), {
      intentId: '1',
      ts: T('09:20'),
      price: 120,
      qty: 75,
      costs: 40,
    });
    const u = b.settle({
      ts: T('15:30'),
      strategyId: 's',
      legId: 'ce',
      expiry: '2026-11-26',
      strike: 24000,
      right: 'CE',
      side: 'SELL',
      qty: 75,
      price: 35,
    });
    expect(u).toBe('NIFTY');
    expect(b.openPositions()).toEqual([]);
    expect(b.equity()).toBe((120 - 35) * 75 - 40);
    expect(b.trades[0]).toMatchObject({ exitPrice: 35, costs: 40, netPnl: 85 * 75 - 40 });
    expect(
      b.settle({
        ts: T('15:30'),
        strategyId: 's',
        legId: 'ce',
        expiry: '2026-11-26',
        strike: 24000,
        right: 'CE',
        side: 'SELL',
        qty: 75,
        price: 35,
      }),
    ).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  costModelById,
  deribitOptions,
  indiaIndexOptions,
  indiaIndexOptionsModel,
  noCosts,
  usOptions,
  usOptionsModel,
} from './cost-model';

describe('Indian index options costs', () => {
  // 1 NIFTY lot of 75 sold at 100: premium 7,500.
  const sell = { side: 'SELL' as const, qty: 75, contracts: 1, price: 100, spot: 24000 };
  it('charges STT on the sell side only and stamp duty on the buy side only', () => {
    const s = indiaIndexOptions.cost(sell);
    expect(s.items.stt).toBe(11.25); // 0.15 % of 7,500
    expect(s.items.stampDuty).toBe(0);
    const b = indiaIndexOptions.cost({ ...sell, side: 'BUY' });
    expect(b.items.stt).toBe(0);
    expect(b.items.stampDuty).toBe(0.23); // 0.003 % of 7,500 = 0.225
  });
  it('adds GST on brokerage + exchange + SEBI, and totals the items', () => {
    const s = indiaIndexOptions.cost(sell);
    expect(s.items.brokerage).toBe(20);
    expect(s.items.exchange).toBe(2.66); // 0.03553 % of 7,500 = 2.66475
    expect(s.items.sebi).toBe(0.01); // 7,500 x 10 / 1e7 = 0.0075
    expect(s.items.gst).toBe(4.08); // 18 % of (20 + 2.66475 + 0.0075) = 4.08104
    expect(s.total).toBe(38); // 20 + 11.25 + 2.66 + 0.01 + 0 + 4.08
  });
});

describe("a broker's own commission on a named model", () => {
  it('replaces only the brokerage of the Indian schedule; taxes and GST follow from it', () => {
    const s = indiaIndexOptionsModel({ brokeragePerOrder: 0 }).cost({
      side: 'SELL',
      qty: 75,
      contracts: 1,
      price: 100,
      spot: 24000,
    });
    expect(s.items).toMatchObject({ brokerage: 0, stt: 11.25, exchange: 2.66, gst: 0.48 }); // 18 % of 2.67225
    expect(s.total).toBe(14.4);
    expect(
      indiaIndexOptionsModel({}).cost({
        side: 'SELL',
        qty: 75,
        contracts: 1,
        price: 100,
        spot: 24000,
      }),
    ).toEqual(
      indiaIndexOptions.cost({ side: 'SELL', qty: 75, contracts: 1, price: 100, spot: 24000 }),
    );
  });
  it('replaces only the per-contract commission of the US schedule', () => {
    const buy = usOptionsModel({ commissionPerContract: 0.5 }).cost({
      side: 'BUY',
      qty: 500,
      contracts: 5,
      price: 2.5,
      spot: 640,
    });
    expect(buy.items).toMatchObject({ commission: 2.5, orf: 0.14, occ: 0.1 });
    expect(usOptionsModel({ commissionPerContract: 0.5 }).description).toContain(
      'USD 0.5 commission per contract',
    );
  });
});

describe('US options costs', () => {
  it('charges per contract and adds SEC/FINRA on sells', () => {
    const buy = usOptions.cost({ side: 'BUY', qty: 500, contracts: 5, price: 2.5, spot: 640 });
    expect(buy.items.commission).toBe(3.25);
    expect(buy.items.orf).toBe(0.14); // 5 x 0.02815
    expect(buy.items.occ).toBe(0.1);
    expect(buy.items.sec).toBe(0);
    expect(buy.total).toBe(3.49);
    const sell = usOptions.cost({ side: 'SELL', qty: 500, contracts: 5, price: 2.5, spot: 640 });
    expect(sell.items.sec).toBe(0.03); // 1,250 x 0.0000229 = 0.0286
    expect(sell.items.finraTaf).toBe(0.01); // 5 x 0.00244 = 0.0122
  });
  it('caps the OCC fee per order', () => {
    expect(
      usOptions.cost({ side: 'BUY', qty: 500000, contracts: 5000, price: 1, spot: 640 }).items.occ,
    ).toBe(55);
  });
});

describe('Deribit options costs', () => {
  it('charges 0.03 % of the underlying per contract', () => {
    // BTC at 50,000: 15 USD per contract; option at 2,000 caps at 250, so 15 stands.
    expect(
      deribitOptions.cost({ side: 'BUY', qty: 2, contracts: 2, price: 2000, spot: 50000 }).total,
    ).toBe(30);
  });
  it('caps the fee at 12.5 % of the option price', () => {
    // Option at 40: cap 5 USD per contract, below the 15 USD underlying fee.
    expect(
      deribitOptions.cost({ side: 'SELL', qty: 3, contracts: 3, price: 40, spot: 50000 }).total,
    ).toBe(15);
  });
});

describe('cost model lookup', () => {
  it('finds models by id and names the known ids on a typo', () => {
    expect(costModelById('none')).toBe(noCosts);
    expect(() => costModelById('zerodah')).toThrow(
      /unknown cost model "zerodah"; use one of: none, india-index-options/,
    );
  });
});

describe('fixed cost model from the basket', () => {
  it('charges per order, per lot and % of premium turnover', async () => {
    const { fixedCostModel } = await import('./cost-model');
    // 20 + 2 lots x 5 + 0.1 % of 2 x 75 x 100 (15,000) = 20 + 10 + 15
    expect(
      fixedCostModel({ perOrder: 20, perLot: 5, pctOfTurnover: 0.1 }).cost({
        side: 'BUY',
        qty: 150,
        contracts: 2,
        price: 100,
        spot: 1,
      }).total,
    ).toBe(45);
  });
});

describe('futures (the delta hedge) on the same schedules', () => {
  // 1 NIFTY lot of 65 sold at 24,350 on 2026-08-18: turnover 1,582,750.
  const fut = {
    side: 'SELL' as const,
    qty: 65,
    contracts: 1,
    price: 24350,
    spot: 24300,
    date: '2026-08-18',
    instrument: 'future' as const,
  };
  it('charges NSE futures rates on turnover, not option rates on premium', () => {
    const s = indiaIndexOptions.cost(fut);
    expect(s.items).toEqual({
      brokerage: 20, // the lower of INR 20 and 0.03 % (474.83)
      stt: 791.38, // 0.05 % of 1,582,750 = 791.375
      exchange: 28.96, // 0.00183 % = 28.964
      sebi: 1.58, // INR 10 a crore = 1.58275
      stampDuty: 0,
      gst: 9.1, // 18 % of (20 + 28.96433 + 1.58275) = 9.0985
    });
    expect(s.total).toBe(851.02);
    const b = indiaIndexOptions.cost({ ...fut, side: 'BUY' });
    expect([b.items.stt, b.items.stampDuty, b.total]).toEqual([0, 31.66, 91.3]); // stamp 0.002 % = 31.655
    // Before 1 Apr 2026 the STT on futures sold was 0.02 %.
    expect(indiaIndexOptions.cost({ ...fut, date: '2025-08-18' }).items.stt).toBe(316.55);
    // A small trade pays 0.03 % rather than the flat fee.
    expect(indiaIndexOptions.cost({ ...fut, qty: 1, price: 10000 }).items.brokerage).toBe(3);
  });
  it('charges Deribit futures 0.05 % of their value', () => {
    expect(deribitOptions.cost({ ...fut, qty: 2, contracts: 2, price: 50000 }).total).toBe(50);
  });
});

import { terms, type TermsSpec } from '@/tests/support/contract-terms';
import { describe, expect, it } from 'vitest';
import {
  netGreeks,
  payoffCurve,
  pnlAtExpiry,
  pnlToday,
  summarize,
  type PayoffLeg,
  type PayoffMarket,
} from './payoff';

const market: PayoffMarket = { spot: 24000, rate: 0.065, div: 0, model: 'black-scholes' };
const week = 7 / 365;

function leg(
  p: Omit<Partial<PayoffLeg>, keyof TermsSpec> & TermsSpec & Pick<PayoffLeg, 'side' | 'entry'>,
): PayoffLeg {
  const { instrument, right, strike, ...rest } = p;
  return {
    id: `${p.side}-${right ?? 'FUT'}-${strike ?? ''}`,
    qty: 1,
    expiry: '2026-11-26',
    t: week,
    iv: 0.15,
    ...rest,
    ...terms({ instrument, right, strike }),
  };
}

describe('payoff at expiry', () => {
  // Sell the 24000 straddle for 200 + 180 = 380 a unit, one NIFTY lot (75 units) each.
  const shortStraddle = [
    leg({ instrument: 'option', right: 'CE', side: 'SELL', strike: 24000, entry: 200, qty: 75 }),
    leg({ instrument: 'option', right: 'PE', side: 'SELL', strike: 24000, entry: 180, qty: 75 }),
  ];

  it('a short straddle keeps the whole credit at the strike and breaks even a credit away', () => {
    const s = summarize(shortStraddle, market);
    expect(s.breakevens).toEqual([23620, 24380]);
    expect(s.maxProfit).toBeCloseTo(380 * 75, 6);
    expect(s.maxProfitAt).toBe(24000);
    expect(s.maxLoss).toBe(-Infinity);
    expect(s.maxLossAt).toBeNull();
    expect(pnlAtExpiry(shortStraddle, market, 25000)).toBeCloseTo((380 - 1000) * 75, 6);
  });

  it('a bull call spread is bounded both ways', () => {
    const spread = [
      leg({ instrument: 'option', right: 'CE', side: 'BUY', strike: 100, entry: 6, qty: 10 }),
      leg({ instrument: 'option', right: 'CE', side: 'SELL', strike: 110, entry: 2, qty: 10 }),
    ];
    const s = summarize(spread, { ...market, spot: 105 });
    expect(s.breakevens).toEqual([104]);
    expect(s.maxProfit).toBeCloseTo(60, 9);
    expect(s.maxLoss).toBeCloseTo(-40, 9);
  });

  it('a long put has a bounded best case at spot zero', () => {
    const s = summarize(
      [leg({ instrument: 'option', right: 'PE', side: 'BUY', strike: 100, entry: 5 })],
      {
        ...market,
        spot: 100,
      },
    );
    expect(s.breakevens).toEqual([95]);
    expect(s.maxProfit).toBeCloseTo(95, 9);
    expect(s.maxProfitAt).toBe(0);
    expect(s.maxLoss).toBeCloseTo(-5, 9);
  });

  it('an iron condor breaks even at the short strikes plus and minus the net credit', () => {
    const condor = [
      leg({ instrument: 'option', right: 'PE', side: 'BUY', strike: 90, entry: 0.5 }),
      leg({ instrument: 'option', right: 'PE', side: 'SELL', strike: 95, entry: 2 }),
      leg({ instrument: 'option', right: 'CE', side: 'SELL', strike: 105, entry: 2 }),
      leg({ instrument: 'option', right: 'CE', side: 'BUY', strike: 110, entry: 0.5 }),
    ];
    const s = summarize(condor, { ...market, spot: 100 });
    expect(s.breakevens).toEqual([92, 108]);
    expect(s.maxProfit).toBeCloseTo(3, 9);
    expect(s.maxLoss).toBeCloseTo(-2, 9);
  });

  it('a long future is unbounded profit above and loses its entry price at zero', () => {
    const s = summarize(
      [leg({ instrument: 'future', side: 'BUY', strike: 0, entry: 24100, qty: 75 })],
      market,
    );
    expect(s.breakevens).toEqual([24100]);
    expect(s.maxProfit).toBe(Infinity);
    expect(s.maxLoss).toBeCloseTo(-24100 * 75, 6);
  });
});

describe('a calendar spread (two expiries)', () => {
  it('values the later leg with its time left on the first expiry, down to spot zero', () => {
    const m: PayoffMarket = { spot: 100, rate: 0.05, div: 0, model: 'black-scholes' };
    const calendar = [
      leg({
        instrument: 'option',
        right: 'PE',
        side: 'SELL',
        strike: 100,
        entry: 2,
        t: 7 / 365,
        iv: 0.2,
      }),
      leg({
        instrument: 'option',
        right: 'PE',
        side: 'BUY',
        strike: 100,
        entry: 4,
        t: 35 / 365,
        iv: 0.2,
      }),
    ];
    // At spot 0 the short put pays 100 and the long one is worth 100 e^(-0.05 x 28/365).
    expect(pnlAtExpiry(calendar, m, 0)).toBeCloseTo(
      -(100 - 2) + (100 * Math.exp((-0.05 * 28) / 365) - 4),
      9,
    );
    const s = summarize(calendar, m);
    expect(s.breakevens).toHaveLength(2);
    expect(s.maxProfitAt).toBeCloseTo(100, 0);
    expect(Number.isFinite(s.maxLoss)).toBe(true);
  });
});

describe('payoff today', () => {
  // Hull's textbook case: S=K=100, r=5 %, sigma=20 %, one year: call 10.4506, put 5.5735.
  const m: PayoffMarket = { spot: 100, rate: 0.05, div: 0, model: 'black-scholes' };
  const call = leg({
    instrument: 'option',
    right: 'CE',
    side: 'BUY',
    strike: 100,
    entry: 10.4506,
    t: 1,
    iv: 0.2,
  });

  it('prices a fresh long call at its entry, so today P&L is zero at the current spot', () => {
    expect(pnlToday([call], m, 100)).toBeCloseTo(0, 3);
  });

  it('loses time value as days pass and gains with higher IV', () => {
    const later = pnlToday([call], m, 100, { spotPct: 0, ivPoints: 0, daysForward: 30 });
    const richer = pnlToday([call], m, 100, { spotPct: 0, ivPoints: 5, daysForward: 0 });
    expect(later).toBeLessThan(-0.3);
    // vega of this call is ~0.375 per vol point, so +5 points is worth about 1.9.
    expect(richer).toBeCloseTo(1.87, 1);
  });

  it('moves with the scenario spot like the call would', () => {
    const up = pnlToday([call], m, 100, { spotPct: 10, ivPoints: 0, daysForward: 0 });
    // S=110 under the same inputs: 17.6630 (closed form).
    expect(up).toBeCloseTo(17.663 - 10.4506, 2);
  });

  it('converges to the expiry curve on the expiry day', () => {
    const legs = [
      leg({ instrument: 'option', right: 'CE', side: 'SELL', strike: 24000, entry: 200, qty: 75 }),
    ];
    const atExpiry = pnlToday(legs, market, 24000, { spotPct: 1, ivPoints: 0, daysForward: 7 });
    expect(atExpiry).toBeCloseTo(pnlAtExpiry(legs, market, 24240), 6);
  });

  it('draws both curves across the range around spot', () => {
    const curve = payoffCurve([call], m, undefined, { rangePct: 10, points: 21 });
    expect(curve).toHaveLength(21);
    expect(curve[0].spot).toBeCloseTo(90, 9);
    expect(curve[20].spot).toBeCloseTo(110, 9);
    // A year before expiry the call is worth more than its intrinsic value everywhere.
    for (const p of curve) expect(p.today).toBeGreaterThan(p.expiry - 1e-9);
  });
});

describe('net greeks', () => {
  it('a short ATM straddle is short gamma and vega and collects theta', () => {
    const legs = [
      leg({ instrument: 'option', right: 'CE', side: 'SELL', strike: 24000, entry: 200, qty: 75 }),
      leg({ instrument: 'option', right: 'PE', side: 'SELL', strike: 24000, entry: 180, qty: 75 }),
    ];
    const g = netGreeks(legs, market);
    expect(Math.abs(g.delta)).toBeLessThan(0.1 * 75);
    expect(g.gamma).toBeLessThan(0);
    expect(g.vega).toBeLessThan(0);
    expect(g.theta).toBeGreaterThan(0);
  });

  it('matches finite differences of the today curve, Black-76 included', () => {
    const m: PayoffMarket = { spot: 24000, rate: 0.065, div: 0.01, model: 'black-76' };
    const legs = [
      leg({
        instrument: 'option',
        right: 'CE',
        side: 'BUY',
        strike: 24200,
        entry: 150,
        qty: 75,
        t: 20 / 365,
      }),
      leg({
        instrument: 'option',
        right: 'PE',
        side: 'SELL',
        strike: 23800,
        entry: 140,
        qty: 150,
        t: 20 / 365,
        iv: 0.17,
      }),
      leg({ instrument: 'future', side: 'SELL', strike: 0, entry: 24050, qty: 25, t: 20 / 365 }),
    ];
    const g = netGreeks(legs, m);
    const h = 1;
    const up = pnlToday(legs, m, m.spot + h);
    const mid = pnlToday(legs, m, m.spot);
    const down = pnlToday(legs, m, m.spot - h);
    expect(g.delta).toBeCloseTo((up - down) / (2 * h), 3);
    expect(g.gamma).toBeCloseTo((up - 2 * mid + down) / (h * h), 3);
    const vegaFd =
      (pnlToday(legs, m, m.spot, { spotPct: 0, ivPoints: 0.01, daysForward: 0 }) -
        pnlToday(legs, m, m.spot, { spotPct: 0, ivPoints: -0.01, daysForward: 0 })) /
      0.02;
    expect(g.vega).toBeCloseTo(vegaFd, 2);
  });
});

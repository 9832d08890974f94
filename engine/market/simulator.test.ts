import { describe, expect, it } from 'vitest';
import { solveIv } from '../pricing';
import { markPrice } from './quote';
import { expiryPricing } from './pricing-context';
import { SimulatedMarket, simulateDays, simulateSession } from './simulator';
import { ChainSnapshotSchema, type ChainSnapshot } from './snapshot';

const day = (underlying: string, seed: number, intervalSeconds = 300) => [
  ...simulateSession({ underlying, date: '2026-11-20', seed, intervalSeconds }),
];

describe('simulated market', () => {
  const nifty = day('NIFTY', 7);

  it('replays exactly from a seed and differs between seeds', () => {
    expect(JSON.stringify(day('NIFTY', 7))).toBe(JSON.stringify(nifty));
    expect(day('NIFTY', 8).at(-1)!.spot).not.toBe(nifty.at(-1)!.spot);
  });

  it('prints valid snapshots across the NSE session, 09:15 to 15:30 IST', () => {
    expect(nifty).toHaveLength(76); // every 5 minutes, both ends included
    expect(nifty[0].ts).toBe('2026-11-20T09:15:00+05:30');
    expect(nifty.at(-1)!.ts).toBe('2026-11-20T15:30:00+05:30');
    for (const s of nifty) ChainSnapshotSchema.parse(s);
    expect(nifty[0].expiries.map((e) => e.expiry)).toEqual([
      '2026-11-23',
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
      '2026-12-29',
      '2027-01-26',
    ]);
    expect(nifty[0].vix).toBeGreaterThan(5);
    expect(nifty[0].futures).toBeGreaterThan(nifty[0].spot);
  });

  it('quotes on the tick with bid below ask, wider away from the money and nearer expiry', () => {
    const s = nifty[40];
    for (const e of s.expiries)
      for (const q of e.options) {
        if (q.bid !== undefined && q.ask !== undefined) expect(q.bid).toBeLessThan(q.ask);
        for (const p of [q.bid, q.ask, q.ltp])
          if (p !== undefined) expect(Math.abs(p / 0.05 - Math.round(p / 0.05))).toBeLessThan(1e-6);
      }
    const relSpread = (expiry: number, strikeOffset: number) => {
      const e = s.expiries[expiry];
      const atm = Math.round(s.spot / 50) * 50;
      const q = e.options.find(
        (o) => o.strike === atm + strikeOffset && o.right === (strikeOffset >= 0 ? 'CE' : 'PE'),
      )!;
      return (q.ask! - q.bid!) / markPrice(q)!;
    };
    expect(relSpread(0, 500)).toBeGreaterThan(relSpread(0, 0));
    expect(relSpread(0, -500)).toBeGreaterThan(relSpread(0, 0));
    expect(relSpread(0, 0)).toBeGreaterThan(relSpread(3, 0));
  });

  it('has a put skew and a term structure tied to the volatility index', () => {
    const s = nifty[0];
    const e = s.expiries[1];
    const iv = (k: number, r: 'CE' | 'PE') =>
      e.options.find((o) => o.strike === k && o.right === r)!.iv!;
    const atm = Math.round(s.spot / 50) * 50;
    expect(iv(atm - 500, 'PE')).toBeGreaterThan(iv(atm, 'CE'));
    expect(iv(atm - 500, 'PE')).toBeGreaterThan(iv(atm + 500, 'CE'));
    // Mid prices carry the quoted IVs (the chain is internally consistent).
    const p = expiryPricing(s, e.expiry);
    const q = e.options.find((o) => o.strike === atm && o.right === 'CE')!;
    expect(solveIv(true, s.spot, atm, p.t, p.rate, p.div, markPrice(q)!, false)).toBeCloseTo(
      q.iv!,
      2,
    );
  });

  it('accumulates volume through the day and keeps OI', () => {
    const first = nifty[0].expiries[0].options;
    const last = nifty.at(-1)!.expiries[0].options;
    const total = (o: typeof first) => o.reduce((a, q) => a + (q.volume ?? 0), 0);
    expect(total(first)).toBe(0);
    expect(total(last)).toBeGreaterThan(1000);
    expect(last.every((q) => (q.oi ?? 0) >= 0)).toBe(true);
  });

  it('moves like a market: spot steps of plausible size, jumps allowed', () => {
    const returns = nifty.slice(1).map((s, i) => Math.log(s.spot / nifty[i].spot));
    const sd = Math.sqrt(returns.reduce((a, r) => a + r * r, 0) / returns.length);
    const perDay = sd * Math.sqrt(75);
    expect(perDay).toBeGreaterThan(0.002);
    expect(perDay).toBeLessThan(0.03);
  });

  it('settles an expiry at intrinsic value at its expiry time', () => {
    const spy = day('SPY', 3, 1800);
    const last = spy.at(-1)!;
    expect(last.ts).toBe('2026-11-20T16:00:00-05:00');
    const zero = last.expiries.find((e) => e.expiry === '2026-11-20')!;
    for (const q of zero.options) {
      expect(q.bid).toBeUndefined();
      expect(q.ltp).toBeCloseTo(
        Math.max(0, q.right === 'CE' ? last.spot - q.strike : q.strike - last.spot),
        6,
      );
    }
  });

  it('prices Deribit options on the forward and lists daily, weekly and monthly expiries', () => {
    const btc = day('BTC', 1, 3600);
    expect(btc).toHaveLength(25);
    expect(btc[0].expiries[0].forward).toBeGreaterThan(0);
    expect(btc[0].ts).toBe('2026-11-20T00:00:00Z');
  });

  it('refuses a holiday, naming the next trading day', () => {
    expect(() => day('NIFTY', 1)).not.toThrow();
    expect(() => [
      ...simulateSession({ underlying: 'NIFTY', date: '2026-11-24', seed: 1 }),
    ]).toThrow(/2026-11-24 is not a trading day for NIFTY.*2026-11-25/);
  });

  it('runs several days as one market, skipping holidays, with spot carried overnight', () => {
    const days: ChainSnapshot[] = [
      ...simulateDays({
        underlying: 'NIFTY',
        from: '2026-11-20',
        to: '2026-11-25',
        seed: 4,
        intervalSeconds: 3600,
      }),
    ];
    const dates = [...new Set(days.map((s) => s.ts.slice(0, 10)))];
    expect(dates).toEqual(['2026-11-20', '2026-11-23', '2026-11-25']);
    const close20 = days.filter((s) => s.ts.startsWith('2026-11-20')).at(-1)!.spot;
    const open23 = days.find((s) => s.ts.startsWith('2026-11-23'))!.spot;
    expect(Math.abs(Math.log(open23 / close20))).toBeLessThan(0.05);
  });

  it('cannot be asked to go back in time', () => {
    const m = new SimulatedMarket({ underlying: 'NIFTY', seed: 1 });
    m.advanceTo(Date.parse('2026-11-20T10:00:00+05:30'));
    expect(() => m.advanceTo(Date.parse('2026-11-20T09:59:00+05:30'))).toThrow(
      /cannot go back in time/,
    );
  });
});

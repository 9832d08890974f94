// Portfolio risk adds up: the greeks of every group (an expiry, an underlying, a deployment, the
// whole portfolio) are the sums of its legs' greeks, each leg priced alone; the limits pause on
// exactly the crossing; the legs a running strategy holds become the positions the book values.
import { riskLeg } from '@/tests/support/contract-terms';
import { describe, expect, it } from 'vitest';
import { straddle, straddleDay } from '../backtest/golden-straddle.ts';
import { approximateMargin } from '../margin/approximation.ts';
import { runScenario } from '../runtime/scenario.ts';
import type { RiskBook, RiskLeg } from './book.ts';
import {
  assemblePortfolio,
  heldPositions,
  limitBreaches,
  NO_PORTFOLIO_LIMITS,
  portfolioRisk,
  type PortfolioEntry,
  type RiskFigures,
} from './portfolio.ts';
import { bookGreeks } from './scenario.ts';

const NIFTY = { spot: 24210, rate: 0.065, div: 0.012, model: 'black-scholes' as const };
const BANKNIFTY = { spot: 51800, rate: 0.065, div: 0.01, model: 'black-scholes' as const };

const leg = riskLeg;

// Deployment A: a NIFTY condor over two expiries with a futures hedge; B: a BANKNIFTY strangle
// and a NIFTY calendar leg, so NIFTY's expiry rows hold legs of both deployments.
const a: RiskBook = {
  asOf: '2026-08-18T12:00:00+05:30',
  currency: 'INR',
  markets: { NIFTY },
  legs: [
    leg({
      id: 'a.sc',
      instrument: 'option',
      right: 'CE',
      side: 'SELL',
      strike: 24500,
      entry: 41.5,
      iv: 0.098,
      mark: 38,
    }),
    leg({
      id: 'a.lc',
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      strike: 24700,
      entry: 12.2,
      iv: 0.101,
      mark: 11,
    }),
    leg({
      id: 'a.sp',
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      strike: 23900,
      entry: 52.3,
      iv: 0.117,
    }),
    leg({
      id: 'a.lp',
      instrument: 'option',
      right: 'PE',
      side: 'BUY',
      strike: 23700,
      entry: 21.8,
      iv: 0.125,
      mark: 20,
    }),
    leg({ id: 'a.fut', instrument: 'future', side: 'BUY', strike: 0, entry: 24290, iv: 0, t: 9 / 365, expiry: '2026-08-27', mark: 24300 }), // prettier-ignore
  ],
};
const b: RiskBook = {
  asOf: '2026-08-18T12:05:00+05:30',
  currency: 'INR',
  markets: { BANKNIFTY, NIFTY },
  legs: [
    leg({ id: 'b.sc', underlying: 'BANKNIFTY', instrument: 'option', right: 'CE', side: 'SELL', qty: 30, strike: 52500, entry: 180, iv: 0.13, expiry: '2026-08-26', t: 8 / 365, mark: 170 }), // prettier-ignore
    leg({ id: 'b.sp', underlying: 'BANKNIFTY', instrument: 'option', right: 'PE', side: 'SELL', qty: 30, strike: 51000, entry: 210, iv: 0.14, expiry: '2026-08-26', t: 8 / 365, mark: 230 }), // prettier-ignore
    leg({ id: 'b.cal', instrument: 'option', right: 'CE', side: 'BUY', qty: 130, strike: 24200, entry: 301, iv: 0.104, t: 21 / 365, expiry: '2026-09-08', mark: 310 }), // prettier-ignore
    leg({
      id: 'b.sp2',
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      strike: 24000,
      entry: 80,
      iv: 0.12,
      mark: 70,
    }),
  ],
};
const markets = { NIFTY, BANKNIFTY };

/** A leg's figures priced on its own: the reference every sum is checked against. */
function alone(l: RiskLeg) {
  const g = bookGreeks({ asOf: a.asOf, currency: 'INR', markets, legs: [l] });
  const sign = l.side === 'BUY' ? 1 : -1;
  return { ...g, mtm: l.mark !== undefined ? sign * l.qty * (l.mark - l.entry) : NaN };
}
const KEYS = ['delta', 'gamma', 'theta', 'vega', 'deltaCash'] as const;
function expectSum(got: RiskFigures, legs: RiskLeg[]) {
  for (const k of KEYS) {
    const want = legs.reduce((s, l) => s + alone(l)[k], 0);
    expect(got[k], k).toBeCloseTo(want, 6);
  }
  expect(got.legs).toBe(legs.length);
}

describe('portfolio risk', () => {
  const risk = portfolioRisk([a, b]);
  const all = [...a.legs, ...b.legs];

  it('the whole portfolio’s greeks are the sum of its legs’ greeks', () => {
    expectSum(risk.total, all);
    expect(risk.currency).toBe('INR');
    expect(risk.asOf).toBe(b.asOf);
  });

  it('per underlying and per expiry, each row is the sum of its own legs, and the rows add up to the total', () => {
    expect(risk.byUnderlying.map((u) => u.underlying)).toEqual(['BANKNIFTY', 'NIFTY']);
    for (const u of risk.byUnderlying) expectSum(u, all.filter((l) => l.underlying === u.underlying)); // prettier-ignore
    expect(risk.byExpiry.map((e) => `${e.underlying} ${e.expiry}`)).toEqual([
      'BANKNIFTY 2026-08-26',
      'NIFTY 2026-08-25',
      'NIFTY 2026-08-27',
      'NIFTY 2026-09-08',
    ]);
    for (const e of risk.byExpiry)
      expectSum(
        e,
        all.filter((l) => l.underlying === e.underlying && l.expiry === e.expiry),
      );
    for (const k of KEYS) {
      expect(risk.byUnderlying.reduce((s, u) => s + u[k], 0)).toBeCloseTo(risk.total[k], 6);
      expect(risk.byExpiry.reduce((s, e) => s + e[k], 0)).toBeCloseTo(risk.total[k], 6);
    }
    // The futures hedge carries delta 1 a unit times its carry to expiry, e^((r - q) t), and nothing else.
    const fut = risk.byExpiry.find((e) => e.expiry === '2026-08-27')!;
    expect(fut.gamma).toBe(0);
    expect(fut.vega).toBe(0);
    expect(fut.delta).toBeCloseTo(65 * Math.exp((NIFTY.rate - NIFTY.div) * (9 / 365)), 6);
  });

  it('two deployments’ portfolio is the sum of each deployment’s own', () => {
    const ra = portfolioRisk([a]).total;
    const rb = portfolioRisk([b]).total;
    for (const k of [...KEYS, 'mtm', 'margin'] as const)
      expect(risk.total[k]).toBeCloseTo(ra[k] + rb[k], 6);
  });

  it('marks to market at the marks, and at the model where a leg has none', () => {
    // By hand: short CE 24500 65 x (41.5 - 38) = 227.5; long CE 65 x (11 - 12.2) = -78; long PE
    // 65 x (20 - 21.8) = -117; futures 65 x (24300 - 24290) = 650.
    const aMarked = 227.5 - 78 - 117 + 650;
    const withoutSp = { ...a, legs: a.legs.filter((l) => l.id !== 'a.sp') };
    expect(portfolioRisk([withoutSp]).total.mtm).toBeCloseTo(aMarked, 6);
    // a.sp has no mark: it is valued by the model (its IV, 7 days), the same as a one-leg book.
    const sp = a.legs.find((l) => l.id === 'a.sp')!;
    const spModel = portfolioRisk([{ ...a, legs: [sp] }]).total.mtm;
    expect(portfolioRisk([a]).total.mtm).toBeCloseTo(aMarked + spModel, 6);
    expect(spModel).not.toBe(0);
  });

  it('margin used is the margin approximation of each deployment’s legs on each underlying, summed', () => {
    const m = (book: RiskBook, u: string) =>
      approximateMargin({ underlying: u, spot: markets[u as 'NIFTY'].spot, market: markets[u as 'NIFTY'], legs: book.legs.filter((l) => l.underlying === u) }).total; // prettier-ignore
    const nifty = risk.byUnderlying.find((u) => u.underlying === 'NIFTY')!;
    expect(nifty.margin).toBeCloseTo(m(a, 'NIFTY') + m(b, 'NIFTY'), 6);
    expect(risk.total.margin).toBeCloseTo(m(a, 'NIFTY') + m(b, 'NIFTY') + m(b, 'BANKNIFTY'), 6);
    expect(nifty.margin).toBeGreaterThan(0);
  });

  it('refuses to add books in two currencies', () => {
    expect(() => portfolioRisk([a, { ...b, currency: 'USD' }])).toThrow(/never converted/);
  });
});

describe('portfolio limits', () => {
  const figures = { deltaCash: -12_000, vega: 4_000 };
  it('are off when null and cross only beyond the limit', () => {
    expect(limitBreaches(figures, -50_000, NO_PORTFOLIO_LIMITS, 'INR')).toEqual([]);
    const at = { maxNetDelta: 12_000, maxVega: 4_000, maxDayLoss: 50_000 };
    expect(limitBreaches(figures, -50_000, at, 'INR')).toEqual([]);
    const over = limitBreaches(figures, -50_001, { maxNetDelta: 11_999, maxVega: 3_999, maxDayLoss: 50_000 }, 'INR'); // prettier-ignore
    expect(over.map((x) => x.limit)).toEqual(['maxNetDelta', 'maxVega', 'maxDayLoss']);
    expect(over[0].message).toBe('net delta -INR 12,000 per 1 % move is beyond the limit of ±INR 11,999'); // prettier-ignore
    expect(over[2].message).toBe("the day's net P&L -INR 50,001 is a loss beyond the limit of INR 50,000"); // prettier-ignore
  });
});

describe('a running strategy’s legs as positions', () => {
  it('every leg instance held, at its average entry and last price, and nothing once it is closed', async () => {
    const doc = straddle();
    const upTo = async (n: number) =>
      (await runScenario(doc.basket, straddleDay.slice(0, n).map((snapshot) => ({ kind: 'snapshot' as const, snapshot })))).state; // prettier-ignore
    const strategies = doc.basket.strategies.map((s) => ({ id: s.id, underlying: s.underlying }));
    const s = strategies[0].id;
    // 09:30: both legs sold at 09:20 (at the bid 100 and 80), last LTPs 120 and 70.
    const open = heldPositions('dep-1', strategies, await upTo(3));
    expect(open.map((p) => [p.right, p.side, p.strike, p.expiry, p.qty, p.entry, p.mark])).toEqual([
      ['CE', 'SELL', 24000, '2026-11-24', 65, 100, 120],
      ['PE', 'SELL', 24000, '2026-11-24', 65, 80, 70],
    ]);
    expect(open[0].id).toMatch(new RegExp(`^dep-1/${s}/`));
    // 09:41: the CE was stopped out at 09:40; only the PE is held.
    expect(heldPositions('dep-1', strategies, await upTo(5)).map((p) => p.right)).toEqual(['PE']);

    // The portfolio of that deployment: its one section, valued on the chain it last saw.
    const state = await upTo(3);
    const entry: PortfolioEntry = { id: 'dep-1', name: 'Straddle', mode: 'paper', status: 'running', tradingState: 'ACTIVE', strategies, state, snapshots: [straddleDay[2]], pnl: { net: -1950, day: -1950 } }; // prettier-ignore
    const [section] = assemblePortfolio([entry], { ...NO_PORTFOLIO_LIMITS, maxDayLoss: 1000 });
    expect(section.mode).toBe('paper');
    expect(section.currency).toBe('INR');
    expect(section.deployments[0].figures.legs).toBe(2);
    // Marks: short CE 65 x (100 - 120), short PE 65 x (80 - 70).
    expect(section.risk.total.mtm).toBeCloseTo(65 * -20 + 65 * 10, 6);
    expect(section.breaches.map((x) => x.limit)).toEqual(['maxDayLoss']);
    // Live is its own section: a paper loss never pauses live deployments.
    const live = assemblePortfolio([entry, { ...entry, id: 'dep-2', mode: 'live', pnl: { net: 0, day: 0 } }], { ...NO_PORTFOLIO_LIMITS, maxDayLoss: 1000 }); // prettier-ignore
    expect(live.map((x) => [x.mode, x.breaches.length])).toEqual([
      ['live', 0],
      ['paper', 1],
    ]);
  });
});

// The scenario matrix against the pricing layer itself: every cell is the sum of each leg
// repriced with the scalar pricer at the shocked spot, IV and time; greeks add up over legs.
import { riskLeg } from '@/tests/support/contract-terms';
import { describe, expect, it } from 'vitest';
import { greeks, intrinsic, type Greeks } from '../pricing/index.ts';
import { netGreeks, pnlToday } from '../payoff/payoff.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { bookFromPositions, mergeBooks, type RiskBook, type RiskLeg } from './book.ts';
import {
  STRESS_SCENARIOS,
  bookGreeks,
  daysToFirstExpiry,
  scenarioCell,
  scenarioMatrix,
  stressTest,
  symmetricSteps,
  type Shock,
} from './scenario.ts';

const NIFTY = { spot: 24210, rate: 0.065, div: 0.012, model: 'black-scholes' as const };
const BTC = { spot: 47500, rate: 0, div: 0, model: 'black-76' as const };

const leg = riskLeg;

// An iron condor with a calendar and a futures hedge: both rights, both sides, three expiries.
const niftyBook: RiskBook = {
  asOf: '2026-08-18T12:00:00+05:30',
  currency: 'INR',
  markets: { NIFTY },
  legs: [
    leg({
      id: 'sc',
      instrument: 'option',
      right: 'CE',
      side: 'SELL',
      strike: 24500,
      entry: 41.5,
      iv: 0.098,
    }),
    leg({
      id: 'lc',
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      strike: 24700,
      entry: 12.2,
      iv: 0.101,
    }),
    leg({
      id: 'sp',
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      strike: 23900,
      entry: 52.3,
      iv: 0.117,
    }),
    leg({
      id: 'lp',
      instrument: 'option',
      right: 'PE',
      side: 'BUY',
      strike: 23700,
      entry: 21.8,
      iv: 0.125,
    }),
    leg({
      id: 'cal',
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      strike: 24200,
      entry: 301,
      iv: 0.104,
      t: 21 / 365,
      expiry: '2026-09-08',
      qty: 130,
    }),
    leg({
      id: 'fut',
      instrument: 'future',
      side: 'SELL',
      strike: 0,
      entry: 24290,
      iv: 0,
      t: 9 / 365,
    }),
  ],
};

// Deribit prices on the forward (black-76) with a quoted forward above spot.
const btcBook: RiskBook = {
  asOf: '2021-02-11T18:40:00Z',
  currency: 'USD',
  markets: { BTC },
  legs: [
    {
      id: 'bc',
      underlying: 'BTC',
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      qty: 3,
      strike: 50000,
      entry: 2900,
      expiry: '2021-03-26',
      t: 42.5 / 365,
      iv: 0.82,
      forwardRatio: 1.012,
    },
    {
      id: 'sp',
      underlying: 'BTC',
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      qty: 2,
      strike: 44000,
      entry: 2100,
      expiry: '2021-02-26',
      t: 14.5 / 365,
      iv: 0.9,
      forwardRatio: 1.004,
    },
  ],
};

/** The forward over spot a leg sees with `t` years left, carried from the snapshot's ratio. */
function forwardOverSpot(l: RiskLeg, m: typeof NIFTY | typeof BTC, t: number): number {
  if (t <= 0) return 1;
  const carry = m.rate - m.div;
  return (l.forwardRatio ?? Math.exp(carry * l.t)) * Math.exp(carry * (t - l.t));
}

/** One leg repriced with the pricing layer's scalar API after a shock. */
function repriced(l: RiskLeg, m: typeof NIFTY | typeof BTC, x: Shock): Greeks & { value: number } {
  const s = m.spot * (1 + x.spotPct / 100);
  const t = Math.max(0, l.t - x.daysForward / 365);
  const f = forwardOverSpot(l, m, t);
  if (l.instrument === 'future')
    return { value: s * f, price: s * f, delta: f, gamma: 0, theta: 0, vega: 0, rho: 0 };
  if (t === 0) {
    const v = intrinsic(l.right, s, l.strike);
    return {
      ...greeks({ right: l.right, spot: s, strike: l.strike, t: 0, rate: m.rate, vol: 0.1 }),
      value: v,
    };
  }
  const black76 = m.model === 'black-76';
  const g = greeks({
    right: l.right,
    spot: black76 ? s * f : s,
    strike: l.strike,
    t,
    rate: m.rate,
    vol: Math.max(0.005, l.iv + x.ivPoints / 100),
    div: black76 ? 0 : m.div,
    model: m.model,
  });
  const chain = black76 ? f : 1;
  return { ...g, value: g.price, delta: g.delta * chain, gamma: g.gamma * chain * chain };
}

function expected(book: RiskBook, x: Shock) {
  let pnl = 0;
  const sum = { delta: 0, gamma: 0, theta: 0, vega: 0 };
  for (const l of book.legs) {
    const m = book.markets[l.underlying] as typeof NIFTY;
    const w = (l.side === 'BUY' ? 1 : -1) * l.qty;
    const r = repriced(l, m, x);
    pnl += w * (r.value - l.entry);
    sum.delta += w * r.delta;
    sum.gamma += w * r.gamma;
    sum.theta += w * r.theta;
    sum.vega += w * r.vega;
  }
  return { pnl, ...sum };
}

const close = (a: number, b: number, rel = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('scenario matrix', () => {
  const grid = {
    spotMovesPct: symmetricSteps(10, 41),
    ivShiftsPts: symmetricSteps(10, 21),
  };

  for (const [name, book] of [
    ['NIFTY condor + calendar + future (black-scholes)', niftyBook],
    ['BTC options on the forward (black-76)', btcBook],
  ] as const) {
    for (const daysForward of [0, 2, 8, 30]) {
      it(`${name}, ${daysForward} days forward: each of the 861 cells equals repricing every leg`, () => {
        const m = scenarioMatrix(book, { ...grid, daysForward });
        expect(m.pnl).toHaveLength(41 * 21);
        for (let i = 0; i < 41; i++)
          for (let j = 0; j < 21; j++) {
            const x = { spotPct: grid.spotMovesPct[i], ivPoints: grid.ivShiftsPts[j], daysForward };
            const e = expected(book, x);
            const k = i * 21 + j;
            close(m.pnl[k], e.pnl);
            close(m.delta[k], e.delta);
            close(m.gamma[k], e.gamma);
            close(m.theta[k], e.theta);
            close(m.vega[k], e.vega);
          }
      });
    }
  }

  it('marks the worst and best cells and P&L now, and a single cell prices like the grid', () => {
    const m = scenarioMatrix(niftyBook, { ...grid, daysForward: 2 });
    const all = [...m.pnl];
    expect(m.worst.pnl).toBe(Math.min(...all));
    expect(m.best.pnl).toBe(Math.max(...all));
    expect(m.pnl[m.worst.spot * 21 + m.worst.iv]).toBe(m.worst.pnl);
    close(m.now, expected(niftyBook, { spotPct: 0, ivPoints: 0, daysForward: 0 }).pnl);
    const cell = scenarioCell(niftyBook, { spotPct: -3.5, ivPoints: 4, daysForward: 2 });
    close(cell.pnl, m.pnl[13 * 21 + 14]);
    close(cell.change, cell.pnl - m.now);
  });

  it("agrees with the payoff panel's P&L and net greeks on a single-underlying book", () => {
    const legs = niftyBook.legs;
    for (const x of [
      { spotPct: -4, ivPoints: 3, daysForward: 1 },
      { spotPct: 2.5, ivPoints: -2, daysForward: 5 },
    ]) {
      close(scenarioCell(niftyBook, x).pnl, pnlToday(legs, NIFTY, NIFTY.spot, x));
      const g = scenarioCell(niftyBook, x).greeks;
      const p = netGreeks(legs, NIFTY, x);
      close(g.delta, p.delta);
      close(g.gamma, p.gamma);
      close(g.theta, p.theta);
      close(g.vega, p.vega);
    }
  });

  it('refuses grids and shocks that mean nothing, naming the fix', () => {
    expect(() =>
      scenarioMatrix(niftyBook, { spotMovesPct: [], ivShiftsPts: [0], daysForward: 0 }),
    ).toThrow(/1 to 10,000 cells/);
    expect(() =>
      scenarioMatrix(niftyBook, { spotMovesPct: [-100], ivShiftsPts: [0], daysForward: 0 }),
    ).toThrow(/above -100/);
    expect(() => scenarioCell(niftyBook, { spotPct: 0, ivPoints: 0, daysForward: -1 })).toThrow(
      /0 or more calendar days/,
    );
    const orphan = { ...niftyBook, markets: {} };
    expect(() => bookGreeks(orphan)).toThrow(/no NIFTY market/);
    expect(() => symmetricSteps(10, 40)).toThrow(/odd count/);
  });
});

describe('portfolio greeks', () => {
  it('equal the sum of the greeks of each leg', () => {
    const g = bookGreeks(niftyBook);
    const e = expected(niftyBook, { spotPct: 0, ivPoints: 0, daysForward: 0 });
    close(g.delta, e.delta);
    close(g.gamma, e.gamma);
    close(g.theta, e.theta);
    close(g.vega, e.vega);
    // Leg by leg: each one-leg book's greeks add up to the whole book's.
    const parts = niftyBook.legs.map((l) => bookGreeks({ ...niftyBook, legs: [l] }));
    for (const k of ['delta', 'gamma', 'theta', 'vega', 'deltaCash'] as const)
      close(
        g[k],
        parts.reduce((a, p) => a + p[k], 0),
      );
  });

  it('of merged books equal the sum of the books, and money delta adds across underlyings', () => {
    const usdNifty = { ...niftyBook, currency: 'USD' };
    const both = mergeBooks([usdNifty, btcBook]);
    const a = bookGreeks(usdNifty);
    const b = bookGreeks(btcBook);
    const g = bookGreeks(both);
    for (const k of ['delta', 'gamma', 'theta', 'vega', 'deltaCash'] as const)
      close(g[k], a[k] + b[k]);
    close(g.deltaCash, a.delta * NIFTY.spot * 0.01 + b.delta * BTC.spot * 0.01);
    expect(() => mergeBooks([niftyBook, btcBook])).toThrow(/INR and USD cannot be merged/);
  });
});

describe('stress scenarios', () => {
  it('price each named stress as its shock, the expiry ones at the first expiry', () => {
    const results = stressTest(niftyBook);
    expect(results.map((r) => r.scenario.id)).toEqual(STRESS_SCENARIOS.map((s) => s.id));
    const gap = results.find((r) => r.scenario.id === 'gap-down-5')!;
    expect(gap.shock).toEqual({ spotPct: -5, ivPoints: 8, daysForward: 0 });
    close(gap.pnl, expected(niftyBook, gap.shock).pnl);
    const crush = results.find((r) => r.scenario.id === 'expiry-crush')!;
    close(crush.shock.daysForward, 7);
    expect(daysToFirstExpiry(niftyBook)).toBeCloseTo(7, 12);
    // At the first expiry the short condor settles at intrinsic: spot 24210 is inside, all four expire worthless.
    const condorOnly = { ...niftyBook, legs: niftyBook.legs.slice(0, 4) };
    const settled = stressTest(condorOnly).find((r) => r.scenario.id === 'expiry-crush')!;
    close(settled.pnl, 65 * (41.5 - 12.2 + 52.3 - 21.8));
  });
});

describe('books from held positions', () => {
  const snapshot: ChainSnapshot = {
    ts: '2026-08-18T12:00:00+05:30',
    underlying: 'NIFTY',
    spot: 24210,
    expiries: [
      {
        expiry: '2026-08-25',
        options: [
          { strike: 24500, right: 'CE', bid: 41, ask: 42, iv: 0.098 },
          { strike: 23900, right: 'PE', ltp: 52.3 },
        ],
      },
    ],
  };

  it('reads IV and mark from the chain when the position has none, and says which legs it cannot value', () => {
    const r = bookFromPositions(
      [
        {
          id: 'a',
          underlying: 'NIFTY',
          expiry: '2026-08-25',
          instrument: 'option',
          right: 'CE',
          strike: 24500,
          side: 'SELL',
          qty: 65,
          entry: 40,
        },
        {
          id: 'b',
          underlying: 'NIFTY',
          expiry: '2026-08-25',
          instrument: 'option',
          right: 'PE',
          strike: 23900,
          side: 'SELL',
          qty: 65,
          entry: 50,
        },
        {
          id: 'c',
          underlying: 'NIFTY',
          expiry: '2026-08-25',
          instrument: 'option',
          right: 'PE',
          strike: 23000,
          side: 'BUY',
          qty: 65,
          entry: 5,
        },
        {
          id: 'd',
          underlying: 'BANKNIFTY',
          expiry: '2026-08-25',
          instrument: 'option',
          right: 'PE',
          strike: 52000,
          side: 'BUY',
          qty: 30,
          entry: 5,
        },
        {
          id: 'e',
          underlying: 'NIFTY',
          expiry: '2026-08-25',
          instrument: 'future',
          strike: null,
          right: null,
          side: 'BUY',
          qty: 65,
          entry: 24250,
        },
      ],
      [snapshot],
    );
    expect(r.skipped).toEqual([
      { id: 'c', why: 'NIFTY 2026-08-25 23000 PE has no IV in the chain and none was given' },
      { id: 'd', why: 'no BANKNIFTY chain snapshot to value it against' },
    ]);
    const [a, b, e] = r.book.legs;
    expect(a.iv).toBe(0.098);
    expect(a.mark).toBe(41.5);
    expect(b.mark).toBe(52.3);
    expect(b.iv).toBeGreaterThan(0.05); // solved from its LTP
    expect(a.t).toBeCloseTo((7 * 24 + 3.5) / 24 / 365, 10);
    expect(e.forwardRatio).toBeCloseTo(Math.exp((0.065 - 0.012) * a.t), 12);
    expect(r.book.markets.NIFTY).toEqual(NIFTY);
    // A leg repriced at its own IV with nothing moved is worth its mark (the IV came from it).
    const now = scenarioCell({ ...r.book, legs: [b] }, { spotPct: 0, ivPoints: 0, daysForward: 0 });
    close(now.pnl, -65 * (52.3 - 50), 1e-6);
  });
});

// Golden tests of the delta hedge on a hand-built path: every delta, hedge size, fill and P&L below
// is worked out by hand in the comments, and the runtime (step, risk gate, paper broker) must agree.
import { describe, expect, it } from 'vitest';
import { backtestDocument } from '../backtest/basket.ts';
import { indiaIndexOptions } from '../broker/costs/cost-model.ts';
import { parseDsl } from '../dsl/parse.ts';
import { at, basket, DAY, leg, snap, strategy } from './golden-fixtures.ts';
import { pnlOf } from './runtime.ts';
import { runScenario, type ScenarioOptions } from './scenario.ts';
import type { RuntimeEvent, RuntimeInput } from './types.ts';

/*
 * The market: NIFTY on Friday 2026-11-20, one expiry, Tuesday 2026-11-24 (the weekly and the
 * monthly: the last Tuesday of November). Only the 24300 CE and PE are listed, each quoted at one
 * price (bid = ask = LTP) with IV 20 %; the expiry's futures price is quoted and set equal to spot,
 * so a future's delta is F / U = 1 a unit. Rate and dividend yield are set to 0, so Black-Scholes
 * deltas are  call N(d1), put N(d1) - 1,  d1 = (ln(U / K) + σ² t / 2) / (σ √t).
 * t = minutes to 24 Nov 15:30 / (365 x 1440): at 09:21 it is 6129 / 525600 = 0.0116610.
 *
 * The strategy sells 5 lots (325 units) of each: net option delta D = -325 x (2 N(d1) - 1).
 *
 *   time   U      t          σ√t        ln(U/K)     d1        N(d1)     D
 *   09:21  24300  0.0116610  0.0215972   0          0.01080   0.50431    -2.80
 *   09:22  24400  0.0116591  0.0215954   0.0041068  0.20097   0.57964   -51.76
 *   09:23  24500  0.0116572  0.0215936   0.0081968  0.39039   0.65188   -98.72
 *   09:24  24600  0.0116553  0.0215918   0.0122701  0.57907   0.71873  -142.17
 *   09:25  24350  0.0116533  0.0215901   0.0020555  0.10600   0.54221   -27.44
 *   09:26  24100  0.0116514  0.0215883  -0.0082645 -0.37203   0.35494   +94.29
 *   09:27  24500  0.0116495  0.0215866   0.0081968  0.39051   0.65192   -98.75
 * (d1 = (ln(U/K) + 0.02 t) / σ√t; e.g. 09:22: (0.0041068 + 0.0002332) / 0.0215954 = 0.20097.)
 */
const q = (p: number) => ({ bid: p, ask: p, ltp: p, iv: 0.2 });
const s = (hhmm: string, spot: number, ce: number, pe: number, day = DAY) =>
  at(snap(hhmm, spot, { '24300CE': q(ce), '24300PE': q(pe) }, { forward: spot, day }));
const PATH: RuntimeInput[] = [
  s('09:20', 24300, 150, 150), // entry: SELL 325 CE and 325 PE at 150
  s('09:21', 24300, 150, 150),
  s('09:22', 24400, 210, 110),
  s('09:23', 24500, 280, 80),
  s('09:24', 24600, 355, 55),
  s('09:25', 24350, 180, 130),
  s('09:26', 24100, 75, 225),
  s('09:27', 24500, 280, 80),
  s('15:15', 24450, 200, 50), // exit time: CE bought back at 200, PE at 50, the hedge sold at 24450
];
const NO_CARRY = { rate: 0, dividendYield: 0 };

function hedged(h: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return basket(
    [
      strategy({
        legs: [leg('CE', { lots: 5 }), leg('PE', { instrument: 'option', right: 'PE', lots: 5 })],
        deltaHedge: { typeVersion: 1, ...h },
      }),
    ],
    over,
  );
}

const run = (b: ReturnType<typeof hedged>, inputs = PATH, o: ScenarioOptions = {}) =>
  runScenario(b, inputs, { settings: NO_CARRY, ...o });

const hedgeFills = (r: Awaited<ReturnType<typeof run>>) =>
  r.fills
    .filter((f) => f.intent.legId === 'deltaHedge')
    .map((f) => [f.ts.slice(11, 16), f.intent.side, f.qty, f.price, f.intent.reason, f.intent.closing]); // prettier-ignore

const ofType = (events: RuntimeEvent[], type: string) => events.filter((e) => e.type === type);
const hedgeTrades = (events: RuntimeEvent[]) =>
  ofType(events, 'TRADE')
    .filter((e) => e.data?.hedge === true)
    .map((e) => [e.ts.slice(11, 16), e.data!.side, e.data!.qty, e.data!.entryPrice, e.data!.exitPrice, e.data!.exitReason, e.data!.grossPnl]); // prettier-ignore

describe('delta hedge (golden, hand-computed)', () => {
  it('hedges with whole futures lots when the net delta leaves ±50, back to 0, and books each hedge trade at the average price', async () => {
    const r = await run(hedged({ band: 50 }));
    // 09:21 D = -2.80: inside. 09:22 D = -51.76 < -50: n = round(51.76 / 65) = round(0.796) = +1.
    // 09:23 D = -98.72 + 65 = -33.72: inside. 09:24 D = -142.17 + 65 = -77.17: n = round(1.187) = +1,
    // the hedge holds 130 at (24400 + 24600) / 2 = 24500. 09:25 D = -27.44 + 130 = +102.56:
    // n = round(-1.578) = -2, flat: a closing order. 09:26 D = +94.29: n = round(-1.4506) = -1.
    // 09:27 D = -98.75 - 65 = -163.75: n = round(2.519) = +3, through zero: an opening order.
    expect(hedgeFills(r)).toEqual([
      ['09:22', 'BUY', 65, 24400, 'HEDGE', false],
      ['09:24', 'BUY', 65, 24600, 'HEDGE', false],
      ['09:25', 'SELL', 130, 24350, 'HEDGE', true],
      ['09:26', 'SELL', 65, 24100, 'HEDGE', false],
      ['09:27', 'BUY', 195, 24500, 'HEDGE', false],
      ['15:15', 'SELL', 130, 24450, 'EXIT_TIME', true],
    ]);
    const hedges = ofType(r.events, 'HEDGE').map((e) => e.data!);
    const expected = [
      // [D before, lots, D after = D + lots x 65]
      [-51.76, 1, 13.24],
      [-77.17, 1, -12.17],
      [102.56, -2, -27.44],
      [94.29, -1, 29.29],
      [-163.75, 3, 31.25],
    ];
    expect(hedges.map((d) => d.lots)).toEqual(expected.map((x) => x[1]));
    hedges.forEach((d, i) => {
      expect(d.delta as number).toBeCloseTo(expected[i][0], 1);
      expect(d.deltaAfter as number).toBeCloseTo(expected[i][2], 1);
      expect(Math.abs(d.deltaAfter as number)).toBeLessThanOrEqual(50);
      expect(d.futuresDelta).toBe(1);
    });
    // Hedge trades: 130 long at 24500 closed at 24350: (24350 - 24500) x 130 = -19,500; 65 short
    // at 24100 bought back at 24500: (24100 - 24500) x 65 = -26,000; 130 long at 24500 sold at
    // exit for 24450: -6,500. Hedge gross -52,000.
    expect(hedgeTrades(r.events)).toEqual([
      ['09:25', 'BUY', 130, 24500, 24350, 'HEDGE', -19500],
      ['09:27', 'SELL', 65, 24100, 24500, 'HEDGE', -26000],
      ['15:15', 'BUY', 130, 24500, 24450, 'EXIT_TIME', -6500],
    ]);
    // Legs: CE (150 - 200) x 325 = -16,250; PE (150 - 50) x 325 = +32,500. In all: 16,250 - 52,000.
    expect(pnlOf(r.state).gross).toBe(-35750);
    const h = r.state.strategies.s1.legs.find((l) => l.legId === 'deltaHedge')!;
    expect([h.status, h.held, h.realizedPnl, h.origin, h.hedge]).toEqual(['CLOSED', 0, -52000, 'HEDGE', true]); // prettier-ignore
  });

  it('reports the hedge apart: its P&L and costs, its trades marked and left out of win rate', async () => {
    const doc = parseDsl({ dslVersion: 1, basket: hedged({ band: 50 }) });
    if (!doc.ok) throw new Error(JSON.stringify(doc.errors));
    const snaps = PATH.map((i) => (i.kind === 'snapshot' ? i.snapshot : null)!);
    const report = await backtestDocument(doc.value, snaps, { runtimeSettings: NO_CARRY });
    expect(report.hedge).toEqual({ grossPnl: -52000, costs: 0, netPnl: -52000, trades: 3, orders: 6 }); // prettier-ignore
    expect(report.summary).toMatchObject({ grossPnl: -35750, netPnl: -35750, trades: 2, winRate: 50 }); // prettier-ignore
    expect(report.trades.map((t) => [t.legId, t.grossPnl, t.hedge ?? false])).toEqual([
      ['deltaHedge', -19500, true],
      ['deltaHedge', -26000, true],
      ['CE', -16250, false],
      ['PE', 32500, false],
      ['deltaHedge', -6500, true],
    ]);
    expect(report.orders.filter((o) => o.reason === 'HEDGE')).toHaveLength(5);
    // Without the block, the report has no hedge account.
    const plain = parseDsl({ dslVersion: 1, basket: basket([strategy()]) });
    if (!plain.ok) throw new Error('fixture');
    expect((await backtestDocument(plain.value, snaps)).hedge).toBeUndefined();
  });

  it('rebalances every N minutes whatever the band, starting right after entry', async () => {
    const r = await run(hedged({ intervalMinutes: 2 }));
    // 09:21 (first evaluation): D = -2.80, n = 0, nothing to trade. 09:23: D = -98.72:
    // n = round(1.519) = +2. 09:25: D = -27.44 + 130 = +102.56: n = -2 (flat). 09:27: D = -98.75:
    // n = +2. 09:22, 09:24 and 09:26 are inside the 2-minute interval: no hedge there.
    expect(hedgeFills(r)).toEqual([
      ['09:23', 'BUY', 130, 24500, 'HEDGE', false],
      ['09:25', 'SELL', 130, 24350, 'HEDGE', true],
      ['09:27', 'BUY', 130, 24500, 'HEDGE', false],
      ['15:15', 'SELL', 130, 24450, 'EXIT_TIME', true],
    ]);
    expect(ofType(r.events, 'HEDGE_SKIPPED')).toEqual([]);
  });

  it('skips a hedge whose expected cost is above costLimitPct of the delta risk it removes', async () => {
    const costs = { typeVersion: 1, costModel: { type: 'india-index-options' } };
    const r = await run(hedged({ band: 50, costLimitPct: 3 }, { execution: costs }), PATH, {
      fillModel: { costModel: indiaIndexOptions },
    });
    // Buying 1 lot at 24400 (turnover 1,586,000): brokerage min(20, 0.03 %) = 20, exchange
    // 0.00183 % = 29.02, SEBI 1.59, stamp 0.002 % = 31.72, GST 18 % of 50.61 = 9.11: 91.44 against
    // R = 65 x 24400 / 100 = 15,860 (0.58 %): sent. 09:24 likewise (91.99 at 24600).
    // 09:25 SELL 2 lots at 24350 (3,165,500): 20 + STT 0.05 % 1,582.75 + 57.93 + 3.17 + GST 14.60
    // = 1,678.45 against R = 130 x 24350 / 100 = 31,655: 5.30 % > 3 %: skipped. 09:26 D = 94.29 +
    // 130 = 224.29: SELL 3 lots at 24100: 2,480.38 against 46,995 (5.28 %): skipped. 09:27 D =
    // -98.75 + 130 = 31.25: inside. The exit sells the 130 whatever it costs.
    expect(hedgeFills(r)).toEqual([
      ['09:22', 'BUY', 65, 24400, 'HEDGE', false],
      ['09:24', 'BUY', 65, 24600, 'HEDGE', false],
      ['15:15', 'SELL', 130, 24450, 'EXIT_TIME', true],
    ]);
    const skipped = ofType(r.events, 'HEDGE_SKIPPED');
    expect(skipped.map((e) => [e.ts.slice(11, 16), e.data!.expectedCost, e.data!.riskRemoved])).toEqual([
      ['09:25', 1678.45, 31655],
      ['09:26', 2480.38, 46995],
    ]); // prettier-ignore
    expect(skipped[0].message).toContain('5.3 % of the 31655 of delta risk it removes');
    expect(ofType(r.events, 'HEDGE').map((e) => e.data!.expectedCost)).toEqual([91.44, 91.99]);
    // Paid: 91.44 + 91.99 and the exit's sale of 130 at 24450 (3,178,500): 20 + 1,589.25 + 58.17 +
    // 3.18 + 14.64 = 1,685.24. The one hedge trade carries them all: 1,868.67.
    const fills = r.fills.filter((f) => f.intent.legId === 'deltaHedge').map((f) => f.costs);
    expect(fills).toEqual([91.44, 91.99, 1685.24]);
    const trade = ofType(r.events, 'TRADE').find((e) => e.data?.hedge === true)!;
    expect(trade.data!.costs as number).toBeCloseTo(1868.67, 6);
  });

  it('sends no trade below minTradeLots and never holds more than maxLots', async () => {
    const min = await run(hedged({ band: 50, minTradeLots: 2 }));
    // 09:22 needs 1 lot: skipped. 09:23 D = -98.72: 2 lots. 09:24 D = -142.17 + 130 = -12.17.
    // 09:25 D = -27.44 + 130 = +102.56: -2 (flat). 09:26 +94.29: 1 lot, skipped. 09:27 -98.75: +2.
    expect(hedgeFills(min).map((f) => [f[0], f[1], f[2]])).toEqual([
      ['09:23', 'BUY', 130],
      ['09:25', 'SELL', 130],
      ['09:27', 'BUY', 130],
      ['15:15', 'SELL', 130],
    ]);
    expect(ofType(min.events, 'HEDGE_SKIPPED').map((e) => e.ts.slice(11, 16))).toEqual(['09:22', '09:26']); // prettier-ignore
    const max = await run(hedged({ band: 50, maxLots: 1 }));
    // 09:22 +1 as before. 09:24 D = -142.17 + 65 = -77.17 wants +1, but +2 is cut to +1: no trade
    // (HEDGE_SKIPPED). 09:25 D = -27.44 + 65 = +37.56: inside. 09:26 D = 94.29 + 65 = +159.29:
    // n = round(-2.45) = -2, to -1. 09:27 D = -98.75 - 65 = -163.75: +3 to +2, cut to +1: BUY 2.
    expect(hedgeFills(max).map((f) => [f[0], f[1], f[2]])).toEqual([
      ['09:22', 'BUY', 65],
      ['09:26', 'SELL', 130],
      ['09:27', 'BUY', 130],
      ['15:15', 'SELL', 65],
    ]);
    const capped = ofType(max.events, 'HEDGE_SKIPPED');
    expect(capped.map((e) => e.ts.slice(11, 16))).toEqual(['09:24']);
    expect(capped[0].message).toContain('capped at maxLots 1');
  });

  it('only shrinks while trading is REDUCING, and a kill closes it with the legs', async () => {
    const pause: RuntimeInput = { kind: 'command', command: 'PAUSE', ts: `${DAY}T09:24:30+05:30` };
    const paused = await run(hedged({ band: 50 }), [...PATH.slice(0, 5), pause, ...PATH.slice(5)]);
    // Long 130 at the pause. 09:25 wants -2: allowed, it closes. 09:26 wants -1 from flat: cut to
    // 0 (HEDGE_SKIPPED). 09:27 wants +2 from flat: cut to 0, inside no band: skipped again.
    expect(hedgeFills(paused).map((f) => [f[0], f[1], f[2], f[5]])).toEqual([
      ['09:22', 'BUY', 65, false],
      ['09:24', 'BUY', 65, false],
      ['09:25', 'SELL', 130, true],
    ]);
    const skipped = ofType(paused.events, 'HEDGE_SKIPPED');
    expect(skipped[0].message).toContain('trading is REDUCING');

    const kill: RuntimeInput = { kind: 'command', command: 'KILL', ts: `${DAY}T09:24:30+05:30` };
    const killed = await run(hedged({ band: 50 }), [...PATH.slice(0, 5), kill, ...PATH.slice(5)]);
    expect(hedgeFills(killed).slice(-1)).toEqual([['09:24', 'SELL', 130, 24600, 'KILL', true]]);
    // The hedge bought at 24400 and 24600 (average 24500) and was sold at the last price seen,
    // 24600: (24600 - 24500) x 130 = +13,000.
    expect(hedgeTrades(killed.events)).toEqual([['09:24', 'BUY', 130, 24500, 24600, 'KILL', 13000]]); // prettier-ignore
    expect(killed.fills.filter((f) => f.intent.reason === 'KILL').map((f) => f.intent.legId)).toEqual(['CE', 'PE', 'deltaHedge']); // prettier-ignore
  });

  it('passes the risk gate: a hedge that would open one leg too many is denied, every time it is needed', async () => {
    const r = await run(hedged({ band: 50 }), PATH, { risk: { maxOpenLegs: 2 } });
    // CE and PE are the two open legs: the hedge's future would be a third. It is needed at 09:22
    // (+1), 09:23 (D = -98.72: +2), 09:24 (+2), 09:26 (-1) and 09:27 (+2); 09:25 is inside the band.
    const denied = ofType(r.events, 'ORDER_DENIED');
    expect(denied.map((e) => [e.ts.slice(11, 16), e.legId])).toEqual(
      ['09:22', '09:23', '09:24', '09:26', '09:27'].map((t) => [t, 'deltaHedge']),
    );
    expect(denied[0].message).toContain('2 legs are already open; the limit is 2 open legs');
    expect(hedgeFills(r)).toEqual([]);
    expect(r.state.strategies.s1.legs.find((l) => l.legId === 'deltaHedge')?.status).toBe('CANCELLED'); // prettier-ignore
  });

  it('closes when no leg but the hedge is held, whatever the band', async () => {
    const off = (legId: string): RuntimeInput => ({ kind: 'command', command: 'SQUARE_OFF', ts: `${DAY}T09:24:30+05:30`, strategyId: 's1', legId }); // prettier-ignore
    const r = await run(hedged({ band: 50 }), [...PATH.slice(0, 5), off('CE'), off('PE'), PATH[5]]);
    expect(hedgeFills(r).slice(-1)).toEqual([['09:25', 'SELL', 130, 24350, 'HEDGE', true]]);
    expect(ofType(r.events, 'HEDGE').slice(-1)[0].message).toContain('no leg of Test strategy is held any more'); // prettier-ignore
  });

  it('settles a future that expires while held at the spot', async () => {
    // The same path on expiry day, Tuesday 2026-11-24: t is minutes to 15:30 / 525600, so gamma is
    // far larger. 09:22: t = 368 / 525600 = 0.00070015, σ√t = 0.0052921, d1 = (0.0041068 +
    // 0.0000140) / 0.0052921 = 0.77867, N = 0.78191, D = -325 x 0.56382 = -183.24: n = round(2.819)
    // = +3 at 24400. 09:23: d1 = (0.0081968 + 0.0000140) / 0.0052849 = 1.55363, N = 0.93986,
    // D = -285.91 + 195 = -90.91: +1 at 24500. 09:24: d1 = (0.0122701 + 0.0000139) / 0.0052777 =
    // 2.32754, N = 0.99003, D = -318.52 + 260 = -58.52: +1 at 24600. The hedge holds 325 at
    // (24400 x 195 + 24500 x 65 + 24600 x 65) / 325 = 24460. At 15:30 the expiry settles: the
    // future at the spot 24450, (24450 - 24460) x 325 = -3,250.
    const day = '2026-11-24';
    const path = PATH.slice(0, 5).map((i) => {
      const x = i as Extract<RuntimeInput, { kind: 'snapshot' }>;
      return { ...x, snapshot: { ...x.snapshot, ts: x.snapshot.ts.replace(DAY, day) } };
    });
    const b = basket([
      strategy({
        exit: { time: '15:30' },
        legs: [leg('CE', { lots: 5 }), leg('PE', { instrument: 'option', right: 'PE', lots: 5 })],
        deltaHedge: { typeVersion: 1, band: 50 },
      }),
    ]);
    const r = await run(b, [...path, s('15:30', 24450, 150, 0.05, day)]);
    const settled = ofType(r.events, 'SETTLEMENT').find((e) => e.legId === 'deltaHedge')!;
    expect(hedgeFills(r).map((f) => [f[0], f[2], f[3]])).toEqual([
      ['09:22', 195, 24400],
      ['09:23', 65, 24500],
      ['09:24', 65, 24600],
    ]);
    expect(settled.data).toMatchObject({ side: 'BUY', qty: 325, price: 24450 });
    expect(hedgeTrades(r.events)).toEqual([['15:30', 'BUY', 325, 24460, 24450, 'SETTLEMENT', -3250]]); // prettier-ignore
  });
});

describe('delta hedge held overnight', () => {
  it('a positional strategy carries its hedge into the next session and squares it off on its exit day', async () => {
    // Thursday 26 Nov 2026, three trading days before the Tuesday 1 Dec expiry; exit on Monday.
    const EXP = '2026-12-01';
    const on = (day: string, hhmm: string, spot: number, ce: number, pe: number) =>
      at(snap(hhmm, spot, { '24300CE': q(ce), '24300PE': q(pe) }, { day, expiry: EXP, forward: spot })); // prettier-ignore
    const b = basket([
      strategy({
        entry: { time: '09:20' },
        exit: { time: '10:00' },
        positional: { typeVersion: 1, expiry: { kind: 'weekly', offset: 0 }, entryDaysBefore: 3, exitDaysBefore: 1 }, // prettier-ignore
        legs: [leg('CE', { lots: 5 }), leg('PE', { instrument: 'option', right: 'PE', lots: 5 })],
        deltaHedge: { typeVersion: 1, band: 50 },
      }),
    ]);
    const r = await run(b, [
      on('2026-11-26', '09:20', 24300, 150, 150),
      on('2026-11-26', '11:00', 24500, 250, 60), // short gamma: the straddle is short delta, bought back in futures
      on('2026-11-27', '09:15', 24500, 240, 55),
      on('2026-11-30', '10:00', 24450, 190, 40), // exit day, exit time
    ]);
    const fills = hedgeFills(r);
    expect(fills[0].slice(0, 2)).toEqual(['11:00', 'BUY']);
    expect(fills[fills.length - 1]).toEqual([
      '10:00',
      'SELL',
      fills[0][2],
      24450,
      'EXIT_TIME',
      true,
    ]);
    expect(ofType(r.events, 'CARRIED').map((e) => [e.ts.slice(0, 10), e.message.includes('deltaHedge')])).toEqual([
      ['2026-11-27', true],
      ['2026-11-30', true],
    ]); // prettier-ignore
    // Every rupee is a cash flow of a fill: the hedge's days booked to earlier sessions add up.
    let cash = 0;
    for (const f of r.fills) cash += (f.intent.side === 'SELL' ? 1 : -1) * f.price * f.qty;
    expect(pnlOf(r.state).gross).toBeCloseTo(cash, 6);
    expect(r.state.strategies.s1.legs.every((l) => l.held === 0)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { at, basket, leg, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const q = { '24300CE': 100, '24300PE': 100, '24350CE': 80, '24350PE': 130 };
const rule = (conditions: unknown, type = 'r') => ({ conditions, event: { type } });
const entryTimes = (r: Awaited<ReturnType<typeof runScenario>>) => [
  ...new Set(r.intents.filter((i) => !i.closing).map((i) => i.ts.slice(11, 16))),
];

describe('conditional entry through the rule engine', () => {
  for (const evaluator of ['compiled', 'json-rules-engine'] as const) {
    it(`(${evaluator}) the entry gate opens on the first snapshot where all entry rules fire`, async () => {
      const s = strategy({
        conditions: {
          typeVersion: 1,
          entry: [
            rule({ all: [{ fact: 'vix', operator: 'greaterThan', value: 14 }] }),
            rule({
              all: [{ fact: 'timeOfDay', operator: 'greaterThanInclusive', value: '09:25' }],
            }),
          ],
        },
      });
      const r = await runScenario(
        basket([s]),
        [
          at(snap('09:20', 24300, q, { vix: 15 })),
          at(snap('09:25', 24300, q, { vix: 13 })),
          at(snap('09:26', 24300, q, { vix: 14.5 })),
        ],
        { settings: { evaluator } },
      );
      expect(entryTimes(r)).toEqual(['09:26']);
      expect(r.events.find((e) => e.type === 'CONDITION')?.message).toMatch(
        /entry conditions met at 2026-11-20T09:26:00\+05:30.*vix=14.5, timeOfDay=566/,
      );
    });
  }

  it('a missing VIX fails the condition and the event says the fact is missing', async () => {
    const s = strategy({
      conditions: {
        typeVersion: 1,
        entry: [rule({ all: [{ fact: 'vix', operator: 'lessThan', value: 20 }] })],
      },
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24300, q))]);
    expect(r.intents).toEqual([]);
    expect(r.events.find((e) => e.type === 'ENTRY_WAIT')?.message).toMatch(/vix=missing/);
  });

  it('filters are checked once at entry time; a failed filter means no trade today even if it holds later', async () => {
    const s = strategy({
      conditions: {
        typeVersion: 1,
        filters: [rule({ all: [{ fact: 'vix', operator: 'between', value: [11, 18] }] })],
      },
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q, { vix: 19 })),
      at(snap('09:30', 24300, q, { vix: 15 })),
    ]);
    expect(r.intents).toEqual([]);
    expect(r.events.find((e) => e.type === 'FILTERED')?.message).toMatch(/did not fire \(vix=19\)/);
  });

  it('crossesAbove fires on the snapshot where spot moves through the level, not on the first evaluation', async () => {
    const s = strategy({
      conditions: {
        typeVersion: 1,
        entry: [rule({ all: [{ fact: 'spot', operator: 'crossesAbove', value: 24320 }] })],
      },
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24330, q)),
      at(snap('09:21', 24310, q)),
      at(snap('09:22', 24319, q)),
      at(snap('09:23', 24320, q)),
    ]);
    expect(entryTimes(r)).toEqual(['09:23']);
  });

  it('legPnl and strategyMtm facts drive an exit rule', async () => {
    const s = strategy({
      conditions: {
        typeVersion: 1,
        exit: [
          rule({
            any: [
              { fact: 'legPnl', params: { leg: 'CE' }, operator: 'lessThanInclusive', value: -650 },
            ],
          }),
        ],
      },
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q)),
      at(snap('09:30', 24300, { ...q, '24300CE': 109.95 })),
      at(snap('09:31', 24300, { ...q, '24300CE': 110 })),
    ]);
    expect(r.intents.filter((i) => i.closing).map((i) => [i.ts.slice(11, 16), i.reason])).toEqual([
      ['09:31', 'EXIT_CONDITION'],
      ['09:31', 'EXIT_CONDITION'],
    ]);
  });

  it('sizing by % of capital sets the multiplier; zero sets means no trade (SIZING_ZERO)', async () => {
    const sized = strategy({
      sizing: { typeVersion: 1, method: 'capitalPct', pct: 50, capitalPerSet: 200_000 },
      legs: [leg('CE')],
    });
    const r = await runScenario(basket([sized]), [at(snap('09:20', 24300, q))]);
    expect(r.intents.map((i) => [i.lots, i.qty])).toEqual([[2, 130]]); // floor(1,000,000 x 50 % / 200,000) = 2
    const zero = strategy({
      sizing: { typeVersion: 1, method: 'capitalPct', pct: 10, capitalPerSet: 200_000 },
      legs: [leg('CE')],
    });
    const z = await runScenario(basket([zero]), [at(snap('09:20', 24300, q))]);
    expect(z.intents).toEqual([]);
    expect(z.events.find((e) => e.type === 'SIZING_ZERO')?.message).toMatch(
      /floor\(1000000 x 10% \/ 200000\) = 0/,
    );
  });

  it('risk-per-trade sizing: floor(risk / loss at the stops per set)', async () => {
    // SELL CE at 100 with a 30-point stop: 30 x 65 = 1950 per set; 1 % of 1,000,000 = 10,000 -> 5 sets
    const s = strategy({
      sizing: { typeVersion: 1, method: 'riskPerTrade', riskPct: 1 },
      legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'points', value: 30 } })],
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24300, q))]);
    expect(r.intents[0].lots).toBe(5);
  });

  it('kelly sizing: f = W - (1 - W) / payoff; floor(deployable x fraction x f / capitalPerSet)', async () => {
    // f = 0.6 - 0.4 / 1.5 = 1/3; 1,000,000 x 0.5 x 1/3 / 100,000 = 1.67 -> 1
    const s = strategy({
      sizing: {
        typeVersion: 1,
        method: 'kelly',
        winRate: 0.6,
        payoff: 1.5,
        fraction: 0.5,
        capitalPerSet: 100_000,
      },
      legs: [leg('CE')],
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24300, q, { vix: 14 }))]);
    expect(r.intents.map((i) => i.lots)).toEqual([1]);
  });

  it('regime multipliers scale the multiplier and maxMultiplier caps it', async () => {
    // One session of history: VIX rank 50 (max = min), no HV yet -> regime neutral.
    const s = strategy({
      sizing: {
        typeVersion: 1,
        method: 'fixed',
        multiplier: 1,
        regimeMultipliers: { neutral: 3 },
        maxMultiplier: 2,
      },
      legs: [leg('CE')],
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24300, q, { vix: 14 }))]);
    expect(r.intents.map((i) => i.lots)).toEqual([2]);
    const uncapped = strategy({
      sizing: { typeVersion: 1, method: 'fixed', multiplier: 1, regimeMultipliers: { neutral: 3 } },
      legs: [leg('CE')],
    });
    expect(
      (
        await runScenario(basket([uncapped]), [at(snap('09:20', 24300, q, { vix: 14 }))])
      ).intents.map((i) => i.lots),
    ).toEqual([3]);
  });

  it('a FUT hedge leg is priced and ordered at its expiry forward', async () => {
    const s = strategy({
      legs: [
        leg('F', {
          instrument: 'future',
          side: 'BUY',
          strike: undefined,
          hedge: true,
          stopLoss: { typeVersion: 1, type: 'points', value: 50 },
        }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q, { forward: 24350 })),
      at(snap('09:30', 24250, q, { forward: 24300 })),
    ]);
    expect(r.intents.map((i) => [i.instrument, i.side, i.reason])).toEqual([
      ['future', 'BUY', 'ENTRY'],
      ['future', 'SELL', 'STOP_LOSS'],
    ]);
    expect(r.fills.map((f) => f.price)).toEqual([24350, 24300]);
  });
});

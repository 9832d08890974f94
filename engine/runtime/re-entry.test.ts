import { describe, expect, it } from 'vitest';
import { at, basket, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const sl = (type: string, value: number) => ({ typeVersion: 1, type, value });
const re = (type: string, count = 1) => ({ typeVersion: 1, type, count });
const orders = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.map((i) => [i.ts.slice(11, 16), i.legId, i.side, i.strike, i.reason]);
const chainAt = (ce300: number, ce350 = 80, extra: Record<string, number> = {}) => ({
  '24300CE': ce300,
  '24350CE': ce350,
  '24400CE': 60,
  '24250CE': 140,
  '24300PE': 100,
  ...extra,
});
const one = (over: Record<string, unknown>, s: Record<string, unknown> = {}) =>
  basket([strategy({ legs: [leg('CE', { stopLoss: sl('pct', 20), ...over })], ...s })]);

describe('leg re-entries and lazy legs', () => {
  it('ASAP re-entry re-selects the strike on the exit snapshot (spot moved: new ATM), same side, reason REENTRY', async () => {
    const r = await runScenario(one({ reEntryOnStopLoss: re('asap', 1) }), [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24345, chainAt(120, 90))),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'CE', 'SELL', 24300, 'ENTRY'],
      ['09:40', 'CE', 'BUY', 24300, 'STOP_LOSS'],
      ['09:40', 'CE', 'SELL', 24350, 'REENTRY'],
    ]);
  });

  it("the re-entry count is shared by the leg's instances: a second stop-loss with count 1 is not re-entered", async () => {
    const r = await runScenario(one({ reEntryOnStopLoss: re('asap', 1) }), [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24300, chainAt(120))),
      at(snap('09:50', 24300, chainAt(144))),
    ]);
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'STOP_LOSS', 'REENTRY', 'STOP_LOSS']);
    expect(r.events.find((e) => e.type === 'REENTRY_SKIPPED')?.message).toMatch(
      /all 1 re-entries after stop-loss used today/,
    );
  });

  it('ASAP reverse re-enters on the opposite side with levels for the new side', async () => {
    const r = await runScenario(one({ reEntryOnStopLoss: re('asapReverse', 1) }), [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24300, chainAt(120))),
      at(snap('09:50', 24300, chainAt(95.95))),
    ]);
    // BUY at 120 with a 20 % stop: 96; 95.95 stops it out.
    expect(orders(r)).toEqual([
      ['09:20', 'CE', 'SELL', 24300, 'ENTRY'],
      ['09:40', 'CE', 'BUY', 24300, 'STOP_LOSS'],
      ['09:40', 'CE', 'BUY', 24300, 'REENTRY'],
      ['09:50', 'CE', 'SELL', 24300, 'STOP_LOSS'],
    ]);
  });

  it('RE-COST fires when the premium comes back to the original entry price, not before', async () => {
    const r = await runScenario(one({ reEntryOnStopLoss: re('cost', 1) }), [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24320, chainAt(120, 90))), // stop; waits for P <= 100 on the same 24300 CE
      at(snap('09:50', 24310, chainAt(100.05))),
      at(snap('10:00', 24300, chainAt(100))),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'CE', 'SELL', 24300, 'ENTRY'],
      ['09:40', 'CE', 'BUY', 24300, 'STOP_LOSS'],
      ['10:00', 'CE', 'SELL', 24300, 'REENTRY'],
    ]);
    expect(r.events.find((e) => e.type === 'REENTRY' && /P <= 100/.test(e.message))).toBeTruthy();
  });

  it("momentum re-entry selects the strike now and waits for the leg's momentum from the new reference", async () => {
    const s = one({
      reEntryOnStopLoss: re('momentum', 1),
      momentum: { typeVersion: 1, type: 'points', direction: 'down', value: 10 },
    });
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(110))), // leg momentum: wait for 100
      at(snap('09:21', 24300, chainAt(100))), // enters at 100; stop 120
      at(snap('09:40', 24300, chainAt(120))), // stop; re-entry momentum reference 120 -> wait for 110
      at(snap('09:45', 24300, chainAt(111))),
      at(snap('09:50', 24300, chainAt(110))),
    ]);
    expect(orders(r).map((o) => [o[0], o[4]])).toEqual([
      ['09:21', 'ENTRY'],
      ['09:40', 'STOP_LOSS'],
      ['09:50', 'REENTRY'],
    ]);
  });

  it('a lazy link opens the lazy leg on the stop-loss instead of re-entering', async () => {
    const s = basket([
      strategy({
        legs: [
          leg('CE', {
            stopLoss: sl('pct', 20),
            reEntryOnStopLoss: { typeVersion: 1, type: 'lazy', leg: 'hedge' },
          }),
          leg('hedge', {
            instrument: 'option',
            right: 'CE',
            side: 'BUY',
            lazy: true,
            strike: { typeVersion: 1, type: 'otm', steps: 2 },
          }),
        ],
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24300, chainAt(120))),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'CE', 'SELL', 24300, 'ENTRY'],
      ['09:40', 'CE', 'BUY', 24300, 'STOP_LOSS'],
      ['09:40', 'hedge', 'BUY', 24400, 'REENTRY'],
    ]);
    expect(r.events.find((e) => e.type === 'LAZY_LEG')?.message).toMatch(
      /CE exited on its stop-loss: opening lazy leg hedge/,
    );
  });

  it('no re-entry at or after noReEntryAfter', async () => {
    const r = await runScenario(
      one({ reEntryOnStopLoss: re('asap', 3) }, { noReEntryAfter: '09:40' }),
      [at(snap('09:20', 24300, chainAt(100))), at(snap('09:40', 24300, chainAt(120)))],
    );
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'STOP_LOSS']);
    expect(r.events.find((e) => e.type === 'REENTRY_SKIPPED')?.message).toMatch(
      /at 09:40, not before noReEntryAfter 09:40/,
    );
  });

  it('re-entry on target (ASAP) after a target exit', async () => {
    const r = await runScenario(
      one({ stopLoss: undefined, target: sl('points', 30), reEntryOnTarget: re('asap', 1) }),
      [at(snap('09:20', 24300, chainAt(100))), at(snap('09:40', 24300, chainAt(70)))],
    );
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'TARGET', 'REENTRY']);
  });

  it('strategy re-entry (ASAP) after the overall stop-loss starts a new cycle once the exits filled; count 1', async () => {
    const s = basket([
      strategy({
        stopLoss: { typeVersion: 1, type: 'mtm', value: 1300 },
        reEntryOnStopLoss: re('asap', 1),
        legs: [leg('CE')],
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:40', 24300, chainAt(120))),
      at(snap('10:00', 24300, chainAt(140))),
    ]);
    expect(orders(r).map((o) => [o[0], o[4]])).toEqual([
      ['09:20', 'ENTRY'],
      ['09:40', 'STRATEGY_STOP'],
      ['09:40', 'REENTRY'],
      ['10:00', 'STRATEGY_STOP'],
    ]);
    expect(r.state.strategies.s1.cycles).toBe(2);
    // Cycle 2 is measured from its own entry: sold 120, bought 140 = -20 x 65 = -1300.
    expect(r.state.strategies.s1.legs.map((l) => l.realizedPnl)).toEqual([-20 * LOT, -20 * LOT]);
  });
});

describe('momentum and range breakout entries', () => {
  it('leg momentum (wait and trade): a SELL enters only after its premium rises 10 % from the entry-time premium', async () => {
    const r = await runScenario(
      one({ momentum: { typeVersion: 1, type: 'pct', direction: 'up', value: 10 } }),
      [
        at(snap('09:20', 24300, chainAt(100))),
        at(snap('09:30', 24300, chainAt(109.95))),
        at(snap('09:31', 24300, chainAt(110))),
      ],
    );
    expect(orders(r)).toEqual([['09:31', 'CE', 'SELL', 24300, 'ENTRY']]);
    expect(r.events.find((e) => e.type === 'MOMENTUM_ARMED')?.message).toMatch(
      /move up from 100 to 110/,
    );
  });

  it('overall momentum on the underlying: enters every leg when spot falls 50 points from the entry-time spot', async () => {
    const s = basket([
      strategy({
        momentum: { typeVersion: 1, type: 'underlyingPoints', direction: 'down', value: 50 },
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:30', 24251, chainAt(90))),
      at(snap('09:31', 24250, chainAt(88))),
    ]);
    expect(orders(r).map((o) => [o[0], o[1], o[3]])).toEqual([
      ['09:31', 'CE', 24300],
      ['09:31', 'PE', 24300],
    ]);
  });

  it("overall momentum on premium: the sum of the selected strikes' premiums must rise 10 %", async () => {
    const s = basket([
      strategy({ momentum: { typeVersion: 1, type: 'pct', direction: 'up', value: 10 } }),
    ]);
    // CE 100 + PE 100 = 200 -> wait for 220
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:30', 24300, chainAt(119.95))),
      at(snap('09:31', 24300, chainAt(120))),
    ]);
    expect(orders(r).map((o) => [o[0], o[1]])).toEqual([
      ['09:31', 'CE'],
      ['09:31', 'PE'],
    ]);
    expect(r.events.find((e) => e.type === 'MOMENTUM_ARMED')?.message).toMatch(
      /combined premium of 24300CE \+ 24300PE to move up from 200 to 220/,
    );
  });

  it('overall momentum of a momentum leg: the leg starts its own wait when the strategy trigger fires', async () => {
    const s = basket([
      strategy({
        momentum: { typeVersion: 1, type: 'underlyingPoints', direction: 'up', value: 20 },
        legs: [
          leg('CE', { momentum: { typeVersion: 1, type: 'points', direction: 'up', value: 5 } }),
        ],
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:30', 24320, chainAt(110))),
      at(snap('09:31', 24320, chainAt(114.95))),
      at(snap('09:32', 24320, chainAt(115))),
    ]);
    expect(orders(r)).toEqual([['09:32', 'CE', 'SELL', 24300, 'ENTRY']]);
  });

  it('range breakout on the underlying: records 09:20-09:30, enters on the first spot strictly above the high', async () => {
    const s = basket([
      strategy({
        rangeBreakout: {
          typeVersion: 1,
          start: '09:20',
          end: '09:30',
          side: 'high',
          on: 'underlying',
        },
      }),
    ]);
    const c = chainAt(100, 80, { '24350PE': 120 });
    const r = await runScenario(s, [
      at(snap('09:20', 24300, c)),
      at(snap('09:25', 24340, c)),
      at(snap('09:29', 24280, c)),
      at(snap('09:30', 24340, c)), // equal to the high: not a breakout
      at(snap('09:35', 24341, c)),
    ]);
    expect(orders(r).map((o) => [o[0], o[1], o[3]])).toEqual([
      ['09:35', 'CE', 24350],
      ['09:35', 'PE', 24350],
    ]);
    expect(r.events.find((e) => e.type === 'RANGE_BREAKOUT')?.message).toMatch(
      /underlying 24341 > high 24340/,
    );
  });

  it('range breakout on the strike: each leg enters on its own premium breaking below its range low', async () => {
    const s = basket([
      strategy({
        rangeBreakout: { typeVersion: 1, start: '09:20', end: '09:30', side: 'low', on: 'strike' },
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100, 80, { '24300PE': 100 }))),
      at(snap('09:25', 24300, chainAt(96, 80, { '24300PE': 98 }))),
      at(snap('09:31', 24300, chainAt(95.95, 80, { '24300PE': 99 }))),
      at(snap('09:32', 24300, chainAt(97, 80, { '24300PE': 97.95 }))),
    ]);
    expect(orders(r).map((o) => [o[0], o[1]])).toEqual([
      ['09:31', 'CE'],
      ['09:32', 'PE'],
    ]);
  });

  it('no snapshot inside the range window: no trade today (RANGE_EMPTY)', async () => {
    const s = basket([
      strategy({
        rangeBreakout: {
          typeVersion: 1,
          start: '09:30',
          end: '09:40',
          side: 'high',
          on: 'underlying',
        },
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, chainAt(100))),
      at(snap('09:45', 24400, chainAt(100))),
    ]);
    expect(r.intents).toEqual([]);
    expect(r.events.some((e) => e.type === 'RANGE_EMPTY')).toBe(true);
  });
});

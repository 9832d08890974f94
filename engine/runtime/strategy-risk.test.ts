import { describe, expect, it } from 'vitest';
import { at, basket, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const q = (ce: number, pe: number) => ({
  '24300CE': ce,
  '24300PE': pe,
  '24350CE': 80,
  '24250PE': 75,
});
const exitsOf = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.filter((i) => i.closing).map((i) => [i.ts.slice(11, 16), i.legId, i.reason]);
// Short straddle sold at 100 + 100 with one lot (65 units): MTM = (200 - CE - PE) x 65.
const mtmAt = (ce: number, pe: number) => (200 - ce - pe) * LOT;

describe('strategy MTM stop, target, lock, lock-and-trail, overall trailing', () => {
  it('overall MTM stop-loss: exits every leg when cycle MTM <= -value', async () => {
    const s = strategy({ stopLoss: { typeVersion: 1, type: 'mtm', value: 1950 } }); // 30 points x 65
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(125, 104.95))),
      at(snap('09:31', 24300, q(125, 105))),
    ]);
    expect(mtmAt(125, 105)).toBe(-1950);
    expect(exitsOf(r)).toEqual([
      ['09:31', 'CE', 'STRATEGY_STOP'],
      ['09:31', 'PE', 'STRATEGY_STOP'],
    ]);
    expect(r.events.find((e) => e.type === 'STRATEGY_STOP')?.message).toMatch(
      /cycle MTM -1950 <= -1950 \(overall stopLoss mtm 1950\)/,
    );
  });

  it('overall target as % of the premium collected: 25 % of 200 x 65', async () => {
    const s = strategy({ target: { typeVersion: 1, type: 'premiumPct', value: 25 } });
    // base = 13000; target = 3250 = 50 points
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('10:00', 24300, q(80, 70.05))),
      at(snap('10:01', 24300, q(80, 70))),
    ]);
    expect(exitsOf(r)).toEqual([
      ['10:01', 'CE', 'STRATEGY_TARGET'],
      ['10:01', 'PE', 'STRATEGY_TARGET'],
    ]);
  });

  it('lock: once MTM reaches 2600 it exits when MTM falls back to 1300, not before reaching', async () => {
    const s = strategy({ lock: { typeVersion: 1, reachProfit: 2600, lockProfit: 1300 } });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(90, 90))), // +1300 before reaching: no exit
      at(snap('09:40', 24300, q(80, 80))), // +2600: locked
      at(snap('09:50', 24300, q(90, 90.05))), // 1296.75 <= 1300: exit
    ]);
    expect(r.events.find((e) => e.type === 'LOCK')?.message).toMatch(
      /MTM 2600 reached 2600: profit locked at 1300/,
    );
    expect(exitsOf(r)).toEqual([
      ['09:50', 'CE', 'STRATEGY_STOP'],
      ['09:50', 'PE', 'STRATEGY_STOP'],
    ]);
  });

  it('lock-and-trail: floor = lock + floor((peak - reach) / every) x trailBy', async () => {
    const s = strategy({
      lockAndTrail: {
        typeVersion: 1,
        reachProfit: 1300,
        lockProfit: 650,
        everyIncrease: 650,
        trailBy: 325,
      },
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(90, 90))), // peak 1300 -> floor 650
      at(snap('09:40', 24300, q(80, 80))), // peak 2600 -> 2 steps -> floor 1300
      at(snap('09:50', 24300, q(85, 85))), // 1950 > 1300: hold
      at(snap('09:55', 24300, q(90, 90))), // 1300 <= 1300: exit
    ]);
    expect(r.events.filter((e) => e.type === 'LOCK_TRAIL').map((e) => e.data?.floor)).toEqual([
      650, 1300,
    ]);
    expect(exitsOf(r).map((x) => x[0])).toEqual(['09:55', '09:55']);
    expect(r.state.strategies.s1.legs.reduce((a, l) => a + l.realizedPnl, 0)).toBe(1300);
  });

  it('overall trailing stop moves the MTM stop up by 650 for every 1300 of peak MTM', async () => {
    const s = strategy({
      stopLoss: { typeVersion: 1, type: 'mtm', value: 1300 },
      trailingStop: { typeVersion: 1, every: 1300, by: 650 },
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(80, 80))), // peak 2600 -> 2 steps -> stop -1300 + 1300 = 0
      at(snap('09:40', 24300, q(95, 100))), // 325 > 0: hold
      at(snap('09:50', 24300, q(100, 100))), // 0 <= 0: exit
    ]);
    expect(r.events.find((e) => e.type === 'OVERALL_TRAIL')?.data?.stop).toBe(0);
    expect(exitsOf(r)).toEqual([
      ['09:50', 'CE', 'STRATEGY_STOP'],
      ['09:50', 'PE', 'STRATEGY_STOP'],
    ]);
  });

  it('an exit condition squares off and the strategy does not re-enter that day', async () => {
    const rule = {
      conditions: {
        all: [{ fact: 'spotChangePct', operator: 'greaterThanInclusive', value: 0.5 }],
      },
      event: { type: 'spot-up' },
    };
    const s = strategy({
      conditions: { typeVersion: 1, exit: [rule] },
      reEntryOnStopLoss: undefined,
    });
    // open 24300 (first snapshot of the session); +0.5 % = 24421.5
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('10:00', 24421, q(150, 60))),
      at(snap('10:01', 24422, q(150, 60))),
      at(snap('10:30', 24300, q(100, 100))),
    ]);
    expect(exitsOf(r)).toEqual([
      ['10:01', 'CE', 'EXIT_CONDITION'],
      ['10:01', 'PE', 'EXIT_CONDITION'],
    ]);
    expect(r.events.find((e) => e.type === 'EXIT_CONDITION')?.message).toMatch(
      /spotChangePct=0.5021/,
    );
    expect(r.intents).toHaveLength(4);
  });

  it('stopMonitoringAfter: no stop is checked afterwards and the legs stay until exit time', async () => {
    const s = strategy({
      stopMonitoringAfter: '12:00',
      legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 30 } })],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('12:00', 24300, q(150, 100))),
      at(snap('15:15', 24300, q(150, 100))),
    ]);
    expect(r.events.some((e) => e.type === 'MONITORING_STOPPED')).toBe(true);
    expect(exitsOf(r)).toEqual([['15:15', 'CE', 'EXIT_TIME']]);
  });
});

import { describe, expect, it } from 'vitest';
import { at, basket, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const sl = (type: string, value: number) => ({ typeVersion: 1, type, value });
const q = (ce: number, pe = 100) => ({
  '24300CE': ce,
  '24300PE': pe,
  '24250CE': 140,
  '24350PE': 130,
});
const exitsOf = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.filter((i) => i.closing).map((i) => [i.ts.slice(11, 16), i.legId, i.side, i.reason]);

describe('leg stop-loss, target and trailing stop', () => {
  it('short straddle: the CE hits its 30 % stop (P 130 on entry 100) and only the CE is squared off (partial)', async () => {
    const s = strategy({
      legs: [
        leg('CE', { stopLoss: sl('pct', 30) }),
        leg('PE', { instrument: 'option', right: 'PE', stopLoss: sl('pct', 30) }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(129.95, 90))),
      at(snap('09:31', 24300, q(130, 85))),
    ]);
    expect(exitsOf(r)).toEqual([['09:31', 'CE', 'BUY', 'STOP_LOSS']]);
    const ce = r.state.strategies.s1.legs.find((l) => l.legId === 'CE')!;
    expect(ce.realizedPnl).toBe(-30 * LOT);
    expect(r.state.strategies.s1.legs.find((l) => l.legId === 'PE')!.status).toBe('OPEN');
    expect(r.events.find((e) => e.type === 'STOP_LOSS')?.message).toMatch(
      /P 130 >= stop 130 \(stopLoss pct 30, entry 100\)/,
    );
  });

  it('complete square-off: the CE stop closes the PE too (reason SQUARE_OFF) and the strategy is done for the day', async () => {
    const s = strategy({
      squareOff: 'complete',
      legs: [
        leg('CE', { stopLoss: sl('points', 20) }),
        leg('PE', { instrument: 'option', right: 'PE' }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:31', 24300, q(120, 90))),
      at(snap('09:40', 24300, q(100, 100))),
    ]);
    expect(exitsOf(r)).toEqual([
      ['09:31', 'CE', 'BUY', 'STOP_LOSS'],
      ['09:31', 'PE', 'BUY', 'SQUARE_OFF'],
    ]);
    expect(r.state.strategies.s1.status).toBe('EXITED');
    expect(r.intents).toHaveLength(4);
  });

  it('a BUY leg target in points: P >= E + value', async () => {
    const s = strategy({ legs: [leg('CE', { side: 'BUY', target: sl('points', 25) })] });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:25', 24300, q(124.95))),
      at(snap('09:26', 24300, q(125.5))),
    ]);
    expect(exitsOf(r)).toEqual([['09:26', 'CE', 'SELL', 'TARGET']]);
    expect(r.state.strategies.s1.legs[0].realizedPnl).toBeCloseTo(25.5 * LOT, 6);
  });

  it('an absolute premium target on a SELL: exit when P <= level', async () => {
    const s = strategy({ legs: [leg('CE', { target: sl('premium', 60) })] });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('10:00', 24300, q(61))),
      at(snap('10:01', 24300, q(60))),
    ]);
    expect(exitsOf(r)).toEqual([['10:01', 'CE', 'BUY', 'TARGET']]);
  });

  it('an underlying-points stop on a short call triggers when spot rises by the value from U0', async () => {
    const s = strategy({ legs: [leg('CE', { stopLoss: sl('underlyingPoints', 50) })] });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:40', 24349, q(120))),
      at(snap('09:41', 24350, q(125))),
    ]);
    expect(exitsOf(r)).toEqual([['09:41', 'CE', 'BUY', 'STOP_LOSS']]);
    expect(r.events.find((e) => e.type === 'STOP_LOSS')?.message).toMatch(
      /underlying 24350 >= stop 24350/,
    );
  });

  it('an underlying-% target on a short put (long delta) triggers when spot rises by the %', async () => {
    const s = strategy({
      legs: [leg('PE', { instrument: 'option', right: 'PE', target: sl('underlyingPct', 0.5) })],
    });
    // 24300 x 1.005 = 24421.5
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:40', 24421, q(100, 60))),
      at(snap('09:41', 24422, q(100, 58))),
    ]);
    expect(exitsOf(r)).toEqual([['09:41', 'PE', 'BUY', 'TARGET']]);
  });

  it('when stop-loss and target trigger on the same snapshot the stop-loss wins', async () => {
    const s = strategy({
      legs: [leg('CE', { stopLoss: sl('underlyingPoints', 50), target: sl('points', 30) })],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:41', 24360, q(60))),
    ]);
    expect(exitsOf(r)).toEqual([['09:41', 'CE', 'BUY', 'STOP_LOSS']]);
  });

  it('trailing stop: for every 10 points in favour the stop of a short moves 5 lower, and the exit is TRAILING_STOP', async () => {
    const s = strategy({
      legs: [
        leg('CE', {
          stopLoss: sl('points', 20),
          trailingStop: { typeVersion: 1, unit: 'points', every: 10, by: 5 },
        }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))), // stop 120
      at(snap('09:30', 24300, q(91))), // 9 in favour: no move
      at(snap('09:31', 24300, q(90))), // 10: stop 115
      at(snap('09:32', 24300, q(79))), // 21: 2 steps, stop 110
      at(snap('09:33', 24300, q(109.95))), // below 110: holds
      at(snap('09:34', 24300, q(110))),
    ]);
    expect(r.events.filter((e) => e.type === 'TRAILING_MOVED').map((e) => e.data?.stop)).toEqual([
      115, 110,
    ]);
    expect(exitsOf(r)).toEqual([['09:34', 'CE', 'BUY', 'TRAILING_STOP']]);
    expect(r.state.strategies.s1.legs[0].realizedPnl).toBe(-10 * LOT);
  });

  it('trailing stop in %: a BUY at 200 with a 10 % stop trails 5 % for every 10 % gain', async () => {
    const s = strategy({
      legs: [
        leg('CE', {
          side: 'BUY',
          stopLoss: sl('pct', 10),
          trailingStop: { typeVersion: 1, unit: 'pct', every: 10, by: 5 },
        }),
      ],
    });
    // stop 180; P 240 = +20 % -> 2 steps x 10 = stop 200; P 200 exits at break-even
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(200))),
      at(snap('09:30', 24300, q(240))),
      at(snap('09:40', 24300, q(200))),
    ]);
    expect(r.events.filter((e) => e.type === 'TRAILING_MOVED').map((e) => e.data?.stop)).toEqual([
      200,
    ]);
    expect(exitsOf(r)).toEqual([['09:40', 'CE', 'SELL', 'TRAILING_STOP']]);
    expect(r.state.strategies.s1.legs[0].realizedPnl).toBe(0);
  });

  it("trailing an underlying stop: a short call's stop follows the spot down 10 for every 20 in favour", async () => {
    const s = strategy({
      legs: [
        leg('CE', {
          stopLoss: sl('underlyingPoints', 50),
          trailingStop: { typeVersion: 1, unit: 'points', every: 20, by: 10 },
        }),
      ],
    });
    // U0 24300 -> stop 24350; spot 24260 = 40 in favour -> 2 steps -> stop 24330; 24330 exits.
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24260, q(80))),
      at(snap('09:40', 24329, q(95))),
      at(snap('09:41', 24330, q(96))),
    ]);
    expect(r.events.filter((e) => e.type === 'TRAILING_MOVED').map((e) => e.data?.stop)).toEqual([
      24330,
    ]);
    expect(exitsOf(r)).toEqual([['09:41', 'CE', 'BUY', 'TRAILING_STOP']]);
  });

  it('trail to break-even (all legs): the CE stop moves the PE stop to its entry price', async () => {
    const s = strategy({
      trailToBreakEven: { typeVersion: 1, scope: 'allLegs' },
      legs: [
        leg('CE', { stopLoss: sl('pct', 30) }),
        leg('PE', { instrument: 'option', right: 'PE' }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(130, 70))),
      at(snap('09:40', 24300, q(130, 99))),
      at(snap('09:41', 24300, q(130, 100))),
    ]);
    expect(r.events.find((e) => e.type === 'BREAKEVEN')?.message).toMatch(
      /PE's stop moves to its entry price 100/,
    );
    expect(exitsOf(r)).toEqual([
      ['09:30', 'CE', 'BUY', 'STOP_LOSS'],
      ['09:41', 'PE', 'BUY', 'STOP_LOSS'],
    ]);
  });

  it('trail to break-even (SL legs only) leaves a leg without a stop-loss alone', async () => {
    const s = strategy({
      trailToBreakEven: { typeVersion: 1, scope: 'slLegs' },
      legs: [
        leg('CE', { stopLoss: sl('pct', 30) }),
        leg('PE', { instrument: 'option', right: 'PE' }),
      ],
    });
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100, 100))),
      at(snap('09:30', 24300, q(130, 70))),
      at(snap('09:41', 24300, q(130, 100))),
    ]);
    expect(r.events.some((e) => e.type === 'BREAKEVEN')).toBe(false);
    expect(exitsOf(r)).toEqual([['09:30', 'CE', 'BUY', 'STOP_LOSS']]);
  });

  it('a leg with no quote holds and says so once; its stop is evaluated again when it is quoted', async () => {
    const s = strategy({ legs: [leg('CE', { stopLoss: sl('pct', 30) })] });
    const missing = { '24300PE': 100, '24300CE': null };
    const r = await runScenario(basket([s]), [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, missing)),
      at(snap('09:31', 24300, missing)),
      at(snap('09:32', 24300, q(131))),
    ]);
    const noQuote = r.events.filter((e) => e.type === 'NO_QUOTE');
    expect(noQuote).toHaveLength(1);
    expect(noQuote[0].message).toMatch(
      /has no price in the snapshot at 2026-11-20T09:30:00\+05:30: the leg holds/,
    );
    expect(exitsOf(r)).toEqual([['09:32', 'CE', 'BUY', 'STOP_LOSS']]);
  });
});

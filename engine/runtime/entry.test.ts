import { describe, expect, it } from 'vitest';
import { at, basket, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const flat = {
  '24250CE': 140,
  '24300CE': 110,
  '24350CE': 85,
  '24250PE': 80,
  '24300PE': 100,
  '24350PE': 130,
};

describe('scheduled entry and exit time', () => {
  it('a short straddle enters at 09:20, not on the 09:19 snapshot, at the ATM strike for one lot each', async () => {
    const r = await runScenario(basket([strategy()]), [
      at(snap('09:19', 24310, flat)),
      at(snap('09:20', 24310, flat)),
    ]);
    expect(
      r.intents.map((i) => [i.ts.slice(11, 16), i.side, i.strike, i.right, i.qty, i.reason]),
    ).toEqual([
      ['09:20', 'SELL', 24300, 'CE', LOT, 'ENTRY'],
      ['09:20', 'SELL', 24300, 'PE', LOT, 'ENTRY'],
    ]);
    expect(r.intents.map((i) => i.id)).toEqual(['dep:1', 'dep:2']);
  });

  it('exit time squares off every open leg with reason EXIT_TIME and realises the P&L', async () => {
    const r = await runScenario(basket([strategy()]), [
      at(snap('09:20', 24310, flat)),
      at(snap('12:00', 24310, { ...flat, '24300CE': 90 })),
      at(snap('15:15', 24310, { ...flat, '24300CE': 90, '24300PE': 95 })),
    ]);
    const exits = r.intents.filter((i) => i.reason === 'EXIT_TIME');
    expect(exits.map((i) => [i.side, i.right, i.ts.slice(11, 16)])).toEqual([
      ['BUY', 'CE', '15:15'],
      ['BUY', 'PE', '15:15'],
    ]);
    // CE sold 110 bought 90, PE sold 100 bought 95: (20 + 5) x 65
    const pnl = Object.values(r.state.strategies.s1.legs).reduce((a, l) => a + l.realizedPnl, 0);
    expect(pnl).toBe(25 * LOT);
    expect(r.state.strategies.s1.status).toBe('EXITED');
  });

  it('does not trade on a weekday outside entry.weekdays', async () => {
    const r = await runScenario(
      basket([strategy({ entry: { time: '09:20', weekdays: ['MON', 'TUE'] } })]),
      [at(snap('09:20', 24310, flat))],
    );
    expect(r.intents).toEqual([]);
    expect(r.events.find((e) => e.type === 'NOT_ELIGIBLE')?.message).toMatch(
      /FRI is not in entry.weekdays/,
    );
  });

  it('does not trade when days to expiry is outside the filter (4 days to the Tuesday expiry, max 2)', async () => {
    const r = await runScenario(basket([strategy({ daysToExpiry: { max: 2 } })]), [
      at(snap('09:20', 24310, flat)),
    ]);
    expect(r.intents).toEqual([]);
    expect(r.events.find((e) => e.type === 'NOT_ELIGIBLE')?.message).toMatch(
      /days to expiry 4 .* outside \[0, 2\]/,
    );
  });

  it('hedge legs order before the other legs on the same snapshot', async () => {
    const s = strategy({
      legs: [
        leg('short', { instrument: 'option', right: 'CE' }),
        leg('wing', {
          instrument: 'option',
          right: 'CE',
          side: 'BUY',
          hedge: true,
          strike: { typeVersion: 1, type: 'otm', steps: 1 },
        }),
      ],
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24310, flat))]);
    expect(r.intents.map((i) => [i.legId, i.side, i.strike])).toEqual([
      ['wing', 'BUY', 24350],
      ['short', 'SELL', 24300],
    ]);
  });

  it('a stale (older) snapshot is ignored and said so; an empty chain blocks new entries until a chain arrives', async () => {
    const r = await runScenario(basket([strategy()]), [
      at(snap('09:20', 24310, {})),
      at(snap('09:19', 24310, flat)),
      at(snap('09:21', 24310, flat)),
    ]);
    expect(r.events.filter((e) => e.type === 'STALE_CHAIN').map((e) => e.message)).toEqual([
      expect.stringMatching(/chain at 2026-11-20T09:20:00\+05:30 is empty/),
      expect.stringMatching(/09:19:00\+05:30 is not newer than the last one/),
    ]);
    expect(r.intents.map((i) => i.ts.slice(11, 16))).toEqual(['09:21', '09:21']);
  });

  it('a clock tick long after the last snapshot reports the chain as stale', async () => {
    const r = await runScenario(basket([strategy()]), [
      at(snap('09:10', 24310, flat)),
      { kind: 'clock', ts: '2026-11-20T09:25:00+05:30' },
    ]);
    expect(r.events.find((e) => e.type === 'STALE_CHAIN')?.message).toMatch(
      /last NIFTY snapshot is from 2026-11-20T09:10:00\+05:30, older than 120 s/,
    );
    expect(r.intents).toEqual([]);
  });

  it('replaying the same inputs gives identical intents, events and state', async () => {
    const inputs = [
      at(snap('09:20', 24310, flat)),
      at(snap('10:00', 24310, { ...flat, '24300CE': 150 })),
      at(snap('15:15', 24310, flat)),
    ];
    const b = basket([
      strategy({
        legs: [
          leg('CE', {
            stopLoss: { typeVersion: 1, type: 'pct', value: 30 },
            reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 2 },
          }),
          leg('PE', { instrument: 'option', right: 'PE' }),
        ],
      }),
    ]);
    const a = await runScenario(b, inputs);
    const c = await runScenario(b, inputs);
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(a.intents.length).toBeGreaterThan(4);
  });
});

import { describe, expect, it } from 'vitest';
import { at, basket, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';
import { backtestDocument } from '../backtest/basket.ts';
import type { DslDocument } from '../dsl/index.ts';

// Thursday 26 Nov 2026, three trading days before the Tuesday 1 Dec expiry (Fri 27, Mon 30, Tue 1).
const EXP = '2026-12-01';
const on = (day: string, hhmm: string, ce: number, pe: number) =>
  at(snap(hhmm, 24300, { '24300CE': ce, '24300PE': pe }, { day, expiry: EXP }));
const inputs = [
  on('2026-11-26', '09:20', 100, 80),
  on('2026-11-26', '15:29', 110, 75),
  on('2026-11-27', '09:15', 140, 60), // CE gaps through its 130 stop overnight
  on('2026-11-27', '15:29', 150, 55),
  on('2026-11-30', '09:15', 150, 50),
  on('2026-11-30', '10:00', 150, 45), // exit day (1 trading day before expiry), exit time 10:00
];
const positional = (over: Record<string, unknown> = {}) =>
  basket([
    strategy({
      entry: { time: '09:20' },
      exit: { time: '10:00' },
      positional: { typeVersion: 1, expiry: { kind: 'weekly', offset: 0 }, entryDaysBefore: 3, exitDaysBefore: 1 }, // prettier-ignore
      legs: [
        leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 30 } }),
        leg('PE', { instrument: 'option', right: 'PE' }),
      ],
      ...over,
    }),
  ]);

describe('positional strategies (golden, hand-computed)', () => {
  it('holds over two sessions, a gap through the stop fills at the next open, and exits on the exit day', async () => {
    const r = await runScenario(positional(), inputs, { finish: true });
    expect(
      r.fills.map((f) => [
        f.ts.slice(0, 16),
        f.intent.legId,
        f.intent.side,
        f.price,
        f.intent.reason,
      ]),
    ).toEqual([
      // prettier-ignore
      ['2026-11-26T09:20', 'CE', 'SELL', 100, 'ENTRY'],
      ['2026-11-26T09:20', 'PE', 'SELL', 80, 'ENTRY'],
      ['2026-11-27T09:15', 'CE', 'BUY', 140, 'STOP_LOSS'],
      ['2026-11-30T10:00', 'PE', 'BUY', 45, 'EXIT_TIME'],
    ]);
    expect(r.events.filter((e) => e.type === 'CARRIED').map((e) => e.ts.slice(0, 10))).toEqual([
      '2026-11-27',
      '2026-11-30',
    ]);
    // Monday holds only what Monday closed; Friday's CE is booked to earlier sessions.
    const legs = r.state.strategies.s1.legs;
    expect(legs.map((l) => [l.legId, l.status, l.held])).toEqual([['PE', 'CLOSED', 0]]);
    // CE (100 - 140) x 65 + PE (80 - 45) x 65 = -2,600 + 2,275 = -325 in all, of which Monday's
    // part is PE 55 -> 45: +650.
    const today = legs.reduce((a, l) => a + l.realizedPnl - l.pnlBase, 0);
    expect(today).toBe(10 * LOT);
    expect(r.state.basket.grossBeforeToday + today).toBe(-5 * LOT);
  });

  it("its report's days add up: Thursday -325, Friday -650, Monday +650", async () => {
    const doc = { dslVersion: 1, basket: positional() } as DslDocument;
    const report = await backtestDocument(doc, inputs.flatMap((i) => (i.kind === 'snapshot' ? [i.snapshot] : []))); // prettier-ignore
    expect(report.days.map((d) => [d.date, d.netPnl])).toEqual([
      ['2026-11-26', -5 * LOT],
      ['2026-11-27', -10 * LOT],
      ['2026-11-30', 10 * LOT],
    ]);
    expect(report.summary.netPnl).toBe(-5 * LOT);
    expect(
      report.trades.map((t) => [t.legId, t.entryPrice, t.exitPrice, t.exitReason, t.netPnl]),
    ).toEqual([
      // prettier-ignore
      ['CE', 100, 140, 'STOP_LOSS', -40 * LOT],
      ['PE', 80, 45, 'EXIT_TIME', 35 * LOT],
    ]);
  });

  it('enters once per expiry: a position stopped out is not re-entered on a later day of the window', async () => {
    const r = await runScenario(
      positional({ legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 30 } })] }),
      [
        on('2026-11-26', '09:20', 100, 80),
        on('2026-11-26', '09:30', 140, 80), // stopped out on day one
        on('2026-11-27', '09:20', 100, 80),
      ],
    );
    expect(r.intents.map((i) => [i.ts.slice(0, 16), i.reason])).toEqual([
      ['2026-11-26T09:20', 'ENTRY'],
      ['2026-11-26T09:30', 'STOP_LOSS'],
    ]);
    expect(r.events.find((e) => e.type === 'NOT_ELIGIBLE')?.message).toMatch(/the 2026-12-01 expiry was already traded/); // prettier-ignore
  });

  it('an intraday strategy on the same data squares off on Thursday at the last snapshot instead', async () => {
    const intraday = basket([
      strategy({ legs: [leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })] }),
    ]);
    const r = await runScenario(intraday, inputs.slice(0, 3));
    expect(r.intents.map((i) => [i.ts.slice(0, 16), i.legId, i.reason])).toEqual([
      ['2026-11-26T09:20', 'CE', 'ENTRY'],
      ['2026-11-26T09:20', 'PE', 'ENTRY'],
      ['2026-11-26T15:29', 'CE', 'EXIT_TIME'],
      ['2026-11-26T15:29', 'PE', 'EXIT_TIME'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { at, basket, DAY, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';
import { applyRiskDecision } from './trading-state.ts';
import type { RuntimeInput, RuntimeState } from './types.ts';

const q = (ce: number, pe = 100, more: Record<string, number> = {}) => ({
  '24300CE': ce,
  '24300PE': pe,
  '24350CE': 80,
  '24400CE': 60,
  ...more,
});
const orders = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.map((i) => [i.ts.slice(11, 16), i.legId, i.side, i.reason]);

describe('lifecycle details', () => {
  it('state survives a JSON round trip between steps (it is stored in Postgres) with identical decisions', async () => {
    const b = basket([
      strategy({
        legs: [
          leg('CE', {
            stopLoss: { typeVersion: 1, type: 'pct', value: 20 },
            reEntryOnStopLoss: { typeVersion: 1, type: 'cost', count: 2 },
          }),
        ],
      }),
    ]);
    const inputs: RuntimeInput[] = [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(120))),
      at(snap('09:40', 24300, q(110))),
      at(snap('09:50', 24300, q(100))),
      at(snap('10:00', 24300, q(125))),
    ];
    const run = async (roundTrip: boolean) => {
      const rt = createRuntime(b, { deploymentId: 'x' });
      let s: RuntimeState = rt.initialState();
      const out: string[] = [];
      for (const input of inputs) {
        const r = await rt.step(s, input);
        s = roundTrip ? JSON.parse(JSON.stringify(r.state)) : r.state;
        for (const i of r.intents) {
          out.push(`${i.id} ${i.side} ${i.reason}`);
          const f = await rt.step(s, {
            kind: 'fill',
            fill: {
              intentId: i.id,
              ts: i.ts,
              price: (input as { snapshot: { expiries: { options: { ltp?: number }[] }[] } })
                .snapshot.expiries[0].options[0].ltp as number,
              qty: i.qty,
              costs: 0,
            },
          });
          s = roundTrip ? JSON.parse(JSON.stringify(f.state)) : f.state;
          for (const j of f.intents) out.push(`${j.id} ${j.side} ${j.reason}`);
        }
      }
      return out;
    };
    const plain = await run(false);
    expect(await run(true)).toEqual(plain);
    expect(plain).toEqual([
      'x:1 SELL ENTRY',
      'x:2 BUY STOP_LOSS',
      'x:3 SELL REENTRY',
      'x:4 BUY STOP_LOSS',
    ]);
  });

  it('a denied exit leaves the leg open and the stop orders again on the next snapshot', async () => {
    const rt = createRuntime(
      basket([
        strategy({
          legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
        }),
      ]),
      { deploymentId: 'd' },
    );
    let r = await rt.step(rt.initialState(), at(snap('09:20', 24300, q(100))));
    let s = (
      await rt.step(r.state, {
        kind: 'fill',
        fill: { intentId: 'd:1', ts: r.intents[0].ts, price: 100, qty: LOT, costs: 0 },
      })
    ).state;
    r = await rt.step(s, at(snap('09:30', 24300, q(112))));
    expect(r.intents.map((i) => i.reason)).toEqual(['STOP_LOSS']);
    s = applyRiskDecision(r.state, {
      kind: 'deny',
      intentId: r.intents[0].id,
      ts: r.intents[0].ts,
      reason: 'broker: market closed for this contract',
    }).state;
    expect(s.strategies.s1.legs[0].status).toBe('OPEN');
    r = await rt.step(s, at(snap('09:31', 24300, q(113))));
    expect(r.intents.map((i) => [i.id, i.reason])).toEqual([['d:3', 'STOP_LOSS']]);
  });

  it('a partial exit fill realises the filled part; the rest stays open and exits on the next snapshot', async () => {
    const rt = createRuntime(
      basket([
        strategy({
          legs: [leg('CE', { lots: 2, stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
        }),
      ]),
      { deploymentId: 'd' },
    );
    let r = await rt.step(rt.initialState(), at(snap('09:20', 24300, q(100))));
    let s = (
      await rt.step(r.state, {
        kind: 'fill',
        fill: { intentId: 'd:1', ts: r.intents[0].ts, price: 100, qty: 2 * LOT, costs: 0 },
      })
    ).state;
    r = await rt.step(s, at(snap('09:30', 24300, q(110))));
    s = (
      await rt.step(r.state, {
        kind: 'fill',
        fill: { intentId: 'd:2', ts: r.intents[0].ts, price: 110, qty: LOT, costs: 0 },
      })
    ).state;
    expect(s.strategies.s1.legs[0].realizedPnl).toBe(-10 * LOT);
    expect(s.strategies.s1.legs[0].qty).toBe(LOT);
    r = await rt.step(s, at(snap('09:31', 24300, q(111))));
    expect(r.intents.map((i) => [i.reason, i.qty])).toEqual([['STOP_LOSS', LOT]]);
  });

  it('a lazy link whose leg is already open does nothing and says so', async () => {
    const s = basket([
      strategy({
        legs: [
          leg('A', {
            stopLoss: { typeVersion: 1, type: 'points', value: 10 },
            reEntryOnStopLoss: { typeVersion: 1, type: 'lazy', leg: 'X' },
          }),
          leg('B', {
            kind: 'PE',
            stopLoss: { typeVersion: 1, type: 'points', value: 10 },
            reEntryOnStopLoss: { typeVersion: 1, type: 'lazy', leg: 'X' },
          }),
          leg('X', { side: 'BUY', lazy: true, strike: { typeVersion: 1, type: 'otm', steps: 2 } }),
        ],
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(110, 100))),
      at(snap('09:40', 24300, q(110, 110))),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'A', 'SELL', 'ENTRY'],
      ['09:20', 'B', 'SELL', 'ENTRY'],
      ['09:30', 'A', 'BUY', 'STOP_LOSS'],
      ['09:30', 'X', 'BUY', 'REENTRY'],
      ['09:40', 'B', 'BUY', 'STOP_LOSS'],
    ]);
    expect(r.events.find((e) => e.type === 'LAZY_LEG_ALREADY_OPEN')?.message).toMatch(
      /B opens lazy leg X, which is already open/,
    );
  });

  it('strategy momentum re-entry: after the overall stop the new cycle waits for the overall momentum again', async () => {
    const s = basket([
      strategy({
        legs: [leg('CE')],
        stopLoss: { typeVersion: 1, type: 'mtm', value: 650 },
        momentum: { typeVersion: 1, type: 'underlyingPoints', direction: 'up', value: 20 },
        reEntryOnStopLoss: { typeVersion: 1, type: 'momentum', count: 1 },
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, q(100))), // arm: wait for spot >= 24320
      at(snap('09:25', 24320, q(100))), // enter at 100
      at(snap('09:30', 24330, q(110))), // -650: stop; re-arm from 24330 -> 24350
      at(snap('09:35', 24349, q(105))),
      at(snap('09:40', 24350, q(104))),
    ]);
    expect(orders(r).map((o) => [o[0], o[3]])).toEqual([
      ['09:25', 'ENTRY'],
      ['09:30', 'STRATEGY_STOP'],
      ['09:40', 'REENTRY'],
    ]);
  });

  it('a momentum wait still pending at exit time expires and says so', async () => {
    const s = basket([
      strategy({
        exit: { time: '09:40' },
        legs: [
          leg('CE', { momentum: { typeVersion: 1, type: 'points', direction: 'up', value: 50 } }),
        ],
      }),
    ]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(120))),
      at(snap('09:40', 24300, q(120))),
    ]);
    expect(r.intents).toEqual([]);
    expect(r.events.find((e) => e.type === 'MOMENTUM_EXPIRED')?.message).toMatch(
      /momentum wait cancelled: exit time 09:40/,
    );
  });

  it("a position left open by a missing exit-time snapshot is squared off at the next session's first input", async () => {
    const s = basket([strategy({ legs: [leg('CE')] })]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:16', 24300, q(90), { day: '2026-11-23' })),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'CE', 'SELL', 'ENTRY'],
      ['09:16', 'CE', 'BUY', 'EXIT_TIME'],
    ]);
    expect(r.state.basket.grossBeforeToday).toBe(0);
    expect(r.state.strategies.s1.legs[0].realizedPnl).toBe(10 * LOT);
  });

  it('an entry order never answered in its session is dropped on the next session, which trades afresh', async () => {
    const rt = createRuntime(basket([strategy({ legs: [leg('CE')] })]), { deploymentId: 'd' });
    const r1 = await rt.step(rt.initialState(), at(snap('09:20', 24300, q(100))));
    expect(Object.keys(r1.state.pending)).toEqual(['d:1']);
    const r2 = await rt.step(r1.state, at(snap('09:20', 24300, q(100), { day: '2026-11-23' })));
    expect(r2.events.find((e) => e.type === 'ORDER_DENIED')?.message).toMatch(
      /entry order d:1 got no fill in session 2026-11-20; it is dropped/,
    );
    expect(Object.keys(r2.state.pending)).toEqual(['d:2']);
    expect(r2.intents.map((i) => [i.id, i.reason])).toEqual([['d:2', 'ENTRY']]);
  });

  it('rejects a state from another deployment and a command for an unknown strategy', async () => {
    const rt = createRuntime(basket([strategy()]), { deploymentId: 'a' });
    const other = createRuntime(basket([strategy()]), { deploymentId: 'b' });
    await expect(rt.step(other.initialState(), at(snap('09:20', 24300, q(100))))).rejects.toThrow(
      /state belongs to deployment b/,
    );
    await expect(
      rt.step(rt.initialState(), {
        kind: 'command',
        command: 'SQUARE_OFF',
        ts: `${DAY}T10:00:00+05:30`,
        strategyId: 'nope',
      }),
    ).rejects.toThrow(/strategy "nope" is not in this basket; strategies are s1/);
  });
});

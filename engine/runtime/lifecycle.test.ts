import { describe, expect, it } from 'vitest';
import { at, basket, DAY, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';
import type { RuntimeInput } from './types.ts';
import { Stepper } from '@/tests/support/stepper';

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
      const st = new Stepper(createRuntime(b, { deploymentId: 'x' }), roundTrip);
      const out: string[] = [];
      for (const input of inputs) {
        const r = await st.step(input);
        const ltp = (input as { snapshot: { expiries: { options: { ltp?: number }[] }[] } })
          .snapshot.expiries[0].options[0].ltp as number;
        for (const i of r.intents) {
          out.push(`${i.id} ${i.side} ${i.reason}`);
          const f = await st.fill(i, ltp);
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

  it('a broker rejecting an exit leaves the leg open, stops new entries, and the stop orders again on the next snapshot', async () => {
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({
            legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
          }),
        ]),
        { deploymentId: 'd' },
      ),
    );
    let r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    r = await st.at(snap('09:30', 24300, q(112)));
    expect(r.intents.map((i) => i.reason)).toEqual(['STOP_LOSS']);
    r = await st.reject(r.intents[0], 'market closed for this contract');
    expect(r.events.map((e) => e.type)).toEqual(['ORDER_REJECTED', 'TRADING_STATE']);
    expect(st.state.strategies.s1.legs[0].status).toBe('OPEN');
    expect(st.state.tradingState).toBe('REDUCING');
    r = await st.at(snap('09:31', 24300, q(113)));
    expect(r.intents.map((i) => [i.id, i.reason])).toEqual([['d:3', 'STOP_LOSS']]);
  });

  it('a partial exit realises the filled part; once the rest is cancelled it stays open and exits on the next snapshot', async () => {
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({
            legs: [leg('CE', { lots: 2, stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
          }),
        ]),
        { deploymentId: 'd' },
      ),
    );
    let r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    r = await st.at(snap('09:30', 24300, q(110)));
    const exit = r.intents[0];
    await st.fill(exit, 110, LOT);
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'PENDING_EXIT', held: LOT, realizedPnl: -10 * LOT }); // prettier-ignore
    await st.cancelled(exit, LOT);
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'OPEN', held: LOT });
    r = await st.at(snap('09:31', 24300, q(111)));
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
            instrument: 'option',
            right: 'PE',
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

  it('data that ends before exit time squares an intraday strategy off at its last snapshot, and says so', async () => {
    const s = basket([strategy({ legs: [leg('CE')] })]);
    const r = await runScenario(s, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:25', 24300, q(95))),
      at(snap('09:16', 24300, q(90), { day: '2026-11-23' })),
    ]);
    expect(orders(r).slice(0, 2)).toEqual([
      ['09:20', 'CE', 'SELL', 'ENTRY'],
      ['09:25', 'CE', 'BUY', 'EXIT_TIME'],
    ]);
    expect(r.fills.map((f) => f.price)).toEqual([100, 95, ...r.fills.slice(2).map((f) => f.price)]); // prettier-ignore
    expect(r.state.basket.grossBeforeToday).toBe(5 * LOT);
    expect(r.events.find((e) => e.data?.early === true)?.message).toMatch(
      /data of session 2026-11-20 ends at 09:25, before exit time 15:15: squaring off CE at the last snapshot/,
    );
  });

  it("without a driver to say the data ended, a leg left open is squared off at the next session's first input", async () => {
    const st = new Stepper(createRuntime(basket([strategy({ legs: [leg('CE')] })]), { deploymentId: 'd' })); // prettier-ignore
    const r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    const next = await st.at(snap('09:16', 24300, q(90), { day: '2026-11-23' }));
    expect(next.intents.map((i) => [i.ts.slice(11, 16), i.reason])).toEqual([['09:16', 'EXIT_TIME']]); // prettier-ignore
    await st.fill(next.intents[0], 90);
    expect(st.state.strategies.s1.legs[0].realizedPnl).toBe(10 * LOT);
  });

  it('an entry still working when its session ends gets a cancel; the next session trades afresh', async () => {
    const st = new Stepper(createRuntime(basket([strategy({ legs: [leg('CE')] })]), { deploymentId: 'd' })); // prettier-ignore
    const r1 = await st.at(snap('09:20', 24300, q(100)));
    await st.report({
      kind: 'accepted',
      orderId: 'd:1',
      ts: r1.intents[0].ts,
      brokerOrderId: 'B1',
    });
    const r2 = await st.at(snap('09:20', 24300, q(100), { day: '2026-11-23' }));
    expect(r2.cancels.map((c) => [c.id, c.orderId])).toEqual([['d:2', 'd:1']]);
    expect(r2.intents.map((i) => [i.id, i.reason])).toEqual([['d:3', 'ENTRY']]);
    // The cancelled entry never opens; nothing is lost or double-counted.
    await st.cancelled(r1.intents[0], 0);
    expect(Object.keys(st.state.orders)).toEqual(['d:3']);
    expect(st.state.strategies.s1.legs.filter((l) => l.status === 'CANCELLED')).toHaveLength(1);
  });

  it('rejects a state from another deployment and a command for an unknown strategy', async () => {
    const rt = createRuntime(basket([strategy()]), { deploymentId: 'a' });
    const other = createRuntime(basket([strategy()]), { deploymentId: 'b' });
    const market = new Stepper(rt).market;
    await expect(
      rt.step(other.initialState(), at(snap('09:20', 24300, q(100))), market),
    ).rejects.toThrow(/state belongs to deployment b/);
    await expect(
      rt.step(
        rt.initialState(),
        { kind: 'command', command: 'SQUARE_OFF', ts: `${DAY}T10:00:00+05:30`, strategyId: 'nope' },
        market,
      ),
    ).rejects.toThrow(/strategy "nope" is not in this basket; strategies are s1/);
  });
});

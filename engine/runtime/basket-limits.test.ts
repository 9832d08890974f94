import { describe, expect, it } from 'vitest';
import { at, basket, DAY, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';
import { Stepper } from '@/tests/support/stepper';

const q = (ce: number, pe = 100) => ({
  '24300CE': ce,
  '24300PE': pe,
  '24350CE': 80,
  '24350PE': 130,
});
const orders = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.map((i) => [i.ts.slice(11, 16), i.strategyId, i.legId, i.side, i.reason]);

describe('basket limits, settlement, user commands, denials', () => {
  it('a basket daily loss limit squares off, stops new entries, and lets exits through; the next day trades again', async () => {
    const early = strategy({ id: 'early', legs: [leg('CE')] });
    const late = strategy({
      id: 'late',
      entry: { time: '10:00' },
      legs: [leg('PE', { instrument: 'option', right: 'PE' })],
    });
    const b = basket([early, late], { maxDailyLoss: { type: 'amount', value: 1950 } });
    const next = '2026-11-23';
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:40', 24300, q(129.95))), // -1946.75: inside the limit
      at(snap('09:41', 24300, q(130))), // -1950: limit
      at(snap('10:00', 24300, q(100))), // late strategy would enter: blocked
      at(snap('09:20', 24300, q(100), { day: next })),
      at(snap('10:00', 24300, q(100), { day: next })),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'early', 'CE', 'SELL', 'ENTRY'],
      ['09:41', 'early', 'CE', 'BUY', 'BASKET_LIMIT'],
      ['09:20', 'early', 'CE', 'SELL', 'ENTRY'],
      ['10:00', 'late', 'PE', 'SELL', 'ENTRY'],
    ]);
    expect(r.events.find((e) => e.type === 'BASKET_LIMIT')?.message).toMatch(
      /basket day P&L -1950 .* <= -1950 \(maxDailyLoss amount 1950\)/,
    );
    expect(r.events.filter((e) => e.type === 'TRADING_STATE').map((e) => e.data?.to)).toEqual([
      'REDUCING',
      'ACTIVE',
    ]);
    expect(r.state.tradingState).toBe('ACTIVE');
  });

  it('in REDUCING a stop-loss exit still goes out while the entry of another strategy is blocked', async () => {
    const a = strategy({
      id: 'a',
      legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
    });
    const b2 = strategy({
      id: 'b',
      entry: { time: '09:30' },
      legs: [leg('PE', { instrument: 'option', right: 'PE' })],
    });
    const st = new Stepper(createRuntime(basket([a, b2]), { deploymentId: 'd' }));
    let r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    // The user pauses the deployment: exits only.
    await st.step({ kind: 'command', command: 'PAUSE', ts: `${DAY}T09:25:00+05:30` });
    expect(st.state.tradingState).toBe('REDUCING');
    r = await st.at(snap('09:30', 24300, q(110)));
    expect(r.intents.map((i) => [i.legId, i.reason, i.closing])).toEqual([
      ['CE', 'STOP_LOSS', true],
    ]);
    expect(r.events.find((e) => e.type === 'ENTRY_BLOCKED')?.message).toMatch(
      /trading state is REDUCING \(paused by the user .*\); exits only/,
    );
    // RESUME lifts the pause: the other strategy enters on the next snapshot.
    await st.fill(r.intents[0], 110);
    await st.step({ kind: 'command', command: 'RESUME', ts: `${DAY}T09:31:00+05:30` });
    r = await st.at(snap('09:32', 24300, q(100)));
    expect(r.intents.map((i) => [i.strategyId, i.reason])).toEqual([['b', 'ENTRY']]);
  });

  it('a pause by the portfolio limits names the limit, stops entries like the trader’s own, and is lifted by RESUME', async () => {
    const b2 = strategy({
      id: 'b',
      entry: { time: '09:30' },
      legs: [leg('PE', { instrument: 'option', right: 'PE' })],
    });
    const st = new Stepper(createRuntime(basket([b2]), { deploymentId: 'd' }));
    const reason = 'net vega -INR 5,000 per vol point is beyond the limit of ±INR 2,000';
    const p = await st.step({ kind: 'command', command: 'PAUSE', ts: `${DAY}T09:25:00+05:30`, reason }); // prettier-ignore
    expect(p.events.map((e) => [e.type, e.message, e.data]).filter(([t]) => t === 'PAUSE')).toEqual(
      [
        ['PAUSE', `paused by the portfolio risk limits (${reason}) at ${DAY}T09:25:00+05:30: no new entries; open legs keep their stops and exits`, { reason }], // prettier-ignore
      ],
    );
    expect(st.state.tradingStateReason).toMatch(/^paused by the portfolio risk limits/);
    let r = await st.at(snap('09:30', 24300, q(100)));
    expect(r.intents).toEqual([]);
    await st.step({ kind: 'command', command: 'RESUME', ts: `${DAY}T09:31:00+05:30` });
    r = await st.at(snap('09:32', 24300, q(100)));
    expect(r.intents.map((i) => [i.strategyId, i.reason])).toEqual([['b', 'ENTRY']]);
  });

  it('a drawdown limit squares off and stops trading on later days too', async () => {
    const b = basket([strategy({ legs: [leg('CE')] })], { capital: 100_000, maxDrawdownPct: 2 });
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(130.8))), // -2002 on 100000 = 2.002 %
      at(snap('09:20', 24300, q(100), { day: '2026-11-23' })),
    ]);
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'BASKET_LIMIT']);
    expect(r.state.tradingState).toBe('REDUCING');
    expect(r.events.find((e) => e.type === 'BASKET_LIMIT')?.message).toMatch(
      /drawdown 2% .*>= maxDrawdownPct 2/,
    );
    // RESUME does not lift a drawdown stop: only a new deployment trades again.
    const st = new Stepper(createRuntime(b, { deploymentId: 'dep' }));
    st.state = r.state;
    const resume = await st.step({ kind: 'command', command: 'RESUME', ts: '2026-11-23T09:25:00+05:30' }); // prettier-ignore
    expect(resume.events.map((e) => e.message)).toEqual([
      expect.stringMatching(/resume at .* does not lift REDUCING \(drawdown 2%/),
    ]);
    const next = await st.at(snap('09:30', 24300, q(100), { day: '2026-11-23' }));
    expect(next.intents).toEqual([]);
  });

  it('settles an open leg at intrinsic value when its expiry time passes: no order, P&L = (E - intrinsic) x qty', async () => {
    const b = basket([
      strategy({
        exit: { time: '15:30' },
        legs: [leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })],
      }),
    ]);
    const exp = '2026-11-24';
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100), { day: exp, expiry: exp })),
      at(snap('15:30', 24340, q(40, 0.05), { day: exp, expiry: exp })),
    ]);
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'ENTRY']);
    const ev = r.events.filter((e) => e.type === 'SETTLEMENT');
    expect(ev.map((e) => [e.legId, e.data?.price, e.data?.pnl])).toEqual([
      ['CE', 40, (100 - 40) * LOT],
      ['PE', 0, 100 * LOT],
    ]);
    expect(r.state.strategies.s1.legs.every((l) => l.status === 'CLOSED')).toBe(true);
  });

  it('SQUARE_OFF for one strategy closes its legs with reason SQUARE_OFF and leaves the other running', async () => {
    const b = basket([
      strategy({ id: 'a', legs: [leg('CE')] }),
      strategy({ id: 'b', legs: [leg('PE', { instrument: 'option', right: 'PE' })] }),
    ]);
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100))),
      { kind: 'command', command: 'SQUARE_OFF', ts: `${DAY}T09:30:00+05:30`, strategyId: 'a' },
      at(snap('09:40', 24300, q(100))),
    ]);
    expect(orders(r)).toEqual([
      ['09:20', 'a', 'CE', 'SELL', 'ENTRY'],
      ['09:20', 'b', 'PE', 'SELL', 'ENTRY'],
      ['09:30', 'a', 'CE', 'BUY', 'SQUARE_OFF'],
    ]);
    expect(r.state.strategies.b.legs[0].status).toBe('OPEN');
  });

  it('KILL closes everything with reason KILL and halts: nothing enters afterwards', async () => {
    const b = basket([
      strategy({
        legs: [
          leg('CE', {
            stopLoss: { typeVersion: 1, type: 'pct', value: 20 },
            reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 5 },
          }),
        ],
      }),
    ]);
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100))),
      { kind: 'command', command: 'KILL', ts: `${DAY}T09:30:00+05:30` },
      at(snap('09:20', 24300, q(100), { day: '2026-11-23' })),
    ]);
    expect(orders(r).map((o) => o[4])).toEqual(['ENTRY', 'KILL']);
    expect(r.state.tradingState).toBe('HALTED');
  });

  it('an entry denied by the risk gate never opens; the event says why', async () => {
    const rt = createRuntime(basket([strategy({ legs: [leg('CE', { lots: 2 })] })]), {
      deploymentId: 'd',
      risk: { maxLotsPerOrder: 1 },
    });
    const r = await new Stepper(rt).at(snap('09:20', 24300, q(100)));
    expect(r.intents).toEqual([]);
    const denied = r.events.find((e) => e.type === 'ORDER_DENIED');
    expect(denied?.message).toMatch(/Order d:1 .* denied: 2 lots is above the limit of 1 lots per order/); // prettier-ignore
    expect(r.state.strategies.s1.legs[0].status).toBe('CANCELLED');
    expect(r.state.orders).toEqual({});
  });

  it('with latency the fill arrives on the next snapshot and the leg opens only then', async () => {
    const b = basket([
      strategy({ legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'points', value: 10 } })] }),
    ]);
    const r = await runScenario(
      b,
      [
        at(snap('09:20', 24300, q(100))),
        at(snap('09:21', 24300, q(105))),
        at(snap('09:22', 24300, q(115))),
      ],
      { fillModel: { latency: 'next-snapshot' } },
    );
    // Filled at 105 on the 09:21 snapshot, so the stop is 115 (not 110); its exit would fill on a 09:23 snapshot.
    expect(r.fills.map((f) => [f.ts.slice(11, 16), f.price])).toEqual([['09:21', 105]]);
    expect(orders(r).map((o) => [o[0], o[4]])).toEqual([
      ['09:20', 'ENTRY'],
      ['09:22', 'STOP_LOSS'],
    ]);
  });
});

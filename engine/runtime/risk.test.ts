import { describe, expect, it } from 'vitest';
import { Stepper } from '@/tests/support/stepper';
import { at, basket, DAY, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';
import type { RiskLimits } from './risk.ts';
import type { RuntimeEvent } from './types.ts';

const q = (ce: number, pe = 100) => ({ '24300CE': ce, '24300PE': pe, '24350CE': 80 });
const denials = (events: RuntimeEvent[]) =>
  events.filter((e) => e.type === 'ORDER_DENIED').map((e) => [e.legId, e.data?.reason]);

function stepper(legs: Record<string, unknown>[], risk: RiskLimits) {
  return new Stepper(createRuntime(basket([strategy({ legs })]), { deploymentId: 'd', risk }));
}

describe('risk gate (inside the step: no order reaches a broker without it)', () => {
  it('lets every order through when ACTIVE and within limits', async () => {
    const r = await stepper([leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })], {
      maxOpenLegs: 2,
      maxLotsPerOrder: 1,
    }).at(snap('09:20', 24300, q(100)));
    expect(r.intents.map((i) => [i.id, i.legId, i.qty])).toEqual([
      ['d:1', 'CE', LOT],
      ['d:2', 'PE', LOT],
    ]);
    expect(denials(r.events)).toEqual([]);
  });

  it('denies an entry above the lots limit with an event, and the leg never opens', async () => {
    const r = await stepper([leg('CE', { lots: 5 })], { maxLotsPerOrder: 4 }).at(
      snap('09:20', 24300, q(100)),
    );
    expect(r.intents).toEqual([]);
    expect(denials(r.events)).toEqual([['CE', '5 lots is above the limit of 4 lots per order']]);
    expect(r.state.strategies.s1.legs[0].status).toBe('CANCELLED');
  });

  it("counts open legs and this step's earlier entries toward the open-leg limit", async () => {
    const r = await stepper(
      [leg('CE'), leg('PE', { instrument: 'option', right: 'PE' }), leg('C2', { strike: { typeVersion: 1, type: 'otm', steps: 1 } })], // prettier-ignore
      { maxOpenLegs: 2 },
    ).at(snap('09:20', 24300, q(100)));
    expect(r.intents.map((i) => i.legId)).toEqual(['CE', 'PE']);
    expect(denials(r.events)).toEqual([
      ['C2', '2 legs are already open; the limit is 2 open legs'],
    ]);
  });

  it('never refuses an exit for size, premium or leg count', async () => {
    const st = stepper(
      [leg('CE', { lots: 2, stopLoss: { typeVersion: 1, type: 'points', value: 10 } })],
      { maxLotsPerOrder: 2, maxOpenLegs: 1, maxPremiumPerOrder: 20_000 },
    );
    const r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    const exit = await st.at(snap('09:30', 24300, q(500)));
    expect(exit.intents.map((i) => [i.reason, i.lots])).toEqual([['STOP_LOSS', 2]]);
  });

  it('denies an opening order over the premium or notional limit, naming the figures', async () => {
    const prem = await stepper([leg('CE')], { maxPremiumPerOrder: 6_000 }).at(
      snap('09:20', 24300, q(100)),
    );
    expect(denials(prem.events)).toEqual([
      ['CE', `premium ${100 * LOT} (100 x ${LOT}) is above the limit of 6000 per order`],
    ]);
    const notional = await stepper([leg('CE')], { maxNotionalPerOrder: 1_000_000 }).at(
      snap('09:20', 24300, q(100)),
    );
    expect(denials(notional.events)).toEqual([
      ['CE', `notional ${24300 * LOT} is above the limit of 1000000 per order`],
    ]);
  });

  it('limits opening orders per minute across re-entries', async () => {
    const r = await runScenario(
      basket([
        strategy({
          legs: [
            leg('CE', {
              stopLoss: { typeVersion: 1, type: 'points', value: 5 },
              reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 5 },
            }),
          ],
        }),
      ]),
      [
        at(snap('09:20', 24300, q(100))),
        at({ ...snap('09:20', 24300, q(106)), ts: `${DAY}T09:20:20+05:30` }),
        at({ ...snap('09:20', 24300, q(112)), ts: `${DAY}T09:20:40+05:30` }),
      ],
      { risk: { maxOrdersPerMinute: 2 } },
    );
    expect(r.intents.map((i) => i.reason)).toEqual(['ENTRY', 'STOP_LOSS', 'REENTRY', 'STOP_LOSS']);
    expect(denials(r.events)).toEqual([
      ['CE', '2 opening orders in the last minute; the limit is 2 per minute'],
    ]);
  });

  it('after a basket limit moves to REDUCING: exits go out, new entries are denied', async () => {
    const b = basket(
      [
        strategy({ id: 'a', legs: [leg('CE')] }),
        strategy({
          id: 'b',
          entry: { time: '09:40' },
          legs: [leg('PE', { instrument: 'option', right: 'PE' })],
        }),
      ],
      { maxDailyLoss: { type: 'amount', value: 1000 } },
    );
    const r = await runScenario(b, [
      at(snap('09:20', 24300, q(100))),
      at(snap('09:30', 24300, q(120))),
      at(snap('09:40', 24300, q(120))),
    ]);
    expect(r.intents.map((i) => [i.strategyId, i.reason])).toEqual([
      ['a', 'ENTRY'],
      ['a', 'BASKET_LIMIT'],
    ]);
    expect(r.state.tradingState).toBe('REDUCING');
    expect(r.state.strategies.b).toMatchObject({ status: 'EXITED', cycles: 0 });
  });

  it("when HALTED lets only the kill's own square-off through", async () => {
    const st = stepper([leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })], {});
    const r = await st.at(snap('09:20', 24300, q(100)));
    await st.fill(r.intents[0], 100);
    const kill = await st.step({ kind: 'command', command: 'KILL', ts: `${DAY}T09:25:00+05:30` });
    // The CE leg is closed by the kill; PE's entry was still working, so it is cancelled.
    expect(kill.intents.map((i) => [i.legId, i.reason, i.closing])).toEqual([['CE', 'KILL', true]]);
    expect(kill.cancels.map((c) => c.orderId)).toEqual(['d:2']);
    expect(st.state.tradingState).toBe('HALTED');
    // PE's entry fills anyway before the cancel lands: it is closed at once, with reason KILL.
    const late = await st.fill(r.intents[1], 100);
    expect(late.intents.map((i) => [i.legId, i.reason])).toEqual([['PE', 'KILL']]);
  });

  it('sends whole lots only, and splits an order above the freeze limit into slices', async () => {
    // NIFTY's freeze limit is 1,800 units: 27 lots of 65 per order.
    const st = stepper([leg('CE', { lots: 60 })], {});
    const r = await st.at(snap('09:20', 24300, q(100)));
    expect(r.intents.map((i) => [i.id, i.lots, i.qty])).toEqual([
      ['d:1/1', 27, 27 * LOT],
      ['d:1/2', 27, 27 * LOT],
      ['d:1/3', 6, 6 * LOT],
    ]);
    expect(r.events.find((e) => e.type === 'ORDER_SLICED')?.message).toMatch(
      /3900 units is above the NIFTY freeze limit of 1800 .*FAOP75521.*: sent as 3 orders of at most 27 lots/,
    );
    for (const o of r.intents) await st.fill(o, 100);
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'OPEN', held: 60 * LOT });
  });

  it('sends no order blind: an entry on a contract without any price is denied', async () => {
    // A future with neither a futures quote nor a put-call pair to imply one.
    const r = await stepper([leg('F', { instrument: 'future', side: 'BUY' })], {}).at(
      snap('09:20', 24300, { '24300CE': 100 }),
    );
    expect(r.intents).toEqual([]);
    expect(denials(r.events)).toEqual([
      ['F', 'NIFTY 2026-11-24 FUT has no quote in the last snapshot: no order is sent blind'],
    ]);
  });

  it('with a price band, orders go out as limits at the band edge, and a fill outside it stops entries', async () => {
    const st = stepper([leg('CE'), leg('PE', { instrument: 'option', right: 'PE', side: 'BUY' })], {
      priceBandPct: 10,
    });
    const r = await st.at(snap('09:20', 24300, q(100, 50)));
    expect(r.intents.map((i) => [i.side, i.orderType, i.limitPrice])).toEqual([
      ['SELL', 'LIMIT', 90],
      ['BUY', 'LIMIT', 55],
    ]);
    // A venue that fills the put at the index level (a real incident elsewhere) is caught.
    const bad = await st.fill(r.intents[1], 24300);
    expect(bad.events.map((e) => e.type)).toContain('TRADING_STATE');
    expect(st.state.tradingState).toBe('REDUCING');
    expect(st.state.tradingStateReason).toMatch(/fill .* at 24300 is .*% from the mark 50/);
  });
});

import { describe, expect, it } from 'vitest';
import { riskGate } from './risk.ts';
import { freshStrategy } from './runtime.ts';
import type { LegState, OrderIntent, RuntimeEvent, RuntimeState } from './types.ts';

const TS = '2026-11-20T10:00:00+05:30';

// The gate reads a leg's status and pending intent only; the rest of a leg is the runtime's business.
function leg(
  legId: string,
  status: LegState['status'],
  pendingIntentId: string | null = null,
): LegState {
  return {
    instanceId: `${legId}#1`,
    legId,
    status,
    pendingIntentId,
    side: 'SELL',
    right: 'CE',
    lots: 1,
    qty: 75,
    exitReason: null,
  } as Partial<LegState> as LegState;
}

function intent(id: string, over: Partial<OrderIntent> = {}): OrderIntent {
  return {
    id,
    ts: TS,
    deploymentId: 'd',
    strategyId: 's',
    legId: id,
    underlying: 'NIFTY',
    expiry: '2026-11-26',
    strike: 24000,
    right: 'CE',
    side: 'SELL',
    qty: 75,
    lots: 1,
    orderType: 'MARKET',
    reason: 'ENTRY',
    closing: false,
    ...over,
  };
}

function stateWith(
  legs: LegState[],
  intents: OrderIntent[],
  tradingState: RuntimeState['tradingState'] = 'ACTIVE',
): RuntimeState {
  return {
    version: 1,
    deploymentId: 'd',
    seq: intents.length,
    tradingState,
    tradingStateReason: null,
    tradingStateCause: null,
    lastTs: TS,
    lastSnapshot: {},
    lastSpot: {},
    history: {},
    basket: { day: '2026-11-20', grossBeforeToday: 0, costsBeforeToday: 0, equityPeak: 0 },
    strategies: { s: { ...freshStrategy('s'), status: 'ENTERED', day: '2026-11-20', legs } },
    pending: Object.fromEntries(intents.map((i) => [i.id, i])),
  };
}

const denied = (events: RuntimeEvent[]) =>
  events.filter((e) => e.type === 'ORDER_DENIED').map((e) => e.data?.intentId);

describe('risk gate', () => {
  it('lets everything through when ACTIVE and within limits', () => {
    const i = [intent('a'), intent('b')];
    const r = riskGate(
      {
        state: stateWith([leg('a', 'PENDING_ENTRY', 'a'), leg('b', 'PENDING_ENTRY', 'b')], i),
        intents: i,
        events: [],
      },
      { maxOpenLegs: 2, maxLotsPerOrder: 1 },
    );
    expect(r.intents.map((x) => x.id)).toEqual(['a', 'b']);
    expect(r.events).toEqual([]);
  });

  it('denies an entry above the lots limit with an event, and the leg does not open', () => {
    const i = [intent('big', { lots: 5, qty: 375 })];
    const r = riskGate(
      { state: stateWith([leg('big', 'PENDING_ENTRY', 'big')], i), intents: i, events: [] },
      { maxLotsPerOrder: 4 },
    );
    expect(r.intents).toEqual([]);
    expect(r.events[0]).toMatchObject({ type: 'ORDER_DENIED', legId: 'big' });
    expect(r.events[0].message).toContain('5 lots is above the limit of 4 lots per order');
    expect(r.state.strategies.s.legs[0].status).toBe('CANCELLED');
    expect(r.state.pending.big).toBeUndefined();
  });

  it("counts open legs and this step's earlier entries toward the open-leg limit", () => {
    const i = [intent('b'), intent('c')];
    const legs = [leg('a', 'OPEN'), leg('b', 'PENDING_ENTRY', 'b'), leg('c', 'PENDING_ENTRY', 'c')];
    const r = riskGate({ state: stateWith(legs, i), intents: i, events: [] }, { maxOpenLegs: 2 });
    expect(r.intents.map((x) => x.id)).toEqual(['b']);
    expect(denied(r.events)).toEqual(['c']);
    expect(r.events[0].message).toContain('2 legs are already open; the limit is 2 open legs');
  });

  it('never refuses an exit for size or leg count', () => {
    const i = [
      intent('x', { lots: 10, qty: 750, closing: true, reason: 'STOP_LOSS', side: 'BUY' }),
    ];
    const r = riskGate(
      {
        state: stateWith([leg('x', 'PENDING_EXIT', 'x'), leg('y', 'OPEN')], i),
        intents: i,
        events: [],
      },
      { maxLotsPerOrder: 1, maxOpenLegs: 1 },
    );
    expect(r.intents.map((x) => x.id)).toEqual(['x']);
  });

  it('after a basket limit moves to REDUCING: exits go out, new entries are denied', () => {
    const i = [
      intent('exit', { closing: true, reason: 'BASKET_LIMIT', side: 'BUY' }),
      intent('new'),
    ];
    const limit: RuntimeEvent = {
      ts: TS,
      type: 'BASKET_LIMIT',
      message: 'daily loss 5,000 reached',
    };
    const r = riskGate({
      state: stateWith(
        [leg('exit', 'PENDING_EXIT', 'exit'), leg('new', 'PENDING_ENTRY', 'new')],
        i,
      ),
      intents: i,
      events: [limit],
    });
    expect(r.state.tradingState).toBe('REDUCING');
    expect(r.intents.map((x) => x.id)).toEqual(['exit']);
    expect(r.events.map((e) => e.type)).toEqual(['BASKET_LIMIT', 'TRADING_STATE', 'ORDER_DENIED']);
    expect(r.events[2].message).toContain('REDUCING after a basket limit');
  });

  it("when HALTED lets only the kill's square-off through", () => {
    const i = [
      intent('k', { closing: true, reason: 'KILL', side: 'BUY' }),
      intent('t', { closing: true, reason: 'TARGET', side: 'BUY' }),
    ];
    const legs = [leg('k', 'PENDING_EXIT', 'k'), leg('t', 'PENDING_EXIT', 't')];
    const r = riskGate({
      state: stateWith(legs, i),
      intents: i,
      events: [{ ts: TS, type: 'KILL', message: 'kill by user' }],
    });
    expect(r.state.tradingState).toBe('HALTED');
    expect(r.intents.map((x) => x.id)).toEqual(['k']);
    expect(denied(r.events)).toEqual(['t']);
    // A denied exit keeps the leg open so a later step can close it.
    expect(r.state.strategies.s.legs[1].status).toBe('OPEN');
  });
});

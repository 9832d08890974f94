/**
 * Copy-on-write for one step. `step` never changes the state it was given (immutability.test.ts),
 * yet copying the whole basket on every input made a step's cost grow with the basket: a fill of
 * one leg copied a hundred strategies. The step's working state therefore shares every strategy
 * and every order with the state it was given, and copies one only when it is about to change it:
 * `strategyFor` and `orderFor` hand out a private copy (made on first use, the same one after),
 * `putOrder` and `dropOrder` change the order book. Everything read without those accessors is
 * typed read-only, so writing to a shared strategy or order does not compile.
 */
import { isOver } from './leg.ts';
import type { LegState, OrderState, RuntimeState, StrategyState } from './types.ts';

/** A value that must not be changed (deeply), because the state of an earlier step shares it. */
export type Shared<T> = T extends (infer U)[]
  ? readonly Shared<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Shared<T[K]> }
    : T;

/** The step's working state: top-level fields are its own; strategies and orders are shared until drafted. */
export type DraftState = Omit<RuntimeState, 'strategies' | 'orders'> & {
  readonly strategies: Readonly<Record<string, Shared<StrategyState>>>;
  readonly orders: Readonly<Record<string, Shared<OrderState>>>;
};

/** What the step owns already: the maps it copied, and the strategies and orders it copied or created. */
export type Ownership = {
  strategiesCopied: boolean;
  ordersCopied: boolean;
  strategies: Set<string>;
  orders: Set<string>;
};

type Drafting = { state: DraftState; own: Ownership };

const copy = <T extends object>(o: T | null): T | null => (o === null ? null : { ...o });

function copyLeg(l: Shared<LegState>): LegState {
  const x = l as LegState;
  return { ...x, wait: copy(x.wait), candle: copy(x.candle), range: copy(x.range), after: copy(x.after) }; // prettier-ignore
}

/**
 * A strategy's own copy, field by field (several times faster than a generic deep clone). Legs
 * that are over are shared, not copied: a strategy that re-enters all day holds dozens, and
 * copying them on every step was most of a step's allocations. A step that wrote to one anyway
 * would throw on the frozen states of the runtime tests.
 */
export function copyStrategy(s: Shared<StrategyState>): StrategyState {
  const st = s as StrategyState;
  const reentries: StrategyState['reentries'] = {};
  for (const k in st.reentries) reentries[k] = { ...st.reentries[k] };
  return {
    ...st,
    legs: st.legs.map((l) => (isOver(l) ? l : copyLeg(l))),
    reentries,
    strategyReentries: { ...st.strategyReentries },
    pendingCycle: copy(st.pendingCycle),
    range: copy(st.range),
    momentum: copy(st.momentum),
    spotCandle: copy(st.spotCandle),
    notes: { ...st.notes },
    crossings: { ...st.crossings },
  };
}

export function copyOrder(s: Shared<OrderState>): OrderState {
  const o = s as OrderState;
  return {
    ...o,
    intent: { ...o.intent },
    slices: o.slices.map((x) => ({ ...x })),
    executions: [...o.executions],
    rejections: [...o.rejections],
  };
}

/** The working state of a step over `state`: its small top-level records copied, the rest shared. */
export function beginDraft(state: RuntimeState): Drafting {
  return {
    state: {
      ...state,
      lastSnapshotTs: { ...state.lastSnapshotTs },
      lastSpot: { ...state.lastSpot },
      basket: { ...state.basket },
      recentOrders: [...state.recentOrders],
    },
    own: { strategiesCopied: false, ordersCopied: false, strategies: new Set(), orders: new Set() },
  };
}

/** The state a step returns: what it drafted, and everything else as it was. */
export function finishDraft(d: Drafting): RuntimeState {
  return d.state as RuntimeState;
}

function strategiesOf(d: Drafting): Record<string, StrategyState> {
  if (!d.own.strategiesCopied) {
    (d.state as { strategies: unknown }).strategies = { ...d.state.strategies };
    d.own.strategiesCopied = true;
  }
  return d.state.strategies as Record<string, StrategyState>;
}

function ordersOf(d: Drafting): Record<string, OrderState> {
  if (!d.own.ordersCopied) {
    (d.state as { orders: unknown }).orders = { ...d.state.orders };
    d.own.ordersCopied = true;
  }
  return d.state.orders as Record<string, OrderState>;
}

/** A strategy this step may change (copied on first use); undefined when the basket has no such strategy. */
export function strategyFor(d: Drafting, id: string): StrategyState | undefined {
  const shared = d.state.strategies[id];
  if (shared === undefined) return undefined;
  if (d.own.strategies.has(id)) return shared as StrategyState;
  const mine = copyStrategy(shared);
  strategiesOf(d)[id] = mine;
  d.own.strategies.add(id);
  return mine;
}

/** A working order this step may change (copied on first use); undefined when there is none. */
export function orderFor(d: Drafting, id: string): OrderState | undefined {
  const shared = d.state.orders[id];
  if (shared === undefined) return undefined;
  if (d.own.orders.has(id)) return shared as OrderState;
  const mine = copyOrder(shared);
  ordersOf(d)[id] = mine;
  d.own.orders.add(id);
  return mine;
}

/** A new working order, decided in this step. */
export function putOrder(d: Drafting, order: OrderState): void {
  ordersOf(d)[order.intent.id] = order;
  d.own.orders.add(order.intent.id);
}

/** The order is complete or never goes out: it leaves the book. */
export function dropOrder(d: Drafting, id: string): void {
  if (!(id in d.state.orders)) return;
  delete ordersOf(d)[id];
  d.own.orders.delete(id);
}

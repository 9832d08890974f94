/**
 * The stored form of a runtime state: what a live deployment writes to Postgres after every step.
 * Fields still at their default (null, false, 0, an empty record) are left out and put back on
 * reading; an order's intent does not repeat the deployment id nor its own id (the order's key),
 * and the deployment's own ids (`${deploymentId}:17`) are written as `:17`, so a 4-leg
 * deployment's state stays under 4 KB even with four orders in flight (bench/runtime.bench.ts). `decodeState(encodeState(s))` equals `s` exactly: numbers are
 * never rounded, so a restored deployment decides exactly as one that never stopped.
 */
import { freshStrategy } from './runtime.ts';
import type { LegState, OrderSlice, OrderState, RuntimeState, StrategyState } from './types.ts';

type Json = Record<string, unknown>;

/** Every leg field that has a default; the rest (ids, side, right, lots, qty, ...) are always kept. */
const LEG_DEFAULTS: Partial<LegState> = {
  hedge: false,
  origin: 'ENTRY',
  held: 0,
  entryPrice: null,
  entrySpot: null,
  entryTs: null,
  lastPrice: null,
  lastPriceTs: null,
  quoteMissing: false,
  candle: null,
  stopLevel: null,
  initialStopLevel: null,
  targetLevel: null,
  stopSpotLevel: null,
  targetSpotLevel: null,
  bestPrice: null,
  bestSpot: null,
  trailSteps: 0,
  movedToBreakeven: false,
  wait: null,
  range: null,
  after: null,
  pendingIntentId: null,
  exitReason: null,
  exitPrice: null,
  exitTs: null,
  realizedPnl: 0,
  costs: 0,
  pnlBase: 0,
  costsBase: 0,
  problem: null,
};

const ORDER_DEFAULTS: Partial<OrderState> = {
  filledQty: 0,
  averagePrice: null,
  costs: 0,
  executions: [],
  rejections: [],
};
const INTENT_DEFAULTS: Partial<OrderState['intent']> = { orderType: 'MARKET', closing: false };
const SLICE_DEFAULTS: Partial<OrderSlice> = {
  status: 'SUBMITTED',
  filledQty: 0,
  finalQty: null,
  brokerOrderId: null,
  cancelRequested: false,
};

const isEmpty = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;

function drop<T extends object>(o: T, defaults: Partial<T>): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    const d = (defaults as Json)[k];
    if (k in defaults && (v === d || (isEmpty(v) && isEmpty(d)))) continue;
    out[k] = v;
  }
  return out;
}

function restore<T>(o: Json, defaults: Partial<T>): T {
  const out: Json = {};
  for (const [k, d] of Object.entries(defaults)) out[k] = Array.isArray(d) ? [] : isEmpty(d) ? {} : d; // prettier-ignore
  return Object.assign(out, o) as T;
}

const STATE_DEFAULTS: Partial<RuntimeState> = {
  tradingState: 'ACTIVE',
  tradingStateReason: null,
  tradingStateCause: null,
  recentOrders: [],
  orders: {},
};

/** `${deploymentId}:17` and its slices `${deploymentId}:17/2` as `:17`, `:17/2`; other ids as they are. */
const shorten = (dep: string, id: string) => (id.startsWith(`${dep}:`) ? id.slice(dep.length) : id);
const expand = (dep: string, id: string) => (id.startsWith(':') ? `${dep}${id}` : id);

export function encodeState(s: RuntimeState): string {
  const dep = s.deploymentId;
  const strategyDefaults = freshStrategy('') as Partial<StrategyState>;
  delete strategyDefaults.strategyId;
  delete strategyDefaults.legs;
  const strategies: Json = {};
  for (const [id, st] of Object.entries(s.strategies)) {
    const { legs, ...rest } = st;
    strategies[id] = {
      ...drop(rest, strategyDefaults as Partial<typeof rest>),
      legs: legs.map((l) =>
        drop(
          l.pendingIntentId === null
            ? l
            : { ...l, pendingIntentId: shorten(dep, l.pendingIntentId) },
          LEG_DEFAULTS,
        ),
      ),
    };
  }
  const orders: Json = {};
  for (const [id, o] of Object.entries(s.orders)) {
    const { deploymentId: _same, id: _key, ...intent } = o.intent;
    orders[shorten(dep, id)] = {
      ...drop(o, ORDER_DEFAULTS),
      intent: drop(intent, INTENT_DEFAULTS),
      // A single slice carries the intent's id, lots and quantity: only its state is kept.
      slices: o.slices.map((x) => drop({ ...x, id: shorten(dep, x.id) }, { ...SLICE_DEFAULTS, id: shorten(dep, o.intent.id), qty: o.intent.qty, lots: o.intent.lots })), // prettier-ignore
    };
  }
  return JSON.stringify({ ...drop({ ...s, orders }, STATE_DEFAULTS), strategies });
}

export function decodeState(text: string): RuntimeState {
  const raw = restore<RuntimeState>(JSON.parse(text) as Json, STATE_DEFAULTS);
  const dep = raw.deploymentId;
  const strategyDefaults = freshStrategy('') as Partial<StrategyState>;
  delete strategyDefaults.legs;
  const strategies: RuntimeState['strategies'] = {};
  for (const [id, st] of Object.entries(raw.strategies as Record<string, Json>)) {
    const legs = (st.legs as Json[]).map((l) => {
      const leg = restore<LegState>(l, LEG_DEFAULTS);
      if (leg.pendingIntentId !== null) leg.pendingIntentId = expand(dep, leg.pendingIntentId);
      return leg;
    });
    strategies[id] = { ...restore<StrategyState>(st, strategyDefaults), strategyId: id, legs };
  }
  const orders: RuntimeState['orders'] = {};
  for (const [key, stored] of Object.entries(raw.orders as Record<string, Json>)) {
    const id = expand(dep, key);
    // States stored before ids were shortened keep the intent's id inside it: the same value.
    const { id: _old, ...rest } = restore<OrderState['intent']>(stored.intent as Json, INTENT_DEFAULTS); // prettier-ignore
    const intent = { id, ...rest, deploymentId: dep };
    const o = restore<OrderState>(stored, ORDER_DEFAULTS);
    const sliceDefaults = { ...SLICE_DEFAULTS, id, qty: intent.qty, lots: intent.lots };
    orders[id] = {
      ...o,
      intent,
      slices: (stored.slices as Json[]).map((x) => {
        const slice = restore<OrderSlice>(x, sliceDefaults);
        return { ...slice, id: expand(dep, slice.id) };
      }),
    };
  }
  return { ...raw, strategies, orders };
}

/**
 * The stored form of a runtime state: what a live deployment writes to Postgres after every step.
 * Fields still at their default (null, false, 0, an empty record) are left out and put back on
 * reading, and an order's intent does not repeat the deployment id, so a 4-leg deployment's
 * state stays a few kilobytes. `decodeState(encodeState(s))` equals `s` exactly: numbers are
 * never rounded, so a restored deployment decides exactly as one that never stopped. A live
 * deployment stores its closed legs apart (`encodeStateApart`): a strategy re-entering all day
 * would otherwise rewrite every leg it ever closed on every tick.
 */
import { FRESH_INSTANCE, isOver, legFrom } from './leg.ts';
import { freshStrategy } from './runtime.ts';
import type { LegState, OrderSlice, OrderState, RuntimeState, StrategyState } from './types.ts';

type Json = Record<string, unknown>;

/**
 * Every leg field that has a default: a fresh instance's blank fields, and what most legs are
 * (an option, not a hedge, a first entry). The rest (ids, side, right, lots, qty, ...) are kept.
 */
const LEG_DEFAULTS: Partial<LegState> = {
  hedge: false,
  origin: 'ENTRY',
  instrument: 'option',
  ...FRESH_INSTANCE,
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

/** An object or array with no keys (`for...in` allocates nothing: a live deployment encodes every leg on every tick). */
function isEmpty(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  for (const _ in v) return false;
  return true;
}

function drop<T extends object>(o: T, defaults: Partial<T>): Json {
  const out: Json = {};
  const d = defaults as Json;
  for (const k in o) {
    const v = (o as Json)[k];
    if (k in d && (v === d[k] || (isEmpty(v) && isEmpty(d[k])))) continue;
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

/**
 * Ids of the deployment's sequence (`${deploymentId}:${seq}`, and slices `…/k`) are stored without
 * the deployment id, which the state carries once: `:12`. A full id never starts with ":".
 */
function idCodec(deploymentId: string) {
  const prefix = `${deploymentId}:`;
  return {
    short: (id: string) => (id.startsWith(prefix) ? id.slice(deploymentId.length) : id),
    long: (id: string) => (id.startsWith(':') ? deploymentId + id : id),
  };
}

/** The contract fields of an intent, stored once on the leg that is waiting for it. */
const CONTRACT = ['expiry', 'instrument', 'strike', 'right'] as const;

/** An intent's stored fields in their order in memory, so a decoded intent looks as it did. */
const INTENT_ORDER = ['id', 'ts', 'deploymentId', 'strategyId', 'legId', 'underlying', 'expiry', 'instrument', 'strike', 'right', 'side', 'qty', 'lots', 'lotSize', 'price', 'orderType', 'limitPrice', 'reason', 'closing'] as const; // prettier-ignore

function pendingLeg(
  strategies: Record<string, { legs: LegState[] }>,
  intentId: string,
  strategyId: string,
) {
  return strategies[strategyId]?.legs.find((l) => l.pendingIntentId === intentId);
}

/**
 * A deployment's closed legs, stored apart from its state (deployment_closed_legs): by strategy id,
 * then by the leg's position in the strategy's legs, the leg as `encodeState` writes it (JSON).
 */
export type ApartLegs = Record<string, Record<number, string>>;

/** A leg row to write apart: the store's row for that strategy and position now holds `leg`. */
export type ApartLegRow = { strategyId: string; position: number; leg: string };

/**
 * The legs the store holds apart for a state, as objects, by strategy id and position: what the
 * next encoding compares a closed leg with before writing it again.
 */
export type KeptLegs = Record<string, readonly (LegState | undefined)[]>;

/**
 * Whether two legs hold the same values: a step copies every leg of a strategy it changes, so the
 * closed legs of the next state are equal copies, not the same objects. A leg's nested values
 * (wait, candle, range, after) are flat records.
 */
function sameLeg(a: LegState, b: LegState): boolean {
  if (a === b) return true;
  const x = a as unknown as Json;
  const y = b as unknown as Json;
  let n = 0;
  for (const k in x) {
    n++;
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (typeof u !== 'object' || typeof v !== 'object' || u === null || v === null) return false;
    let m = 0;
    for (const j in u as Json) {
      m++;
      if ((u as Json)[j] !== (v as Json)[j]) return false;
    }
    for (const _ in v as Json) m--;
    if (m !== 0) return false;
  }
  for (const _ in y) n--;
  return n === 0;
}

export function encodeState(s: RuntimeState): string {
  return encode(s, null).text;
}

/**
 * The state with its closed legs apart, as a live deployment stores it after every step: the state
 * names each closed leg by its position, and only the closed legs the store does not hold yet (or
 * holds otherwise than `kept` says) come back as rows to write. A busy day's state stays the size
 * of its open position instead of growing with every re-entry, and what is written per step with it.
 */
export function encodeStateApart(
  s: RuntimeState,
  kept: KeptLegs | undefined,
): { text: string; rows: ApartLegRow[]; kept: KeptLegs } {
  return encode(s, kept ?? {}) as { text: string; rows: ApartLegRow[]; kept: KeptLegs };
}

function encode(
  s: RuntimeState,
  kept: KeptLegs | null,
): { text: string; rows: ApartLegRow[] | null; kept: KeptLegs | null } {
  const ids = idCodec(s.deploymentId);
  const strategyDefaults = freshStrategy('') as Partial<StrategyState>;
  delete strategyDefaults.strategyId;
  delete strategyDefaults.legs;
  const strategies: Json = {};
  const rows: ApartLegRow[] | null = kept && [];
  const keptNow: Record<string, (LegState | undefined)[]> | null = kept && {};
  const encodeLeg = (l: LegState) => {
    const out = drop(l, LEG_DEFAULTS);
    if (l.pendingIntentId !== null) out.pendingIntentId = ids.short(l.pendingIntentId);
    return out;
  };
  for (const [id, st] of Object.entries(s.strategies)) {
    const { legs, ...rest } = st;
    const before = kept?.[id];
    const now: (LegState | undefined)[] = [];
    if (keptNow) keptNow[id] = now;
    strategies[id] = {
      ...drop(rest, strategyDefaults as Partial<typeof rest>),
      legs: legs.map((l, i) => {
        if (!rows || !isOver(l)) return encodeLeg(l);
        const held = before?.[i];
        if (!held || !sameLeg(l, held)) rows.push({ strategyId: id, position: i, leg: JSON.stringify(encodeLeg(l)) }); // prettier-ignore
        now[i] = l;
        return i;
      }),
    };
  }
  const orders: Json = {};
  for (const [id, o] of Object.entries(s.orders)) {
    // The id is the key, the time usually the state's last, lots follow from qty, the contract is the waiting leg's.
    const { deploymentId: _same, id: _key, ...intent } = o.intent;
    const stored = drop(intent, INTENT_DEFAULTS);
    if (intent.ts === s.lastTs) delete stored.ts;
    if (intent.lots * intent.lotSize === intent.qty) delete stored.lots;
    const leg = pendingLeg(s.strategies, id, intent.strategyId);
    if (
      leg &&
      leg.expiry === intent.expiry &&
      leg.instrument === intent.instrument &&
      leg.strike === intent.strike &&
      leg.right === intent.right
    )
      // prettier-ignore
      for (const k of CONTRACT) delete stored[k];
    orders[ids.short(id)] = {
      ...drop(o, ORDER_DEFAULTS),
      intent: stored,
      // A single slice carries the intent's id, lots and quantity: only its state is kept.
      slices: o.slices.map((x) => {
        const out = drop(x, { ...SLICE_DEFAULTS, id: o.intent.id, qty: o.intent.qty, lots: o.intent.lots }); // prettier-ignore
        if (typeof out.id === 'string') out.id = ids.short(out.id);
        return out;
      }),
    };
  }
  return { text: JSON.stringify({ ...drop({ ...s, orders }, STATE_DEFAULTS), strategies }), rows, kept: keptNow }; // prettier-ignore
}

/** A stored state; `apart` holds the closed legs it names by position (encodeStateApart). */
export function decodeState(text: string, apart?: ApartLegs): RuntimeState {
  return decodeStateApart(text, apart).state;
}

/** A stored state, and the closed legs its store holds apart (the next `encodeStateApart`'s `kept`). */
export function decodeStateApart(
  text: string,
  apart: ApartLegs = {},
): { state: RuntimeState; kept: KeptLegs } {
  const raw = restore<RuntimeState>(JSON.parse(text) as Json, STATE_DEFAULTS);
  const ids = idCodec(raw.deploymentId);
  const strategyDefaults = freshStrategy('') as Partial<StrategyState>;
  delete strategyDefaults.legs;
  const strategies: RuntimeState['strategies'] = {};
  const kept: Record<string, (LegState | undefined)[]> = {};
  for (const [id, st] of Object.entries(raw.strategies as Record<string, Json>)) {
    const held: (LegState | undefined)[] = (kept[id] = []);
    const legs = (st.legs as (Json | number)[]).map((stored) => {
      let l = stored;
      if (typeof stored === 'number') {
        const text = apart[id]?.[stored];
        if (text === undefined)
          throw new Error(
            `the stored state of deployment ${raw.deploymentId} names closed leg ${stored} of strategy ${id}, which is not among its closed legs (deployment_closed_legs): read them with the state`,
          );
        l = JSON.parse(text) as Json;
      }
      const restored = restore<LegState>(l as Json, LEG_DEFAULTS);
      const leg = legFrom(restored, restored); // the shape of every other leg (legFrom)
      // States written before legs named their instrument called a future's right "FUT".
      if ((leg.right as string) === 'FUT')
        Object.assign(leg, { instrument: 'future', right: null });
      if (leg.pendingIntentId !== null) leg.pendingIntentId = ids.long(leg.pendingIntentId);
      if (typeof stored === 'number') held[stored] = leg;
      return leg;
    });
    strategies[id] = { ...restore<StrategyState>(st, strategyDefaults), strategyId: id, legs };
  }
  const orders: RuntimeState['orders'] = {};
  for (const [key, stored] of Object.entries(raw.orders as Record<string, Json>)) {
    const id = ids.long(key);
    const s = stored.intent as Json;
    const leg = pendingLeg(strategies, id, s.strategyId as string);
    const full: Json = {
      ...(leg ? { expiry: leg.expiry, instrument: leg.instrument, strike: leg.strike, right: leg.right } : {}), // prettier-ignore
      ...s,
      id,
      ts: s.ts ?? raw.lastTs,
      deploymentId: raw.deploymentId,
    };
    full.lots ??= (full.qty as number) / (full.lotSize as number);
    const ordered: Json = {};
    for (const k of INTENT_ORDER) if (k in full) ordered[k] = full[k];
    const intent = restore<OrderState['intent']>(ordered, INTENT_DEFAULTS);
    const o = restore<OrderState>(stored, ORDER_DEFAULTS);
    const sliceDefaults = { ...SLICE_DEFAULTS, id: intent.id, qty: intent.qty, lots: intent.lots };
    orders[id] = {
      ...o,
      intent,
      slices: (stored.slices as Json[]).map((x) => {
        const slice = restore<OrderSlice>(x, sliceDefaults);
        slice.id = ids.long(slice.id);
        return slice;
      }),
    };
  }
  return { state: { ...raw, strategies, orders }, kept };
}

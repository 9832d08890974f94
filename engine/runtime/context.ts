/** One step's working set: the draft state, the intents and events it produces, and how to add them. */
import { termsOf } from '../market/snapshot.ts';
import type { Instrument } from '../market/instruments.ts';
import { lotSizeOf } from '../reference/contracts.ts';
import { localTime, type LocalTime } from './clock.ts';
import { putOrder, strategyFor, type DraftState, type Ownership } from './draft.ts';
import type { BasketPlan, StrategyPlan } from './plan.ts';
import type {
  CancelRequest,
  ChainSnapshot,
  LegState,
  MarketView,
  OrderIntent,
  OrderReason,
  RuntimeEvent,
  RuntimeEventType,
  Side,
  StrategyState,
} from './types.ts';

export type Ctx = {
  plan: BasketPlan;
  /** The step's working state: strategies and orders are shared with the input until drafted (draft.ts). */
  state: DraftState;
  own: Ownership;
  /** What the driver knows of the market (last snapshot and daily closes per underlying). */
  market: MarketView;
  /** Intents decided in this step, in order; the risk gate turns them into orders. */
  intents: OrderIntent[];
  cancels: CancelRequest[];
  events: RuntimeEvent[];
  /** Time of the input being processed. */
  ts: string;
};

/** Everything a strategy decision needs about "now" for one strategy. */
export type Now = {
  sp: StrategyPlan;
  st: StrategyState;
  instrument: Instrument;
  time: LocalTime;
  /** The snapshot of this input (null for fills, clock ticks and commands: decisions then use the last one). */
  snapshot: ChainSnapshot | null;
  /** The last snapshot of the underlying (this one when a snapshot is the input). */
  chain: ChainSnapshot | null;
  spot: number | undefined;
  /**
   * What stop-loss, target, trailing, momentum and breakout triggers compare on this input: with
   * execution.trigger "ltp", the instance's price on this snapshot and the spot; with
   * "candleClose", the close of a candle that has just ended, else nothing (no trigger now).
   */
  trigger: { price(instanceId: string): number | undefined; spot: number | undefined };
};

const NO_TRIGGER: Now['trigger'] = { price: () => undefined, spot: undefined };

/**
 * "Now" for one strategy: on a snapshot input its own snapshot, otherwise the market's last one.
 * Its `st` is the step's own copy of the strategy, free to change.
 */
export function nowFor(
  ctx: Ctx,
  sp: StrategyPlan,
  ts: string,
  snapshot: ChainSnapshot | null,
): Now {
  const u = sp.dsl.underlying;
  return {
    sp,
    st: strategyFor(ctx, sp.id) as StrategyState,
    instrument: sp.instrument,
    time: localTime(ts, sp.instrument),
    snapshot,
    chain: snapshot ?? ctx.market.chain(u) ?? null,
    spot: snapshot?.spot ?? ctx.state.lastSpot[u],
    trigger: NO_TRIGGER,
  };
}

export const fmt = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : String(Math.round(x * 100) / 100);

export function emit(
  ctx: Ctx,
  type: RuntimeEventType,
  message: string,
  opts: { strategyId?: string; legId?: string; data?: RuntimeEvent['data'] } = {},
): void {
  const ev: RuntimeEvent = { ts: ctx.ts, type, message };
  if (opts.strategyId) ev.strategyId = opts.strategyId;
  if (opts.legId) ev.legId = opts.legId;
  if (opts.data) ev.data = opts.data;
  ctx.events.push(ev);
}

/**
 * Emits only when the situation for this topic changed, so a condition that persists is reported
 * once: `signature` names the situation (default: the message), the message may carry live values.
 */
export function note(
  ctx: Ctx,
  st: StrategyState,
  topic: string,
  type: RuntimeEventType,
  message: string,
  opts: { legId?: string; data?: RuntimeEvent['data']; signature?: string } = {},
): void {
  const sig = opts.signature ?? message;
  if (st.notes[topic] === sig) return;
  st.notes[topic] = sig;
  emit(ctx, type, message, { strategyId: st.strategyId, legId: opts.legId, data: opts.data });
}

/**
 * Decides an order for a leg: a new intent, pending until the broker has answered it completely
 * (the risk gate may still deny it in this step). Its price is the leg's mark now.
 */
export function order(
  ctx: Ctx,
  now: Now,
  leg: LegState,
  side: Side,
  qty: number,
  reason: OrderReason,
  closing: boolean,
): OrderIntent {
  const state = ctx.state;
  state.seq += 1;
  const expiry = leg.expiry as string;
  const lotSize = lotSizeOf(now.sp.dsl.underlying, expiry).lotSize;
  const intent: OrderIntent = {
    id: `${state.deploymentId}:${state.seq}`,
    ts: ctx.ts,
    deploymentId: state.deploymentId,
    strategyId: now.sp.id,
    legId: leg.legId,
    underlying: now.sp.dsl.underlying,
    expiry,
    ...termsOf(leg),
    side,
    qty,
    lots: Math.round(qty / lotSize),
    lotSize,
    price: leg.quoteMissing ? null : leg.lastPrice,
    orderType: 'MARKET',
    reason,
    closing,
  };
  putOrder(ctx, {
    intent,
    slices: [],
    filledQty: 0,
    averagePrice: null,
    costs: 0,
    executions: [],
    rejections: [],
  });
  ctx.intents.push(intent);
  leg.pendingIntentId = intent.id;
  return intent;
}

/** The next id of the deployment's sequence (intents and cancels share it). */
export function nextId(ctx: Ctx): string {
  ctx.state.seq += 1;
  return `${ctx.state.deploymentId}:${ctx.state.seq}`;
}

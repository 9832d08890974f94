/**
 * The risk gate: every intent a step decides passes here, inside the same step, before it can
 * become an order (the runtime has no other way out to a broker, so the gate cannot be skipped).
 * A refusal is an ORDER_DENIED event, never an exception: an entry never opens, an exit stays
 * open and is ordered again on the next snapshot.
 *
 * ACTIVE lets everything through; REDUCING (basket limit, pause, a broker rejecting an exit, a
 * reconciliation mismatch) only orders that close a position; HALTED (kill) only the kill's own.
 * Limits apply to orders that open positions: refusing an exit for its size would leave the
 * trader stuck in a position. Exchange rules apply to every order: whole lots, and orders above
 * the freeze limit are split into slices.
 */
import { describeContract } from '../broker/symbols/contract.ts';
import { termsOf } from '../market/snapshot.ts';
import { freezeLimitOf } from '../reference/contracts.ts';
import { emit, fmt, type Ctx } from './context.ts';
import { dropOrder, orderFor, type DraftState } from './draft.ts';
import { releaseLeg } from './orders.ts';
import type { OrderIntent, OrderRequest, OrderSlice } from './types.ts';

export type RiskLimits = {
  /** Largest order that opens a position, in lots. */
  maxLotsPerOrder?: number;
  /** Most legs open (or being opened) at once, across every strategy of the deployment. */
  maxOpenLegs?: number;
  /** Largest premium (mark x units) of one opening order, in money. */
  maxPremiumPerOrder?: number;
  /** Largest notional (spot x units for an option, price x units for a future) of one opening order. */
  maxNotionalPerOrder?: number;
  /** Most opening orders in any 60 seconds. */
  maxOrdersPerMinute?: number;
  /**
   * Price band in percent around the leg's mark when the order is decided. With a band, orders
   * go out as limit orders at the band's edge (a market order can never fill at an absurd price,
   * such as the index level), and a fill outside the band stops new entries.
   */
  priceBandPct?: number;
};

const MINUTE = 60_000;

/** Legs open or being opened, leaving out those this step's own intents are opening. */
function openLegCount(state: DraftState, deciding: ReadonlySet<string>): number {
  let n = 0;
  for (const s of Object.values(state.strategies))
    for (const l of s.legs) {
      if (l.status === 'OPEN' || l.status === 'PENDING_EXIT') n++;
      else if (l.status === 'PENDING_ENTRY' && !deciding.has(l.pendingIntentId ?? '')) n++;
    }
  return n;
}

function denialReason(
  ctx: Ctx,
  intent: OrderIntent,
  openLegs: number,
  nowMs: number,
  limits: RiskLimits,
): string | null {
  const { state } = ctx;
  if (state.tradingState === 'HALTED' && !(intent.closing && intent.reason === 'KILL'))
    return "trading is HALTED (kill switch): only the kill's own square-off orders go out";
  if (state.tradingState === 'REDUCING' && !intent.closing)
    return `trading is REDUCING (${state.tradingStateReason ?? 'exits only'}): only orders that close positions go out`;
  if (intent.qty % intent.lotSize !== 0)
    return `${intent.qty} units is not a whole number of lots of ${intent.lotSize}`;
  if (intent.closing) return null;
  if (intent.price === null)
    return `${describeContract(intent)} has no quote in the last snapshot: no order is sent blind`;
  if (limits.maxLotsPerOrder !== undefined && intent.lots > limits.maxLotsPerOrder)
    return `${intent.lots} lots is above the limit of ${limits.maxLotsPerOrder} lots per order`;
  if (limits.maxOpenLegs !== undefined && openLegs >= limits.maxOpenLegs)
    return `${openLegs} legs are already open; the limit is ${limits.maxOpenLegs} open legs`;
  const premium = intent.price * intent.qty;
  if (limits.maxPremiumPerOrder !== undefined && premium > limits.maxPremiumPerOrder)
    return `premium ${fmt(premium)} (${fmt(intent.price)} x ${intent.qty}) is above the limit of ${fmt(limits.maxPremiumPerOrder)} per order`;
  if (limits.maxNotionalPerOrder !== undefined) {
    const spot = state.lastSpot[intent.underlying];
    const notional =
      (intent.instrument === 'future' || spot === undefined ? intent.price : spot) * intent.qty;
    if (notional > limits.maxNotionalPerOrder)
      return `notional ${fmt(notional)} is above the limit of ${fmt(limits.maxNotionalPerOrder)} per order`;
  }
  if (limits.maxOrdersPerMinute !== undefined) {
    const recent = state.recentOrders.filter((t) => nowMs - t < MINUTE).length;
    if (recent >= limits.maxOrdersPerMinute)
      return `${recent} opening orders in the last minute; the limit is ${limits.maxOrdersPerMinute} per minute`;
  }
  return null;
}

const roundDown = (x: number, tick: number) => Math.floor(x / tick + 1e-9) * tick;
const roundUp = (x: number, tick: number) => Math.ceil(x / tick - 1e-9) * tick;
const tidy = (x: number) => Number(x.toFixed(8));

/** The band's edge on the trader's side: a buy pays at most mark + band, a sell takes at least mark - band. */
export function bandLimit(intent: OrderIntent, bandPct: number, tick: number): number {
  const mark = intent.price as number;
  return intent.side === 'BUY'
    ? tidy(roundDown(mark * (1 + bandPct / 100), tick))
    : tidy(Math.max(tick, roundUp(mark * (1 - bandPct / 100), tick)));
}

/** Slices of at most the freeze limit, each a whole number of lots; one slice when no limit applies. */
function sliceOf(ctx: Ctx, intent: OrderIntent): OrderSlice[] {
  const day = ctx.ts.slice(0, 10);
  const limit = freezeLimitOf(intent.underlying, day);
  const maxLots = limit ? Math.max(1, Math.floor(limit.units / intent.lotSize)) : intent.lots;
  if (intent.lots <= maxLots)
    return [
      { id: intent.id, qty: intent.qty, lots: intent.lots, status: 'NEW', filledQty: 0, finalQty: null, brokerOrderId: null, cancelRequested: false }, // prettier-ignore
    ];
  const slices: OrderSlice[] = [];
  for (let left = intent.lots, k = 1; left > 0; k++) {
    const lots = Math.min(maxLots, left);
    slices.push({ id: `${intent.id}/${k}`, qty: lots * intent.lotSize, lots, status: 'NEW', filledQty: 0, finalQty: null, brokerOrderId: null, cancelRequested: false }); // prettier-ignore
    left -= lots;
  }
  emit(
    ctx,
    'ORDER_SLICED',
    `${intent.id}: ${intent.qty} units is above the ${intent.underlying} freeze limit of ${limit!.units} (${limit!.source}): sent as ${slices.length} orders of at most ${maxLots} lots`,
    {
      strategyId: intent.strategyId,
      legId: intent.legId,
      data: { intentId: intent.id, slices: slices.length },
    },
  );
  return slices;
}

/**
 * Checks the step's new intents in the order they were decided; allowed ones become orders.
 * `tickSize` rounds band limits to the instrument's tick.
 */
export function gate(
  ctx: Ctx,
  limits: RiskLimits,
  nowMs: number,
  tickSize: (underlying: string) => number,
): OrderRequest[] {
  const out: OrderRequest[] = [];
  const recent = ctx.state.recentOrders.filter((t) => nowMs - t < MINUTE);
  ctx.state.recentOrders = recent;
  // Counting open legs reads the whole basket: only when a limit needs it (a step stays O(1) otherwise).
  let openLegs =
    limits.maxOpenLegs !== undefined && ctx.intents.length > 0
      ? openLegCount(ctx.state, new Set(ctx.intents.map((i) => i.id)))
      : 0;
  for (const intent of ctx.intents) {
    const order = orderFor(ctx, intent.id);
    if (!order) continue; // released by the step itself (e.g. a kill after the decision)
    const reason = denialReason(ctx, intent, openLegs, nowMs, limits);
    if (reason !== null) {
      dropOrder(ctx, intent.id);
      releaseLeg(ctx, intent, 'denied');
      emit(
        ctx,
        'ORDER_DENIED',
        `Order ${intent.id} (${intent.side} ${intent.qty} ${intent.underlying} ${intent.strike} ${intent.right}, ${intent.reason}) denied: ${reason}`,
        {
          strategyId: intent.strategyId,
          legId: intent.legId,
          data: { intentId: intent.id, reason, closing: intent.closing },
        },
      );
      continue;
    }
    if (limits.priceBandPct !== undefined && intent.price !== null) {
      intent.orderType = 'LIMIT';
      intent.limitPrice = bandLimit(intent, limits.priceBandPct, tickSize(intent.underlying));
    }
    if (!intent.closing) {
      if (limits.maxOrdersPerMinute !== undefined) ctx.state.recentOrders.push(nowMs);
      openLegs++;
    }
    order.slices = sliceOf(ctx, intent);
    for (const s of order.slices) {
      s.status = 'SUBMITTED';
      out.push(requestOf(intent, s));
    }
  }
  return out;
}

function requestOf(intent: OrderIntent, s: OrderSlice): OrderRequest {
  const r: OrderRequest = {
    ...termsOf(intent),
    id: s.id,
    intentId: intent.id,
    deploymentId: intent.deploymentId,
    strategyId: intent.strategyId,
    legId: intent.legId,
    ts: intent.ts,
    underlying: intent.underlying,
    expiry: intent.expiry,
    side: intent.side,
    qty: s.qty,
    lots: s.lots,
    lotSize: intent.lotSize,
    orderType: intent.orderType,
    reason: intent.reason,
    closing: intent.closing,
  };
  if (intent.limitPrice !== undefined) r.limitPrice = intent.limitPrice;
  return r;
}

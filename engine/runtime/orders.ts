/**
 * The order model: an intent stays in `state.orders` from its decision until the broker has
 * answered every slice of it, moved only by the broker's reports (accepted, fill, rejected,
 * cancelled, expired). A fill is applied once, by its execution id, so a duplicate delivery changes
 * nothing while a second partial fill is never lost. When the intent is complete its leg moves:
 * an entry opens with the units filled at their average price, an exit closes the leg or leaves
 * the unfilled rest open to be ordered again. Also here: cancels of orders that outlive their
 * timeout, and reconciliation of the book with the broker's positions.
 */
import { describeContract } from '../broker/symbols/contract.ts';
import type { HeldTerms } from '../market/snapshot.ts';
import type { ExecutionReport } from '../broker/broker.ts';
import { instantOf } from './clock.ts';
import { emit, fmt, nextId, nowFor, type Ctx, type Now } from './context.ts';
import { dropOrder, orderFor, strategyFor, type DraftState, type Shared } from './draft.ts';
import { hedgeFill, hedgeOrderDone, isDeltaHedge, releaseHedge } from './delta-hedge.ts';
import { emitTrade, openInstance, orderExit } from './leg.ts';
import { sideSign } from './levels.ts';
import { contractPrice } from '../market/atm.ts';
import type { StrategyPlan } from './plan.ts';
import { maybeStartPendingCycle, runFollowUp } from './strategy-step.ts';
import type {
  BrokerPosition,
  LegState,
  OrderIntent,
  OrderSlice,
  OrderState,
  TradingStateCause,
} from './types.ts';

const TERMINAL = new Set(['FILLED', 'REJECTED', 'CANCELLED', 'EXPIRED']);

const describe = (i: OrderIntent) => `${i.side} ${i.qty} ${describeContract(i)}`;

/** The leg an intent is for, in the step's own copy of its strategy (only that strategy is copied). */
function legOf(ctx: Ctx, intent: OrderIntent): LegState | undefined {
  const shared = ctx.state.strategies[intent.strategyId];
  if (!shared?.legs.some((l) => l.pendingIntentId === intent.id)) return undefined;
  return strategyFor(ctx, intent.strategyId)!.legs.find((l) => l.pendingIntentId === intent.id);
}

function planOf(ctx: Ctx, strategyId: string): StrategyPlan {
  return ctx.plan.strategies.find((s) => s.id === strategyId) as StrategyPlan;
}

/**
 * An intent that will never trade (denied by the gate, or refused by the broker without a fill):
 * an entry's leg is cancelled; an exit's leg stays open and is ordered again on the next snapshot.
 */
export function releaseLeg(ctx: Ctx, intent: OrderIntent, _why: 'denied' | 'rejected'): void {
  const leg = legOf(ctx, intent);
  if (!leg) return;
  leg.pendingIntentId = null;
  if (isDeltaHedge(leg)) return releaseHedge(leg);
  if (leg.status === 'PENDING_ENTRY') leg.status = 'CANCELLED';
  else if (leg.status === 'PENDING_EXIT') {
    leg.status = 'OPEN';
    leg.exitReason = null;
  }
}

/** Moves the deployment to REDUCING (no new entries; exits keep working) unless it is halted. */
export function stopEntries(ctx: Ctx, cause: TradingStateCause, why: string): void {
  const s = ctx.state;
  if (s.tradingState === 'HALTED') return;
  if (s.tradingState === 'REDUCING' && s.tradingStateCause === cause) return;
  emit(ctx, 'TRADING_STATE', `trading state ${s.tradingState} -> REDUCING: ${why}`, {
    data: { from: s.tradingState, to: 'REDUCING', reason: why },
  });
  s.tradingState = 'REDUCING';
  s.tradingStateCause = cause;
  s.tradingStateReason = why;
}

/** The intent id of a working order (slice) id, or null when no working order has that slice. */
function intentOf(state: DraftState, orderId: string): string | null {
  if (state.orders[orderId]?.slices.some((s) => s.id === orderId)) return orderId;
  const cut = orderId.lastIndexOf('/');
  const parent = cut > 0 ? orderId.slice(0, cut) : null;
  return parent !== null && state.orders[parent]?.slices.some((s) => s.id === orderId)
    ? parent
    : null;
}

function findOrder(ctx: Ctx, orderId: string): { order: OrderState; slice: OrderSlice } | null {
  const intentId = intentOf(ctx.state, orderId);
  if (intentId === null) return null;
  const order = orderFor(ctx, intentId)!;
  return { order, slice: order.slices.find((s) => s.id === orderId)! };
}

export function onReport(ctx: Ctx, report: ExecutionReport): void {
  const found = findOrder(ctx, report.orderId);
  if (!found) {
    emit(
      ctx,
      'DUPLICATE_REPORT',
      `${report.kind} report for order ${report.orderId} ignored: no such order is working (already complete, or not from deployment ${ctx.state.deploymentId})`,
      { data: { orderId: report.orderId, kind: report.kind } },
    );
    return;
  }
  const { order, slice } = found;
  const intent = order.intent;
  const sd = { strategyId: intent.strategyId, legId: intent.legId };
  switch (report.kind) {
    case 'accepted':
      slice.brokerOrderId = report.brokerOrderId;
      if (slice.status === 'NEW' || slice.status === 'SUBMITTED') slice.status = 'ACCEPTED';
      emit(ctx, 'ORDER_ACCEPTED', `order ${slice.id} (${describe(intent)}) accepted by the broker as ${report.brokerOrderId}`, { ...sd, data: { orderId: slice.id, brokerOrderId: report.brokerOrderId } }); // prettier-ignore
      break;
    case 'fill':
      applyFill(ctx, order, slice, report);
      break;
    case 'rejected':
      if (TERMINAL.has(slice.status)) return duplicate(ctx, report.orderId, 'rejected');
      slice.status = 'REJECTED';
      slice.finalQty = slice.filledQty;
      order.rejections.push(report.reason);
      emit(ctx, 'ORDER_REJECTED', `order ${slice.id} (${describe(intent)}, ${intent.reason}) rejected by the broker: ${report.reason}`, { ...sd, data: { orderId: slice.id, reason: report.reason, code: report.code, closing: intent.closing } }); // prettier-ignore
      if (intent.closing)
        stopEntries(ctx, 'BROKER', `the broker rejected exit order ${slice.id} (${report.reason}); the exit is ordered again on the next snapshot`); // prettier-ignore
      break;
    case 'cancelled':
    case 'expired':
      if (TERMINAL.has(slice.status)) return duplicate(ctx, report.orderId, report.kind);
      slice.status = report.kind === 'cancelled' ? 'CANCELLED' : 'EXPIRED';
      slice.finalQty = report.filledQty;
      emit(ctx, report.kind === 'cancelled' ? 'ORDER_CANCELLED' : 'ORDER_EXPIRED', `order ${slice.id} (${describe(intent)}) ${report.kind} with ${report.filledQty} of ${slice.qty} filled: ${report.reason}`, { ...sd, data: { orderId: slice.id, filledQty: report.filledQty } }); // prettier-ignore
      break;
    default: {
      const never: never = report;
      throw new Error(`unknown execution report ${JSON.stringify(never)}`);
    }
  }
  maybeComplete(ctx, order);
}

function duplicate(ctx: Ctx, orderId: string, kind: string): void {
  emit(ctx, 'DUPLICATE_REPORT', `${kind} report for order ${orderId} ignored: the order is already final`, { data: { orderId, kind } }); // prettier-ignore
}

function applyFill(
  ctx: Ctx,
  order: OrderState,
  slice: OrderSlice,
  f: Extract<ExecutionReport, { kind: 'fill' }>,
): void {
  const intent = order.intent;
  const sd = { strategyId: intent.strategyId, legId: intent.legId };
  if (order.executions.includes(f.executionId)) {
    emit(ctx, 'DUPLICATE_REPORT', `fill ${f.executionId} of order ${slice.id} was already applied: the repeated report is ignored`, { ...sd, data: { orderId: slice.id, executionId: f.executionId } }); // prettier-ignore
    return;
  }
  if (!(f.qty > 0) || !(f.price >= 0) || !(f.costs >= 0))
    throw new Error(`fill ${f.executionId} of ${slice.id}: qty must be positive and price and costs non-negative; got qty ${f.qty}, price ${f.price}, costs ${f.costs}`); // prettier-ignore
  order.executions.push(f.executionId);
  if (slice.filledQty + f.qty > slice.qty)
    stopEntries(ctx, 'BROKER', `the broker reported ${slice.filledQty + f.qty} units filled on order ${slice.id} of ${slice.qty}: check the position at the broker`); // prettier-ignore
  slice.filledQty += f.qty;
  if (slice.filledQty >= slice.qty && !TERMINAL.has(slice.status)) slice.status = 'FILLED';
  else if (!TERMINAL.has(slice.status)) slice.status = 'PARTIALLY_FILLED';
  const before = order.filledQty;
  order.filledQty += f.qty;
  order.averagePrice = ((order.averagePrice ?? 0) * before + f.price * f.qty) / order.filledQty;
  order.costs += f.costs;

  const leg = legOf(ctx, intent);
  emit(
    ctx,
    'FILL',
    `${intent.side} ${f.qty} ${describeContract(intent)} filled at ${fmt(f.price)} (${intent.reason}), costs ${fmt(f.costs)}`,
    {
      ...sd,
      data: { intentId: intent.id, orderId: slice.id, executionId: f.executionId, price: f.price, qty: f.qty, costs: f.costs, reason: intent.reason, instanceId: leg?.instanceId ?? null, side: intent.side, closing: intent.closing }, // prettier-ignore
    },
  );
  if (intent.price !== null && intent.price > 0) {
    const band = ctx.plan.risk.priceBandPct;
    const off = (Math.abs(f.price - intent.price) / intent.price) * 100;
    if (band !== undefined && off > band)
      stopEntries(ctx, 'PRICE_BAND', `fill ${f.executionId} at ${fmt(f.price)} is ${fmt(off)}% from the mark ${fmt(intent.price)} when ${intent.id} was decided (band ${band}%)`); // prettier-ignore
  }
  if (!leg) return;
  if (isDeltaHedge(leg))
    return hedgeFill(ctx, nowFor(ctx, planOf(ctx, intent.strategyId), ctx.ts, null), leg, intent, f); // prettier-ignore
  leg.costs += f.costs;
  if (!intent.closing) {
    leg.entryPrice = order.averagePrice;
    leg.held += f.qty;
    return;
  }
  const pnl = sideSign(leg.side) * (f.price - (leg.entryPrice as number)) * f.qty;
  leg.realizedPnl += pnl;
  leg.held = Math.max(0, leg.held - f.qty);
}

/** When every slice is final (and every reported fill has arrived), the intent's leg moves. */
function maybeComplete(ctx: Ctx, order: OrderState): void {
  for (const s of order.slices) {
    if (!TERMINAL.has(s.status)) return;
    if (s.finalQty !== null && s.filledQty < s.finalQty) return; // fills still on their way
  }
  const intent = order.intent;
  dropOrder(ctx, intent.id);
  const leg = legOf(ctx, intent);
  if (!leg) return;
  const now = nowFor(ctx, planOf(ctx, intent.strategyId), ctx.ts, null);
  leg.pendingIntentId = null;
  if (isDeltaHedge(leg)) return hedgeOrderDone(ctx, now, leg, order);
  if (!intent.closing) {
    if (leg.held === 0) {
      leg.status = 'CANCELLED';
      emit(ctx, 'ORDER_DENIED', `entry ${intent.id} (${describe(intent)}) did not fill: ${order.rejections.join('; ') || 'cancelled by the broker'}`, { strategyId: intent.strategyId, legId: intent.legId, data: { intentId: intent.id, reason: order.rejections.join('; '), closing: false } }); // prettier-ignore
      return;
    }
    enterLeg(ctx, now, leg, order);
    return;
  }
  if (leg.held > 0) {
    // The rest stays open and is re-evaluated (and ordered out again) on the next snapshot.
    leg.status = 'OPEN';
    leg.exitReason = null;
    return;
  }
  leg.status = 'CLOSED';
  leg.exitTs = ctx.ts;
  // The average exit over every exit order: the price at which the realised P&L was made.
  leg.exitPrice = (leg.entryPrice as number) + leg.realizedPnl / (sideSign(leg.side) * leg.qty);
  leg.lastPrice = order.averagePrice;
  emitTrade(ctx, now, leg, intent.reason);
  runFollowUp(ctx, now, leg);
  maybeStartPendingCycle(ctx, now);
}

function enterLeg(ctx: Ctx, now: Now, leg: LegState, order: OrderState): void {
  const price = order.averagePrice as number;
  if (leg.held < leg.qty)
    emit(ctx, 'FILL', `${leg.legId}: entry ${order.intent.id} filled ${leg.held} of ${leg.qty}; the leg holds ${leg.held}`, { strategyId: now.st.strategyId, legId: leg.legId }); // prettier-ignore
  leg.qty = leg.held;
  leg.lots = leg.held / order.intent.lotSize;
  openInstance(leg, now.sp.legs.get(leg.legId)!, price, now.spot ?? 0, ctx.ts);
  // The mark is the market's price, not the fill's: a position bought at the ask is worth the mark at once.
  const mark = now.chain && contractPrice(now.chain, leg.expiry as string, leg);
  if (mark !== undefined && mark !== null) {
    leg.lastPrice = mark;
    leg.lastPriceTs = now.chain!.ts;
  }
  if (leg.cycle === now.st.cycles) now.st.cyclePremium += price * leg.held;
  // A late fill of an earlier cycle or session, or of a strategy that has stopped, is closed at once.
  if (
    now.st.status !== 'ENTERED' ||
    leg.cycle !== now.st.cycles ||
    ctx.state.tradingState === 'HALTED'
  ) {
    const reason = now.st.exitReason ?? 'SQUARE_OFF';
    emit(ctx, 'SQUARE_OFF', `${leg.legId} filled after its strategy stopped (${now.st.doneReason ?? reason}): closing it at once`, { strategyId: now.st.strategyId, legId: leg.legId }); // prettier-ignore
    orderExit(ctx, now, leg, reason);
  }
}

/** A slice that can still be cancelled: sent, not final, no cancel asked for yet. */
const cancellable = (s: Shared<OrderSlice>) =>
  !TERMINAL.has(s.status) && !s.cancelRequested && s.status !== 'NEW';

/** Orders still working `timeoutMs` after they were decided get one cancel for their rest. */
export function cancelOverdue(ctx: Ctx, nowMs: number, timeoutMs: number): void {
  for (const [id, shared] of Object.entries(ctx.state.orders)) {
    if (nowMs - instantOf(shared.intent.ts) < timeoutMs) continue;
    if (!shared.slices.some(cancellable)) continue;
    const order = orderFor(ctx, id)!;
    for (const s of order.slices) {
      if (!cancellable(s)) continue;
      s.cancelRequested = true;
      const why = `still ${s.status === 'PARTIALLY_FILLED' ? `${s.filledQty} of ${s.qty} filled` : 'unfilled'} ${Math.round((nowMs - instantOf(order.intent.ts)) / 1000)} s after it was sent (timeout ${Math.round(timeoutMs / 1000)} s)`; // prettier-ignore
      ctx.cancels.push({ id: nextId(ctx), ts: ctx.ts, deploymentId: ctx.state.deploymentId, orderId: s.id, intentId: order.intent.id, reason: why }); // prettier-ignore
      emit(ctx, 'ORDER_TIMEOUT', `order ${s.id} (${describe(order.intent)}) ${why}: cancelling the rest`, { strategyId: order.intent.strategyId, legId: order.intent.legId, data: { orderId: s.id } }); // prettier-ignore
    }
  }
}

/** Cancels the working opening orders of the given strategies (a kill or square-off must not let entries complete later). */
export function cancelEntries(ctx: Ctx, strategyIds: ReadonlySet<string>, why: string): void {
  for (const [id, shared] of Object.entries(ctx.state.orders)) {
    if (shared.intent.closing || !strategyIds.has(shared.intent.strategyId)) continue;
    if (!shared.slices.some(cancellable)) continue;
    const order = orderFor(ctx, id)!;
    for (const s of order.slices) {
      if (!cancellable(s)) continue;
      s.cancelRequested = true;
      ctx.cancels.push({ id: nextId(ctx), ts: ctx.ts, deploymentId: ctx.state.deploymentId, orderId: s.id, intentId: order.intent.id, reason: why }); // prettier-ignore
    }
  }
}

const contractKey = (c: HeldTerms & { underlying: string; expiry: string }) =>
  c.instrument === 'future'
    ? `${c.underlying} ${c.expiry} FUT`
    : `${c.underlying} ${c.expiry} ${c.strike} ${c.right}`;

/** Signed units this book holds per contract (+ long, − short). */
export function bookPositions(ctx: Ctx): Map<string, number> {
  const out = new Map<string, number>();
  for (const sp of ctx.plan.strategies) {
    for (const l of ctx.state.strategies[sp.id].legs) {
      if (l.held <= 0 || l.expiry === null) continue;
      const key = contractKey({ ...l, underlying: sp.dsl.underlying, expiry: l.expiry }); // prettier-ignore
      out.set(key, (out.get(key) ?? 0) + sideSign(l.side) * l.held);
    }
  }
  return out;
}

/** Compares the broker's positions with this book; a difference stops new entries until RESUME. */
export function onPositions(ctx: Ctx, positions: BrokerPosition[]): void {
  const ours = bookPositions(ctx);
  const theirs = new Map<string, number>();
  for (const p of positions) {
    const key = contractKey(p);
    theirs.set(key, (theirs.get(key) ?? 0) + p.qty);
  }
  const working = new Set(Object.values(ctx.state.orders).map((o) => contractKey(o.intent)));
  const diffs: string[] = [];
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
    if (working.has(key)) continue; // an order in flight: compared once it is final
    const a = ours.get(key) ?? 0;
    const b = theirs.get(key) ?? 0;
    if (a !== b) diffs.push(`${key}: ours ${a}, broker ${b}`);
  }
  if (diffs.length) {
    emit(ctx, 'RECONCILIATION_MISMATCH', `positions differ from the broker's: ${diffs.join('; ')}`, { data: { differences: diffs.length } }); // prettier-ignore
    stopEntries(ctx, 'RECONCILIATION', `positions differ from the broker's (${diffs.join('; ')}); check them, then resume`); // prettier-ignore
    return;
  }
  if (ctx.state.tradingStateCause === 'RECONCILIATION')
    emit(
      ctx,
      'RECONCILED',
      'positions match the broker again; resume the deployment to allow new entries',
    );
}

/**
 * The delta hedge (docs/dsl.md#delta-hedge): on each snapshot, the strategy's net delta from the
 * pricing layer; when it leaves the band (or the interval is due) a futures trade back to the
 * target, in whole lots, unless it is too small or costs too much for the risk it removes. The
 * trade is an ordinary intent (reason HEDGE) through the same risk gate and broker as every leg.
 *
 * The hedge's position is one leg instance per cycle (origin HEDGE, leg id `deltaHedge`) carried
 * at its average price: its side is the side of the net position, adding moves the average,
 * reducing realises P&L against it (a hedge trade), and a trade through zero flips it. Everything
 * that reads legs (P&L, square-off, reconciliation, the report's open positions) reads it as is.
 */
import { FUTURE_TERMS, termsOf } from '../market/snapshot.ts';
import { executionCostModel, type CostModel } from '../broker/costs/cost-model.ts';
import { DELTA_HEDGE_LEG_ID } from '../dsl/delta-hedge.ts';
import { expiryChain, futuresPrice } from '../market/atm.ts';
import { expiryPricing } from '../market/pricing-context.ts';
import { findQuote } from '../market/quote.ts';
import { quoteIv } from '../market/volatility.ts';
import { netGreeks, type PayoffLeg } from '../payoff/payoff.ts';
import { lotSizeOf } from '../reference/contracts.ts';
import { instantOf } from './clock.ts';
import { emit, fmt, note, order, type Ctx, type Now } from './context.ts';
import { legExpiry } from './expiry.ts';
import { blankInstance, orderExit } from './leg.ts';
import { sideSign } from './levels.ts';
import type { BasketPlan } from './plan.ts';
import { maybeStartPendingCycle } from './strategy-step.ts';
import type { ChainSnapshot, ExecutionReport, LegState, OrderIntent, OrderState } from './types.ts';

export const isDeltaHedge = (l: LegState) => l.origin === 'HEDGE';

/** The hedge's delta risk is money per 1 % move of the underlying, as the risk desk shows delta. */
const RISK_MOVE_PCT = 1;

// ---- net delta ----------------------------------------------------------------------------

export type NetDelta = { delta: number } | { missing: string };

/**
 * Net delta of the strategy's held units, in units of the underlying: every option at the IV its
 * chain quotes (solved from its price when not quoted), every future at its price over spot,
 * through the payoff layer's `netGreeks` (the numbers the risk desk and payoff panel show).
 */
export function netDelta(ctx: Ctx, now: Now, snap: ChainSnapshot): NetDelta {
  const overrides = {
    rate: ctx.plan.settings.rate,
    dividendYield: ctx.plan.settings.dividendYield,
  };
  const legs: PayoffLeg[] = [];
  for (const l of now.st.legs) {
    if (l.held <= 0 || l.expiry === null) continue;
    const p = expiryPricing(snap, l.expiry, overrides);
    const base = {
      id: l.instanceId,
      side: l.side,
      qty: l.held,
      expiry: l.expiry,
      t: p.t,
      entry: 0,
    };
    if (l.instrument === 'future') {
      const f = futuresPrice(snap, l.expiry);
      if (f === undefined)
        return { missing: `${l.legId} ${l.expiry} FUT has no futures price (nor a synthetic future) at ${snap.ts}` }; // prettier-ignore
      legs.push({ ...base, ...FUTURE_TERMS, iv: 0, forwardRatio: f / snap.spot });
      continue;
    }
    const chain = expiryChain(snap, l.expiry);
    const q =
      chain && l.strike !== null && l.right !== null
        ? findQuote(chain, l.strike, l.right)
        : undefined;
    const iv = q ? quoteIv(q, p) : undefined;
    if (iv === undefined)
      return { missing: `${l.legId} ${l.expiry} ${l.strike} ${l.right} has no IV at ${snap.ts} (none quoted, and none can be solved from a price)` }; // prettier-ignore
    legs.push({ ...base, ...termsOf(l), iv, forwardRatio: p.forward / snap.spot }); // prettier-ignore
  }
  const i = now.instrument;
  const market = {
    spot: snap.spot,
    rate: overrides.rate ?? i.pricing.rate,
    div: overrides.dividendYield ?? i.pricing.dividendYield,
    model: i.pricing.model,
  };
  return { delta: netGreeks(legs, market).delta };
}

// ---- expected cost ------------------------------------------------------------------------

const costModels = new WeakMap<BasketPlan, CostModel>();

/**
 * What a market order of `qty` futures would cost, by the basket's execution settings: the cost
 * model's charges at the futures price plus the slippage on every unit.
 */
export function expectedCost(
  plan: BasketPlan,
  side: 'BUY' | 'SELL',
  qty: number,
  lotSize: number,
  price: number,
  spot: number,
  date: string,
): number {
  let model = costModels.get(plan);
  if (!model) {
    model = executionCostModel(plan.dsl.execution.costModel);
    costModels.set(plan, model);
  }
  const slip = plan.dsl.execution.slippage;
  const perUnit = slip.type === 'points' ? slip.value : (price * slip.value) / 100;
  const charges = model.cost({
    side,
    qty,
    contracts: qty / lotSize,
    price,
    spot,
    firstOfOrder: true,
    date,
    instrument: 'future',
  }).total;
  return charges + perUnit * qty;
}

// ---- the decision --------------------------------------------------------------------------

/** Nearest whole number, a half going towards zero (so a residual of exactly half a lot never trades back and forth). */
const roundHalfDown = (x: number) => Math.sign(x) * Math.ceil(Math.abs(x) - 0.5);

const signed = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;

function currentHedge(now: Now): LegState | undefined {
  return now.st.legs.find((l) => isDeltaHedge(l) && l.cycle === now.st.cycles);
}

/**
 * The hedge's step, after the legs' own triggers. It waits while any order of the strategy is
 * working (the position is changing) and on candle-close execution between candle closes.
 */
export function hedgeStep(ctx: Ctx, now: Now): void {
  const h = now.sp.dsl.deltaHedge;
  const snap = now.snapshot;
  const { st } = now;
  if (!h || !snap || st.status !== 'ENTERED' || now.trigger.spot === undefined) return;
  if (ctx.state.tradingState === 'HALTED') return;
  if (st.legs.some((l) => l.status === 'PENDING_ENTRY' || l.status === 'PENDING_EXIT')) return;
  const hedge = currentHedge(now);
  const held = hedge?.held ?? 0;
  const others = st.legs.some((l) => l !== hedge && l.held > 0);
  if (!others && held === 0) return;
  const skip = (signature: string, message: string, data: Record<string, number | string> = {}) =>
    note(ctx, st, 'hedge', 'HEDGE_SKIPPED', `delta hedge: ${message}`, { signature, data: { ...data, snapshotTs: snap.ts } }); // prettier-ignore

  const expiry =
    held > 0 && hedge?.expiry ? { expiry: hedge.expiry } : legExpiry(snap, now.time.day, h.expiry.kind, h.expiry.offset); // prettier-ignore
  if (expiry.expiry === null) return skip('expiry', `no futures expiry to hedge with: ${expiry.why}`); // prettier-ignore
  const price = futuresPrice(snap, expiry.expiry);
  if (price === undefined)
    return skip('price', `the ${expiry.expiry} future has no price (nor a synthetic future) at ${snap.ts}`); // prettier-ignore
  const lotSize = lotSizeOf(now.sp.dsl.underlying, expiry.expiry).lotSize;
  const position = held > 0 ? sideSign(hedge!.side) * (held / lotSize) : 0;
  const perUnit = price / snap.spot; // the future's delta per unit, in units of the underlying

  let lots: number;
  let why: string;
  let outside = false;
  let nd: NetDelta | null = null;
  if (!others) {
    // The hedge exists for the legs: with none held, it closes whatever the band says.
    lots = -position;
    why = `no leg of ${now.sp.dsl.name} is held any more`;
  } else {
    nd = netDelta(ctx, now, snap);
    if ('missing' in nd) return skip('missing', `net delta unknown, so no hedge now: ${nd.missing}`); // prettier-ignore
    const delta = nd.delta;
    const dev = delta - h.targetDelta;
    outside = h.band !== undefined && Math.abs(dev) > h.band;
    const clock = st.hedgeClock;
    const due =
      h.intervalMinutes !== undefined &&
      (clock === null || clock.cycle !== st.cycles || instantOf(snap.ts) - instantOf(clock.at) >= h.intervalMinutes * 60_000); // prettier-ignore
    if (due) st.hedgeClock = { cycle: st.cycles, at: snap.ts };
    if (!outside && !due) {
      delete st.notes.hedge;
      return;
    }
    lots = roundHalfDown(-dev / (perUnit * lotSize));
    why = outside
      ? `net delta ${signed(delta)} is outside ${fmt(h.targetDelta)} ± ${fmt(h.band)}`
      : `every ${h.intervalMinutes} min: net delta ${signed(delta)}, target ${fmt(h.targetDelta)}`;
    if (h.maxLots !== undefined) {
      const capped = Math.max(-h.maxLots, Math.min(h.maxLots, position + lots));
      if (capped !== position + lots) why += `; capped at maxLots ${h.maxLots}`;
      lots = capped - position;
    }
  }
  if (ctx.state.tradingState !== 'ACTIVE') {
    // Exits only: the hedge may shrink towards zero, never grow or turn around.
    if (position === 0 || Math.sign(lots) === Math.sign(position)) lots = 0;
    else if (Math.abs(lots) > Math.abs(position)) lots = -position;
  }
  const closesAll = !others;
  if (lots === 0) {
    // An interval rebalance with nothing to trade is no news; a band it cannot get back inside is.
    if (outside)
      skip('zero', `${why}, but no whole-lot trade of the ${expiry.expiry} future brings it closer${ctx.state.tradingState !== 'ACTIVE' ? ` (trading is ${ctx.state.tradingState}: the hedge may only shrink)` : ''}`); // prettier-ignore
    return;
  }
  if (!closesAll && Math.abs(lots) < h.minTradeLots)
    return skip(`min:${lots}`, `${why}, but the hedge trade would be ${Math.abs(lots)} lot(s), below minTradeLots ${h.minTradeLots}`); // prettier-ignore
  const side = lots > 0 ? 'BUY' : 'SELL';
  const qty = Math.abs(lots) * lotSize;
  const removes = qty * perUnit;
  const cost = expectedCost(ctx.plan, side, qty, lotSize, price, snap.spot, now.time.day);
  const risk = (removes * snap.spot * RISK_MOVE_PCT) / 100;
  if (!closesAll && h.costLimitPct !== undefined && cost > (h.costLimitPct / 100) * risk)
    return skip(`cost:${lots}`, `${why}, but ${side} ${Math.abs(lots)} lot(s) would cost about ${fmt(cost)}, ${fmt((cost / risk) * 100)} % of the ${fmt(risk)} of delta risk it removes (per 1 % move); costLimitPct is ${h.costLimitPct}`, { expectedCost: cost, riskRemoved: risk }); // prettier-ignore

  delete st.notes.hedge;
  const after = nd && 'delta' in nd ? nd.delta + lots * lotSize * perUnit : 0;
  emit(
    ctx,
    'HEDGE',
    `delta hedge: ${why}: ${side} ${Math.abs(lots)} lot(s) (${qty}) ${now.sp.dsl.underlying} ${expiry.expiry} FUT at ${fmt(price)} (delta ${perUnit.toFixed(4)} a unit)${nd ? ` -> net delta ${signed(after)}` : ''}; hedge ${fmt(position)} -> ${fmt(position + lots)} lot(s); expected cost ${fmt(cost)}`,
    {
      strategyId: st.strategyId,
      legId: DELTA_HEDGE_LEG_ID,
      data: {
        delta: nd && 'delta' in nd ? nd.delta : null,
        deltaAfter: nd ? after : null,
        target: h.targetDelta,
        lots,
        position: position + lots,
        futuresPrice: price,
        futuresDelta: perUnit,
        expectedCost: cost,
        riskRemoved: risk,
        snapshotTs: snap.ts,
      },
    },
  );
  const inst = hedge ?? newHedge(now, expiry.expiry, side);
  // A flat hedge opens again on the future chosen now (the month may have rolled).
  if (inst.held === 0) inst.expiry = expiry.expiry;
  inst.lastPrice = price;
  inst.lastPriceTs = snap.ts;
  inst.quoteMissing = false;
  const closing = position !== 0 && Math.sign(lots) !== Math.sign(position) && Math.abs(lots) <= Math.abs(position); // prettier-ignore
  inst.status = closing ? 'PENDING_EXIT' : 'PENDING_ENTRY';
  // A trade through zero is an opening order: the gate's limits apply to all of it.
  order(ctx, now, inst, side, qty, 'HEDGE', closing);
}

function newHedge(now: Now, expiry: string, side: 'BUY' | 'SELL'): LegState {
  const { st } = now;
  st.nextInstance += 1;
  const inst = blankInstance({
    instanceId: `${DELTA_HEDGE_LEG_ID}#${st.nextInstance}`,
    legId: DELTA_HEDGE_LEG_ID,
    cycle: st.cycles,
    hedge: true,
    status: 'CLOSED',
    origin: 'HEDGE',
    side,
    ...FUTURE_TERMS,
    expiry,
    lots: 0,
    qty: 0,
  });
  st.legs.push(inst);
  return inst;
}

// ---- fills, completion, settlement ------------------------------------------------------

/**
 * Closes `qty` units of the hedge at `price`: P&L against the average price, the opening costs of
 * those units with the closing costs, and a TRADE for the report (a hedge trade).
 */
function closeUnits(
  ctx: Ctx,
  now: Now,
  leg: LegState,
  qty: number,
  price: number,
  closingCosts: number,
  reason: OrderIntent['reason'] | 'SETTLEMENT',
): void {
  const avg = leg.entryPrice as number;
  const pnl = sideSign(leg.side) * (price - avg) * qty;
  const openCosts = leg.openCosts;
  const share = leg.held > 0 ? (openCosts * qty) / leg.held : 0;
  leg.openCosts = openCosts - share;
  leg.realizedPnl += pnl;
  leg.held -= qty;
  leg.exitPrice = price;
  leg.exitTs = ctx.ts;
  emit(
    ctx,
    'TRADE',
    `${DELTA_HEDGE_LEG_ID} ${leg.side} ${qty} ${leg.expiry} FUT: average ${fmt(avg)}, closed at ${fmt(price)} (${reason}), P&L ${fmt(pnl)} before costs ${fmt(share + closingCosts)}`,
    {
      strategyId: now.st.strategyId,
      legId: leg.legId,
      data: { instanceId: leg.instanceId, underlying: now.sp.dsl.underlying, expiry: leg.expiry, ...FUTURE_TERMS, side: leg.side, qty, entryTs: leg.entryTs, entryPrice: avg, entryReason: 'HEDGE', exitTs: ctx.ts, exitPrice: price, exitReason: reason, grossPnl: pnl, costs: share + closingCosts, hedge: true }, // prettier-ignore
    },
  );
}

/** One fill of a hedge order against the average-price position: adds, reduces, or turns it around. */
export function hedgeFill(
  ctx: Ctx,
  now: Now,
  leg: LegState,
  intent: OrderIntent,
  f: Extract<ExecutionReport, { kind: 'fill' }>,
): void {
  leg.costs += f.costs;
  let qty = f.qty;
  if (leg.held > 0 && leg.side !== intent.side) {
    const closed = Math.min(qty, leg.held);
    closeUnits(ctx, now, leg, closed, f.price, (f.costs * closed) / f.qty, intent.reason);
    qty -= closed;
  }
  if (qty > 0) {
    if (leg.held === 0) {
      leg.side = intent.side;
      leg.entryPrice = f.price;
      leg.entryTs = ctx.ts;
      leg.entrySpot = now.spot ?? null;
    } else
      leg.entryPrice = ((leg.entryPrice as number) * leg.held + f.price * qty) / (leg.held + qty);
    leg.held += qty;
    leg.openCosts += (f.costs * qty) / f.qty;
  }
  leg.qty = leg.held;
  leg.lots = leg.held / intent.lotSize;
}

/**
 * A hedge order is complete: the position rests (open, or closed when flat). A hedge that filled
 * after its strategy stopped is closed at once, as a late entry is.
 */
export function hedgeOrderDone(ctx: Ctx, now: Now, leg: LegState, done: OrderState): void {
  const intent = done.intent;
  leg.status = leg.held > 0 ? 'OPEN' : leg.entryPrice === null ? 'CANCELLED' : 'CLOSED';
  if (done.filledQty === 0 && !intent.closing)
    emit(ctx, 'ORDER_DENIED', `hedge order ${intent.id} (${intent.side} ${intent.qty} ${intent.underlying} ${intent.expiry} FUT) did not fill: ${done.rejections.join('; ') || 'cancelled by the broker'}`, { strategyId: intent.strategyId, legId: leg.legId, data: { intentId: intent.id, reason: done.rejections.join('; '), closing: false } }); // prettier-ignore
  if (
    leg.held > 0 &&
    (now.st.status !== 'ENTERED' || leg.cycle !== now.st.cycles || ctx.state.tradingState === 'HALTED') // prettier-ignore
  ) {
    const reason = now.st.exitReason ?? 'SQUARE_OFF';
    emit(ctx, 'SQUARE_OFF', `${leg.legId} filled after its strategy stopped (${now.st.doneReason ?? reason}): closing it at once`, { strategyId: now.st.strategyId, legId: leg.legId }); // prettier-ignore
    orderExit(ctx, now, leg, reason);
    return;
  }
  maybeStartPendingCycle(ctx, now);
}

/** A hedge order that will never trade (denied, or refused before any fill): the position rests as it was. */
export function releaseHedge(leg: LegState): void {
  leg.status = leg.held > 0 ? 'OPEN' : leg.entryPrice === null ? 'CANCELLED' : 'CLOSED';
  leg.exitReason = null;
}

/** The hedge's future expired while held: settled at the spot, as any future. */
export function settleHedge(ctx: Ctx, now: Now, leg: LegState, spot: number): void {
  const held = leg.held;
  const pnl = sideSign(leg.side) * (spot - (leg.entryPrice as number)) * held;
  emit(ctx, 'SETTLEMENT', `${leg.legId} ${leg.expiry} FUT expired: settled at ${fmt(spot)} (average ${fmt(leg.entryPrice)}, ${leg.side} ${held}): P&L ${fmt(pnl)}`, { strategyId: now.st.strategyId, legId: leg.legId, data: { instanceId: leg.instanceId, side: leg.side, qty: held, price: spot, spot, pnl, expiry: leg.expiry, ...FUTURE_TERMS } }); // prettier-ignore
  closeUnits(ctx, now, leg, held, spot, 0, 'SETTLEMENT');
  leg.status = 'CLOSED';
  leg.qty = 0;
  leg.lots = 0;
  leg.lastPrice = spot;
}

/**
 * createRuntime: the one deterministic step() for backtest, paper and live (DESIGN.md). It
 * dispatches an input (snapshot, broker report, clock tick, user command, broker positions) to
 * the strategies of the basket in document order, passes the decisions through the risk gate and
 * returns the new state with the orders, cancels and events of the step.
 */
import type { Basket } from '../dsl/basket.ts';
import type { Leg } from '../dsl/leg.ts';
import { getInstrument } from '../market/instruments.ts';
import { instantOf } from './clock.ts';
import { emit, fmt, nowFor, type Ctx, type Now } from './context.ts';
import { beginDraft, finishDraft, type DraftState } from './draft.ts';
import { instancePnl, isLive, orderExit, settleExpired, updatePrice } from './leg.ts';
import { cancelEntries, cancelOverdue, onPositions, onReport } from './orders.ts';
import { planBasket, type BasketPlan } from './plan.ts';
import { gate } from './risk.ts';
import {
  cancelWaits,
  dayCosts,
  dayMtm,
  isExitDay,
  squareOffStrategy,
  strategyStep,
} from './strategy-step.ts';
import type {
  ChainSnapshot,
  MarketView,
  PnlSummary,
  Runtime,
  RuntimeInput,
  RuntimeOptions,
  RuntimeState,
  StepResult,
  StrategyState,
} from './types.ts';

export function freshStrategy(strategyId: string): StrategyState {
  return {
    strategyId,
    status: 'WAITING',
    day: null,
    eligible: null,
    filtered: null,
    gateOpen: false,
    triggered: false,
    legs: [],
    nextInstance: 0,
    reentries: {},
    strategyReentries: { stopLoss: 0, target: 0 },
    pendingCycle: null,
    cycles: 0,
    cycleBase: 0,
    cyclePremium: 0,
    peakMtm: 0,
    lockReached: false,
    reportedStop: null,
    multiplier: 1,
    range: null,
    breakoutDone: false,
    momentum: null,
    dayOpenSpot: null,
    spotCandle: null,
    monitoringStopped: false,
    holding: null,
    doneReason: null,
    exitReason: null,
    notes: {},
    crossings: {},
    hedgeClock: null,
  };
}

export function initialStateOf(plan: BasketPlan, deploymentId: string): RuntimeState {
  return {
    version: 2,
    deploymentId,
    seq: 0,
    tradingState: 'ACTIVE',
    tradingStateReason: null,
    tradingStateCause: null,
    lastTs: null,
    lastSnapshotTs: {},
    lastSpot: {},
    basket: { day: null, grossBeforeToday: 0, costsBeforeToday: 0, equityPeak: plan.dsl.capital },
    strategies: Object.fromEntries(plan.strategies.map((s) => [s.id, freshStrategy(s.id)])),
    orders: {},
    recentOrders: [],
  };
}

/**
 * The trigger view of a snapshot (docs/dsl.md#execution). "ltp": every snapshot's prices.
 * "candleClose": candles of N minutes aligned to midnight; on the first snapshot of a new candle
 * the previous candle's close (its last price) is what triggers compare; otherwise nothing does.
 */
function triggerView(ctx: Ctx, now: Now): Now['trigger'] {
  const snapshot = now.snapshot as ChainSnapshot;
  const exec = ctx.plan.dsl.execution;
  const quoted = (id: string) => {
    const l = now.st.legs.find((x) => x.instanceId === id);
    return l && !l.quoteMissing && l.lastPrice !== null && l.lastPriceTs === snapshot.ts
      ? l.lastPrice
      : undefined;
  };
  if (exec.trigger !== 'candleClose') return { price: quoted, spot: snapshot.spot };
  const n = exec.candleMinutes as number;
  const bucket =
    daysSinceEpoch(now.time.day) * Math.ceil(1440 / n) + Math.floor(now.time.minute / n);
  const closed = new Map<string, number>();
  const roll = (
    c: { bucket: number; close: number } | null,
    price: number | undefined,
  ): { candle: { bucket: number; close: number } | null; close?: number } => {
    if (price === undefined) return { candle: c };
    if (c && c.bucket < bucket) return { candle: { bucket, close: price }, close: c.close };
    return { candle: { bucket, close: price } };
  };
  const s = roll(now.st.spotCandle, snapshot.spot);
  now.st.spotCandle = s.candle;
  for (const l of now.st.legs) {
    if (l.status !== 'OPEN' && l.status !== 'WAITING') continue;
    const r = roll(l.candle, quoted(l.instanceId));
    l.candle = r.candle;
    if (r.close !== undefined) closed.set(l.instanceId, r.close);
  }
  return { price: (id) => closed.get(id), spot: s.close };
}

const daysSinceEpoch = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);

/**
 * A new session: what closed yesterday moves into the basket's running totals and the strategy
 * starts the day afresh. Legs still live (held, or with an order working) are carried, never
 * dropped; what they made so far is booked to earlier sessions (their P&L base), so today's P&L
 * starts at zero. A positional strategy keeps holding them and its cycle goes on; an intraday
 * one squares them off now (it had no input after its exit time), and a working entry gets a cancel.
 */
function rollDay(ctx: Ctx, now: Now): void {
  const st = now.st;
  if (st.day === now.time.day) return;
  if (st.day !== null) {
    const carried = st.legs.filter(isLive);
    const basket = ctx.state.basket;
    // One sum per strategy and session, in basket order: a backtest split by days adds up the
    // same numbers in the same order (engine/backtest/parts.ts), so its figures are identical.
    basket.grossBeforeToday += dayMtm(st);
    basket.costsBeforeToday += dayCosts(st);
    for (const l of carried) {
      l.pnlBase = instancePnl(l);
      l.costsBase = l.costs;
    }
    const previous = st.day;
    const holding = now.sp.positional !== null && carried.some((l) => l.status === 'OPEN');
    const fresh = freshStrategy(st.strategyId);
    fresh.nextInstance = st.nextInstance;
    // The expiry a positional strategy traded is remembered until it passes: once per expiry.
    if (st.holding !== null && st.holding >= now.time.day) fresh.holding = st.holding;
    if (holding) {
      // The position and its cycle (premium, peak, lock) go on; the day's counters start afresh.
      for (const k of [
        'status',
        'cycles',
        'cycleBase',
        'cyclePremium',
        'peakMtm',
        'lockReached',
        'reportedStop',
        'multiplier',
        'triggered',
        'gateOpen',
        'holding',
        'exitReason',
      ] as const)
        // prettier-ignore
        (fresh as Record<string, unknown>)[k] = st[k];
      fresh.legs = carried;
    } else fresh.legs = carried.map((l) => ({ ...l, cycle: 0 }));
    Object.assign(st, fresh);
    st.day = now.time.day;
    if (carried.some((l) => l.status === 'PENDING_ENTRY'))
      cancelEntries(ctx, new Set([st.strategyId]), `the entry got no complete answer in session ${previous}`); // prettier-ignore
    if (holding) {
      emit(ctx, 'CARRIED', `${carried.map((l) => l.legId).join(', ')} held from session ${previous} into ${now.time.day} (positional, exit ${now.sp.positional!.exitDaysBefore} trading day(s) before ${st.holding})`, { strategyId: st.strategyId }); // prettier-ignore
    } else if (carried.some((l) => l.status === 'OPEN')) {
      emit(
        ctx,
        'EXIT_TIME',
        `${carried.map((l) => l.legId).join(', ')} still open from session ${previous} (no input after its exit time): squaring off now`,
        { strategyId: st.strategyId },
      );
      squareOffStrategy(ctx, now, 'EXIT_TIME', 'carried over a session');
    }
  }
  st.day = now.time.day;
  if (st.status !== 'ENTERED') st.status = 'WAITING';
  if (now.snapshot) {
    st.dayOpenSpot = now.snapshot.spot;
    st.notes.sessionStart = now.snapshot.ts;
  }
}

/** Today's gross P&L and costs over the basket's strategies, in basket order. */
export function basketPnl(state: DraftState | RuntimeState): { gross: number; costs: number } {
  let gross = 0;
  let costs = 0;
  for (const st of Object.values(state.strategies)) {
    gross += dayMtm(st);
    costs += dayCosts(st);
  }
  return { gross, costs };
}

/** Daily loss, then drawdown (docs/dsl.md#basket): a breach squares everything off and leaves exits only. */
function basketLimits(ctx: Ctx, ts: string): void {
  const { state, plan } = ctx;
  const b = plan.dsl;
  const day = basketPnl(state);
  const dayNet = day.gross - day.costs;
  const equity = b.capital + state.basket.grossBeforeToday - state.basket.costsBeforeToday + dayNet;
  state.basket.equityPeak = Math.max(state.basket.equityPeak, equity);
  if (
    state.tradingStateCause === 'DAILY_LOSS' ||
    state.tradingStateCause === 'DRAWDOWN' ||
    state.tradingStateCause === 'KILL'
  )
    return;
  let breach: { cause: 'DAILY_LOSS' | 'DRAWDOWN'; why: string } | null = null;
  if (b.maxDailyLoss) {
    const limit =
      b.maxDailyLoss.type === 'amount'
        ? b.maxDailyLoss.value
        : (b.capital * b.maxDailyLoss.value) / 100;
    if (dayNet <= -limit)
      breach = {
        cause: 'DAILY_LOSS',
        why: `basket day P&L ${fmt(dayNet)} (after costs ${fmt(day.costs)}) <= -${fmt(limit)} (maxDailyLoss ${b.maxDailyLoss.type} ${b.maxDailyLoss.value})`,
      };
  }
  if (!breach && b.maxDrawdownPct !== undefined) {
    const dd = ((state.basket.equityPeak - equity) / state.basket.equityPeak) * 100;
    if (dd >= b.maxDrawdownPct)
      breach = {
        cause: 'DRAWDOWN',
        why: `drawdown ${fmt(dd)}% (equity ${fmt(equity)} from peak ${fmt(state.basket.equityPeak)}) >= maxDrawdownPct ${b.maxDrawdownPct}`,
      };
  }
  if (!breach) return;
  emit(
    ctx,
    'BASKET_LIMIT',
    `${breach.why}: squaring off everything; ${breach.cause === 'DAILY_LOSS' ? 'no new entries today' : 'no new entries until the deployment is restarted'}`,
    { data: { dayPnl: dayNet, equity, peak: state.basket.equityPeak } },
  );
  setTradingState(ctx, 'REDUCING', breach.cause, breach.why);
  for (const sp of plan.strategies) {
    const now = nowFor(ctx, sp, ts, null);
    squareOffStrategy(ctx, now, 'BASKET_LIMIT', breach.why);
    now.st.status = 'EXITED';
    now.st.doneReason = breach.why;
    now.st.pendingCycle = null;
  }
}

function setTradingState(
  ctx: Ctx,
  to: RuntimeState['tradingState'],
  cause: RuntimeState['tradingStateCause'],
  why: string,
): void {
  const s = ctx.state;
  if (s.tradingState === to && s.tradingStateCause === cause) return;
  emit(ctx, 'TRADING_STATE', `trading state ${s.tradingState} -> ${to}: ${why}`, {
    data: { from: s.tradingState, to, reason: why },
  });
  s.tradingState = to;
  s.tradingStateCause = cause;
  s.tradingStateReason = why;
}

async function onSnapshot(ctx: Ctx, snapshot: ChainSnapshot): Promise<void> {
  const { state, plan } = ctx;
  const strategies = plan.strategies.filter((s) => s.dsl.underlying === snapshot.underlying);
  if (strategies.length === 0) return;
  const prev = state.lastSnapshotTs[snapshot.underlying];
  if (prev && instantOf(prev) >= instantOf(snapshot.ts)) {
    emit(
      ctx,
      'STALE_CHAIN',
      `${snapshot.underlying} snapshot at ${snapshot.ts} is not newer than the last one (${prev}): ignored`,
      { data: { snapshotTs: snapshot.ts, lastTs: prev } },
    );
    return;
  }
  state.lastSnapshotTs[snapshot.underlying] = snapshot.ts;
  state.lastSpot[snapshot.underlying] = snapshot.spot;
  const first = nowFor(ctx, strategies[0], snapshot.ts, snapshot);
  if (state.basket.day !== first.time.day) {
    if (state.basket.day !== null && state.tradingStateCause === 'DAILY_LOSS')
      setTradingState(
        ctx,
        'ACTIVE',
        null,
        `new session ${first.time.day}: the daily loss limit resets`,
      );
    state.basket.day = first.time.day;
  }
  const nows = strategies.map((sp) => nowFor(ctx, sp, snapshot.ts, snapshot));
  for (const now of nows) {
    rollDay(ctx, now);
    for (const inst of now.st.legs)
      if (inst.status === 'OPEN' || inst.status === 'WAITING' || inst.status === 'PENDING_EXIT')
        updatePrice(ctx, now, inst);
    settleExpired(ctx, now);
    now.trigger = triggerView(ctx, now);
  }
  basketLimits(ctx, snapshot.ts);
  for (const now of nows) await strategyStep(ctx, now);
}

async function onClock(ctx: Ctx, ts: string): Promise<void> {
  const { state, plan } = ctx;
  for (const sp of plan.strategies) {
    const now = nowFor(ctx, sp, ts, null);
    const last = state.lastSnapshotTs[sp.dsl.underlying];
    if (
      last &&
      now.time.ms - instantOf(last) > plan.settings.staleAfterMs &&
      now.st.status !== 'EXITED'
    ) {
      const msg = `the last ${sp.dsl.underlying} snapshot is from ${last}, older than ${Math.round(plan.settings.staleAfterMs / 1000)} s at ${ts}: no new entries until a fresh chain arrives`;
      if (now.st.notes.stale !== last) {
        now.st.notes.stale = last;
        emit(ctx, 'STALE_CHAIN', msg, { strategyId: sp.id, data: { lastSnapshotTs: last } });
      }
    }
    if (now.st.day !== null && now.st.day !== now.time.day) rollDay(ctx, now);
    settleExpired(ctx, now);
    await strategyStep(ctx, now);
  }
}

/**
 * The user's commands. SQUARE_OFF closes one leg, one strategy (stopped for the day) or all;
 * KILL closes everything and halts the deployment; both cancel working entries so nothing opens
 * later. PAUSE stops new entries (exits keep working); RESUME lifts a pause and the halts of
 * entries that wait for a person (reconciliation, a broker's rejection, a fill outside the band).
 */
function onCommand(ctx: Ctx, input: Extract<RuntimeInput, { kind: 'command' }>): void {
  const { plan, state } = ctx;
  const { command, ts, strategyId, legId } = input;
  if (strategyId && !plan.strategies.some((s) => s.id === strategyId)) {
    throw new Error(
      `${command}: strategy "${strategyId}" is not in this basket; strategies are ${plan.strategies.map((s) => s.id).join(', ')}`,
    );
  }
  if (command === 'PAUSE') {
    const by = input.reason ? `by the portfolio risk limits (${input.reason})` : 'by the user';
    if (state.tradingState === 'ACTIVE')
      setTradingState(ctx, 'REDUCING', 'PAUSED', `paused ${by} at ${ts}: exits only`);
    emit(ctx, 'PAUSE', `paused ${by} at ${ts}: no new entries; open legs keep their stops and exits`, input.reason ? { data: { reason: input.reason } } : {}); // prettier-ignore
    return;
  }
  if (command === 'RESUME') {
    const cause = state.tradingStateCause;
    const lifts = cause === 'PAUSED' || cause === 'RECONCILIATION' || cause === 'BROKER' || cause === 'PRICE_BAND'; // prettier-ignore
    if (state.tradingState === 'REDUCING' && lifts)
      setTradingState(ctx, 'ACTIVE', null, `resumed by the user at ${ts}`);
    emit(ctx, 'RESUME', lifts || state.tradingState === 'ACTIVE' ? `resumed by the user at ${ts}` : `resume at ${ts} does not lift ${state.tradingState} (${state.tradingStateReason ?? ''})`); // prettier-ignore
    return;
  }
  if (legId !== undefined) {
    const sp = plan.strategies.find((s) => s.id === strategyId);
    if (!sp || !sp.legs.has(legId))
      throw new Error(`SQUARE_OFF of leg "${legId}" needs the strategy it belongs to and a leg id of that strategy`); // prettier-ignore
    const now = nowFor(ctx, sp, ts, null);
    const open = now.st.legs.filter((l) => l.legId === legId && l.status === 'OPEN');
    emit(ctx, 'SQUARE_OFF', `square-off of ${legId} by the user at ${ts}: ${open.length ? `closing ${open.length} position(s)` : 'nothing open'}`, { strategyId: sp.id, legId }); // prettier-ignore
    for (const l of now.st.legs) if (l.legId === legId) l.after = null;
    for (const l of open) orderExit(ctx, now, l, 'SQUARE_OFF');
    cancelWaits(ctx, now, `square-off of ${legId} by the user`, (l) => l.legId === legId);
    return;
  }
  const targets =
    command === 'KILL' || !strategyId
      ? plan.strategies
      : plan.strategies.filter((s) => s.id === strategyId);
  if (command === 'KILL') setTradingState(ctx, 'HALTED', 'KILL', `KILL by the user at ${ts}`);
  cancelEntries(ctx, new Set(targets.map((t) => t.id)), `${command === 'KILL' ? 'kill' : 'square-off'} by the user`); // prettier-ignore
  for (const sp of targets) {
    const now = nowFor(ctx, sp, ts, null);
    const open = now.st.legs.filter((l) => l.status === 'OPEN');
    emit(
      ctx,
      command,
      `${command === 'KILL' ? 'kill' : 'square-off'} by the user at ${ts}: ${open.length ? `closing ${open.map((l) => l.legId).join(', ')}` : 'nothing open'}${command === 'KILL' ? '; the deployment is halted' : '; no more entries today'}`,
      { strategyId: sp.id },
    );
    squareOffStrategy(ctx, now, command, `${command} by the user`);
    cancelWaits(ctx, now, `${command} by the user`);
    now.st.status = 'EXITED';
    now.st.doneReason = `${command} by the user`;
    now.st.pendingCycle = null;
  }
}

/**
 * The data of an underlying ended for its session before the strategies' exit time (a backtest
 * file that stops at 13:08, or the last input of a run). An intraday strategy squares off at the
 * last snapshot and says so, instead of carrying its legs into another session unwatched.
 */
function onSessionEnd(ctx: Ctx, underlying: string, ts: string): void {
  for (const sp of ctx.plan.strategies) {
    if (sp.dsl.underlying !== underlying) continue;
    const now = nowFor(ctx, sp, ts, null);
    const st = now.st;
    if (st.day !== now.time.day) continue;
    if (sp.positional && !isExitDay(now)) continue; // held across sessions by design
    if (now.time.minute >= sp.exitMinute) continue; // the exit time already did it
    const open = st.legs.filter((l) => l.status === 'OPEN');
    const waiting = st.legs.some((l) => l.status === 'WAITING') || st.momentum !== null;
    if (!open.length && !waiting) continue;
    emit(
      ctx,
      'EXIT_TIME',
      `the ${underlying} data of session ${now.time.day} ends at ${now.time.hhmm}, before exit time ${sp.dsl.exit.time}: ${open.length ? `squaring off ${open.map((l) => l.legId).join(', ')} at the last snapshot` : 'cancelling waits'} (an intraday strategy is never carried into another session)`,
      { strategyId: sp.id, data: { lastSnapshotTs: ts, early: true } },
    );
    squareOffStrategy(ctx, now, 'EXIT_TIME', `data ended at ${now.time.hhmm}`);
    st.status = 'EXITED';
    st.doneReason = `the session's data ended at ${now.time.hhmm}`;
    st.pendingCycle = null;
  }
}

export function createRuntime(
  basket: Basket,
  options: RuntimeOptions,
): Runtime & { plan: BasketPlan } {
  if (!options?.deploymentId)
    throw new Error(
      'createRuntime: options.deploymentId is required (intent ids are `${deploymentId}:${seq}`)',
    );
  const plan = planBasket(basket, options.settings, options.risk);
  const tick = (u: string) => getInstrument(u).tickSize;
  return {
    plan,
    initialState: () => initialStateOf(plan, options.deploymentId),
    async step(state: RuntimeState, input: RuntimeInput, market: MarketView): Promise<StepResult> {
      if (state.deploymentId !== options.deploymentId)
        throw new Error(
          `step: state belongs to deployment ${state.deploymentId}, this runtime to ${options.deploymentId}`,
        );
      if (state.version !== 2)
        throw new Error(`step: state version ${String(state.version)} is not 2; migrate it first (engine/runtime/state-migrate)`); // prettier-ignore
      const ts =
        input.kind === 'snapshot'
          ? input.snapshot.ts
          : input.kind === 'report'
            ? input.report.ts
            : input.ts;
      const ms = instantOf(ts);
      const ctx: Ctx = { plan, ...beginDraft(state), market, intents: [], cancels: [], events: [], ts }; // prettier-ignore
      switch (input.kind) {
        case 'snapshot':
          await onSnapshot(ctx, input.snapshot);
          cancelOverdue(ctx, ms, plan.settings.orderTimeoutMs);
          break;
        case 'report':
          onReport(ctx, input.report);
          break;
        case 'clock':
          await onClock(ctx, input.ts);
          cancelOverdue(ctx, ms, plan.settings.orderTimeoutMs);
          break;
        case 'command':
          onCommand(ctx, input);
          break;
        case 'positions':
          onPositions(ctx, input.positions);
          break;
        case 'session-end':
          onSessionEnd(ctx, input.underlying, input.ts);
          break;
        default: {
          const never: never = input;
          throw new Error(`step: unknown input kind ${JSON.stringify(never)}`);
        }
      }
      const intents = gate(ctx, plan.risk, ms, tick);
      if (!ctx.state.lastTs || instantOf(ctx.state.lastTs) < ms) ctx.state.lastTs = ts;
      return { state: finishDraft(ctx), intents, cancels: ctx.cancels, events: ctx.events };
    },
  };
}

/** Gross P&L (realised + marked open positions), costs and net, per strategy and in total. */
export function pnlOf(state: RuntimeState): PnlSummary {
  const byStrategy: PnlSummary['byStrategy'] = {};
  for (const [id, st] of Object.entries(state.strategies)) {
    const g = dayMtm(st);
    const c = dayCosts(st);
    byStrategy[id] = { gross: g, costs: c, net: g - c };
  }
  const day = basketPnl(state);
  const gross = state.basket.grossBeforeToday + day.gross;
  const costs = state.basket.costsBeforeToday + day.costs;
  return { gross, costs, net: gross - costs, dayNet: day.gross - day.costs, byStrategy };
}

export type { Leg };

/**
 * createRuntime: the one deterministic step() for backtest, paper and live (DESIGN.md). It
 * dispatches an input (snapshot, fill, clock tick, user command) to the strategies of the basket
 * in document order and returns the new state with the intents and events of the decision.
 */
import type { Basket } from '../dsl/basket.ts';
import type { Leg } from '../dsl/leg.ts';
import { instantOf, localTime } from './clock.ts';
import { emit, fmt, type Ctx, type Now } from './context.ts';
import { computeAtmIv } from './facts.ts';
import { isLive, settleExpired, updatePrice } from './leg.ts';
import { sideSign } from './levels.ts';
import { planBasket, type BasketPlan, type StrategyPlan } from './plan.ts';
import {
  cancelWaits,
  dayCosts,
  dayMtm,
  maybeStartPendingCycle,
  onEntryFill,
  runFollowUp,
  squareOffStrategy,
  strategyStep,
} from './strategy-step.ts';
import type {
  ChainSnapshot,
  Fill,
  LegState,
  PnlSummary,
  Runtime,
  RuntimeInput,
  RuntimeOptions,
  RuntimeState,
  StepResult,
  StrategyState,
} from './types.ts';

const HISTORY_DAYS = 1100;

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
    doneReason: null,
    exitReason: null,
    notes: {},
    crossings: {},
  };
}

export function initialStateOf(plan: BasketPlan, deploymentId: string): RuntimeState {
  return {
    version: 1,
    deploymentId,
    seq: 0,
    tradingState: 'ACTIVE',
    tradingStateReason: null,
    tradingStateCause: null,
    lastTs: null,
    lastSnapshot: {},
    lastSpot: {},
    history: {},
    basket: { day: null, grossBeforeToday: 0, costsBeforeToday: 0, equityPeak: plan.dsl.capital },
    strategies: Object.fromEntries(plan.strategies.map((s) => [s.id, freshStrategy(s.id)])),
    pending: {},
  };
}

const copy = <T extends object>(o: T | null): T | null => (o === null ? null : { ...o });

function copyLeg(l: LegState): LegState {
  return {
    ...l,
    wait: copy(l.wait),
    candle: copy(l.candle),
    range: copy(l.range),
    after: copy(l.after),
  };
}

function copyStrategy(st: StrategyState): StrategyState {
  const reentries: StrategyState['reentries'] = {};
  for (const k in st.reentries) reentries[k] = { ...st.reentries[k] };
  return {
    ...st,
    legs: st.legs.map(copyLeg),
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

/**
 * A working copy of the state that the step may mutate, copied field by field (several times
 * faster than a generic deep clone, which dominated a step). Snapshots and intents are never
 * mutated and are shared; daily-close histories are copy-on-write (recordClose replaces the
 * array it changes). immutability.test.ts checks that a step never changes its input state.
 */
function draft(state: RuntimeState): RuntimeState {
  const strategies: RuntimeState['strategies'] = {};
  for (const k in state.strategies) strategies[k] = copyStrategy(state.strategies[k]);
  return {
    ...state,
    lastSnapshot: { ...state.lastSnapshot },
    lastSpot: { ...state.lastSpot },
    history: { ...state.history },
    basket: { ...state.basket },
    strategies,
    pending: { ...state.pending },
  };
}

const NO_TRIGGER: Now['trigger'] = { price: () => undefined, spot: undefined };

function nowFor(ctx: Ctx, sp: StrategyPlan, ts: string, snapshot: ChainSnapshot | null): Now {
  const u = sp.dsl.underlying;
  return {
    sp,
    st: ctx.state.strategies[sp.id],
    instrument: sp.instrument,
    time: localTime(ts, sp.instrument),
    snapshot,
    chain: snapshot ?? ctx.state.lastSnapshot[u] ?? null,
    spot: snapshot?.spot ?? ctx.state.lastSpot[u],
    trigger: NO_TRIGGER,
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

/** A new session: yesterday's P&L moves into the basket's running totals and the strategy starts afresh. */
function rollDay(ctx: Ctx, now: Now): void {
  const st = now.st;
  if (st.day === now.time.day) return;
  if (st.day !== null) {
    // An entry order never answered in its session is dropped: it is not retried on a new day.
    for (const l of st.legs) {
      if (l.status !== 'PENDING_ENTRY') continue;
      emit(
        ctx,
        'ORDER_DENIED',
        `${l.legId}: entry order ${l.pendingIntentId} got no fill in session ${st.day}; it is dropped`,
        { strategyId: st.strategyId, legId: l.legId, data: { intentId: l.pendingIntentId } },
      );
      if (l.pendingIntentId) delete ctx.state.pending[l.pendingIntentId];
      l.status = 'CANCELLED';
      l.pendingIntentId = null;
    }
    const carried = st.legs.filter(isLive);
    const closed = st.legs.filter((l) => !isLive(l));
    ctx.state.basket.grossBeforeToday += closed.reduce((a, l) => a + l.realizedPnl, 0);
    ctx.state.basket.costsBeforeToday += closed.reduce((a, l) => a + l.costs, 0);
    const fresh = freshStrategy(st.strategyId);
    fresh.legs = carried.map((l) => ({ ...l, cycle: 0 }));
    fresh.nextInstance = st.nextInstance;
    fresh.crossings = {};
    Object.assign(st, fresh);
    if (carried.length) {
      emit(
        ctx,
        'EXIT_TIME',
        `${carried.map((l) => l.legId).join(', ')} still open from ${closed.length ? 'the previous session' : 'an earlier session'} (no input after its exit time): squaring off now`,
        { strategyId: st.strategyId },
      );
      st.day = now.time.day;
      squareOffStrategy(ctx, now, 'EXIT_TIME', 'carried over a session');
    }
  }
  st.day = now.time.day;
  st.status = 'WAITING';
  if (now.snapshot) st.dayOpenSpot = now.snapshot.spot;
}

function recordClose(ctx: Ctx, snapshot: ChainSnapshot, day: string, needsIv: boolean): void {
  const h = [...(ctx.state.history[snapshot.underlying] ?? [])];
  ctx.state.history[snapshot.underlying] = h;
  const close = { day, spot: snapshot.spot } as RuntimeState['history'][string][number];
  if (snapshot.vix !== undefined) close.vix = snapshot.vix;
  if (needsIv) {
    const iv = computeAtmIv(snapshot, day, {
      rate: ctx.plan.settings.rate,
      dividendYield: ctx.plan.settings.dividendYield,
    });
    if (iv !== undefined) close.atmIv = iv;
  }
  if (h.length && h[h.length - 1].day === day) h[h.length - 1] = close;
  else {
    h.push(close);
    if (h.length > HISTORY_DAYS) h.splice(0, h.length - HISTORY_DAYS);
  }
}

function basketPnl(state: RuntimeState): { gross: number; costs: number } {
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
  const prev = state.lastSnapshot[snapshot.underlying];
  if (prev && instantOf(prev.ts) >= instantOf(snapshot.ts)) {
    emit(
      ctx,
      'STALE_CHAIN',
      `${snapshot.underlying} snapshot at ${snapshot.ts} is not newer than the last one (${prev.ts}): ignored`,
      { data: { snapshotTs: snapshot.ts, lastTs: prev.ts } },
    );
    return;
  }
  state.lastSnapshot[snapshot.underlying] = snapshot;
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
  recordClose(
    ctx,
    snapshot,
    first.time.day,
    strategies.some((s) => s.needsIv),
  );
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

function onFill(ctx: Ctx, fill: Fill): void {
  const { state, plan } = ctx;
  const intent = state.pending[fill.intentId];
  if (!intent) {
    emit(
      ctx,
      'FILL',
      `fill for ${fill.intentId} ignored: no such intent is pending (already filled, denied, or not from deployment ${state.deploymentId})`,
      { data: { intentId: fill.intentId } },
    );
    return;
  }
  if (!(fill.qty >= 0) || !(fill.price >= 0) || !(fill.costs >= 0))
    throw new Error(
      `fill for ${fill.intentId}: price, qty and costs must be non-negative numbers; got price ${fill.price}, qty ${fill.qty}, costs ${fill.costs}`,
    );
  if (fill.qty > intent.qty)
    throw new Error(
      `fill for ${fill.intentId}: qty ${fill.qty} is more than the ${intent.qty} ordered`,
    );
  delete state.pending[fill.intentId];
  const sp = plan.strategies.find((s) => s.id === intent.strategyId) as StrategyPlan;
  const now = nowFor(ctx, sp, fill.ts, null);
  const inst = now.st.legs.find((l) => l.pendingIntentId === fill.intentId);
  if (!inst) return; // its strategy's day was reset; the fill still left the pending list
  inst.pendingIntentId = null;
  inst.costs += fill.costs;
  emit(
    ctx,
    'FILL',
    `${intent.side} ${fill.qty} ${intent.underlying} ${intent.expiry} ${intent.right === 'FUT' ? 'FUT' : `${intent.strike} ${intent.right}`} filled at ${fmt(fill.price)} (${intent.reason}), costs ${fmt(fill.costs)}`,
    {
      strategyId: intent.strategyId,
      legId: intent.legId,
      data: {
        intentId: fill.intentId,
        price: fill.price,
        qty: fill.qty,
        costs: fill.costs,
        reason: intent.reason,
        instanceId: inst.instanceId,
      },
    },
  );
  if (!intent.closing) {
    onEntryFill(ctx, now, inst, fill.price, fill.qty);
    return;
  }
  const pnl = sideSign(inst.side) * (fill.price - (inst.entryPrice as number)) * fill.qty;
  inst.realizedPnl += pnl;
  if (fill.qty < inst.qty) {
    // The unfilled rest stays open and is re-evaluated on the next snapshot.
    inst.qty -= fill.qty;
    inst.status = 'OPEN';
    inst.exitReason = null;
    return;
  }
  inst.status = 'CLOSED';
  inst.exitPrice = fill.price;
  inst.exitTs = fill.ts;
  inst.lastPrice = fill.price;
  runFollowUp(ctx, now, inst);
  maybeStartPendingCycle(ctx, now);
}

async function onClock(ctx: Ctx, ts: string): Promise<void> {
  const { state, plan } = ctx;
  for (const sp of plan.strategies) {
    const now = nowFor(ctx, sp, ts, null);
    const last = state.lastSnapshot[sp.dsl.underlying];
    if (
      last &&
      now.time.ms - instantOf(last.ts) > plan.settings.staleAfterMs &&
      now.st.status !== 'EXITED'
    ) {
      const msg = `the last ${sp.dsl.underlying} snapshot is from ${last.ts}, older than ${Math.round(plan.settings.staleAfterMs / 1000)} s at ${ts}: no new entries until a fresh chain arrives`;
      if (now.st.notes.stale !== last.ts) {
        now.st.notes.stale = last.ts;
        emit(ctx, 'STALE_CHAIN', msg, { strategyId: sp.id, data: { lastSnapshotTs: last.ts } });
      }
    }
    if (now.st.day !== null && now.st.day !== now.time.day) rollDay(ctx, now);
    settleExpired(ctx, now);
    await strategyStep(ctx, now);
  }
}

function onCommand(
  ctx: Ctx,
  command: 'SQUARE_OFF' | 'KILL',
  ts: string,
  strategyId?: string,
): void {
  const { plan } = ctx;
  if (strategyId && !plan.strategies.some((s) => s.id === strategyId)) {
    throw new Error(
      `${command}: strategy "${strategyId}" is not in this basket; strategies are ${plan.strategies.map((s) => s.id).join(', ')}`,
    );
  }
  const targets =
    command === 'KILL' || !strategyId
      ? plan.strategies
      : plan.strategies.filter((s) => s.id === strategyId);
  if (command === 'KILL') setTradingState(ctx, 'HALTED', 'KILL', `KILL by the user at ${ts}`);
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

export function createRuntime(
  basket: Basket,
  options: RuntimeOptions,
): Runtime & { plan: BasketPlan } {
  if (!options?.deploymentId)
    throw new Error(
      'createRuntime: options.deploymentId is required (intent ids are `${deploymentId}:${seq}`)',
    );
  const plan = planBasket(basket, options.settings);
  return {
    plan,
    initialState: () => initialStateOf(plan, options.deploymentId),
    async step(state: RuntimeState, input: RuntimeInput): Promise<StepResult> {
      if (state.deploymentId !== options.deploymentId)
        throw new Error(
          `step: state belongs to deployment ${state.deploymentId}, this runtime to ${options.deploymentId}`,
        );
      const ts =
        input.kind === 'snapshot'
          ? input.snapshot.ts
          : input.kind === 'fill'
            ? input.fill.ts
            : input.ts;
      const ms = instantOf(ts);
      const ctx: Ctx = { plan, state: draft(state), intents: [], events: [], ts };
      switch (input.kind) {
        case 'snapshot':
          await onSnapshot(ctx, input.snapshot);
          break;
        case 'fill':
          onFill(ctx, input.fill);
          break;
        case 'clock':
          await onClock(ctx, input.ts);
          break;
        case 'command':
          onCommand(ctx, input.command, input.ts, input.strategyId);
          break;
        default: {
          const never: never = input;
          throw new Error(`step: unknown input kind ${JSON.stringify(never)}`);
        }
      }
      if (!ctx.state.lastTs || instantOf(ctx.state.lastTs) < ms) ctx.state.lastTs = ts;
      return { state: ctx.state, intents: ctx.intents, events: ctx.events };
    },
  };
}

/** Gross P&L (realised + marked open positions), costs and net, per strategy and in total. */
export function pnlOf(state: RuntimeState): PnlSummary {
  const byStrategy: PnlSummary['byStrategy'] = {};
  let gross = state.basket.grossBeforeToday;
  let costs = state.basket.costsBeforeToday;
  for (const [id, st] of Object.entries(state.strategies)) {
    const g = dayMtm(st);
    const c = dayCosts(st);
    byStrategy[id] = { gross: g, costs: c, net: g - c };
    gross += g;
    costs += c;
  }
  return { gross, costs, net: gross - costs, byStrategy };
}

export type { Leg };

/**
 * The runtime's public contract: what goes into `step`, what comes out, and the state that is
 * stored between steps. Backtests, paper and live deployments, the risk gate and the brokers all
 * code against these types, so they change only together.
 *
 * How an order flows:
 *   1. `step(state, {kind:'snapshot'})` decides (entries, stops, exits) and returns OrderIntents.
 *      An intent's leg is *pending* from then on: the runtime never double-orders it.
 *   2. The risk gate (engine/runtime/risk*) looks at each intent. A denial goes back through
 *      `applyRiskDecision(state, {kind:'deny', ...})`: the pending leg is dropped (an entry never
 *      opens; an exit stays open and is retried on the next snapshot) and an ORDER_DENIED event says why.
 *   3. The broker (the paper fill model or a live broker) answers with
 *      `step(state, {kind:'fill', fill})`, on the same snapshot or later (latency). A leg is open
 *      once its entry fill arrives and closed once its exit fill arrives; P&L uses fill prices.
 *      Re-entries and lazy legs decided on an exit are ordered by the step that receives that
 *      exit's fill (on the last snapshot seen, kept in the state), as docs/dsl.md requires.
 *   4. Clock inputs move time without a chain (exit times, cut-offs, settlement); commands are the
 *      user's square-off and kill.
 *   5. Expiry settles open legs at intrinsic value without an order: a SETTLEMENT event carries
 *      {side, qty, price, pnl}, a cash flow the backtest report books like a fill.
 *
 * `step` is async because json-rules-engine's `run()` is (settings.evaluator 'json-rules-engine');
 * the default compiled evaluator answers synchronously (an already resolved promise).
 * Determinism: no clock, no randomness; the same inputs give the same outputs and intent ids.
 */

/** DESIGN.md's chain snapshot contract; the market layer's zod schema is its single source. */
export type { ChainSnapshot, ExpiryChain, OptionQuote } from '../market/snapshot.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';

export type Right = 'CE' | 'PE' | 'FUT';
export type Side = 'BUY' | 'SELL';

/** Why an order exists; exactly the `reason` values of DESIGN.md's backtest report. */
export type OrderReason =
  | 'ENTRY'
  | 'STOP_LOSS'
  | 'TARGET'
  | 'TRAILING_STOP'
  | 'REENTRY'
  | 'EXIT_TIME'
  | 'EXIT_CONDITION'
  | 'STRATEGY_STOP'
  | 'STRATEGY_TARGET'
  | 'BASKET_LIMIT'
  | 'SQUARE_OFF'
  | 'KILL';

export type OrderIntent = {
  /** `${deploymentId}:${seq}`; seq counts every intent of the deployment from 1. */
  id: string;
  /** Time of the input that caused the intent (the snapshot's ts). */
  ts: string;
  deploymentId: string;
  strategyId: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: Right;
  side: Side;
  /** Units (lots x lot size). */
  qty: number;
  lots: number;
  orderType: 'MARKET';
  reason: OrderReason;
  /** True when the intent closes (part of) an open position: the risk gate lets these through in REDUCING. */
  closing: boolean;
};

export type Fill = {
  intentId: string;
  ts: string;
  /** Average fill price per unit. */
  price: number;
  /** Units filled; less than the intent's qty means a partial fill (the rest is treated as cancelled). */
  qty: number;
  /** Money: brokerage, taxes and fees of this fill, reported apart from gross P&L. */
  costs: number;
};

export type UserCommand = 'SQUARE_OFF' | 'KILL';

export type RuntimeInput =
  | { kind: 'snapshot'; snapshot: ChainSnapshot }
  | { kind: 'fill'; fill: Fill }
  | { kind: 'clock'; ts: string }
  /** SQUARE_OFF closes the positions (of one strategy when strategyId is given) and stops it for the day;
   *  KILL closes everything and HALTs the deployment until it is reset. */
  | { kind: 'command'; command: UserCommand; ts: string; strategyId?: string };

export type RuntimeEventType =
  | 'ENTRY_WAIT'
  | 'ENTRY_BLOCKED'
  | 'ENTRY'
  | 'CONDITION'
  | 'STRIKE_SELECTED'
  | 'STRIKE_NOT_FOUND'
  | 'EXPIRY_NOT_FOUND'
  | 'FILTERED'
  | 'NOT_ELIGIBLE'
  | 'SIZING_ZERO'
  | 'MOMENTUM_EXPIRED'
  | 'RANGE_EMPTY'
  | 'LAZY_LEG_ALREADY_OPEN'
  | 'NO_QUOTE'
  | 'STALE_CHAIN'
  | 'FILL'
  | 'STOP_LOSS'
  | 'TARGET'
  | 'TRAILING_MOVED'
  | 'TRAILING_STOP'
  | 'BREAKEVEN'
  | 'LOCK'
  | 'LOCK_TRAIL'
  | 'OVERALL_TRAIL'
  | 'STRATEGY_STOP'
  | 'STRATEGY_TARGET'
  | 'REENTRY'
  | 'REENTRY_SKIPPED'
  | 'LAZY_LEG'
  | 'MOMENTUM_ARMED'
  | 'MOMENTUM_TRIGGERED'
  | 'RANGE_SET'
  | 'RANGE_BREAKOUT'
  | 'EXIT_TIME'
  | 'EXIT_CONDITION'
  | 'MONITORING_STOPPED'
  | 'BASKET_LIMIT'
  | 'TRADING_STATE'
  | 'SETTLEMENT'
  | 'SQUARE_OFF'
  | 'KILL'
  | 'ORDER_DENIED';

/**
 * Every decision is an event that says why: `message` is for the trader ("CE 24300 stop-loss:
 * LTP 156.0 >= stop 156.0 (30% above entry 120.0) at 09:31"); `data` holds the rule or level and
 * the values compared, and `data.snapshotTs` the time of the snapshot the decision used.
 */
export type RuntimeEvent = {
  ts: string;
  type: RuntimeEventType;
  strategyId?: string;
  legId?: string;
  message: string;
  data?: Record<string, string | number | boolean | null>;
};

/** ACTIVE: everything allowed. REDUCING: exits only (after a basket limit). HALTED: nothing (after KILL). */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export type LegStatus =
  'WAITING' | 'PENDING_ENTRY' | 'OPEN' | 'PENDING_EXIT' | 'CLOSED' | 'CANCELLED';

/** What a WAITING leg waits for before it orders: a momentum move, or the premium coming back to cost. */
export type LegWait = {
  kind: 'MOMENTUM' | 'COST';
  on: 'PREMIUM' | 'UNDERLYING';
  /** The price the wait started from (premium or spot) and the level that releases it. */
  reference: number;
  level: number;
  /** UP: released when the watched price is >= level; DOWN: when it is <= level. */
  direction: 'UP' | 'DOWN';
};

/** One position of a leg; re-entries and lazy legs add instances, so a DSL leg id may have several. */
export type LegState = {
  /** `${legId}#${n}`, unique within the strategy for the day. */
  instanceId: string;
  legId: string;
  /** The strategy cycle (1 = first entry of the day) this instance belongs to. */
  cycle: number;
  hedge: boolean;
  status: LegStatus;
  /** Why this instance exists: the first entry, a re-entry (and of which kind) or a lazy-leg link. */
  origin: 'ENTRY' | 'REENTRY' | 'LAZY';
  side: Side;
  right: Right;
  expiry: string | null;
  /** null for FUT legs. */
  strike: number | null;
  lots: number;
  qty: number;
  entryPrice: number | null;
  entrySpot: number | null;
  entryTs: string | null;
  /** The last trigger price (LTP, else mid) seen for the contract, and when. */
  lastPrice: number | null;
  lastPriceTs: string | null;
  quoteMissing: boolean;
  /** The open candle of this instance's price (candle-close triggers): its bucket and last price. */
  candle: { bucket: number; close: number } | null;
  /** Premium stop and target levels, set from the entry fill; the stop moves with trailing / break-even. */
  stopLevel: number | null;
  initialStopLevel: number | null;
  targetLevel: number | null;
  /** Underlying levels for underlying-points / underlying-% stops and targets. */
  stopSpotLevel: number | null;
  targetSpotLevel: number | null;
  /** Best premium seen in the leg's favour since entry (lowest for a sell, highest for a buy). */
  bestPrice: number | null;
  /** Best favourable underlying seen since entry (trailing of underlying stops). */
  bestSpot: number | null;
  trailSteps: number;
  movedToBreakeven: boolean;
  wait: LegWait | null;
  /** For range breakout on strike: this leg's range, recorded from its strike's premium. */
  range: { high: number; low: number } | null;
  /** What happens once this instance's exit fills: a re-entry of some type, or a lazy leg opening. */
  after: {
    kind: 'asap' | 'asapReverse' | 'momentum' | 'cost' | 'lazy';
    lazyLeg?: string;
    reason: 'STOP_LOSS' | 'TARGET';
  } | null;
  pendingIntentId: string | null;
  exitReason: OrderReason | null;
  exitPrice: number | null;
  exitTs: string | null;
  /** Gross money realised by this instance (fill prices, before costs), and its costs. */
  realizedPnl: number;
  costs: number;
  /** The last problem reported for this leg (no quote, no strike), so it is reported once, not every tick. */
  problem: string | null;
};

/** WAITING: before entry or waiting to re-enter; ENTERED: legs are live; EXITED: done for the day. */
export type StrategyStatus = 'WAITING' | 'ENTERED' | 'EXITED';

export type StrategyState = {
  strategyId: string;
  status: StrategyStatus;
  /** The exchange-local session date (YYYY-MM-DD) this state belongs to; a new session starts afresh. */
  day: string | null;
  /** Eligibility of the day (weekday, days to expiry) and the filters' verdict; null until decided. */
  eligible: boolean | null;
  filtered: boolean | null;
  /** The entry gate opens once all entry rules fire and stays open for the day. */
  gateOpen: boolean;
  /** The strategy trigger (breakout, overall momentum or plain entry) of the current cycle has fired. */
  triggered: boolean;
  legs: LegState[];
  nextInstance: number;
  /** Per DSL leg id: re-entries decided after a stop-loss and after a target today. */
  reentries: Record<string, { stopLoss: number; target: number }>;
  /** Whole-strategy re-entries decided today, per kind. */
  strategyReentries: { stopLoss: number; target: number };
  /** A strategy re-entry decided when the cycle ended; it starts once all exit orders have filled. */
  pendingCycle: { type: 'asap' | 'momentum' } | null;
  /** Cycles started today (the first is ENTRY, the rest REENTRY). */
  cycles: number;
  /** Realised P&L of the day before the current cycle: overall stops apply to the cycle. */
  cycleBase: number;
  /** Sum of E x qty of the current cycle's instances (for % of premium stops and targets). */
  cyclePremium: number;
  /** Highest cycle MTM seen, and whether the lock's reach level has been touched this cycle. */
  peakMtm: number;
  lockReached: boolean;
  /** The overall stop level last reported (money), so trailing moves are reported once. */
  reportedStop: number | null;
  /** The multiplier chosen by sizing for the current cycle. */
  multiplier: number;
  /** Underlying range of a range breakout, and whether the breakout has happened. */
  range: { high: number; low: number; seen: number } | null;
  breakoutDone: boolean;
  /** Overall momentum wait: the reference (spot or combined premium) and the release level. */
  momentum: LegWait | null;
  dayOpenSpot: number | null;
  /** The open candle of the underlying (candle-close triggers). */
  spotCandle: { bucket: number; close: number } | null;
  monitoringStopped: boolean;
  /** Why nothing more enters today (not eligible, filtered, exit condition, square-off), or null. */
  doneReason: string | null;
  exitReason: OrderReason | null;
  /** Last message reported per topic, so waiting and blocking are reported once, not every tick. */
  notes: Record<string, string>;
  /** Previous values of crossing facts, per rule group and fact (crossesAbove / crossesBelow). */
  crossings: Record<string, number>;
};

export type DailyClose = { day: string; spot: number; vix?: number; atmIv?: number };

export type RuntimeState = {
  version: 1;
  deploymentId: string;
  /** Last intent sequence number used; the next intent is `${deploymentId}:${seq + 1}`. */
  seq: number;
  /**
   * ACTIVE / REDUCING / HALTED. The runtime itself moves to REDUCING when a basket limit is hit
   * (and back to ACTIVE on the next day after a daily-loss limit) and to HALTED on KILL; the risk
   * gate may move it too through applyRiskDecision. In HALTED only reason-KILL intents may pass.
   */
  tradingState: TradingState;
  tradingStateReason: string | null;
  tradingStateCause: 'DAILY_LOSS' | 'DRAWDOWN' | 'KILL' | 'RISK_GATE' | null;
  /** Last input time seen (ISO); older snapshots are ignored with a STALE_CHAIN event. */
  lastTs: string | null;
  /** The last snapshot per underlying: re-entries decided on exit fills select strikes from it. */
  lastSnapshot: Record<string, ChainSnapshot>;
  lastSpot: Record<string, number>;
  /** Daily closes per underlying (last snapshot of each day), for IV rank, VIX rank and HV facts. */
  history: Record<string, DailyClose[]>;
  /** Basket P&L bookkeeping for the daily-loss and drawdown limits (money). */
  basket: {
    day: string | null;
    grossBeforeToday: number;
    costsBeforeToday: number;
    equityPeak: number;
  };
  strategies: Record<string, StrategyState>;
  /** Intents waiting for a fill (or a denial). */
  pending: Record<string, OrderIntent>;
};

export type StepResult = { state: RuntimeState; intents: OrderIntent[]; events: RuntimeEvent[] };

/** P&L of a deployment read off its state (gross before costs, costs, net), per strategy and in total. */
export type PnlSummary = {
  gross: number;
  costs: number;
  net: number;
  byStrategy: Record<string, { gross: number; costs: number; net: number }>;
};

export type RuntimeSettings = {
  /** A snapshot older than this (ms) than the input time blocks new entries. Default 120 000. */
  staleAfterMs?: number;
  /** Which evaluator runs conditions; both fire the same events (differential test). Default 'compiled'. */
  evaluator?: 'compiled' | 'json-rules-engine';
  /** Rate and dividend overrides for delta selectors and IV facts (defaults: the instrument catalog). */
  rate?: number;
  dividendYield?: number;
};

/**
 * The risk gate's way back into the runtime. `deny` refuses one intent (the gate or a broker
 * rejected it); `trading-state` moves the deployment between ACTIVE / REDUCING / HALTED.
 * `applyRiskDecision` (engine/runtime/trading-state.ts) is pure: (state, decision) -> {state, events}.
 */
export type RiskDecision =
  | { kind: 'deny'; intentId: string; ts: string; reason: string }
  | { kind: 'trading-state'; tradingState: TradingState; ts: string; reason: string };

export type ApplyRiskDecision = (
  state: RuntimeState,
  decision: RiskDecision,
) => { state: RuntimeState; events: RuntimeEvent[] };

/** What `createRuntime(basket, options)` returns: the one step() for backtest, paper and live. */
export type Runtime = {
  initialState(): RuntimeState;
  step(state: RuntimeState, input: RuntimeInput): Promise<StepResult>;
};

export type RuntimeOptions = { deploymentId: string; settings?: RuntimeSettings };

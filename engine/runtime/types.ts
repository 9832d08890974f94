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
 *   4. Clock inputs move time without a chain (exit times, cut-offs, settlement); commands are the
 *      user's square-off and kill.
 *
 * `step` is async because json-rules-engine's `run()` is; with the default compiled evaluator no
 * promise is awaited on the hot path except the one `step` itself returns.
 * Determinism: no clock, no randomness; the same inputs give the same outputs and intent ids.
 */

/** One option (or future) quote of a chain; missing fields mean "not quoted", never zero. */
export type OptionQuote = {
  strike: number;
  right: 'CE' | 'PE';
  bid?: number;
  ask?: number;
  ltp?: number;
  iv?: number;
  oi?: number;
  volume?: number;
};

export type ExpiryChain = { expiry: string; forward?: number; options: OptionQuote[] };

/** DESIGN.md's chain snapshot contract (one NDJSON line). `ts` is ISO-8601 with an offset. */
export type ChainSnapshot = {
  ts: string;
  underlying: string;
  spot: number;
  vix?: number;
  futures?: number;
  expiries: ExpiryChain[];
};

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

export type LegStatus = 'IDLE' | 'WAITING' | 'PENDING_ENTRY' | 'OPEN' | 'PENDING_EXIT' | 'CLOSED' | 'DONE';

/** A leg position inside a strategy; `legId` is the DSL leg id, several positions may share it over re-entries. */
export type LegState = {
  legId: string;
  status: LegStatus;
  /** How this leg instance came to exist: first entry, a re-entry or a lazy leg. */
  origin: 'ENTRY' | 'REENTRY' | 'LAZY';
  side: Side;
  right: Right;
  expiry: string | null;
  strike: number | null;
  lots: number;
  qty: number;
  /** Entry fill price (average), and the spot at entry for underlying-based stops. */
  entryPrice: number | null;
  entrySpot: number | null;
  entryTs: string | null;
  /** The last price used for P&L and triggers (LTP, else mid); null until quoted. */
  lastPrice: number | null;
  lastPriceTs: string | null;
  /** Absolute premium levels; null when the leg has none. */
  stopLevel: number | null;
  targetLevel: number | null;
  /** Underlying levels for underlying-based stop/target (spot crossing them triggers). */
  stopSpotLevel: number | null;
  targetSpotLevel: number | null;
  /** Best favourable premium excursion seen (for trailing), and how many Y steps the stop moved. */
  bestPrice: number | null;
  trailSteps: number;
  movedToBreakeven: boolean;
  reentriesOnStop: number;
  reentriesOnTarget: number;
  /** Set while waiting for a momentum or re-cost trigger: the reference price and the level. */
  waitFor: { kind: 'MOMENTUM' | 'COST'; reference: number; level: number; direction: 'UP' | 'DOWN'; on: 'PREMIUM' | 'UNDERLYING'; reason: OrderReason } | null;
  pendingIntentId: string | null;
  exitReason: OrderReason | null;
  exitPrice: number | null;
  realizedPnl: number;
  costs: number;
};

export type StrategyStatus = 'WAITING' | 'ENTERED' | 'EXITED' | 'STOPPED';

export type StrategyState = {
  strategyId: string;
  status: StrategyStatus;
  /** The trading day (YYYY-MM-DD, exchange local) this state belongs to; a new day resets the strategy. */
  day: string | null;
  legs: LegState[];
  /** Money realised today by closed legs (gross, before costs) and costs paid today. */
  realizedPnl: number;
  costs: number;
  /** Highest MTM seen since entry (for lock-and-trail and overall trailing). */
  peakMtm: number;
  /** Strategy-level floor on MTM from lock / lock-and-trail / overall trailing; null until set. */
  mtmFloor: number | null;
  lockTrailSteps: number;
  entryCount: number;
  overallReentries: number;
  /** Opening-range high/low for range breakout; set once the range window closes. */
  range: { high: number; low: number; closed: boolean } | null;
  /** Spot (or premium) when the entry window opened, for overall momentum. */
  momentumReference: number | null;
  dayOpenSpot: number | null;
  monitoringStopped: boolean;
  exitReason: OrderReason | null;
};

export type RuntimeState = {
  version: 1;
  deploymentId: string;
  /** Last intent sequence number used; the next intent is `${deploymentId}:${seq + 1}`. */
  seq: number;
  tradingState: TradingState;
  tradingStateReason: string | null;
  /** Last input time seen; inputs older than this are rejected with a clear error. */
  lastTs: string | null;
  lastSnapshotTs: Record<string, string>;
  lastSpot: Record<string, number>;
  /** Basket P&L bookkeeping for daily-loss and drawdown limits. */
  basket: { day: string | null; dayRealized: number; equityPeak: number; cumulativeRealized: number };
  strategies: Record<string, StrategyState>;
  /** Intents waiting for a fill (or a denial). */
  pending: Record<string, OrderIntent>;
  /** Previous values of facts compared by crosses-above / crosses-below, per rule set. */
  factMemory: Record<string, Record<string, number>>;
};

export type StepResult = { state: RuntimeState; intents: OrderIntent[]; events: RuntimeEvent[] };

export type RuntimeSettings = {
  /** A snapshot older than this (ms) than the input time blocks new entries. Default 120 000. */
  staleAfterMs?: number;
  /** Which evaluator runs conditions; both fire the same events (differential test). Default 'compiled'. */
  evaluator?: 'compiled' | 'json-rules-engine';
};

/**
 * The risk gate's way back into the runtime. `deny` refuses one intent (the gate or a broker
 * rejected it); `trading-state` moves the deployment between ACTIVE / REDUCING / HALTED.
 * `applyRiskDecision` (engine/runtime/trading-state.ts) is pure: (state, decision) -> {state, events}.
 */
export type RiskDecision =
  | { kind: 'deny'; intentId: string; ts: string; reason: string }
  | { kind: 'trading-state'; tradingState: TradingState; ts: string; reason: string };

export type ApplyRiskDecision = (state: RuntimeState, decision: RiskDecision) => { state: RuntimeState; events: RuntimeEvent[] };

/** What `createRuntime(basket, options)` returns: the one step() for backtest, paper and live. */
export type Runtime = {
  initialState(): RuntimeState;
  step(state: RuntimeState, input: RuntimeInput): Promise<StepResult>;
};

export type RuntimeOptions = { deploymentId: string; settings?: RuntimeSettings };

/**
 * The runtime's public contract: what goes into `step`, what comes out, and the state that is
 * stored between steps. Backtests, paper and live deployments and every broker code against these
 * types, so they change only together. The session driver (engine/session) is the one loop that
 * feeds `step` and a broker.
 *
 * How an order flows:
 *   1. `step(state, {kind:'snapshot'}, market)` decides (entries, stops, exits). Each decision is an
 *      OrderIntent kept in `state.orders` until the broker has answered it completely; its leg is
 *      pending meanwhile, so the runtime never double-orders it.
 *   2. Inside the same step the risk gate (risk.ts) checks every new intent against the trading
 *      state and the deployment's limits. A denial is an ORDER_DENIED event: an entry never opens,
 *      an exit stays open and is ordered again on the next snapshot. Allowed intents become
 *      OrderRequests (sliced at the exchange's freeze limit): the step's `intents`. No other path
 *      produces an order, so the gate cannot be skipped.
 *   3. The broker's ExecutionReports come back as `{kind:'report'}` inputs: accepted, fills (each
 *      applied once, by execution id; partial fills accumulate at their average price), rejected,
 *      cancelled or expired. A leg opens when its entry order is complete and closes when its exit
 *      order is. Re-entries and lazy legs decided on an exit are ordered by the step that completes
 *      that exit, on the market's last snapshot (docs/dsl.md). An order still working after
 *      `orderTimeoutMs` gets an explicit cancel (the step's `cancels`); its filled part stands.
 *   4. Clock inputs move time without a chain (exit times, cut-offs, settlement, order timeouts);
 *      commands are the user's square-off, kill, pause and resume; `positions` inputs carry the
 *      broker's positions, and a mismatch with this book halts entries.
 *   5. Expiry settles open legs at intrinsic value without an order (a SETTLEMENT event).
 *
 * `step` is async because json-rules-engine's `run()` is (settings.evaluator 'json-rules-engine');
 * the default compiled evaluator answers synchronously (an already resolved promise).
 * Determinism: no clock, no randomness; the same inputs give the same outputs and order ids.
 */

/** DESIGN.md's chain snapshot contract; the market layer's zod schema is its single source. */
export type { ChainSnapshot, ExpiryChain, OptionQuote } from '../market/snapshot.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import type {
  BrokerPosition,
  ExecutionReport,
  OrderRequest,
  OrderStatus,
} from '../broker/broker.ts';
import type { RiskLimits } from './risk.ts';
import type { MarketView } from '../session/market-memory.ts';

export type { BrokerPosition, ExecutionReport, OrderRequest } from '../broker/broker.ts';
export type { RiskLimits } from './risk.ts';
export type { MarketView } from '../session/market-memory.ts';

export type { ContractTerms, InstrumentType, Right } from '../market/snapshot.ts';
import type { ContractTerms, InstrumentType, Right } from '../market/snapshot.ts';
export type Side = 'BUY' | 'SELL';

/** Why an order exists: the `reason` values of DESIGN.md's backtest report, and HEDGE (docs/backtest.md#the-report). */
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
  | 'KILL'
  /** A delta hedge trade (docs/dsl.md#delta-hedge): opening, adding to or reducing the hedge's futures. */
  | 'HEDGE';

/** A decision to trade one leg, kept in the state until the broker has answered it completely. */
export type OrderIntent = ContractTerms & {
  /** `${deploymentId}:${seq}`; seq counts every intent of the deployment from 1. */
  id: string;
  /** Time of the input that caused the intent (the snapshot's ts). */
  ts: string;
  deploymentId: string;
  strategyId: string;
  legId: string;
  underlying: string;
  expiry: string;
  side: Side;
  /** Units (lots x lot size). */
  qty: number;
  lots: number;
  lotSize: number;
  /** The leg's mark when the decision was made (null when it had none): the price band's reference. */
  price: number | null;
  orderType: 'MARKET' | 'LIMIT';
  limitPrice?: number;
  reason: OrderReason;
  /** True when the intent closes (part of) an open position: the risk gate lets these through in REDUCING. */
  closing: boolean;
};

/** A request to cancel the unfilled rest of one of our orders (a slice of an intent). */
export type CancelRequest = {
  /** `${deploymentId}:${seq}`, from the same sequence as intents. */
  id: string;
  ts: string;
  deploymentId: string;
  /** The order (slice) whose rest is cancelled, and its intent. */
  orderId: string;
  intentId: string;
  reason: string;
};

/** One slice of an intent as the broker knows it. */
export type OrderSlice = {
  id: string;
  qty: number;
  lots: number;
  status: 'NEW' | OrderStatus;
  filledQty: number;
  /** Final filled quantity a cancel/expiry reported, while fills of it may still be on the way. */
  finalQty: number | null;
  brokerOrderId: string | null;
  cancelRequested: boolean;
};

/** An intent the broker has not answered completely yet (the order model: docs/execution.md). */
export type OrderState = {
  intent: OrderIntent;
  slices: OrderSlice[];
  /** Units filled so far over every slice, their average price and their costs. */
  filledQty: number;
  averagePrice: number | null;
  costs: number;
  /** Execution ids already applied, so a second delivery of a fill changes nothing. */
  executions: string[];
  rejections: string[];
};

/** A fill as the report books it: one execution of one order. */
export type Fill = {
  orderId: string;
  intentId: string;
  executionId: string;
  ts: string;
  price: number;
  qty: number;
  costs: number;
};

export type UserCommand = 'SQUARE_OFF' | 'KILL' | 'PAUSE' | 'RESUME';

export type RuntimeInput =
  | { kind: 'snapshot'; snapshot: ChainSnapshot }
  | { kind: 'report'; report: ExecutionReport }
  | { kind: 'clock'; ts: string }
  /**
   * SQUARE_OFF closes the positions (of one strategy, or one leg, when given) and stops the
   * strategy for the day; KILL closes everything and HALTs the deployment; PAUSE stops new entries
   * (exits keep working) until RESUME, which also clears a halt of entries by reconciliation.
   */
  | {
      kind: 'command';
      command: UserCommand;
      ts: string;
      strategyId?: string;
      legId?: string;
      /**
       * Who paused, when it was not the trader by hand: the portfolio risk limits pause new
       * entries with the limit crossed here (the trader resumes).
       */
      reason?: string;
    }
  /** The broker's net positions for this deployment's contracts, for reconciliation. */
  | { kind: 'positions'; ts: string; positions: BrokerPosition[] }
  /**
   * The driver's word that the data of an underlying's session ended at `ts` (the time of its last
   * snapshot): intraday strategies square off there rather than carry legs into another session.
   */
  | { kind: 'session-end'; ts: string; underlying: string };

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
  | 'ORDER_DENIED'
  | 'LATE_ENTRY'
  | 'CARRIED'
  | 'ORDER_ACCEPTED'
  | 'ORDER_REJECTED'
  | 'ORDER_CANCELLED'
  | 'ORDER_EXPIRED'
  | 'ORDER_TIMEOUT'
  | 'ORDER_SLICED'
  | 'DUPLICATE_REPORT'
  | 'FILL_OUTSIDE_BAND'
  | 'TRADE'
  | 'PAUSE'
  | 'RESUME'
  | 'RECONCILED'
  | 'RECONCILIATION_MISMATCH'
  | 'HEDGE'
  | 'HEDGE_SKIPPED';

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
  /**
   * Why this instance exists: the first entry, a re-entry (and of which kind), a lazy-leg link,
   * or the delta hedge's futures position (one per cycle, carried at its average price; its side
   * is the side of the net position and may change, docs/dsl.md#delta-hedge).
   */
  origin: 'ENTRY' | 'REENTRY' | 'LAZY' | 'HEDGE';
  side: Side;
  instrument: InstrumentType;
  /** The option's right (known from the leg); null for a future. */
  right: Right | null;
  expiry: string | null;
  /** The option's strike once chosen at entry; null before that and for a future. */
  strike: number | null;
  lots: number;
  /** Units ordered for this instance (lots x lot size), and units held now (entry fills add, exit fills take away). */
  qty: number;
  held: number;
  /** Average price of the entry fills (set by the first one). */
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
  /** P&L and costs of this instance booked in earlier sessions (a positional leg held overnight). */
  pnlBase: number;
  costsBase: number;
  /** The last problem reported for this leg (no quote, no strike), so it is reported once, not every tick. */
  problem: string | null;
  /** Delta hedge only (0 otherwise): costs of the opening fills of the units still held, charged to hedge trades as they close. */
  openCosts: number;
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
  /** Positional: the reference expiry of the position held (exit is counted from it), or null. */
  holding: string | null;
  /** Why nothing more enters today (not eligible, filtered, exit condition, square-off), or null. */
  doneReason: string | null;
  exitReason: OrderReason | null;
  /** Last message reported per topic, so waiting and blocking are reported once, not every tick. */
  notes: Record<string, string>;
  /** Previous values of crossing facts, per rule group and fact (crossesAbove / crossesBelow). */
  crossings: Record<string, number>;
  /** Delta hedge on an interval: the cycle and snapshot time of its last rebalance (null: none yet). */
  hedgeClock: { cycle: number; at: string } | null;
};

export type { DailyClose } from '../session/market-memory.ts';

export type RuntimeState = {
  version: 2;
  deploymentId: string;
  /** Last intent sequence number used; the next intent is `${deploymentId}:${seq + 1}`. */
  seq: number;
  /**
   * ACTIVE / REDUCING / HALTED. REDUCING (exits only) after a basket limit, a pause, a broker
   * rejecting an exit, a fill outside the price band or a reconciliation mismatch; HALTED after a
   * kill (only the kill's own closing orders go out). `tradingStateCause` says which.
   */
  tradingState: TradingState;
  tradingStateReason: string | null;
  tradingStateCause: TradingStateCause | null;
  /** Last input time seen (ISO). */
  lastTs: string | null;
  /** Time of the last snapshot seen per underlying: an older one is ignored with STALE_CHAIN. */
  lastSnapshotTs: Record<string, string>;
  lastSpot: Record<string, number>;
  /** Basket P&L bookkeeping for the daily-loss and drawdown limits (money). */
  basket: {
    day: string | null;
    grossBeforeToday: number;
    costsBeforeToday: number;
    equityPeak: number;
  };
  strategies: Record<string, StrategyState>;
  /** Intents the broker has not answered completely, by intent id (the order model). */
  orders: Record<string, OrderState>;
  /** Times (ms) of the opening orders sent in the last minute, for maxOrdersPerMinute. */
  recentOrders: number[];
};

export type TradingStateCause =
  'DAILY_LOSS' | 'DRAWDOWN' | 'KILL' | 'PAUSED' | 'RECONCILIATION' | 'BROKER' | 'PRICE_BAND';

/** One step's outcome: the new state, the orders to send and cancel (already gated), and why. */
export type StepResult = {
  state: RuntimeState;
  intents: OrderRequest[];
  cancels: CancelRequest[];
  events: RuntimeEvent[];
};

/** P&L of a deployment read off its state (gross before costs, costs, net), per strategy and in total. */
export type PnlSummary = {
  gross: number;
  costs: number;
  net: number;
  /** Today's net alone (the total less what closed before today's session). */
  dayNet: number;
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
  /** An order still working this long (ms) after it was sent gets a cancel for its rest. Default 60 000. */
  orderTimeoutMs?: number;
};

/** What `createRuntime(basket, options)` returns: the one step() for backtest, paper and live. */
export type Runtime = {
  initialState(): RuntimeState;
  /** `market` is what the driver knows of the market: the last snapshot and daily closes per underlying. */
  step(state: RuntimeState, input: RuntimeInput, market: MarketView): Promise<StepResult>;
};

export type RuntimeOptions = {
  deploymentId: string;
  settings?: RuntimeSettings;
  /** The deployment's risk limits; exchange rules (lot multiples, freeze limits) always apply. */
  risk?: RiskLimits;
};

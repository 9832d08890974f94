/**
 * The broker interface: the paper broker and every live adapter (Kite, Alpaca, Deribit) implement
 * it, so backtest, paper and live differ only in which broker answers an order. The session driver
 * (engine/session) is the only code that calls it in a loop.
 *
 * Identity: an order's `id` is ours, decided by the kernel before anything is sent
 * (`${deploymentId}:${seq}`, or `${intentId}/${k}` for the k-th slice of an intent that exceeds
 * an exchange freeze limit). Adapters carry it in the broker's client order id field (Kite `tag`,
 * 20 characters; Alpaca `client_order_id`; Deribit `label`), so `place` can look an order up before
 * placing it and a retried job never places it twice.
 */
import type { ChainSnapshot, ContractTerms, OrderReason, Side } from '../runtime/types.ts';

export type OrderType = 'MARKET' | 'LIMIT';

/** One order as the broker receives it. */
export type OrderRequest = ContractTerms & {
  /** Our client order id (see above). */
  id: string;
  /** The runtime intent this order carries out (equal to `id` unless the intent was sliced). */
  intentId: string;
  deploymentId: string;
  /** The strategy and leg the order is for (brokers ignore them; reports and the outbox use them). */
  strategyId: string;
  legId: string;
  /** Time of the decision (the input's time). */
  ts: string;
  underlying: string;
  /** YYYY-MM-DD, the contract's expiry. */
  expiry: string;
  side: Side;
  /** Units (lots x lot size); always a whole number of lots. */
  qty: number;
  lots: number;
  lotSize: number;
  orderType: OrderType;
  /** For LIMIT: the worst price accepted (a buy fills at or below it, a sell at or above). */
  limitPrice?: number;
  reason: OrderReason;
  /** True when the order reduces an open position (exits, square-off, kill). */
  closing: boolean;
};

/** Why a broker refused an order, when it says; adapters map their venue's codes onto these. */
export type RejectCode =
  | 'INSUFFICIENT_MARGIN'
  | 'PRICE_BAND'
  | 'INVALID_INSTRUMENT'
  | 'INVALID_QUANTITY'
  | 'ORDER_TYPE'
  | 'MARKET_CLOSED'
  | 'RATE_LIMIT'
  | 'OTHER';

/**
 * What a broker says about one of our orders. Reports may arrive more than once and out of order
 * (streams reconnect, postbacks retry); the kernel's order model applies each fact once:
 * a fill by its `executionId` (the venue's trade id), a terminal state by the order's status.
 */
export type ExecutionReport =
  | { kind: 'accepted'; orderId: string; ts: string; brokerOrderId: string }
  | {
      kind: 'fill';
      orderId: string;
      ts: string;
      /** The venue's trade id: unique per execution, the same on every delivery of it. */
      executionId: string;
      qty: number;
      price: number;
      /** Brokerage, taxes and fees of this execution (money). */
      costs: number;
      brokerOrderId?: string;
    }
  | { kind: 'rejected'; orderId: string; ts: string; reason: string; code: RejectCode }
  /** The unfilled rest is gone (our cancel, or the venue's); `filledQty` is the order's final fill. */
  | { kind: 'cancelled'; orderId: string; ts: string; filledQty: number; reason: string }
  | { kind: 'expired'; orderId: string; ts: string; filledQty: number; reason: string };

export type OrderStatus =
  'SUBMITTED' | 'ACCEPTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED' | 'EXPIRED';

/** The broker's own view of one of our orders (looked up by our id). */
export type BrokerOrder = {
  orderId: string;
  brokerOrderId: string;
  status: OrderStatus;
  qty: number;
  filledQty: number;
  /** Average fill price; null before any fill. */
  averagePrice: number | null;
  executions: { executionId: string; ts: string; qty: number; price: number }[];
  reason?: string;
};

/** A net position at the broker, signed (+ long, − short), in units. */
export type BrokerPosition = ContractTerms & {
  underlying: string;
  expiry: string;
  qty: number;
  averagePrice?: number;
};

export type Broker = {
  /** Shown in reports and events ("paper", "kite", "alpaca", "deribit"). */
  readonly name: string;
  /**
   * 'paper' brokers never open a network connection; 'live' ones trade real money. A deployment's
   * broker kind is fixed when it is created (see workers/brokers), never switched by a flag.
   */
  readonly mode: 'paper' | 'live';
  /**
   * Places the order unless the broker already has an order with this id (looked up first), so a
   * retry after a crash never places it twice. Returns the reports known at once.
   */
  place(order: OrderRequest): Promise<ExecutionReport[]>;
  /** Asks for the unfilled rest to be cancelled; the `cancelled` report may come now or later. */
  cancel(orderId: string): Promise<ExecutionReport[]>;
  /** The broker's view of one of our orders by our id; null when it never reached the broker. */
  order(orderId: string): Promise<BrokerOrder | null>;
  /** Net positions held at the broker (for reconciliation with our book). */
  positions(): Promise<BrokerPosition[]>;
  /** Reports that arrived since the last call (streams, postbacks, fills after latency). */
  poll(): Promise<ExecutionReport[]>;
  /** Market data: the paper broker fills from it; live brokers ignore it. */
  onSnapshot(snapshot: ChainSnapshot): Promise<void>;
  close?(): Promise<void>;
};

export const reportOrderId = (r: ExecutionReport): string => r.orderId;

/**
 * What each live venue (Kite, Alpaca, Deribit) provides to the one live broker in
 * live-broker.ts: translate an order, look it up by our id, send, cancel, read its state with
 * every execution, read positions, and say when an order may have changed. The venue modules
 * speak their wire protocol; the money rules (look up before placing, retry only what cannot
 * double-place, the circuit breaker, reports applied once) live in one place, not three.
 */
import type { BrokerPosition, OrderRequest, OrderStatus, RejectCode } from '@/engine/broker/broker';
import type { Side } from '@/engine/runtime/types';

export type Execution = {
  /** The venue's trade id (Kite trade_id, Deribit trade_id; Alpaca: see its venue module). */
  executionId: string;
  ts: string;
  qty: number;
  price: number;
  /** Fees the venue itself reported for this execution, in the deployment's currency. */
  fee?: number;
};

/** The venue's view of one order, in our units (units of the underlying, prices per unit). */
export type VenueOrder = {
  venueOrderId: string;
  status: OrderStatus;
  /** Our underlying name (NIFTY, SPY, BTC), for cost models that need its price. */
  underlying: string;
  side: Side;
  qty: number;
  lotSize: number;
  filledQty: number;
  averagePrice: number | null;
  executions: Execution[];
  /** The venue's words for a rejection or cancellation. */
  reason?: string;
  rejectCode?: RejectCode;
  /** Time of the venue's last change to the order. */
  ts: string;
};

export type Prepared<T> = { ok: true; ticket: T } | { ok: false; code: RejectCode; reason: string };

export type VenueChange = { venueOrderId: string };

export interface Venue<T = unknown> {
  readonly name: string;
  /** Validates and translates the order (symbol, lot size, freeze limit); no network unless a lookup table must load. */
  prepare(order: OrderRequest): Promise<Prepared<T>>;
  /** The order carrying our id in the venue's client-id field, or null when the venue has none. */
  find(orderId: string): Promise<VenueOrder | null>;
  /** Sends the order and returns the venue's order id. Throws VenueRefusal or VenueUnavailable. */
  submit(order: OrderRequest, ticket: T): Promise<string>;
  cancel(venueOrderId: string): Promise<void>;
  state(venueOrderId: string): Promise<VenueOrder>;
  positions(): Promise<BrokerPosition[]>;
  /** Opens the order-update stream; `onChange` is a hint to re-read an order, never the truth itself. */
  start(onChange: (c: VenueChange) => void): Promise<void>;
  /** True while the update stream is connected (when false the broker polls order states). */
  streaming(): boolean;
  close(): Promise<void>;
  /** Brokerage, fees and taxes of one execution, in money. */
  costOf(order: VenueOrder, e: Execution, spot: number | undefined): number;
}

/**
 * The broker interface: the paper fill model and every live broker adapter implement it, so
 * backtest, paper and live differ only in which broker answers an order intent.
 */
import type { ChainSnapshot, Fill, OrderIntent } from '../runtime/types.ts';

/** What a broker says about an intent: it filled, or it was rejected and why. */
export type BrokerReport =
  { kind: 'fill'; fill: Fill } | { kind: 'rejected'; intentId: string; ts: string; reason: string };

export type Broker = {
  /** Shown in reports and events ("paper", "zerodha", ...). */
  readonly name: string;
  /**
   * Sends a market order. Returns the reports known at once (a paper fill without latency,
   * a rejection); later ones come from `poll`. Submitting an intent id twice never places a
   * second order: the retry gets no new report.
   */
  submit(intent: OrderIntent): Promise<BrokerReport[]>;
  /** Reports that have arrived since the last call (fills after latency, async rejections). */
  poll(): Promise<BrokerReport[]>;
  /** Market data the broker may need: the paper broker fills from it; live brokers may ignore it. */
  onSnapshot(snapshot: ChainSnapshot): Promise<void>;
};

/**
 * The paper broker: DESIGN.md's fill model behind the same interface as a live broker. It
 * keeps only what a simulated exchange must (the latest snapshot per underlying, orders
 * waiting for the next snapshot, ids already seen), so a backtest and a paper deployment run
 * through exactly the order flow a live one does.
 */
import type { ChainSnapshot, OrderIntent } from '../../runtime/types.ts';
import type { Broker, BrokerReport } from '../broker.ts';
import { quoteFor, type FillModelSettings } from './fill-model.ts';

export class PaperBroker implements Broker {
  readonly name = 'paper';
  private readonly latest = new Map<string, ChainSnapshot>();
  private readonly waiting: OrderIntent[] = [];
  private readonly outbox: BrokerReport[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly settings: FillModelSettings) {}

  async onSnapshot(snapshot: ChainSnapshot): Promise<void> {
    this.latest.set(snapshot.underlying, snapshot);
    if (this.waiting.length === 0) return;
    const still: OrderIntent[] = [];
    for (const intent of this.waiting) {
      if (intent.underlying === snapshot.underlying && snapshot.ts > intent.ts)
        this.outbox.push(this.execute(intent, snapshot));
      else still.push(intent);
    }
    this.waiting.length = 0;
    this.waiting.push(...still);
  }

  async submit(intent: OrderIntent): Promise<BrokerReport[]> {
    if (this.seen.has(intent.id)) return [];
    this.seen.add(intent.id);
    const invalid = validate(intent);
    if (invalid) return [{ kind: 'rejected', intentId: intent.id, ts: intent.ts, reason: invalid }];
    if (this.settings.latency === 'next-snapshot') {
      this.waiting.push(intent);
      return [];
    }
    const snapshot = this.latest.get(intent.underlying);
    if (!snapshot) {
      return [
        {
          kind: 'rejected',
          intentId: intent.id,
          ts: intent.ts,
          reason: `no market data for ${intent.underlying} yet: the paper broker fills only against a snapshot`,
        },
      ];
    }
    return [this.execute(intent, snapshot)];
  }

  async poll(): Promise<BrokerReport[]> {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Withdraws an order still waiting for its snapshot (the runtime dropped it); true when one was waiting. */
  cancel(intentId: string): boolean {
    const i = this.waiting.findIndex((w) => w.id === intentId);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** Orders still waiting for a snapshot (latency); a backtest that ends reports them. */
  unfilled(): readonly OrderIntent[] {
    return this.waiting;
  }

  private execute(intent: OrderIntent, snapshot: ChainSnapshot): BrokerReport {
    const q = quoteFor(intent, snapshot, this.settings);
    if (!q.ok) return { kind: 'rejected', intentId: intent.id, ts: snapshot.ts, reason: q.reason };
    const cost = this.settings.costModel.cost({
      side: intent.side,
      qty: intent.qty,
      contracts: intent.lots,
      price: q.price,
      spot: snapshot.spot,
    });
    return {
      kind: 'fill',
      fill: {
        intentId: intent.id,
        ts: snapshot.ts,
        price: q.price,
        qty: intent.qty,
        costs: cost.total,
      },
    };
  }
}

function validate(intent: OrderIntent): string | null {
  if (!(intent.qty > 0) || !Number.isInteger(intent.qty))
    return `quantity ${intent.qty} is not a positive whole number of units`;
  if (!(intent.lots > 0) || !Number.isInteger(intent.lots))
    return `lots ${intent.lots} is not a positive whole number`;
  if (intent.orderType !== 'MARKET')
    return `order type ${String(intent.orderType)} is not supported; the paper broker fills market orders`;
  return null;
}

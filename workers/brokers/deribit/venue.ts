/**
 * Deribit options as a venue for the live broker: instrument names like BTC-25DEC26-100000-C,
 * our order id as `label` (at most 64 characters, hashed when longer), amounts in coin (our
 * units; one contract is one coin), limit prices sent in USD (`advanced: "usd"`) because the
 * kernel prices in USD, and fills converted from coin to USD at the trade's index price. Order
 * changes come from the `user.orders` and `user.trades` subscriptions.
 */
import { createHash } from 'node:crypto';
import type { BrokerPosition, OrderRequest } from '@/engine/broker/broker';
import { describeContract } from '@/engine/broker/symbols/contract';
import { fromDeribitName, toDeribitName } from '@/engine/broker/symbols/deribit';
import type { Execution, Prepared, Venue, VenueChange, VenueOrder } from '../venue';
import { DeribitRpc, type DeribitCredentials } from './rpc';

export type DeribitVenueOptions = {
  wsUrl: string;
  credentials: DeribitCredentials;
  /** Currencies whose orders and positions are the kernel's (label look-ups are per currency). */
  currencies?: string[];
  timeoutMs?: number;
};

type DeribitOrder = {
  order_id: string;
  label: string;
  instrument_name: string;
  direction: 'buy' | 'sell';
  amount: number;
  filled_amount: number;
  average_price: number;
  order_state: string;
  last_update_timestamp: number;
  cancel_reason?: string;
};
type DeribitTrade = {
  trade_id: string;
  order_id: string;
  amount: number;
  price: number;
  index_price: number;
  fee: number;
  timestamp: number;
};
type DeribitPosition = {
  instrument_name: string;
  kind: string;
  direction: 'buy' | 'sell' | 'zero';
  size: number;
  average_price_usd?: number;
};

type Ticket = { method: 'private/buy' | 'private/sell'; params: Record<string, unknown> };

/** Our id as a Deribit label: itself when it fits in 64 characters, else a stable hash of it. */
export function deribitLabel(orderId: string): string {
  if (orderId.length <= 64) return orderId;
  return `sf-${createHash('sha256').update(orderId).digest('hex').slice(0, 40)}`;
}

function statusOf(o: DeribitOrder): VenueOrder['status'] {
  switch (o.order_state) {
    case 'filled':
      return 'FILLED';
    case 'cancelled':
      return 'CANCELLED';
    case 'rejected':
      return 'REJECTED';
    default:
      return o.filled_amount > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED';
  }
}

export class DeribitVenue implements Venue<Ticket> {
  readonly name = 'deribit';
  private readonly rpc: DeribitRpc;
  private onChange: ((c: VenueChange) => void) | null = null;
  private readonly index = new Map<string, number>();

  constructor(private readonly o: DeribitVenueOptions) {
    this.rpc = new DeribitRpc(
      o.wsUrl,
      o.credentials,
      (channel, data) => this.onNotification(channel, data),
      o.timeoutMs,
    );
  }

  private get currencies(): string[] {
    return this.o.currencies ?? ['BTC', 'ETH'];
  }

  private onNotification(channel: string, data: unknown) {
    if (!channel.startsWith('user.')) return;
    for (const item of Array.isArray(data) ? data : [data])
      if (item && typeof item === 'object' && 'order_id' in item)
        this.onChange?.({ venueOrderId: String((item as { order_id: unknown }).order_id) });
  }

  async prepare(order: OrderRequest): Promise<Prepared<Ticket>> {
    if (order.orderType !== 'MARKET' && order.orderType !== 'LIMIT')
      return {
        ok: false,
        code: 'ORDER_TYPE',
        reason: `order type ${String(order.orderType)} is not supported: Strikeflow sends only MARKET and LIMIT orders, in paper and live alike`,
      };
    if (!(order.qty > 0) || !Number.isInteger(order.qty) || order.qty % order.lotSize !== 0)
      return {
        ok: false,
        code: 'INVALID_QUANTITY',
        reason: `quantity ${order.qty} is not a positive whole number of lots of ${order.lotSize}`,
      };
    let name: string;
    try {
      name = toDeribitName(order);
    } catch (e) {
      return {
        ok: false,
        code: 'INVALID_INSTRUMENT',
        reason: `${describeContract(order)}: ${(e as Error).message}`,
      };
    }
    const params: Record<string, unknown> = {
      instrument_name: name,
      amount: order.qty,
      type: order.orderType === 'MARKET' ? 'market' : 'limit',
      label: deribitLabel(order.id),
    };
    if (order.orderType === 'LIMIT') {
      if (!(order.limitPrice! > 0))
        return { ok: false, code: 'OTHER', reason: 'a LIMIT order needs a positive limit price' };
      params.price = order.limitPrice;
      params.advanced = 'usd';
      params.time_in_force = 'good_til_cancelled';
    }
    return {
      ok: true,
      ticket: { method: order.side === 'BUY' ? 'private/buy' : 'private/sell', params },
    };
  }

  async find(orderId: string): Promise<VenueOrder | null> {
    const label = deribitLabel(orderId);
    for (const currency of this.currencies) {
      const list = await this.rpc.call<DeribitOrder[]>('private/get_order_state_by_label', {
        currency,
        label,
      });
      if (list.length > 0) return this.toVenueOrder(list[0]);
    }
    return null;
  }

  async submit(_order: OrderRequest, ticket: Ticket): Promise<string> {
    const r = await this.rpc.call<{ order: DeribitOrder }>(ticket.method, ticket.params);
    return r.order.order_id;
  }

  async cancel(venueOrderId: string): Promise<void> {
    await this.rpc.call('private/cancel', { order_id: venueOrderId });
  }

  async state(venueOrderId: string): Promise<VenueOrder> {
    return this.toVenueOrder(
      await this.rpc.call<DeribitOrder>('private/get_order_state', { order_id: venueOrderId }),
    );
  }

  private async toVenueOrder(o: DeribitOrder): Promise<VenueOrder> {
    const trades =
      o.filled_amount > 0
        ? await this.rpc.call<DeribitTrade[]>('private/get_user_trades_by_order', {
            order_id: o.order_id,
          })
        : [];
    const executions: Execution[] = trades.map((t) => ({
      executionId: t.trade_id,
      ts: new Date(t.timestamp).toISOString(),
      qty: t.amount,
      price: t.price * t.index_price,
      fee: t.fee * t.index_price,
    }));
    const filledValue = executions.reduce((a, e) => a + e.price * e.qty, 0);
    const status = statusOf(o);
    return {
      venueOrderId: o.order_id,
      status,
      underlying: fromDeribitName(o.instrument_name)?.underlying ?? o.instrument_name,
      side: o.direction === 'buy' ? 'BUY' : 'SELL',
      qty: o.amount,
      lotSize: 1,
      filledQty: o.filled_amount,
      averagePrice:
        o.filled_amount > 0 && executions.length > 0 ? filledValue / o.filled_amount : null,
      executions,
      ...(o.cancel_reason ? { reason: o.cancel_reason } : {}),
      ...(status === 'REJECTED'
        ? { reason: 'rejected by Deribit', rejectCode: 'OTHER' as const }
        : {}),
      ts: new Date(o.last_update_timestamp).toISOString(),
    };
  }

  async positions(): Promise<BrokerPosition[]> {
    const out: BrokerPosition[] = [];
    for (const currency of this.currencies) {
      const list = await this.rpc.call<DeribitPosition[]>('private/get_positions', {
        currency,
        kind: 'option',
      });
      for (const p of list) {
        const c = fromDeribitName(p.instrument_name);
        if (!c || p.direction === 'zero' || p.size === 0) continue;
        // The sign of `size` for shorts is not documented; `direction` is.
        const qty = Math.abs(p.size) * (p.direction === 'sell' ? -1 : 1);
        out.push({
          ...c,
          qty,
          ...(p.average_price_usd ? { averagePrice: p.average_price_usd } : {}),
        });
      }
    }
    return out;
  }

  async start(onChange: (c: VenueChange) => void): Promise<void> {
    this.onChange = onChange;
    await this.rpc.subscribe(
      this.currencies.flatMap((c) => [
        `user.orders.option.${c}.raw`,
        `user.trades.option.${c}.100ms`,
      ]),
    );
  }

  streaming(): boolean {
    return this.rpc.connected;
  }

  async close(): Promise<void> {
    this.rpc.close();
  }

  costOf(): number {
    // Deribit reports the fee of every trade; it is used as is (see toVenueOrder).
    return 0;
  }
}

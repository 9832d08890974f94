/**
 * Alpaca options as a venue for the live broker: OCC symbols, our order id as
 * `client_order_id`, quantities in contracts of 100 shares (our units / 100), executions from
 * the account's fill activities (one per execution, with Alpaca's own activity id), updates
 * from the `trade_updates` stream, positions from `/v2/positions` (direction from `side`).
 */
import type { BrokerPosition, OrderRequest } from '@/engine/broker/broker';
import { usOptions } from '@/engine/broker/costs/cost-model';
import { describeContract } from '@/engine/broker/symbols/contract';
import { fromOccSymbol, toOccSymbol } from '@/engine/broker/symbols/occ';
import { VenueRefusal } from '../errors';
import type { Execution, Prepared, Venue, VenueChange, VenueOrder } from '../venue';
import { AlpacaClient, type AlpacaCredentials, type AlpacaOrder } from './client';
import { AlpacaTradeStream } from './stream';

export const ALPACA_CONTRACT_SIZE = 100;

export type AlpacaVenueOptions = {
  apiUrl: string;
  streamUrl: string;
  credentials: AlpacaCredentials;
  timeoutMs?: number;
};

type Ticket = { body: Record<string, string> };

function statusOf(o: AlpacaOrder): VenueOrder['status'] {
  switch (o.status) {
    case 'filled':
      return 'FILLED';
    case 'partially_filled':
      return 'PARTIALLY_FILLED';
    case 'canceled':
    case 'replaced':
      return 'CANCELLED';
    case 'expired':
    case 'done_for_day':
      return 'EXPIRED';
    case 'rejected':
      return 'REJECTED';
    case 'pending_new':
      return 'SUBMITTED';
    default:
      return Number(o.filled_qty) > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED';
  }
}

export class AlpacaVenue implements Venue<Ticket> {
  readonly name = 'alpaca';
  private readonly client: AlpacaClient;
  private stream: AlpacaTradeStream | null = null;

  constructor(private readonly o: AlpacaVenueOptions) {
    this.client = new AlpacaClient(o.apiUrl, o.credentials, o.timeoutMs);
  }

  async prepare(order: OrderRequest): Promise<Prepared<Ticket>> {
    if (order.orderType !== 'MARKET' && order.orderType !== 'LIMIT')
      return {
        ok: false,
        code: 'ORDER_TYPE',
        reason: `order type ${String(order.orderType)} is not supported: Strikeflow sends only MARKET and LIMIT orders, in paper and live alike`,
      };
    if (order.lotSize !== ALPACA_CONTRACT_SIZE)
      return {
        ok: false,
        code: 'INVALID_QUANTITY',
        reason: `an Alpaca option contract covers ${ALPACA_CONTRACT_SIZE} shares; the order assumed lots of ${order.lotSize}`,
      };
    if (!(order.qty > 0) || !Number.isInteger(order.qty) || order.qty % ALPACA_CONTRACT_SIZE !== 0)
      return {
        ok: false,
        code: 'INVALID_QUANTITY',
        reason: `quantity ${order.qty} is not a positive whole number of contracts of ${ALPACA_CONTRACT_SIZE}`,
      };
    let symbol: string;
    try {
      symbol = toOccSymbol(order);
    } catch (e) {
      return {
        ok: false,
        code: 'INVALID_INSTRUMENT',
        reason: `${describeContract(order)} has no option symbol at Alpaca: ${(e as Error).message}`,
      };
    }
    const body: Record<string, string> = {
      symbol,
      qty: String(order.qty / ALPACA_CONTRACT_SIZE),
      side: order.side === 'BUY' ? 'buy' : 'sell',
      type: order.orderType === 'MARKET' ? 'market' : 'limit',
      time_in_force: 'day',
      client_order_id: order.id,
      position_intent: `${order.side === 'BUY' ? 'buy' : 'sell'}_to_${order.closing ? 'close' : 'open'}`,
    };
    if (order.orderType === 'LIMIT') {
      if (!(order.limitPrice! > 0))
        return { ok: false, code: 'OTHER', reason: 'a LIMIT order needs a positive limit price' };
      const cents = order.limitPrice! * 100;
      body.limit_price = (
        (order.side === 'BUY' ? Math.floor(cents + 1e-9) : Math.ceil(cents - 1e-9)) / 100
      ).toFixed(2);
    }
    return { ok: true, ticket: { body } };
  }

  async find(orderId: string): Promise<VenueOrder | null> {
    const o = await this.client.orderByClientId(orderId);
    return o ? this.toVenueOrder(o) : null;
  }

  async submit(order: OrderRequest, ticket: Ticket): Promise<string> {
    try {
      return (await this.client.placeOrder(ticket.body)).id;
    } catch (e) {
      // Alpaca refuses a second order with our client_order_id: the first one is the order.
      if (e instanceof VenueRefusal && /client_order_id must be unique/i.test(e.message)) {
        const existing = await this.client.orderByClientId(order.id);
        if (existing) return existing.id;
      }
      throw e;
    }
  }

  async cancel(venueOrderId: string): Promise<void> {
    await this.client.cancel(venueOrderId);
  }

  async state(venueOrderId: string): Promise<VenueOrder> {
    return this.toVenueOrder(await this.client.order(venueOrderId));
  }

  private async toVenueOrder(o: AlpacaOrder): Promise<VenueOrder> {
    const filled = Number(o.filled_qty) * ALPACA_CONTRACT_SIZE;
    let executions: Execution[] = [];
    if (filled > 0) {
      // Fill activities carry one record per execution; a second before submission is enough margin.
      const since = new Date(Date.parse(o.submitted_at ?? o.created_at) - 1000).toISOString();
      executions = (await this.client.fills(since))
        .filter((f) => f.order_id === o.id)
        .map((f) => ({
          executionId: f.id,
          ts: f.transaction_time,
          qty: Number(f.qty) * ALPACA_CONTRACT_SIZE,
          price: Number(f.price),
        }));
    }
    const status = statusOf(o);
    return {
      venueOrderId: o.id,
      status,
      underlying: fromOccSymbol(o.symbol)?.underlying ?? o.symbol,
      side: o.side === 'buy' ? 'BUY' : 'SELL',
      qty: Number(o.qty) * ALPACA_CONTRACT_SIZE,
      lotSize: ALPACA_CONTRACT_SIZE,
      filledQty: filled,
      averagePrice: o.filled_avg_price === null ? null : Number(o.filled_avg_price),
      executions,
      ...(status === 'REJECTED'
        ? { reason: 'rejected by Alpaca', rejectCode: 'OTHER' as const }
        : {}),
      ts: o.updated_at ?? o.created_at,
    };
  }

  async positions(): Promise<BrokerPosition[]> {
    const out: BrokerPosition[] = [];
    for (const p of await this.client.positions()) {
      if (p.asset_class !== 'us_option') continue;
      const c = fromOccSymbol(p.symbol);
      if (!c) continue;
      // Sources disagree on the sign of a short's qty; its side does not lie.
      const units = Math.abs(Number(p.qty)) * ALPACA_CONTRACT_SIZE;
      out.push({
        ...c,
        qty: p.side === 'short' ? -units : units,
        averagePrice: Number(p.avg_entry_price),
      });
    }
    return out;
  }

  async start(onChange: (c: VenueChange) => void): Promise<void> {
    this.stream = new AlpacaTradeStream(this.o.streamUrl, this.o.credentials, (_e, order) =>
      onChange({ venueOrderId: order.id }),
    );
    await this.stream.start();
  }

  streaming(): boolean {
    return this.stream?.connected ?? false;
  }

  async close(): Promise<void> {
    this.stream?.close();
  }

  costOf(order: VenueOrder, e: Execution, spot: number | undefined): number {
    return usOptions.cost({
      side: order.side,
      qty: e.qty,
      contracts: e.qty / ALPACA_CONTRACT_SIZE,
      price: e.price,
      spot: spot ?? 0,
      firstOfOrder: order.executions[0]?.executionId === e.executionId,
    }).total;
  }
}

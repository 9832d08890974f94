/**
 * Zerodha Kite as a venue for the live broker: NFO options by tradingsymbol from the day's
 * instrument dump, our order id in `tag` (hashed to 20 characters), order state from the order
 * history and executions from `/orders/:id/trades`, updates from the ticker's order messages
 * (and postbacks, relayed by the web app), positions from `/portfolio/positions` `net`.
 */
import type { BrokerPosition, OrderRequest } from '@/engine/broker/broker';
import { indiaIndexOptions } from '@/engine/broker/costs/cost-model';
import { freezeLimitOf } from '@/engine/reference/contracts';
import { describeContract } from '@/engine/broker/symbols/contract';
import { KiteInstrumentBook } from '@/engine/broker/symbols/kite';
import { VenueRefusal } from '../errors';
import type { Execution, Prepared, Venue, VenueChange, VenueOrder } from '../venue';
import { KiteClient, kiteRejectCode, kiteTime, type KiteOrder } from './client';
import { kiteTag } from './tag';
import { KiteTicker } from './ticker';

export type KiteVenueOptions = {
  apiUrl: string;
  wsUrl: string;
  apiKey: string;
  accessToken: string;
  /** NRML carries positions overnight; MIS would be squared off by the broker at 15:20. */
  product?: 'NRML' | 'MIS';
  /** The exchange freeze limit on a date (engine/reference by default). */
  freezeLimit?: typeof freezeLimitOf;
  timeoutMs?: number;
  /** A loaded instrument book (tests, or a worker that shares one per day). */
  instruments?: KiteInstrumentBook;
  /** Extra order-change source, e.g. postbacks relayed by the web app. */
  changes?: (onChange: (c: VenueChange) => void) => () => void;
};

type Ticket = { form: Record<string, string> };

const LIVE_STATES = new Set(['OPEN', 'TRIGGER PENDING', 'MODIFIED', 'AMO REQ RECEIVED']);

/** Our order status for a Kite status (transient OMS states count as submitted). */
function statusOf(o: KiteOrder): VenueOrder['status'] {
  switch (o.status) {
    case 'COMPLETE':
      return 'FILLED';
    case 'CANCELLED':
    case 'CANCELLED AMO':
      return 'CANCELLED';
    case 'REJECTED':
      return 'REJECTED';
    default:
      if (o.filled_quantity > 0) return 'PARTIALLY_FILLED';
      return LIVE_STATES.has(o.status) ? 'ACCEPTED' : 'SUBMITTED';
  }
}

export class KiteVenue implements Venue<Ticket> {
  readonly name = 'kite';
  private readonly client: KiteClient;
  private book: KiteInstrumentBook | null;
  private ticker: KiteTicker | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: KiteVenueOptions) {
    this.client = new KiteClient(
      o.apiUrl,
      { apiKey: o.apiKey, accessToken: o.accessToken },
      o.timeoutMs,
    );
    this.book = o.instruments ?? null;
  }

  private async instruments(): Promise<KiteInstrumentBook> {
    this.book ??= KiteInstrumentBook.fromCsv(await this.client.instruments());
    return this.book;
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
    const book = await this.instruments();
    const row = book.find(order);
    if (!row)
      return {
        ok: false,
        code: 'INVALID_INSTRUMENT',
        reason: `${describeContract(order)} is not in today's Kite instrument dump (no such strike or expiry)`,
      };
    if (order.qty % row.lotSize !== 0)
      return {
        ok: false,
        code: 'INVALID_QUANTITY',
        reason: `${row.tradingsymbol} trades in lots of ${row.lotSize}; ${order.qty} units is not a whole number of them (the order assumed lots of ${order.lotSize})`,
      };
    // The kernel slices an intent above the freeze limit; anything still above it is refused here.
    const freeze = (this.o.freezeLimit ?? freezeLimitOf)(order.underlying, order.ts.slice(0, 10));
    if (freeze && order.qty > freeze.units)
      return {
        ok: false,
        code: 'INVALID_QUANTITY',
        reason: `${order.qty} units of ${order.underlying} exceed the exchange freeze limit of ${freeze.units} units per order (${freeze.source}); the order must be sliced`,
      };
    const form: Record<string, string> = {
      tradingsymbol: row.tradingsymbol,
      exchange: row.exchange,
      transaction_type: order.side,
      order_type: order.orderType,
      quantity: String(order.qty),
      product: this.o.product ?? 'NRML',
      validity: 'DAY',
      tag: kiteTag(order.id),
    };
    if (order.orderType === 'LIMIT') {
      if (!(order.limitPrice! > 0))
        return { ok: false, code: 'OTHER', reason: 'a LIMIT order needs a positive limit price' };
      // Round to the tick toward the trader's side: a buy never pays above its limit.
      const ticks = order.limitPrice! / row.tickSize;
      const n = order.side === 'BUY' ? Math.floor(ticks + 1e-9) : Math.ceil(ticks - 1e-9);
      form.price = (n * row.tickSize).toFixed(2);
    }
    return { ok: true, ticket: { form } };
  }

  async find(orderId: string): Promise<VenueOrder | null> {
    const tag = kiteTag(orderId);
    const mine = (await this.client.orders()).filter((o) => o.tag === tag);
    if (mine.length === 0) return null;
    if (mine.length > 1)
      throw new VenueRefusal(
        'OTHER',
        `Kite holds ${mine.length} orders tagged ${tag} for order ${orderId} (${mine.map((m) => m.order_id).join(', ')}); resolve them by hand`,
      );
    return this.state(mine[0].order_id);
  }

  async submit(_order: OrderRequest, ticket: Ticket): Promise<string> {
    return this.client.placeOrder('regular', ticket.form);
  }

  async cancel(venueOrderId: string): Promise<void> {
    await this.client.cancelOrder('regular', venueOrderId);
  }

  async state(venueOrderId: string): Promise<VenueOrder> {
    const history = await this.client.orderHistory(venueOrderId);
    const last = history[history.length - 1];
    if (!last) throw new VenueRefusal('OTHER', `Kite has no history for order ${venueOrderId}`);
    const trades = last.filled_quantity > 0 ? await this.client.orderTrades(venueOrderId) : [];
    const book = await this.instruments();
    const contract = book.contractOf(last.exchange, last.tradingsymbol);
    const row = contract ? book.find(contract) : null;
    const status = statusOf(last);
    const executions: Execution[] = trades.map((t) => ({
      executionId: t.trade_id,
      ts: kiteTime(t.fill_timestamp) ?? kiteTime(last.exchange_timestamp) ?? '',
      qty: t.quantity,
      price: t.average_price,
    }));
    return {
      venueOrderId,
      status,
      underlying: contract?.underlying ?? last.tradingsymbol,
      side: last.transaction_type,
      qty: last.quantity,
      lotSize: row?.lotSize ?? 1,
      filledQty: last.filled_quantity,
      averagePrice: last.filled_quantity > 0 ? last.average_price : null,
      executions,
      ...(last.status_message ? { reason: last.status_message } : {}),
      ...(status === 'REJECTED' ? { rejectCode: kiteRejectCode(last.status_message ?? '') } : {}),
      ts:
        kiteTime(last.exchange_update_timestamp) ??
        kiteTime(last.exchange_timestamp) ??
        kiteTime(last.order_timestamp) ??
        new Date().toISOString(),
    };
  }

  async positions(): Promise<BrokerPosition[]> {
    const book = await this.instruments();
    const { net } = await this.client.positions();
    const out: BrokerPosition[] = [];
    for (const p of net) {
      if (p.quantity === 0) continue;
      const c = book.contractOf(p.exchange, p.tradingsymbol);
      if (!c) continue; // equities and instruments outside the dump are not the kernel's
      out.push({ ...c, qty: p.quantity, averagePrice: p.average_price });
    }
    return out;
  }

  async start(onChange: (c: VenueChange) => void): Promise<void> {
    if (this.o.changes) this.unsubscribe = this.o.changes(onChange);
    this.ticker = new KiteTicker({
      url: this.o.wsUrl,
      apiKey: this.o.apiKey,
      accessToken: this.o.accessToken,
      onOrder: (d) => {
        if (typeof d.order_id === 'string') onChange({ venueOrderId: d.order_id });
      },
    });
    await this.ticker.start();
  }

  streaming(): boolean {
    return this.ticker?.connected ?? false;
  }

  async close(): Promise<void> {
    this.ticker?.close();
    this.unsubscribe?.();
  }

  costOf(order: VenueOrder, e: Execution, spot: number | undefined): number {
    return indiaIndexOptions.cost({
      side: order.side,
      qty: e.qty,
      contracts: e.qty / order.lotSize,
      price: e.price,
      spot: spot ?? 0,
      // Brokerage is charged per executed order, on its first execution.
      firstOfOrder: order.executions[0]?.executionId === e.executionId,
    }).total;
  }
}

/**
 * The matching core the fake venues share: a book of quotes per instrument symbol, the
 * account's funds, orders that fill at the touch (limited by the touch's size when a test
 * thins it), rest when their limit is away, and are cancelled on request. Each fake wraps it in
 * its venue's wire protocol (Kite REST + ticker, Alpaca REST + streams, Deribit JSON-RPC).
 * Everything a test may want a venue to do wrong is a field here or on the fake.
 */

export type Quote = { bid?: number; ask?: number; ltp?: number; oi?: number; volume?: number };

export type FakeOrderStatus = 'OPEN' | 'FILLED' | 'CANCELLED' | 'REJECTED';

export type FakeTrade = { tradeId: string; qty: number; price: number; at: Date };

export type FakeOrder = {
  id: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: number;
  type: 'MARKET' | 'LIMIT';
  limit: number | null;
  clientId: string | null;
  status: FakeOrderStatus;
  filled: number;
  trades: FakeTrade[];
  reason: string | null;
  /** Why a rejection happened, for the venue's own error wording. */
  rejectKind: 'funds' | 'band' | 'quantity' | null;
  placedAt: Date;
  updatedAt: Date;
  /** Orders a test made (not placed through the API), e.g. from another platform. */
  meta: Record<string, unknown>;
};

export type OrderInput = {
  symbol: string;
  side: 'BUY' | 'SELL';
  qty: number;
  type: 'MARKET' | 'LIMIT';
  limit: number | null;
  clientId: string | null;
  /** Units one lot holds, for the quantity check; 1 where the venue counts contracts. */
  lot: number;
  /** Premium multiplier for funds (100 for a US option contract priced per share). */
  multiplier?: number;
  meta?: Record<string, unknown>;
};

export class FakeExchange {
  readonly quotes = new Map<string, Quote>();
  readonly orders = new Map<string, FakeOrder>();
  funds: number | null = null;
  /** Units of one order the touch fills; the rest rests. */
  liquidity: number | null = null;
  /** A limit farther than this fraction from the last price is outside the band. */
  band = 0.5;
  /** Fills happen this long after an order becomes marketable (the venue is slow to match). */
  fillDelayMs = 0;
  private seq = 0;
  private tradeSeq = 0;
  private readonly listeners: ((o: FakeOrder) => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ids: { order: (n: number) => string; trade: (n: number) => string },
  ) {}

  onChange(fn: (o: FakeOrder) => void): void {
    this.listeners.push(fn);
  }

  private changed(o: FakeOrder) {
    o.updatedAt = new Date();
    for (const fn of this.listeners) fn(o);
  }

  setQuote(symbol: string, q: Quote): void {
    this.quotes.set(symbol, q);
    this.match();
  }

  /** The reference price for the band: the last price, or the mid. */
  reference(symbol: string): number | null {
    const q = this.quotes.get(symbol);
    if (!q) return null;
    if (q.ltp) return q.ltp;
    if (q.bid && q.ask) return (q.bid + q.ask) / 2;
    return q.bid ?? q.ask ?? null;
  }

  /** Takes an order: it is OPEN (and matched at once) or REJECTED with a reason. */
  submit(input: OrderInput): FakeOrder {
    const now = new Date();
    const o: FakeOrder = {
      id: this.ids.order(++this.seq),
      symbol: input.symbol,
      side: input.side,
      qty: input.qty,
      type: input.type,
      limit: input.limit,
      clientId: input.clientId,
      status: 'OPEN',
      filled: 0,
      trades: [],
      reason: null,
      rejectKind: null,
      placedAt: now,
      updatedAt: now,
      meta: input.meta ?? {},
    };
    this.orders.set(o.id, o);
    const ref = this.reference(input.symbol);
    const px =
      input.limit ??
      (input.side === 'BUY'
        ? this.quotes.get(input.symbol)?.ask
        : this.quotes.get(input.symbol)?.bid) ??
      ref ??
      0;
    if (
      !(input.qty > 0) ||
      Math.abs(input.qty / input.lot - Math.round(input.qty / input.lot)) > 1e-9
    ) {
      o.status = 'REJECTED';
      o.rejectKind = 'quantity';
      o.reason = `quantity ${input.qty} is not a multiple of the lot size ${input.lot}`;
    } else if (
      input.limit !== null &&
      ref !== null &&
      Math.abs(input.limit - ref) > this.band * ref
    ) {
      o.status = 'REJECTED';
      o.rejectKind = 'band';
      o.reason = `limit ${input.limit} is outside the band ${round2(ref * (1 - this.band))} - ${round2(ref * (1 + this.band))}`;
    } else if (this.funds !== null && this.required(input, px) > this.funds) {
      o.status = 'REJECTED';
      o.rejectKind = 'funds';
      o.reason = `required ${round2(this.required(input, px))} but available ${round2(this.funds)}`;
    }
    this.changed(o);
    if (o.status === 'OPEN') this.match();
    return o;
  }

  /** Premium for a buy; a sell (a short option) blocks several times its premium as margin. */
  private required(input: OrderInput, px: number): number {
    const premium = px * input.qty * (input.multiplier ?? 1);
    return input.side === 'BUY' ? premium : premium * 5;
  }

  cancel(id: string): FakeOrder | 'not-found' | 'not-open' {
    const o = this.orders.get(id);
    if (!o) return 'not-found';
    if (o.status !== 'OPEN') return 'not-open';
    o.status = 'CANCELLED';
    o.reason = 'cancelled by the user';
    this.changed(o);
    return o;
  }

  /** Fills every open order its touch allows (after fillDelayMs when set). */
  match(): void {
    for (const o of this.orders.values()) {
      if (o.status !== 'OPEN' || o.meta.matching) continue;
      const q = this.quotes.get(o.symbol);
      const touch = o.side === 'BUY' ? q?.ask : q?.bid;
      if (touch === undefined || touch <= 0) continue;
      if (o.limit !== null && (o.side === 'BUY' ? touch > o.limit : touch < o.limit)) continue;
      const room = this.liquidity === null ? o.qty : Math.max(0, this.liquidity - o.filled);
      const qty = Math.min(o.qty - o.filled, room);
      if (qty <= 0) continue;
      const fill = () => {
        o.meta.matching = false;
        if (o.status !== 'OPEN') return;
        o.trades.push({
          tradeId: this.ids.trade(++this.tradeSeq),
          qty,
          price: touch,
          at: new Date(),
        });
        o.filled += qty;
        if (o.filled >= o.qty) o.status = 'FILLED';
        this.changed(o);
      };
      if (this.fillDelayMs > 0) {
        o.meta.matching = true;
        const t = setTimeout(() => {
          this.timers.delete(t);
          fill();
        }, this.fillDelayMs);
        this.timers.add(t);
      } else fill();
    }
  }

  averagePrice(o: FakeOrder): number {
    if (o.filled === 0) return 0;
    return o.trades.reduce((a, t) => a + t.price * t.qty, 0) / o.filled;
  }

  /** Net signed units and average price per symbol, from every trade. */
  positions(): Map<
    string,
    { qty: number; buyQty: number; buyValue: number; sellQty: number; sellValue: number }
  > {
    const out = new Map<
      string,
      { qty: number; buyQty: number; buyValue: number; sellQty: number; sellValue: number }
    >();
    for (const o of this.orders.values()) {
      for (const t of o.trades) {
        const p = out.get(o.symbol) ?? { qty: 0, buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
        if (o.side === 'BUY') {
          p.qty += t.qty;
          p.buyQty += t.qty;
          p.buyValue += t.qty * t.price;
        } else {
          p.qty -= t.qty;
          p.sellQty += t.qty;
          p.sellValue += t.qty * t.price;
        }
        out.set(o.symbol, p);
      }
    }
    return out;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The next failures a fake answers instead of doing the work (429, 500, a stall, a dropped socket). */
export type Fault = { status: 429 | 500 | 502 | 503 } | { stallMs: number } | { drop: true };

/** Faults queued per route key ("POST /orders"), consumed one request at a time. */
export class FaultPlan {
  private readonly queue = new Map<string, Fault[]>();

  add(route: string, fault: Fault, times = 1): void {
    const q = this.queue.get(route) ?? [];
    for (let i = 0; i < times; i++) q.push(fault);
    this.queue.set(route, q);
  }

  take(route: string): Fault | undefined {
    const q = this.queue.get(route);
    return q?.shift();
  }
}

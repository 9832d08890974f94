/**
 * The paper broker: DESIGN.md's fill model behind the same interface as a live broker, with the
 * order life of a real venue (accepted, partially filled, filled, cancelled, expired, rejected),
 * so a backtest and a paper deployment run through exactly the order flow a live one does.
 * It keeps only what a simulated venue must: the latest snapshot per underlying, its orders and
 * the executions, all serialisable so a paper deployment survives a restart.
 */
import { termsOf } from '../../market/snapshot.ts';
import type { ChainSnapshot } from '../../runtime/types.ts';
import type {
  Broker,
  BrokerOrder,
  BrokerPosition,
  ExecutionReport,
  OrderRequest,
  RejectCode,
} from '../broker.ts';
import { markPrice } from '../../market/quote.ts';
import { quoteFor, type FillModelSettings } from './fill-model.ts';
import { marginNeeded } from './paper-margin.ts';

export type PaperSettings = FillModelSettings & {
  /**
   * Liquidity: the most lots one order fills on one snapshot (the rest fills on later snapshots).
   * Unset: a market order fills whole at once.
   */
  maxLotsPerFill?: number;
  /**
   * Money the paper account can commit to premium and margin (paper-margin.ts); an order that
   * would need more is refused. Unset: no limit (a backtest measures the strategy, not an account).
   */
  funds?: number | null;
  /**
   * A limit price farther than this percent from the option's last price (LTP, else mid) is
   * outside the exchange's price band and refused, as NSE and the brokers do. Default 50.
   */
  priceBandPct?: number;
};

type PaperOrder = BrokerOrder & { request: OrderRequest };

/**
 * A final order as the venue keeps it: what `order()` answers, and the session day it was placed
 * in. Its request is not kept (its fills are already in the venue's positions).
 */
type DoneOrder = BrokerOrder & { day: string };

/**
 * What a paper broker remembers, as plain JSON (see `state()` / `PaperBroker.restore`): working
 * orders whole, the final orders of the newest session day as the venue's order book shows them
 * (so a retried placement finds its order after a restart, as at a real venue), and the net
 * positions. Final orders of earlier days are not kept: a paper deployment re-entering all day
 * would otherwise save and read every order it ever placed on every tick (the outbox, not the
 * venue, is what decides whether an intent was sent). States saved before `positions` existed
 * carry every order with its request; their positions are summed from those on restore.
 */
export type PaperState = {
  seq: number;
  latest: Record<string, ChainSnapshot>;
  orders: (PaperOrder | DoneOrder)[];
  positions?: BrokerPosition[];
};

const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);

const contractKey = (
  o: Pick<OrderRequest, 'underlying' | 'expiry' | 'instrument' | 'strike' | 'right'>,
) => `${o.underlying}|${o.expiry}|${o.instrument}|${o.strike ?? ''}|${o.right ?? ''}`;

/** Books `qty` units of the request's side on its contract. */
function addTo(net: Map<string, BrokerPosition>, r: OrderRequest, qty: number) {
  const key = contractKey(r);
  let p = net.get(key);
  if (!p) net.set(key, (p = { underlying: r.underlying, expiry: r.expiry, ...termsOf(r), qty: 0 }));
  p.qty += (r.side === 'BUY' ? 1 : -1) * qty;
}

/** The session day an order was placed in (its request's exchange-local date). */
const dayOf = (o: PaperOrder | DoneOrder) => ('request' in o ? o.request.ts.slice(0, 10) : o.day);

/** A final order as the saved state keeps it: the venue's view of it, without its request (shares its executions). */
function doneOf(o: PaperOrder | DoneOrder): DoneOrder {
  if (!('request' in o)) return o;
  const { request, ...view } = o;
  return { ...view, day: request.ts.slice(0, 10) };
}

export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly mode = 'paper' as const;
  private seq = 0;
  private readonly latest = new Map<string, ChainSnapshot>();
  private readonly orders = new Map<string, PaperOrder | DoneOrder>();
  /**
   * Orders that may still be working (a superset: final ones leave it when next seen). A new
   * snapshot looks at these only, not at every order of a year-long backtest.
   */
  private readonly open = new Map<string, PaperOrder>();
  private readonly outbox: ExecutionReport[] = [];
  /** Net positions by contract, moved by every execution: the funds check reads these, not the orders. */
  private readonly net = new Map<string, BrokerPosition>();

  private readonly settings: PaperSettings;

  constructor(settings: PaperSettings) {
    this.settings = { ...settings };
  }

  /** The venue knobs a paper deployment (or the contract's harness) may turn while it runs. */
  configure(change: Pick<PaperSettings, 'funds' | 'maxLotsPerFill'>): void {
    Object.assign(this.settings, change);
  }

  /**
   * A broker from its saved state. `owned`: the state was just parsed from JSON and is handed
   * over, so it is used as it is instead of copied (a paper deployment restores its venue for
   * every order it sends).
   */
  static restore(settings: PaperSettings, s: PaperState, owned = false): PaperBroker {
    const b = new PaperBroker(settings);
    b.seq = s.seq;
    for (const [k, v] of Object.entries(s.latest)) b.latest.set(k, v);
    for (const o of s.orders) {
      const copy = owned ? o : structuredClone(o);
      b.orders.set(o.orderId, copy);
      if ('request' in copy && !TERMINAL.has(copy.status)) b.open.set(o.orderId, copy);
    }
    if (s.positions) for (const p of s.positions) b.net.set(contractKey(p), owned ? p : { ...p });
    else
      for (const o of s.orders)
        if ('request' in o && o.filledQty > 0) addTo(b.net, o.request, o.filledQty);
    return b;
  }

  /**
   * The state to save (see `PaperState`). It shares nothing with the broker, so it may be kept or
   * changed, unless `shared`: then it is only good for serialising at once (no copies made).
   */
  state(shared = false): PaperState {
    const copy = shared ? <T>(x: T) => x : <T>(x: T) => structuredClone(x);
    let newest = '';
    for (const o of this.orders.values()) {
      const day = dayOf(o);
      if (day > newest) newest = day;
    }
    const orders: PaperState['orders'] = [];
    for (const o of this.orders.values()) {
      if (!TERMINAL.has(o.status)) orders.push(copy(o));
      else if (dayOf(o) === newest) orders.push(copy(doneOf(o)));
    }
    return {
      seq: this.seq,
      latest: Object.fromEntries(this.latest),
      orders,
      positions: [...this.net.values()].filter((p) => p.qty !== 0).map((p) => ({ ...p })),
    };
  }

  async onSnapshot(snapshot: ChainSnapshot): Promise<void> {
    this.latest.set(snapshot.underlying, snapshot);
    for (const o of this.open.values()) {
      if (TERMINAL.has(o.status)) {
        this.open.delete(o.orderId);
        continue;
      }
      if (o.request.underlying !== snapshot.underlying) continue;
      // A day order that has not filled by the end of its session expires (DAY validity).
      if (snapshot.ts.slice(0, 10) > o.request.ts.slice(0, 10)) {
        o.status = 'EXPIRED';
        o.reason = `day order not filled in session ${o.request.ts.slice(0, 10)}`;
        this.outbox.push({ kind: 'expired', orderId: o.orderId, ts: snapshot.ts, filledQty: o.filledQty, reason: o.reason }); // prettier-ignore
        continue;
      }
      if (Date.parse(snapshot.ts) > Date.parse(o.request.ts))
        this.outbox.push(...this.execute(o, snapshot));
    }
  }

  async place(order: OrderRequest): Promise<ExecutionReport[]> {
    // Idempotent by our id: a retry after a crash finds the order and places nothing.
    if (this.orders.has(order.id)) return [];
    const invalid = validate(order);
    const brokerOrderId = `paper-${++this.seq}`;
    const o: PaperOrder = {
      orderId: order.id,
      brokerOrderId,
      status: 'SUBMITTED',
      qty: order.qty,
      filledQty: 0,
      averagePrice: null,
      executions: [],
      request: order,
    };
    this.orders.set(order.id, o);
    this.open.set(order.id, o);
    if (invalid) return [this.reject(o, order.ts, invalid.code, invalid.reason)];
    const snapshot = this.latest.get(order.underlying);
    if (!snapshot)
      return [this.reject(o, order.ts, 'MARKET_CLOSED', `no market data for ${order.underlying} yet: the paper broker fills only against a snapshot`)]; // prettier-ignore
    const refused = this.refusal(order, snapshot);
    if (refused) return [this.reject(o, order.ts, refused.code, refused.reason)];
    o.status = 'ACCEPTED';
    const out: ExecutionReport[] = [{ kind: 'accepted', orderId: o.orderId, ts: order.ts, brokerOrderId }]; // prettier-ignore
    if (this.settings.latency === 'none') out.push(...this.execute(o, snapshot));
    return out;
  }

  async cancel(orderId: string): Promise<ExecutionReport[]> {
    const o = this.orders.get(orderId);
    // Only working orders carry their request; a final one has nothing left to cancel.
    if (!o || TERMINAL.has(o.status) || !('request' in o)) return [];
    o.status = 'CANCELLED';
    o.reason = 'cancelled on request';
    const ts = this.latest.get(o.request.underlying)?.ts ?? o.request.ts;
    return [{ kind: 'cancelled', orderId, ts, filledQty: o.filledQty, reason: o.reason }];
  }

  async order(orderId: string): Promise<BrokerOrder | null> {
    const o = this.orders.get(orderId);
    if (!o) return null;
    const { request: _request, day: _day, ...view } = structuredClone(o) as PaperOrder & Partial<DoneOrder>; // prettier-ignore
    return view;
  }

  async positions(): Promise<BrokerPosition[]> {
    return this.netPositions();
  }

  /** Net positions, with `extra` as if it had filled whole (for the funds check). */
  private netPositions(extra?: OrderRequest): BrokerPosition[] {
    const out = [...this.net.values()].map((p) => ({ ...p }));
    if (extra) {
      const key = contractKey(extra);
      const held = out.find((p) => contractKey(p) === key);
      const signed = (extra.side === 'BUY' ? 1 : -1) * extra.qty;
      if (held) held.qty += signed;
      else out.push({ underlying: extra.underlying, expiry: extra.expiry, ...termsOf(extra), qty: signed }); // prettier-ignore
    }
    return out.filter((p) => p.qty !== 0);
  }

  async poll(): Promise<ExecutionReport[]> {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Orders still working (waiting for a snapshot, resting at a limit, or partly filled). */
  working(): OrderRequest[] {
    return [...this.open.values()].filter((o) => !TERMINAL.has(o.status)).map((o) => o.request);
  }

  /** The venue's own checks at placement: the price band of a limit, and the account's funds. */
  private refusal(
    order: OrderRequest,
    s: ChainSnapshot,
  ): { code: RejectCode; reason: string } | null {
    if (order.orderType === 'LIMIT' && order.instrument === 'option') {
      const chain = s.expiries.find((e) => e.expiry === order.expiry);
      const q = chain?.options.find((x) => x.strike === order.strike && x.right === order.right);
      const ref = q && markPrice(q);
      const band = (this.settings.priceBandPct ?? 50) / 100;
      if (ref !== undefined && Math.abs((order.limitPrice as number) - ref) > band * ref)
        return { code: 'PRICE_BAND', reason: `limit ${order.limitPrice} is outside the price band ${(ref * (1 - band)).toFixed(2)} - ${(ref * (1 + band)).toFixed(2)} around the last price ${ref}` }; // prettier-ignore
    }
    const funds = this.settings.funds;
    if (funds !== undefined && funds !== null) {
      const before = marginNeeded(this.netPositions(), s);
      const after = marginNeeded(this.netPositions(order), s);
      if (after > before && after > funds)
        return { code: 'INSUFFICIENT_MARGIN', reason: `insufficient funds: the positions would need margin ${after.toFixed(2)}, the paper account has ${funds.toFixed(2)}` }; // prettier-ignore
    }
    return null;
  }

  private reject(o: PaperOrder, ts: string, code: RejectCode, reason: string): ExecutionReport {
    o.status = 'REJECTED';
    o.reason = reason;
    return { kind: 'rejected', orderId: o.orderId, ts, reason, code };
  }

  /** Fills what the snapshot allows; a market order with no price at all is rejected. */
  private execute(o: PaperOrder, snapshot: ChainSnapshot): ExecutionReport[] {
    const r = o.request;
    const q = quoteFor(r, snapshot, this.settings);
    if (!q.ok) {
      if (r.orderType === 'LIMIT' || o.filledQty > 0) return []; // keeps working until priced
      const listed = snapshot.expiries.some((e) => e.expiry === r.expiry && (r.instrument === 'future' || e.options.some((x) => x.strike === r.strike && x.right === r.right))); // prettier-ignore
      return [this.reject(o, snapshot.ts, listed ? 'OTHER' : 'INVALID_INSTRUMENT', q.reason)];
    }
    let price = q.price;
    if (r.orderType === 'LIMIT') {
      const limit = r.limitPrice as number;
      if (r.side === 'BUY' ? price > limit : price < limit) return []; // rests at its limit
    }
    const left = o.qty - o.filledQty;
    const cap = this.settings.maxLotsPerFill;
    const qty = cap === undefined ? left : Math.min(left, cap * r.lotSize);
    price = Number(price.toFixed(8));
    const cost = this.settings.costModel.cost({
      side: r.side,
      qty,
      contracts: qty / r.lotSize,
      price,
      spot: snapshot.spot,
      firstOfOrder: o.executions.length === 0,
      date: snapshot.ts.slice(0, 10),
      instrument: r.instrument,
    });
    const executionId = `paper:${o.orderId}:${o.executions.length + 1}`;
    // At the quote of the newest chain, but not before the order was decided: a trader's
    // square-off between two chains fills when it was sent, not at the earlier chain's time
    // (in a backtest every order is decided on a chain, and the two are the same).
    const ts = Date.parse(r.ts) > Date.parse(snapshot.ts) ? r.ts : snapshot.ts;
    o.executions.push({ executionId, ts, qty, price });
    o.averagePrice = ((o.averagePrice ?? 0) * o.filledQty + price * qty) / (o.filledQty + qty);
    o.filledQty += qty;
    o.status = o.filledQty >= o.qty ? 'FILLED' : 'PARTIALLY_FILLED';
    addTo(this.net, r, qty);
    return [{ kind: 'fill', orderId: o.orderId, ts, executionId, qty, price, costs: cost.total, brokerOrderId: o.brokerOrderId }]; // prettier-ignore
  }
}

function validate(o: OrderRequest): { code: RejectCode; reason: string } | null {
  if (!(o.qty > 0) || !Number.isInteger(o.qty))
    return { code: 'INVALID_QUANTITY', reason: `quantity ${o.qty} is not a positive whole number of units` }; // prettier-ignore
  if (!(o.lotSize > 0) || o.qty % o.lotSize !== 0)
    return { code: 'INVALID_QUANTITY', reason: `quantity ${o.qty} is not a whole number of lots of ${o.lotSize}` }; // prettier-ignore
  if (o.orderType !== 'MARKET' && o.orderType !== 'LIMIT')
    return { code: 'ORDER_TYPE', reason: `order type ${String(o.orderType)} is not supported: market and limit orders only (stops are watched by the strategy, never left at the broker)` }; // prettier-ignore
  if (o.orderType === 'LIMIT' && !(typeof o.limitPrice === 'number' && o.limitPrice > 0))
    return { code: 'OTHER', reason: 'a limit order needs a positive limitPrice' };
  return null;
}

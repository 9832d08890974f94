/**
 * The backtest's own book of fills: cash flows, open lots and marks. It is kept apart from the
 * runtime's state on purpose, so the report's P&L is the plain arithmetic of the fills
 * (sells minus buys plus open positions at their mark, minus costs) and can be checked as such.
 */
import type { ChainSnapshot, Fill, OrderIntent, OrderReason } from '../runtime/types.ts';
import type { ClosedTrade } from './metrics.ts';
import { localDate } from './metrics.ts';

type Lot = {
  legId: string;
  strategyId: string;
  sign: 1 | -1;
  qty: number;
  price: number;
  costs: number;
  ts: string;
  reason: OrderReason;
};

export type OpenPosition = {
  strategyId: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  side: 'BUY' | 'SELL';
  qty: number;
  entryPrice: number;
  mark: number | null;
};

/** A round trip of one leg: what opened it, what closed it (an order's reason, or SETTLEMENT at expiry). */
export type TradeRecord = ClosedTrade & {
  strategyId: string;
  legId: string;
  instrument: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  /** The side of the entry (SELL for a short leg). */
  side: 'BUY' | 'SELL';
  qty: number;
  entryTs: string;
  exitTs: string;
  entryPrice: number;
  exitPrice: number;
  entryReason: OrderReason;
  exitReason: OrderReason | 'SETTLEMENT';
};

type Instrument = {
  key: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  lots: Lot[];
  mark: number | null;
};

export function instrumentKey(
  i: Pick<OrderIntent, 'underlying' | 'expiry' | 'strike' | 'right'>,
): string {
  return i.right === 'FUT'
    ? `${i.underlying} ${i.expiry} FUT`
    : `${i.underlying} ${i.expiry} ${i.strike} ${i.right}`;
}

/** LTP, else the mid of bid and ask: the price DESIGN.md's triggers compare, used here as the mark. */
export function markOf(
  snapshot: ChainSnapshot,
  expiry: string,
  strike: number,
  right: string,
): number | null {
  const chain = snapshot.expiries.find((e) => e.expiry === expiry);
  if (right === 'FUT') return chain?.forward ?? snapshot.futures ?? null;
  const q = chain?.options.find((o) => o.strike === strike && o.right === right);
  if (!q) return null;
  if (q.ltp !== undefined) return q.ltp;
  if (q.bid !== undefined && q.ask !== undefined) return (q.bid + q.ask) / 2;
  return null;
}

export class FillBook {
  cash = 0;
  costs = 0;
  readonly trades: TradeRecord[] = [];
  private readonly instruments = new Map<string, Instrument>();

  apply(
    intent: OrderIntent,
    fill: Fill,
    exitReason: OrderReason | 'SETTLEMENT' = intent.reason,
  ): void {
    const sign: 1 | -1 = intent.side === 'BUY' ? 1 : -1;
    this.cash -= sign * fill.price * fill.qty;
    this.costs += fill.costs;
    const key = instrumentKey(intent);
    let inst = this.instruments.get(key);
    if (!inst) {
      inst = {
        key,
        underlying: intent.underlying,
        expiry: intent.expiry,
        strike: intent.strike,
        right: intent.right,
        lots: [],
        mark: null,
      };
      this.instruments.set(key, inst);
    }
    if (inst.mark === null) inst.mark = fill.price;
    let left = fill.qty;
    // Net against opposite lots first (FIFO): that is a closed trade; the rest opens a lot.
    while (left > 0 && inst.lots.length > 0 && inst.lots[0].sign !== sign) {
      const lot = inst.lots[0];
      const q = Math.min(left, lot.qty);
      const entryCosts = (lot.costs * q) / lot.qty;
      const exitCosts = (fill.costs * q) / fill.qty;
      const gross = lot.sign * (fill.price - lot.price) * q;
      this.trades.push({
        date: localDate(fill.ts),
        grossPnl: gross,
        costs: entryCosts + exitCosts,
        netPnl: gross - entryCosts - exitCosts,
        strategyId: lot.strategyId,
        legId: lot.legId,
        instrument: key,
        underlying: inst.underlying,
        expiry: inst.expiry,
        strike: inst.strike,
        right: inst.right,
        side: lot.sign === 1 ? 'BUY' : 'SELL',
        qty: q,
        entryTs: lot.ts,
        exitTs: fill.ts,
        entryPrice: lot.price,
        exitPrice: fill.price,
        entryReason: lot.reason,
        exitReason,
      });
      lot.costs -= entryCosts;
      lot.qty -= q;
      left -= q;
      if (lot.qty === 0) inst.lots.shift();
    }
    if (left > 0) {
      inst.lots.push({
        legId: intent.legId,
        strategyId: intent.strategyId,
        sign,
        qty: left,
        price: fill.price,
        costs: (fill.costs * left) / fill.qty,
        ts: fill.ts,
        reason: intent.reason,
      });
    }
    if (inst.lots.length === 0) this.instruments.delete(key);
  }

  /**
   * Cash settlement of an expired leg at its intrinsic value: closes it like a fill without
   * costs. Returns the underlying it settled, or null when the book holds no such position.
   */
  settle(s: {
    ts: string;
    strategyId: string;
    legId: string;
    expiry: string;
    strike: number;
    right: string;
    side: 'BUY' | 'SELL';
    qty: number;
    price: number;
  }): string | null {
    for (const inst of this.instruments.values()) {
      if (inst.expiry !== s.expiry || inst.strike !== s.strike || inst.right !== s.right) continue;
      if (!inst.lots.some((l) => l.legId === s.legId && l.strategyId === s.strategyId)) continue;
      const closing: OrderIntent = {
        id: `settlement:${s.legId}:${s.ts}`,
        ts: s.ts,
        deploymentId: '',
        strategyId: s.strategyId,
        legId: s.legId,
        underlying: inst.underlying,
        expiry: s.expiry,
        strike: s.strike,
        right: s.right as OrderIntent['right'],
        side: s.side === 'BUY' ? 'SELL' : 'BUY',
        qty: s.qty,
        lots: 0,
        orderType: 'MARKET',
        reason: 'EXIT_TIME',
        closing: true,
      };
      const underlying = inst.underlying;
      this.apply(
        closing,
        { intentId: closing.id, ts: s.ts, price: s.price, qty: s.qty, costs: 0 },
        'SETTLEMENT',
      );
      return underlying;
    }
    return null;
  }

  /** Moves the marks of held instruments of this underlying; an unquoted one keeps its last mark. */
  mark(snapshot: ChainSnapshot): void {
    for (const inst of this.instruments.values()) {
      if (inst.underlying !== snapshot.underlying) continue;
      const m = markOf(snapshot, inst.expiry, inst.strike, inst.right);
      if (m !== null) inst.mark = m;
    }
  }

  /** Net P&L now: cash from fills plus open positions at their marks, minus costs paid. */
  equity(): number {
    let value = 0;
    for (const inst of this.instruments.values()) {
      for (const lot of inst.lots) value += lot.sign * lot.qty * (inst.mark ?? lot.price);
    }
    return this.cash + value - this.costs;
  }

  openPositions(): OpenPosition[] {
    const out: OpenPosition[] = [];
    for (const inst of this.instruments.values()) {
      for (const lot of inst.lots) {
        out.push({
          strategyId: lot.strategyId,
          legId: lot.legId,
          underlying: inst.underlying,
          expiry: inst.expiry,
          strike: inst.strike,
          right: inst.right,
          side: lot.sign === 1 ? 'BUY' : 'SELL',
          qty: lot.qty,
          entryPrice: lot.price,
          mark: inst.mark,
        });
      }
    }
    return out;
  }
}

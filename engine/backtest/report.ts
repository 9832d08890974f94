/**
 * The backtest report read off the runtime's one book: orders from its fills, trades from its
 * closed leg instances (TRADE events), the equity curve from its P&L after every snapshot, open
 * positions from its legs. Nothing here keeps a second ledger; the arithmetic of the report is
 * the runtime's (sells minus buys, open legs at their mark, minus costs), checked by the tests.
 */
import type { OrderReason, OrderRequest, RuntimeEvent, RuntimeInput, RuntimeState, StepResult, ChainSnapshot } from '../runtime/types.ts'; // prettier-ignore
import { pnlOf } from '../runtime/runtime.ts';
import { DELTA_HEDGE_LEG_ID } from '../dsl/delta-hedge.ts';
import type { CostModel } from '../broker/costs/cost-model.ts';
import { holidaysKnown, HOLIDAY_YEARS } from '../market/calendar.ts';
import { findInstrument } from '../market/instruments.ts';
import { FREEZE_LIMITS, freezeLimitOf, lotSizeOf } from '../reference/contracts.ts';
import { computeMetrics, localDate, roundMoney, type ClosedTrade, type DayRow, type Metrics } from './metrics.ts'; // prettier-ignore

/** One order as it traded: its fills summed (units) at their average price, at its last fill's time. */
export type ReportOrder = {
  id: string;
  ts: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  side: 'BUY' | 'SELL';
  qty: number;
  price: number;
  reason: OrderReason;
};

export type ReportTrade = {
  strategyId: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  /** The side of the entry: SELL for a short leg. */
  side: 'BUY' | 'SELL';
  qty: number;
  entryTs: string;
  entryPrice: number;
  entryReason: OrderReason;
  exitTs: string;
  exitPrice: number;
  exitReason: OrderReason | 'SETTLEMENT';
  grossPnl: number;
  costs: number;
  netPnl: number;
  /** A delta hedge trade: futures closed against the hedge's average price (docs/dsl.md#delta-hedge). */
  hedge?: true;
};

/** The delta hedge's own account: its futures cash flows and marks, apart from the legs'. */
export type ReportHedge = {
  /** Sells - buys of hedge futures + settlements + the hedge still open at its mark. */
  grossPnl: number;
  /** Costs of the hedge's fills. */
  costs: number;
  netPnl: number;
  /** Hedge trades (closing fills matched against the average price), as listed in `trades`. */
  trades: number;
  /** Hedge orders that filled (each rebalance, and the hedge's share of square-offs). */
  orders: number;
};

export type ReportEvent = { ts: string; type: string; legId?: string; message: string };

/** An expired leg closed at intrinsic value by the exchange: a cash flow without an order. */
export type ReportSettlement = {
  ts: string;
  legId: string;
  underlying: string;
  expiry: string;
  strike: number;
  right: string;
  side: 'BUY' | 'SELL';
  qty: number;
  price: number;
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

/** Events that belong in the decision trace; order acknowledgements and trade summaries do not. */
const QUIET = new Set(['ORDER_ACCEPTED', 'TRADE']);

type OrderFills = { request: OrderRequest; qty: number; value: number; ts: string };

export class ReportBuilder {
  private readonly requests = new Map<string, OrderRequest>();
  private readonly fills = new Map<string, OrderFills>();
  private readonly events: ReportEvent[] = [];
  private readonly equity: { ts: string; pnl: number }[] = [];
  private readonly settlements: ReportSettlement[] = [];
  private readonly trades: (ReportTrade & { date: string })[] = [];
  private readonly costsByDay = new Map<string, number>();
  private readonly underlyings = new Set<string>();
  private openPositions: OpenPosition[] = [];
  private readonly hedgeBook = { cash: 0, costs: 0, trades: 0 };
  private from: string | null = null;
  private to: string | null = null;

  private readonly late: string[] = [];
  private readonly endedEarly: string[] = [];

  constructor(
    private readonly capital: number,
    private readonly costModel?: CostModel,
  ) {}

  onStep(_input: RuntimeInput, r: StepResult): void {
    for (const o of r.intents) this.requests.set(o.id, o);
    for (const e of r.events) this.onEvent(e);
  }

  private onEvent(e: RuntimeEvent): void {
    const d = e.data ?? {};
    if (e.type === 'FILL' && typeof d.orderId === 'string') {
      const request = this.requests.get(d.orderId);
      if (!request) throw new Error(`fill of order ${d.orderId} that the report never saw sent`);
      const f = this.fills.get(d.orderId) ?? { request, qty: 0, value: 0, ts: e.ts };
      f.qty += Number(d.qty);
      f.value += Number(d.qty) * Number(d.price);
      f.ts = e.ts;
      this.fills.set(d.orderId, f);
      const day = localDate(e.ts);
      this.costsByDay.set(day, (this.costsByDay.get(day) ?? 0) + Number(d.costs));
      if (request.legId === DELTA_HEDGE_LEG_ID) {
        this.hedgeBook.cash += (request.side === 'SELL' ? 1 : -1) * Number(d.qty) * Number(d.price);
        this.hedgeBook.costs += Number(d.costs);
      }
    } else if (e.type === 'SETTLEMENT') {
      // The position's side: an expiring long is sold at the settlement price, a short bought.
      if (e.legId === DELTA_HEDGE_LEG_ID)
        this.hedgeBook.cash += (d.side === 'BUY' ? 1 : -1) * Number(d.qty) * Number(d.price);
      this.settlements.push({
        ts: e.ts,
        legId: e.legId ?? '',
        underlying: this.underlyingOf(e),
        expiry: String(d.expiry),
        strike: Number(d.strike),
        right: String(d.right),
        side: d.side === 'BUY' ? 'SELL' : 'BUY',
        qty: Number(d.qty),
        price: Number(d.price),
      });
    } else if (e.type === 'TRADE') {
      const gross = Number(d.grossPnl);
      const costs = Number(d.costs);
      this.trades.push({
        date: localDate(String(d.exitTs)),
        strategyId: e.strategyId ?? '',
        legId: e.legId ?? '',
        underlying: String(d.underlying),
        expiry: String(d.expiry),
        strike: d.strike === null ? 0 : Number(d.strike),
        right: String(d.right),
        side: d.side === 'BUY' ? 'BUY' : 'SELL',
        qty: Number(d.qty),
        entryTs: String(d.entryTs),
        entryPrice: Number(d.entryPrice),
        entryReason: d.entryReason as OrderReason,
        exitTs: String(d.exitTs),
        exitPrice: Number(d.exitPrice),
        exitReason: d.exitReason as OrderReason | 'SETTLEMENT',
        grossPnl: gross,
        costs,
        netPnl: gross - costs,
        ...(d.hedge === true ? { hedge: true as const } : {}),
      });
      if (d.hedge === true) this.hedgeBook.trades++;
    }
    if (e.type === 'LATE_ENTRY') this.late.push(`${String(d.day)}: ${e.message}`);
    if (e.type === 'EXIT_TIME' && d.early === true) this.endedEarly.push(e.message);
    if (QUIET.has(e.type)) return;
    this.events.push(
      e.legId === undefined
        ? { ts: e.ts, type: e.type, message: e.message }
        : { ts: e.ts, type: e.type, legId: e.legId, message: e.message },
    );
  }

  private underlyingOf(e: RuntimeEvent): string {
    for (const r of this.requests.values()) if (r.strategyId === e.strategyId) return r.underlying;
    return '';
  }

  /** After each snapshot: the equity curve takes the book's net P&L. */
  mark(snapshot: ChainSnapshot, state: RuntimeState): void {
    this.markEquity(snapshot.ts, snapshot.underlying, pnlOf(state).net);
  }

  /** An equity point read back from where a deployment recorded it (the live flow's report). */
  markEquity(ts: string, underlying: string, net: number): void {
    this.from ??= ts;
    this.to = ts;
    this.underlyings.add(underlying);
    this.equity.push({ ts, pnl: roundMoney(net) });
  }

  /** The data ended: what the session's end closed moves the last point; what is still open is listed. */
  close(state: RuntimeState, to: string | null): void {
    if (to !== null && this.equity.length) this.equity[this.equity.length - 1] = { ts: to, pnl: roundMoney(pnlOf(state).net) }; // prettier-ignore
    for (const o of Object.values(state.orders))
      this.events.push({ ts: to ?? o.intent.ts, type: 'ORDER_UNFILLED', legId: o.intent.legId, message: `Order ${o.intent.id} (${o.intent.side} ${o.intent.qty} ${o.intent.underlying} ${o.intent.strike} ${o.intent.right}) was still working when the data ended (${o.filledQty} filled)` }); // prettier-ignore
    this.openPositions = [];
    for (const [strategyId, st] of Object.entries(state.strategies)) {
      for (const l of st.legs) {
        if (l.held <= 0 || l.entryPrice === null) continue;
        const underlying = [...this.requests.values()].find((r) => r.strategyId === strategyId)?.underlying ?? ''; // prettier-ignore
        this.openPositions.push({ strategyId, legId: l.legId, underlying, expiry: l.expiry ?? '', strike: l.strike ?? 0, right: l.right, side: l.side, qty: l.held, entryPrice: l.entryPrice, mark: l.lastPrice }); // prettier-ignore
      }
    }
  }

  /**
   * What the trader should know about this run before trusting its figures: late entries, days
   * whose data ended early, and every reference figure that had to be assumed for its dates.
   */
  private notes(): string[] {
    const out: string[] = [];
    if (this.late.length)
      out.push(`Entries were late on ${this.late.length} day(s): ${this.late.slice(0, 3).join('; ')}${this.late.length > 3 ? '; …' : ''}`); // prettier-ignore
    if (this.endedEarly.length)
      out.push(`The data ended before exit time on ${this.endedEarly.length} day(s); open intraday legs were squared off at the last snapshot: ${this.endedEarly[0]}`); // prettier-ignore
    const assumed = new Set<string>();
    const days = new Set<string>();
    for (const f of this.fills.values()) {
      const r = f.request;
      const lot = lotSizeOf(r.underlying, r.expiry);
      if (lot.assumed) assumed.add(`Lot size: ${lot.source}.`);
      const day = localDate(f.ts);
      days.add(`${r.underlying}|${day}`);
      for (const a of this.costModel?.assumptions?.(day) ?? []) assumed.add(`Costs: ${a}.`);
    }
    const freezeFrom = FREEZE_LIMITS[0].from;
    for (const key of days) {
      const [underlying, day] = key.split('|');
      const inst = findInstrument(underlying);
      if (!inst) continue;
      if (!holidaysKnown(inst.calendar, day)) {
        const y = HOLIDAY_YEARS[inst.calendar];
        assumed.add(`Calendar: the ${inst.calendar} holiday list covers ${y === 'all' ? 'every year' : `${y.from}–${y.to}`}; for ${day.slice(0, 4)} the data's own sessions were used and expiry shifts assume weekends only.`); // prettier-ignore
      }
      if (inst.exchange === 'NSE' && day < freezeFrom && freezeLimitOf(underlying, day) === null)
        assumed.add(`Freeze limits: none is on record before ${freezeFrom}, so ${underlying} orders of ${day.slice(0, 4)} were not split into slices.`); // prettier-ignore
    }
    return [...out, ...[...assumed].sort()];
  }

  build() {
    const orders: ReportOrder[] = [...this.fills.entries()].map(([id, f]) => ({
      id,
      ts: f.ts,
      legId: f.request.legId,
      underlying: f.request.underlying,
      expiry: f.request.expiry,
      strike: f.request.strike ?? 0,
      right: f.request.right,
      side: f.request.side,
      qty: f.qty,
      price: Number((f.value / f.qty).toFixed(8)),
      reason: f.request.reason,
    }));
    // Hedge trades are insurance, not bets: the trade statistics are the legs' own.
    const closed: ClosedTrade[] = this.trades.filter((t) => !t.hedge).map((t) => ({ date: t.date, grossPnl: t.grossPnl, costs: t.costs, netPnl: t.netPnl })); // prettier-ignore
    const m: Metrics = computeMetrics({ trades: closed, equity: this.equity, capital: this.capital, costsByDay: this.costsByDay }); // prettier-ignore
    const net = this.equity.length ? this.equity[this.equity.length - 1].pnl : 0;
    let costs = 0;
    for (const c of this.costsByDay.values()) costs += c;
    costs = roundMoney(costs);
    const days: DayRow[] = m.days;
    return {
      from: this.from,
      to: this.to,
      underlyings: [...this.underlyings].sort(),
      summary: {
        netPnl: net,
        grossPnl: roundMoney(net + costs),
        costs,
        trades: m.trades,
        winRate: m.winRate,
        maxDrawdown: m.maxDrawdown,
        sharpe: m.sharpe,
        profitFactor: m.profitFactor,
      },
      orders,
      events: this.events,
      equity: this.equity,
      settlements: this.settlements,
      metrics: {
        maxDrawdownPct: m.maxDrawdownPct,
        sortino: m.sortino,
        calmar: m.calmar,
        expectancy: m.expectancy,
        avgWin: m.avgWin,
        avgLoss: m.avgLoss,
        largestWin: m.largestWin,
        largestLoss: m.largestLoss,
        wins: m.wins,
        losses: m.losses,
        maxConsecutiveWins: m.maxConsecutiveWins,
        maxConsecutiveLosses: m.maxConsecutiveLosses,
        tradingDays: m.tradingDays,
        notes: m.notes,
      },
      days,
      trades: this.trades.map(({ date: _date, ...t }) => ({
        ...t,
        grossPnl: roundMoney(t.grossPnl),
        costs: roundMoney(t.costs),
        netPnl: roundMoney(t.netPnl),
      })),
      openPositions: this.openPositions,
      notes: this.notes(),
      hedge: this.hedgeSummary(),
    };
  }

  /** The hedge's account from its own fills, settlements and open marks (not from the runtime's book). */
  private hedgeSummary(): ReportHedge {
    let open = 0;
    for (const p of this.openPositions)
      if (p.legId === DELTA_HEDGE_LEG_ID)
        open += (p.side === 'BUY' ? 1 : -1) * p.qty * (p.mark ?? p.entryPrice);
    let orders = 0;
    for (const f of this.fills.values()) if (f.request.legId === DELTA_HEDGE_LEG_ID) orders++;
    const gross = roundMoney(this.hedgeBook.cash + open);
    const costs = roundMoney(this.hedgeBook.costs);
    return { grossPnl: gross, costs, netPnl: roundMoney(gross - costs), trades: this.hedgeBook.trades, orders }; // prettier-ignore
  }
}

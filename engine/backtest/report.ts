/**
 * The backtest report read off the runtime's one book: orders from its fills, trades from its
 * closed leg instances (TRADE events), the equity curve from its P&L after every snapshot, open
 * positions from its legs. Nothing here keeps a second ledger; the arithmetic of the report is
 * the runtime's (sells minus buys, open legs at their mark, minus costs), checked by the tests.
 *
 * A run leaves a ReportPart (plain JSON); the report is built from one part or from the parts of
 * consecutive day ranges run apart (on the worker fleet, engine/backtest/split.ts). Joining parts
 * shifts the deployment's ids by the ids the earlier parts used and adds each session's P&L to
 * the running totals in the runtime's own order (one sum per strategy and session), so the joined
 * report is the one a single run writes, to the last digit; a part that leaves anything to the
 * next session (a position, a working order, a trading state) cannot be followed.
 */
import type { OrderReason, OrderRequest, RuntimeEvent, RuntimeInput, RuntimeState, StepResult, ChainSnapshot } from '../runtime/types.ts'; // prettier-ignore
import { basketPnl, pnlOf } from '../runtime/runtime.ts';
import { dayCosts, dayMtm } from '../runtime/strategy-step.ts';
import { sessionDayOf } from '../session/driver.ts';
import { DELTA_HEDGE_LEG_ID } from '../dsl/delta-hedge.ts';
import type { CostModel } from '../broker/costs/cost-model.ts';
import { holidaysKnown, HOLIDAY_YEARS } from '../market/calendar.ts';
import { findInstrument } from '../market/instruments.ts';
import { describeContract } from '../broker/symbols/contract.ts';
import {
  FUTURE_TERMS,
  RightSchema,
  optionTerms,
  termsOf,
  type ContractTerms,
  type InstrumentType,
  type Right,
} from '../market/snapshot.ts';
import { FREEZE_LIMITS, freezeLimitOf, lotSizeOf } from '../reference/contracts.ts';
import { computeMetrics, localDate, roundMoney, type ClosedTrade, type DayRow, type Metrics } from './metrics.ts'; // prettier-ignore

/** One order as it traded: its fills summed (units) at their average price, at its last fill's time. */
/** The contract of a runtime event's data (SETTLEMENT, TRADE): every such event names its terms. */
function termsFromEvent(d: Record<string, unknown>): ContractTerms {
  if (d.instrument === 'future') return FUTURE_TERMS;
  return optionTerms(Number(d.strike), RightSchema.parse(d.right));
}

export type ReportOrder = {
  id: string;
  ts: string;
  legId: string;
  underlying: string;
  expiry: string;
  /** option: its strike and right; future: both null. */
  instrument: InstrumentType;
  strike: number | null;
  right: Right | null;
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
  /** option: its strike and right; future: both null. */
  instrument: InstrumentType;
  strike: number | null;
  right: Right | null;
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
  /** option: its strike and right; future: both null. */
  instrument: InstrumentType;
  strike: number | null;
  right: Right | null;
  side: 'BUY' | 'SELL';
  qty: number;
  price: number;
};

export type OpenPosition = {
  strategyId: string;
  legId: string;
  underlying: string;
  expiry: string;
  /** option: its strike and right; future: both null. */
  instrument: InstrumentType;
  strike: number | null;
  right: Right | null;
  side: 'BUY' | 'SELL';
  qty: number;
  entryPrice: number;
  mark: number | null;
};

/** Events that belong in the decision trace; order acknowledgements and trade summaries do not. */
const QUIET = new Set(['ORDER_ACCEPTED', 'TRADE']);

type OrderFills = { request: OrderRequest; qty: number; value: number; ts: string };

/** Per strategy, in basket order: (gross, costs) of a session moved into the running totals. */
type Roll = [number, number][];

/**
 * What a run over consecutive sessions leaves for its report, as plain JSON. `points` hold the
 * equity curve (net P&L, rounded) and today's gross and costs after each snapshot; `rolls` the
 * session totals moved into the running totals before a point; `tail` what the next session
 * would move; `closing` today's P&L once the data ended (after the last session's end).
 */
export type ReportPart = {
  deploymentId: string;
  /** Ids of the deployment's sequence this part used (`${deploymentId}:1` ..). */
  ids: number;
  snapshots: number;
  from: string | null;
  to: string | null;
  underlyings: string[];
  points: { ts: string[]; pnl: number[]; gross: number[]; costs: number[] };
  rolls: { at: number; add: Roll }[];
  tail: Roll;
  closing: { pnl: number; gross: number; costs: number } | null;
  fills: (OrderFills & { id: string })[];
  events: ReportEvent[];
  settlements: ReportSettlement[];
  trades: (ReportTrade & { date: string })[];
  costsByDay: [string, number][];
  late: string[];
  endedEarly: string[];
  /** Orders still working and positions still open when the data ended. */
  unfilled: ReportEvent[];
  openPositions: OpenPosition[];
  /** The delta hedge's cash flows (fills and settlements), costs and closed trades in this part. */
  hedge: { cash: number; costs: number; trades: number };
  /** Why another part cannot follow this one, or null when it can. */
  carries: string | null;
};

export class ReportBuilder {
  private readonly requests = new Map<string, OrderRequest>();
  private readonly fills = new Map<string, OrderFills>();
  private readonly events: ReportEvent[] = [];
  private readonly settlements: ReportSettlement[] = [];
  private readonly trades: (ReportTrade & { date: string })[] = [];
  private readonly costsByDay = new Map<string, number>();
  private readonly underlyings = new Set<string>();
  private openPositions: OpenPosition[] = [];
  private unfilled: ReportEvent[] = [];
  private readonly hedgeBook = { cash: 0, costs: 0, trades: 0 };
  private from: string | null = null;
  private to: string | null = null;
  private snapshots = 0;

  private readonly late: string[] = [];
  private readonly endedEarly: string[] = [];

  private readonly points: ReportPart['points'] = { ts: [], pnl: [], gross: [], costs: [] };
  private readonly rolls: ReportPart['rolls'] = [];
  private closing: ReportPart['closing'] = null;
  private last: RuntimeState | null = null;
  private day: string | null = null;
  /** The running totals as the parts' join adds them; checked against the runtime's own. */
  private folded: [number, number] = [0, 0];
  private unfollowable: string | null = null;

  constructor(
    private readonly capital: number,
    private readonly costModel?: CostModel,
  ) {}

  onStep(input: RuntimeInput, r: StepResult): void {
    if (input.kind === 'snapshot') {
      const day = sessionDayOf(input.snapshot);
      // The step of a new session's first snapshot moves the last one's totals (runtime rollDay).
      if (this.last && this.day !== null && day !== this.day) {
        const add = rollOf(this.last);
        this.rolls.push({ at: this.points.ts.length, add });
        for (const [g, c] of add) {
          this.folded[0] += g;
          this.folded[1] += c;
        }
      }
      this.day = day;
    }
    this.last = r.state;
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
        ...termsFromEvent(d),
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
        ...termsFromEvent(d),
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
    this.from ??= snapshot.ts;
    this.to = snapshot.ts;
    this.snapshots++;
    this.underlyings.add(snapshot.underlying);
    const day = basketPnl(state);
    this.points.ts.push(snapshot.ts);
    this.points.pnl.push(roundMoney(pnlOf(state).net));
    this.points.gross.push(day.gross);
    this.points.costs.push(day.costs);
    if (
      this.unfollowable === null &&
      (this.folded[0] !== state.basket.grossBeforeToday ||
        this.folded[1] !== state.basket.costsBeforeToday)
    )
      this.unfollowable = `the running P&L totals at ${snapshot.ts} are not one sum per strategy and session`;
  }

  /**
   * An equity point read back from where a deployment recorded it (the live flow's report): its
   * net P&L only, so a report of these is built whole, never joined with another part.
   */
  markEquity(ts: string, underlying: string, net: number): void {
    this.from ??= ts;
    this.to = ts;
    this.snapshots++;
    this.underlyings.add(underlying);
    this.points.ts.push(ts);
    this.points.pnl.push(roundMoney(net));
    this.points.gross.push(NaN);
    this.points.costs.push(NaN);
    this.unfollowable ??= 'its equity was read back as net P&L only';
  }

  /** The data ended: what the session's end closed moves the last point; what is still open is listed. */
  close(state: RuntimeState, to: string | null): void {
    if (to !== null && this.points.ts.length) {
      const day = basketPnl(state);
      this.closing = { pnl: roundMoney(pnlOf(state).net), gross: day.gross, costs: day.costs };
    }
    this.last = state;
    this.unfilled = [];
    for (const o of Object.values(state.orders))
      this.unfilled.push({ ts: to ?? o.intent.ts, type: 'ORDER_UNFILLED', legId: o.intent.legId, message: `Order ${o.intent.id} (${o.intent.side} ${o.intent.qty} ${describeContract(o.intent)}) was still working when the data ended (${o.filledQty} filled)` }); // prettier-ignore
    this.openPositions = [];
    for (const [strategyId, st] of Object.entries(state.strategies)) {
      for (const l of st.legs) {
        if (l.held <= 0 || l.entryPrice === null) continue;
        const underlying = [...this.requests.values()].find((r) => r.strategyId === strategyId)?.underlying ?? ''; // prettier-ignore
        this.openPositions.push({ strategyId, legId: l.legId, underlying, expiry: l.expiry ?? '', instrument: l.instrument, strike: l.strike, right: l.right, side: l.side, qty: l.held, entryPrice: l.entryPrice, mark: l.lastPrice }); // prettier-ignore
      }
    }
  }

  /** The report's figures from this builder alone (a run that is not joined with others). */
  build() {
    return buildReport([this.part(this.last?.deploymentId ?? '')], this.capital, this.costModel);
  }

  /** Everything the report needs from this run, as plain JSON. */
  part(deploymentId: string): ReportPart {
    const state = this.last;
    let carries = this.unfollowable;
    if (!carries && this.underlyings.size > 1)
      carries = `more than one underlying (${[...this.underlyings].sort().join(', ')}): their sessions roll at different snapshots`;
    if (!carries && state) {
      const held = Object.values(state.strategies).some((st) => st.legs.some((l) => l.held > 0));
      if (state.tradingState !== 'ACTIVE')
        carries = `the trading state ${state.tradingState} (${state.tradingStateReason ?? ''}) carries into the next session`;
      else if (Object.keys(state.orders).length) carries = 'orders were still working';
      else if (held) carries = 'positions were still open';
    }
    return {
      deploymentId,
      ids: state?.seq ?? 0,
      snapshots: this.snapshots,
      from: this.from,
      to: this.to,
      underlyings: [...this.underlyings].sort(),
      points: this.points,
      rolls: this.rolls,
      tail: state ? rollOf(state) : [],
      closing: this.closing,
      fills: [...this.fills.entries()].map(([id, f]) => ({ id, ...f })),
      events: this.events,
      settlements: this.settlements,
      trades: this.trades,
      costsByDay: [...this.costsByDay],
      late: this.late,
      endedEarly: this.endedEarly,
      unfilled: this.unfilled,
      openPositions: this.openPositions,
      hedge: { ...this.hedgeBook },
      carries,
    };
  }
}

/** Per strategy with a session, in basket order: what the runtime moves into its totals next (rollDay). */
function rollOf(state: RuntimeState): Roll {
  const out: Roll = [];
  for (const st of Object.values(state.strategies))
    if (st.day !== null) out.push([dayMtm(st), dayCosts(st)]);
  return out;
}

/** `${deploymentId}:17` (and slices, execution ids) as the ids of a run that used `offset` before. */
function shiftIds(text: string, deploymentId: string, offset: number): string {
  if (offset === 0) return text;
  const escaped = deploymentId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}:(\\d+)`, 'g'), (_m, n: string) => `${deploymentId}:${Number(n) + offset}`); // prettier-ignore
}

/**
 * The parts joined as one run's: ids shifted past the earlier parts', equity points re-added
 * onto the running totals in the runtime's order, the rest concatenated. Throws when a part that
 * leaves something to the next session is followed by another (the caller runs those in order).
 */
export function joinParts(parts: readonly ReportPart[]): ReportPart {
  if (parts.length === 1) return parts[0];
  const out: ReportPart = { ...parts[0], points: { ts: [], pnl: [], gross: [], costs: [] }, rolls: [], fills: [], events: [], settlements: [], trades: [], costsByDay: [], late: [], endedEarly: [], underlyings: [] }; // prettier-ignore
  let offset = 0;
  let totals: [number, number] = [0, 0];
  const add = (roll: Roll) => {
    for (const [g, c] of roll) totals = [totals[0] + g, totals[1] + c];
  };
  const underlyings = new Set<string>();
  const hedge = { cash: 0, costs: 0, trades: 0 };
  parts.forEach((p, k) => {
    const last = k === parts.length - 1;
    if (!last && p.carries)
      throw new Error(`part ${k + 1} of ${parts.length} (${p.from} .. ${p.to}) cannot be followed: ${p.carries}`); // prettier-ignore
    if (p.deploymentId !== parts[0].deploymentId)
      throw new Error(`parts of deployments ${parts[0].deploymentId} and ${p.deploymentId} cannot be joined`); // prettier-ignore
    const id = (x: string) => shiftIds(x, p.deploymentId, offset);
    const rolls = new Map(p.rolls.map((r) => [r.at, r.add]));
    p.points.ts.forEach((ts, i) => {
      const roll = rolls.get(i);
      if (roll) add(roll);
      out.points.ts.push(ts);
      out.points.gross.push(p.points.gross[i]);
      out.points.costs.push(p.points.costs[i]);
      out.points.pnl.push(
        k === 0
          ? p.points.pnl[i]
          : roundMoney(totals[0] + p.points.gross[i] - (totals[1] + p.points.costs[i])),
      );
    });
    if (last && p.closing)
      out.closing = {
        ...p.closing,
        pnl: k === 0 ? p.closing.pnl : roundMoney(totals[0] + p.closing.gross - (totals[1] + p.closing.costs)), // prettier-ignore
      };
    add(p.tail);
    for (const f of p.fills) out.fills.push({ ...f, id: id(f.id), request: { ...f.request, id: id(f.request.id), intentId: id(f.request.intentId) } }); // prettier-ignore
    for (const e of p.events) out.events.push({ ...e, message: id(e.message) });
    out.settlements.push(...p.settlements);
    out.trades.push(...p.trades);
    out.costsByDay.push(...p.costsByDay);
    out.late.push(...p.late.map(id));
    out.endedEarly.push(...p.endedEarly.map(id));
    for (const u of p.underlyings) underlyings.add(u);
    hedge.cash += p.hedge.cash;
    hedge.costs += p.hedge.costs;
    hedge.trades += p.hedge.trades;
    offset += p.ids;
  });
  const last = parts[parts.length - 1];
  return {
    ...out,
    ids: offset,
    snapshots: parts.reduce((a, p) => a + p.snapshots, 0),
    from: parts.find((p) => p.from !== null)?.from ?? null,
    to: [...parts].reverse().find((p) => p.to !== null)?.to ?? null,
    underlyings: [...underlyings].sort(),
    tail: last.tail,
    unfilled: last.unfilled.map((e) => ({ ...e, message: shiftIds(e.message, last.deploymentId, offset - last.ids) })), // prettier-ignore
    openPositions: last.openPositions,
    hedge,
    carries: last.carries,
  };
}

/** The hedge's account from its own fills, settlements and open marks (not from the runtime's book). */
function hedgeOf(part: ReportPart): ReportHedge {
  let open = 0;
  for (const p of part.openPositions)
    if (p.legId === DELTA_HEDGE_LEG_ID)
      open += (p.side === 'BUY' ? 1 : -1) * p.qty * (p.mark ?? p.entryPrice);
  const orders = part.fills.filter((f) => f.request.legId === DELTA_HEDGE_LEG_ID).length;
  const gross = roundMoney(part.hedge.cash + open);
  const costs = roundMoney(part.hedge.costs);
  return { grossPnl: gross, costs, netPnl: roundMoney(gross - costs), trades: part.hedge.trades, orders }; // prettier-ignore
}

/**
 * What the trader should know about this run before trusting its figures: late entries, days
 * whose data ended early, and every reference figure that had to be assumed for its dates.
 */
function notesOf(part: ReportPart, costModel: CostModel | undefined): string[] {
  const out: string[] = [];
  const { late, endedEarly } = part;
  if (late.length)
    out.push(`Entries were late on ${late.length} day(s): ${late.slice(0, 3).join('; ')}${late.length > 3 ? '; …' : ''}`); // prettier-ignore
  if (endedEarly.length)
    out.push(`The data ended before exit time on ${endedEarly.length} day(s); open intraday legs were squared off at the last snapshot: ${endedEarly[0]}`); // prettier-ignore
  const assumed = new Set<string>();
  const days = new Set<string>();
  for (const f of part.fills) {
    const r = f.request;
    const lot = lotSizeOf(r.underlying, r.expiry);
    if (lot.assumed) assumed.add(`Lot size: ${lot.source}.`);
    const day = localDate(f.ts);
    days.add(`${r.underlying}|${day}`);
    for (const a of costModel?.assumptions?.(day) ?? []) assumed.add(`Costs: ${a}.`);
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

/** The report's figures from the parts of one run (one part, or consecutive parts: joinParts). */
export function buildReport(parts: readonly ReportPart[], capital: number, costModel?: CostModel) {
  const part = joinParts(parts);
  const equity = part.points.ts.map((ts, i) => ({ ts, pnl: part.points.pnl[i] }));
  if (part.closing && part.to !== null && equity.length)
    equity[equity.length - 1] = { ts: part.to, pnl: part.closing.pnl };
  const costsByDay = new Map(part.costsByDay);
  const orders: ReportOrder[] = part.fills.map((f) => ({
    id: f.id,
    ts: f.ts,
    legId: f.request.legId,
    underlying: f.request.underlying,
    expiry: f.request.expiry,
    ...termsOf(f.request),
    side: f.request.side,
    qty: f.qty,
    price: Number((f.value / f.qty).toFixed(8)),
    reason: f.request.reason,
  }));
  // Hedge trades are insurance, not bets: the trade statistics are the legs' own.
  const closed: ClosedTrade[] = part.trades.filter((t) => !t.hedge).map((t) => ({ date: t.date, grossPnl: t.grossPnl, costs: t.costs, netPnl: t.netPnl })); // prettier-ignore
  const m: Metrics = computeMetrics({ trades: closed, equity, capital, costsByDay });
  const net = equity.length ? equity[equity.length - 1].pnl : 0;
  let costs = 0;
  for (const c of costsByDay.values()) costs += c;
  costs = roundMoney(costs);
  const days: DayRow[] = m.days;
  return {
    from: part.from,
    to: part.to,
    underlyings: part.underlyings,
    snapshots: part.snapshots,
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
    events: [...part.events, ...part.unfilled],
    equity,
    settlements: part.settlements,
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
    trades: part.trades.map(({ date: _date, ...t }) => ({
      ...t,
      grossPnl: roundMoney(t.grossPnl),
      costs: roundMoney(t.costs),
      netPnl: roundMoney(t.netPnl),
    })),
    openPositions: part.openPositions,
    hedge: hedgeOf(part),
    notes: notesOf(part, costModel),
  };
}

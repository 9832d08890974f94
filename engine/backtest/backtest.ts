/**
 * The backtester: feeds a snapshot stream through the one `step`, the risk gate and the paper
 * broker, exactly as a paper deployment would, and writes DESIGN.md's report. Deterministic:
 * no clock, no randomness, stable key order, so the same inputs give a byte-identical report.
 */
import type { BrokerReport } from '../broker/broker.ts';
import type { CostModel } from '../broker/costs/cost-model.ts';
import { describeFillModel, type Slippage } from '../broker/paper/fill-model.ts';
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import { riskGate, type RiskLimits } from '../runtime/risk.ts';
import { applyRiskDecision } from '../runtime/trading-state.ts';
import type {
  ChainSnapshot,
  OrderIntent,
  OrderReason,
  Runtime,
  RuntimeEvent,
  RuntimeInput,
  RuntimeState,
} from '../runtime/types.ts';
import { FillBook, type OpenPosition } from './book.ts';
import { computeMetrics, roundMoney, type DayRow } from './metrics.ts';

export type BacktestSettings = {
  capital: number;
  slippage: Slippage;
  latency: 'none' | 'next-snapshot';
  costModel: CostModel;
  tickSize: (underlying: string) => number;
  /** What stop-loss, target and trailing triggers compare; stated in the report. */
  triggerPrice: 'LTP' | 'CANDLE_CLOSE';
  riskLimits?: RiskLimits;
  /** Currency money is reported in (the underlying's, from the instrument catalog). */
  currency: string;
};

export type BacktestProgress = {
  snapshots: number;
  total: number | null;
  ts: string;
  fraction: number | null;
};

export type BacktestOptions = {
  strategy: string;
  runtime: Runtime;
  settings: BacktestSettings;
  /** Known snapshot count, so progress can be a fraction. */
  total?: number;
  /** Awaited when it returns a promise, so a worker can yield to its event loop and write progress. */
  onProgress?: (p: BacktestProgress) => void | Promise<void>;
  /** Progress is reported every this many snapshots (and at the end). Default 500. */
  progressEvery?: number;
  signal?: AbortSignal;
};

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

export type BacktestReport = {
  strategy: string;
  from: string | null;
  to: string | null;
  summary: {
    netPnl: number;
    grossPnl: number;
    costs: number;
    trades: number;
    winRate: number;
    maxDrawdown: number;
    sharpe: number | null;
    profitFactor: number | null;
  };
  orders: ReportOrder[];
  events: ReportEvent[];
  equity: { ts: string; pnl: number }[];
  settlements: ReportSettlement[];
  metrics: {
    maxDrawdownPct: number;
    sortino: number | null;
    calmar: number | null;
    expectancy: number;
    avgWin: number;
    avgLoss: number;
    largestWin: number;
    largestLoss: number;
    wins: number;
    losses: number;
    maxConsecutiveWins: number;
    maxConsecutiveLosses: number;
    tradingDays: number;
    notes: string[];
  };
  days: DayRow[];
  /** Round trips per leg in the order they closed, with gross, costs and net P&L each. */
  trades: ReportTrade[];
  openPositions: OpenPosition[];
  settings: {
    fillModel: string;
    fillPrice: 'touch';
    slippage: Slippage;
    latency: 'none' | 'next-snapshot';
    triggerPrice: 'LTP' | 'CANDLE_CLOSE';
    costModel: { id: string; description: string };
    capital: number;
    riskLimits: RiskLimits;
    currency: string;
  };
  data: {
    snapshots: number;
    underlyings: string[];
    /** How the file was read, when the snapshots came from an import: bad rows skipped and notes. */
    import?: {
      rows: number;
      badRows: number;
      samples: { line: number; reason: string; message: string; source?: string }[];
      notes: string[];
    };
  };
};

/** Thrown when the AbortSignal fires: the caller stores "cancelled", not a failure. */
export class BacktestCancelled extends Error {
  constructor(at: number) {
    super(`backtest cancelled after ${at} snapshots`);
    this.name = 'BacktestCancelled';
  }
}

export async function runBacktest(
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: BacktestOptions,
): Promise<BacktestReport> {
  const { runtime, settings } = opts;
  const broker = new PaperBroker({
    slippage: settings.slippage,
    latency: settings.latency,
    costModel: settings.costModel,
    tickSize: settings.tickSize,
  });
  const book = new FillBook();
  const orders: ReportOrder[] = [];
  const events: ReportEvent[] = [];
  const equity: { ts: string; pnl: number }[] = [];
  const settlements: ReportSettlement[] = [];
  const submitted = new Map<string, OrderIntent>();
  const underlyings = new Set<string>();
  const every = opts.progressEvery ?? 500;
  const total = opts.total ?? null;

  let state: RuntimeState = runtime.initialState();
  let count = 0;
  let from: string | null = null;
  let to: string | null = null;
  let lastMs = -Infinity;

  const record = (evs: readonly RuntimeEvent[]) => {
    for (const e of evs)
      events.push(
        e.legId === undefined
          ? { ts: e.ts, type: e.type, message: e.message }
          : { ts: e.ts, type: e.type, legId: e.legId, message: e.message },
      );
  };

  const stepAndRoute = async (input: RuntimeInput) => {
    const result = await runtime.step(state, input);
    const gated = riskGate(result, settings.riskLimits);
    state = gated.state;
    record(gated.events);
    for (const e of gated.events) {
      if (e.type === 'SETTLEMENT') settle(e);
      // The runtime dropped an order it had sent (an entry left unanswered past its session): withdraw it.
      else if (e.type === 'ORDER_DENIED' && typeof e.data?.intentId === 'string')
        broker.cancel(e.data.intentId);
    }
    for (const intent of gated.intents) {
      submitted.set(intent.id, intent);
      await handle(await broker.submit(intent));
    }
  };

  const settle = (e: RuntimeEvent) => {
    const d = e.data ?? {};
    const s = {
      ts: e.ts,
      strategyId: e.strategyId ?? '',
      legId: e.legId ?? '',
      expiry: String(d.expiry),
      strike: Number(d.strike),
      right: String(d.right),
      side: d.side === 'BUY' ? ('BUY' as const) : ('SELL' as const),
      qty: Number(d.qty),
      price: Number(d.price),
    };
    const underlying = book.settle(s);
    if (underlying === null)
      throw new Error(
        `settlement of ${s.legId} ${s.expiry} ${s.strike} ${s.right} at ${s.ts} matches no position in the backtest's book`,
      );
    settlements.push({
      ts: s.ts,
      legId: s.legId,
      underlying,
      expiry: s.expiry,
      strike: s.strike,
      right: s.right,
      side: s.side === 'BUY' ? 'SELL' : 'BUY',
      qty: s.qty,
      price: s.price,
    });
  };

  const handle = async (reports: BrokerReport[]) => {
    for (const r of reports) {
      if (r.kind === 'rejected') {
        const d = applyRiskDecision(state, {
          kind: 'deny',
          intentId: r.intentId,
          ts: r.ts,
          reason: `${broker.name} broker rejected the order: ${r.reason}`,
        });
        state = d.state;
        record(d.events);
        continue;
      }
      const intent = submitted.get(r.fill.intentId);
      if (!intent)
        throw new Error(`broker ${broker.name} filled unknown intent ${r.fill.intentId}`);
      book.apply(intent, r.fill);
      orders.push({
        id: intent.id,
        ts: r.fill.ts,
        legId: intent.legId,
        underlying: intent.underlying,
        expiry: intent.expiry,
        strike: intent.strike,
        right: intent.right,
        side: intent.side,
        qty: r.fill.qty,
        price: r.fill.price,
        reason: intent.reason,
      });
      await stepAndRoute({ kind: 'fill', fill: r.fill });
    }
  };

  for await (const snapshot of snapshots) {
    if (opts.signal?.aborted) throw new BacktestCancelled(count);
    const ms = Date.parse(snapshot.ts);
    if (Number.isNaN(ms))
      throw new Error(
        `snapshot ${count + 1}: ts "${snapshot.ts}" is not an ISO-8601 time with offset`,
      );
    if (ms < lastMs)
      throw new Error(
        `snapshot ${count + 1} at ${snapshot.ts} is older than the one before it (${to}): sort the data by time`,
      );
    lastMs = ms;
    count++;
    from ??= snapshot.ts;
    to = snapshot.ts;
    underlyings.add(snapshot.underlying);

    await broker.onSnapshot(snapshot);
    // Orders waiting for this snapshot (latency) fill before the runtime looks at it.
    await handle(await broker.poll());
    await stepAndRoute({ kind: 'snapshot', snapshot });
    book.mark(snapshot);
    equity.push({ ts: snapshot.ts, pnl: roundMoney(book.equity()) });
    if (opts.onProgress && count % every === 0)
      await opts.onProgress({
        snapshots: count,
        total,
        ts: snapshot.ts,
        fraction: total ? Math.min(1, count / total) : null,
      });
  }
  for (const intent of broker.unfilled()) {
    events.push({
      ts: to ?? intent.ts,
      type: 'ORDER_UNFILLED',
      legId: intent.legId,
      message: `Order ${intent.id} (${intent.side} ${intent.qty} ${intent.underlying} ${intent.strike} ${intent.right}) was still waiting for a snapshot when the data ended`,
    });
  }
  if (opts.onProgress && to !== null)
    await opts.onProgress({ snapshots: count, total, ts: to, fraction: 1 });

  const m = computeMetrics({ trades: book.trades, equity, capital: settings.capital });
  const net = equity.length ? equity[equity.length - 1].pnl : 0;
  const costs = roundMoney(book.costs);
  return {
    strategy: opts.strategy,
    from,
    to,
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
    events,
    equity,
    settlements,
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
    days: m.days,
    trades: book.trades.map((t) => ({
      strategyId: t.strategyId,
      legId: t.legId,
      underlying: t.underlying,
      expiry: t.expiry,
      strike: t.strike,
      right: t.right,
      side: t.side,
      qty: t.qty,
      entryTs: t.entryTs,
      entryPrice: t.entryPrice,
      entryReason: t.entryReason,
      exitTs: t.exitTs,
      exitPrice: t.exitPrice,
      exitReason: t.exitReason,
      grossPnl: roundMoney(t.grossPnl),
      costs: roundMoney(t.costs),
      netPnl: roundMoney(t.netPnl),
    })),
    openPositions: book.openPositions(),
    settings: {
      fillModel: describeFillModel({
        slippage: settings.slippage,
        latency: settings.latency,
        costModel: settings.costModel,
        tickSize: settings.tickSize,
      }),
      fillPrice: 'touch',
      slippage: settings.slippage,
      latency: settings.latency,
      triggerPrice: settings.triggerPrice,
      costModel: { id: settings.costModel.id, description: settings.costModel.description },
      capital: settings.capital,
      riskLimits: settings.riskLimits ?? {},
      currency: settings.currency,
    },
    data: { snapshots: count, underlyings: [...underlyings].sort() },
  };
}

/**
 * The backtester: feeds a snapshot stream through the session driver (the one `step`, its risk
 * gate, and the paper broker), exactly as a paper deployment would, and writes DESIGN.md's
 * report from the runtime's own book (report.ts). Deterministic: no clock, no randomness, stable
 * key order, so the same inputs give a byte-identical report.
 */
import type { CostModel } from '../broker/costs/cost-model.ts';
import { describeFillModel, type Slippage } from '../broker/paper/fill-model.ts';
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import type { RiskLimits } from '../runtime/risk.ts';
import type { ChainSnapshot, Runtime } from '../runtime/types.ts';
import { Session } from '../session/driver.ts';
import { buildReport, ReportBuilder, type OpenPosition, type ReportPart } from './report.ts';
import type { DayRow } from './metrics.ts';

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
  /** The basket has a delta hedge: the report then carries `hedge` (its P&L and costs apart). */
  hedged?: boolean;
};

export type {
  ReportOrder,
  ReportTrade,
  ReportEvent,
  ReportSettlement,
  ReportHedge,
  OpenPosition,
} from './report.ts';
import type {
  ReportOrder,
  ReportTrade,
  ReportEvent,
  ReportSettlement,
  ReportHedge,
} from './report.ts';

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
  /**
   * With a delta hedge in the basket: the hedge's P&L and costs apart (they are also inside
   * `summary`, whose trade statistics count the legs' trades only).
   */
  hedge?: ReportHedge;
  /** Late entries, data that ended early, and reference data (lot sizes, taxes, holidays) assumed for these dates. */
  notes: string[];
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
    /** How a long backtest was executed (the worker fleet splits intraday runs by days when that is exact). */
    run?: BacktestRun;
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

/**
 * One run of the snapshots through the session driver: what its report needs, as plain JSON.
 * `runBacktest` is one part built into a report; the worker fleet runs day ranges as parts and
 * joins them (engine/backtest/split.ts).
 */
export async function runBacktestPart(
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: Omit<BacktestOptions, 'strategy'> & { deploymentId: string },
): Promise<ReportPart> {
  const { runtime, settings } = opts;
  const broker = new PaperBroker(fillModelOf(settings));
  const report = new ReportBuilder(settings.capital, settings.costModel);
  const session = new Session({ runtime, broker, onStep: (input, r) => report.onStep(input, r) });
  const every = opts.progressEvery ?? 500;
  const total = opts.total ?? null;
  let count = 0;
  let lastMs = -Infinity;
  let to: string | null = null;

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
    to = snapshot.ts;
    await session.feed({ kind: 'snapshot', snapshot });
    report.mark(snapshot, session.state);
    if (opts.onProgress && count % every === 0)
      await opts.onProgress({
        snapshots: count,
        total,
        ts: snapshot.ts,
        fraction: total ? Math.min(1, count / total) : null,
      });
  }
  await session.finish();
  report.close(session.state, to);
  if (opts.onProgress && to !== null)
    await opts.onProgress({ snapshots: count, total, ts: to, fraction: 1 });
  return report.part(opts.deploymentId);
}

function fillModelOf(settings: BacktestSettings) {
  return {
    slippage: settings.slippage,
    latency: settings.latency,
    costModel: settings.costModel,
    tickSize: settings.tickSize,
  };
}

/** How the run was executed: in one go, or as day ranges joined into one report (and why not). */
export type BacktestRun = { mode: 'one run' | 'split by days'; parts: number; why: string };

/** The report of one run made of `parts` (one, or consecutive day ranges: joinParts). */
export function reportOfParts(
  parts: readonly ReportPart[],
  opts: { strategy: string; settings: BacktestSettings; run?: BacktestRun; hedged?: boolean },
): BacktestReport {
  const { settings } = opts;
  const report = assembleReport(buildReport(parts, settings.capital, settings.costModel), opts);
  if (opts.run) report.data.run = opts.run;
  return report;
}

/**
 * The report in DESIGN.md's format from a run's built figures: one assembly for a backtest and
 * a paper deployment read back from Postgres (workers/deployments/report.ts), so the two
 * cannot drift apart in shape.
 */
export function assembleReport(
  built: ReturnType<typeof buildReport>,
  opts: { strategy: string; settings: BacktestSettings; hedged?: boolean },
): BacktestReport {
  const { settings } = opts;
  return {
    strategy: opts.strategy,
    from: built.from,
    to: built.to,
    summary: built.summary,
    orders: built.orders,
    events: built.events,
    equity: built.equity,
    settlements: built.settlements,
    metrics: built.metrics,
    days: built.days,
    trades: built.trades,
    openPositions: built.openPositions,
    ...(opts.hedged ? { hedge: built.hedge } : {}),
    notes: built.notes,
    settings: {
      fillModel: describeFillModel(fillModelOf(settings)),
      fillPrice: 'touch',
      slippage: settings.slippage,
      latency: settings.latency,
      triggerPrice: settings.triggerPrice,
      costModel: { id: settings.costModel.id, description: settings.costModel.description },
      capital: settings.capital,
      riskLimits: settings.riskLimits ?? {},
      currency: settings.currency,
    },
    data: { snapshots: built.snapshots, underlyings: built.underlyings },
  };
}

export async function runBacktest(
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: BacktestOptions & { deploymentId?: string },
): Promise<BacktestReport> {
  const part = await runBacktestPart(snapshots, { ...opts, deploymentId: opts.deploymentId ?? 'backtest' }); // prettier-ignore
  return reportOfParts([part], opts);
}

/**
 * The CPU-heavy part of a backtest: read the data source and replay it through the engine. It
 * touches no database and no queue, so it runs on a worker thread (the default) or, for
 * comparison, on the calling thread; both call this one function. A day range of a split run
 * (workers/backtests/fleet.ts) computes a ReportPart instead of a report, the same way.
 */
import type { DslDocument } from '@/engine/dsl';
import { backtestDocument, backtestDocumentPart } from '@/engine/backtest/basket';
import type { BacktestReport } from '@/engine/backtest/backtest';
import type { ReportPart } from '@/engine/backtest/report';
import type { BacktestOverrides } from '@/engine/backtest/settings';
import { chainReach } from '@/engine/reach/reach';
import {
  assertSomeSnapshots,
  describeSource,
  importSummary,
  openDataSource,
  type DataSource,
} from '@/datasets/source';

/** Everything a run needs, as plain data (it crosses to a worker thread by structured clone). */
export type BacktestInput = {
  document: DslDocument;
  source: DataSource;
  overrides: BacktestOverrides;
  dataDir: string;
  sharedData: string | null;
};

export type ComputeHooks = {
  /** Share of the run done (0..1) and snapshots replayed so far; at most every `progressMs`. */
  onProgress?: (fraction: number, snapshots: number) => void | Promise<void>;
  progressMs?: number;
  signal?: AbortSignal;
  /** On the calling thread: give the event loop a turn every progress step. */
  yieldToEventLoop?: boolean;
};

/** What a computation gives back: a whole report, or one day range's part of it. */
export type ComputeKind = 'report' | 'part';
export type Computed<K extends ComputeKind> = K extends 'report' ? BacktestReport : ReportPart;

export async function computeBacktest(
  input: BacktestInput,
  hooks: ComputeHooks = {},
): Promise<BacktestReport> {
  return compute(input, hooks, 'report');
}

export async function computeBacktestPart(
  input: BacktestInput,
  hooks: ComputeHooks = {},
): Promise<ReportPart> {
  return compute(input, hooks, 'part');
}

export async function compute<K extends ComputeKind>(
  input: BacktestInput,
  hooks: ComputeHooks,
  kind: K,
): Promise<Computed<K>> {
  const opened = await openDataSource(input.source, {
    dataDir: input.dataDir,
    sharedData: input.sharedData,
  });
  // The store reads only the strikes and expiries the basket can reach.
  const { snapshots, report: imported } = opened.open({ reach: chainReach(input.document.basket) });
  const every = hooks.progressMs ?? 250;
  let last = -Infinity;
  const opts = {
    overrides: input.overrides,
    total: opened.total ?? undefined,
    progressEvery: 100,
    signal: hooks.signal,
    onProgress: async (p: { ts: string; snapshots: number }) => {
      if (hooks.yieldToEventLoop) await new Promise<void>((resolve) => setImmediate(resolve));
      const now = performance.now();
      if (now - last < every) return;
      last = now;
      const fraction = Math.min(0.99, opened.fractionAt ? opened.fractionAt(p.ts, p.snapshots) : 0);
      await hooks.onProgress?.(fraction, p.snapshots);
    },
  };
  if (kind === 'part') {
    const part = await backtestDocumentPart(input.document, snapshots, opts);
    if (part.snapshots === 0)
      throw new Error(`${describeSource(input.source)} has no chain snapshots`);
    return part as Computed<K>;
  }
  const report = await backtestDocument(input.document, snapshots, opts);
  assertSomeSnapshots(report, imported, describeSource(input.source));
  if (imported) report.data.import = importSummary(imported);
  return report as Computed<K>;
}

/** Backtests a whole DSL document: its settings, the one runtime, and the backtest loop, in one call. */
import type { DslDocument } from '../dsl/index.ts';
import { createRuntime } from '../runtime/runtime.ts';
import type { ChainSnapshot, RuntimeSettings } from '../runtime/types.ts';
import {
  reportOfParts,
  runBacktest,
  runBacktestPart,
  type BacktestOptions,
  type BacktestReport,
  type BacktestRun,
} from './backtest.ts';
import type { ReportPart } from './report.ts';
import { backtestSettingsFor, type BacktestOverridesInput } from './settings.ts';

export type DocumentBacktestOptions = Pick<
  BacktestOptions,
  'total' | 'onProgress' | 'progressEvery' | 'signal'
> & {
  overrides?: BacktestOverridesInput;
  runtimeSettings?: RuntimeSettings;
  /** Intent ids are `${deploymentId}:${seq}`; a backtest's default is "backtest". */
  deploymentId?: string;
};

export function backtestDocument(
  doc: DslDocument,
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: DocumentBacktestOptions = {},
): Promise<BacktestReport> {
  const settings = backtestSettingsFor(doc, opts.overrides);
  const deploymentId = opts.deploymentId ?? 'backtest';
  const runtime = createRuntime(doc.basket, {
    deploymentId,
    settings: opts.runtimeSettings,
    risk: settings.riskLimits,
  });
  return runBacktest(snapshots, {
    strategy: doc.basket.name,
    runtime,
    settings,
    total: opts.total,
    onProgress: opts.onProgress,
    progressEvery: opts.progressEvery,
    signal: opts.signal,
    deploymentId,
  });
}

/** One day range of a document's backtest, as a part to join with the others (engine/backtest/split.ts). */
export function backtestDocumentPart(
  doc: DslDocument,
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: DocumentBacktestOptions = {},
): Promise<ReportPart> {
  const settings = backtestSettingsFor(doc, opts.overrides);
  const deploymentId = opts.deploymentId ?? 'backtest';
  const runtime = createRuntime(doc.basket, {
    deploymentId,
    settings: opts.runtimeSettings,
    risk: settings.riskLimits,
  });
  return runBacktestPart(snapshots, {
    runtime,
    settings,
    total: opts.total,
    onProgress: opts.onProgress,
    progressEvery: opts.progressEvery,
    signal: opts.signal,
    deploymentId,
  });
}

/** A document's report from the parts of its day ranges, in order (throws when they cannot join). */
export function documentReportOfParts(
  doc: DslDocument,
  parts: readonly ReportPart[],
  opts: { overrides?: BacktestOverridesInput; run?: BacktestRun } = {},
): BacktestReport {
  return reportOfParts(parts, {
    strategy: doc.basket.name,
    settings: backtestSettingsFor(doc, opts.overrides),
    run: opts.run,
  });
}

/** Backtests a whole DSL document: its settings, the one runtime, and the backtest loop, in one call. */
import type { DslDocument } from '../dsl/index.ts';
import { createRuntime } from '../runtime/runtime.ts';
import type { ChainSnapshot, RuntimeSettings } from '../runtime/types.ts';
import { runBacktest, type BacktestOptions, type BacktestReport } from './backtest.ts';
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
  const runtime = createRuntime(doc.basket, {
    deploymentId: opts.deploymentId ?? 'backtest',
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
    hedged: doc.basket.strategies.some((s) => s.deltaHedge !== undefined),
  });
}

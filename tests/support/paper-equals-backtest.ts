/**
 * Issue 10's proof of one code path, for a share of the NIFTY examples: each runs as a paper
 * deployment through the whole live flow over the real 2026-08-18 day and must give the
 * backtest's report order for order, and its recorded inputs must replay identically. The
 * examples are shared between two test files (`part` 0 and 1, alternate files in name order) so
 * the unit phase's two workers run them side by side: each takes about 15 s.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { backtestDocument } from '@/engine/backtest/basket';
import type { BacktestReport } from '@/engine/backtest/backtest';
import { parseDsl } from '@/engine/dsl';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { paperRun } from '@/scripts/paper-run';
import type { LiveFlowTestbed } from '@/tests/support/live-flow-testbed';
import { replayDeployment } from '@/workers/deployments/replay';

/** The parts of a report that a paper run and a backtest must share (the data block says where the ticks came from). */
export function comparable(r: BacktestReport) {
  const { data: _data, ...rest } = r;
  return rest;
}

export const PAPER_EQUALS_BACKTEST_PARTS = 2;

export function describeNiftyPaperEqualsBacktest(bed: LiveFlowTestbed, part: number): void {
  const shared = sharedDataDir() ?? path.resolve(import.meta.dirname, '../../../shared/data');
  const day = path.join(shared, 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet');
  const examplesDir = path.resolve(import.meta.dirname, '../../engine/dsl/examples');
  const nifty = readdirSync(examplesDir)
    .filter((f) => f.startsWith('nifty-') && f.endsWith('.json'))
    .sort()
    .filter((_, i) => i % PAPER_EQUALS_BACKTEST_PARTS === part);
  describe.skipIf(!existsSync(day))('NIFTY examples over the real 2026-08-18 day', () => {
    const snapshots: ChainSnapshot[] = [];
    beforeAll(async () => {
      for await (const s of readSnapshots(day)) snapshots.push(s);
    }, 60_000);
    it('has examples to run', () => expect(nifty.length).toBeGreaterThan(0));
    for (const file of nifty) {
      it(`${file}: paper and backtest agree order for order`, async () => {
        const parsed = parseDsl(JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')));
        if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
        const run = await paperRun(bed.db, bed.redis, parsed.value, snapshots, { source: file });
        const backtest = await backtestDocument(parsed.value, snapshots, { deploymentId: run.deploymentId }); // prettier-ignore
        expect(run.report.orders.length).toBe(backtest.orders.length);
        expect(comparable(run.report)).toEqual(comparable(backtest));
        const replay = await replayDeployment(bed.db, run.deploymentId);
        expect(replay.identical).toBe(true);
      }, 300_000);
    }
  });
}

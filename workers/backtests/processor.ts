/**
 * Runs one backtest job: reloads the row and its strategy version from Postgres (the job
 * carries only the id), replays the data source through the engine's backtester, writes
 * progress as it goes, stops when the row is cancelled, and stores the report or the error.
 * A retried job whose row already finished does nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { backtests, strategyVersions } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { BacktestCancelled } from '@/engine/backtest/backtest';
import { backtestDocument } from '@/engine/backtest/basket';
import { BacktestOverridesSchema } from '@/engine/backtest/settings';
import { chainReach } from '@/engine/reach/reach';
import {
  DataSourceSchema,
  assertSomeSnapshots,
  describeSource,
  importSummary,
  openDataSource,
} from '@/datasets/source';

export type BacktestOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export type ProcessOptions = {
  dataDir: string;
  sharedData: string | null;
  /** Called with the fraction done, at most every `progressMs`; the BullMQ job forwards it. */
  onProgress?: (fraction: number) => Promise<void> | void;
  progressMs?: number;
};

async function finish(
  db: Db,
  id: string,
  values: Partial<typeof backtests.$inferInsert>,
): Promise<void> {
  // Only a running row is finished here: a cancel that raced the end keeps its "cancelled".
  await db
    .update(backtests)
    .set({ ...values, finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(backtests.id, id), eq(backtests.status, 'running')));
}

export async function processBacktest(
  db: Db,
  id: string,
  opts: ProcessOptions,
): Promise<BacktestOutcome> {
  const [row] = await db.select().from(backtests).where(eq(backtests.id, id));
  if (!row) throw new Error(`backtest ${id} does not exist (deleted before its job ran)`);
  if (row.status !== 'queued' && row.status !== 'running') return 'skipped';

  await db
    .update(backtests)
    .set({
      status: 'running',
      startedAt: new Date(),
      progress: 0,
      error: null,
      updatedAt: new Date(),
    })
    .where(eq(backtests.id, id));

  const fail = async (message: string): Promise<BacktestOutcome> => {
    await finish(db, id, { status: 'failed', error: message });
    return 'failed';
  };

  const [version] = await db
    .select()
    .from(strategyVersions)
    .where(eq(strategyVersions.id, row.strategyVersionId));
  if (!version) return fail('the strategy version of this backtest no longer exists');
  const parsed = parseDsl(version.dsl);
  if (!parsed.ok)
    return fail(
      `the strategy is not valid: ${parsed.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`,
    );
  const source = DataSourceSchema.safeParse(row.dataSource);
  if (!source.success)
    return fail(
      `the data source is not valid: ${source.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const overrides = BacktestOverridesSchema.safeParse(row.settings ?? {});
  if (!overrides.success)
    return fail(
      `the settings are not valid: ${overrides.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );

  const controller = new AbortController();
  const every = opts.progressMs ?? 500;
  let lastWrite = performance.now();

  try {
    const opened = await openDataSource(source.data, {
      dataDir: opts.dataDir,
      sharedData: opts.sharedData,
    });
    const { snapshots, report: imported } = opened.open({ reach: chainReach(parsed.value.basket) });
    const report = await backtestDocument(parsed.value, snapshots, {
      overrides: overrides.data,
      total: opened.total ?? undefined,
      progressEvery: 100,
      signal: controller.signal,
      onProgress: async (p) => {
        // The backtest is CPU-bound: give BullMQ's lock renewal and the database their turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const now = performance.now();
        if (now - lastWrite < every) return;
        lastWrite = now;
        const fraction = Math.min(
          0.99,
          opened.fractionAt ? opened.fractionAt(p.ts, p.snapshots) : 0,
        );
        const [cur] = await db
          .update(backtests)
          .set({ progress: fraction, updatedAt: new Date() })
          .where(and(eq(backtests.id, id), eq(backtests.status, 'running')))
          .returning({ id: backtests.id });
        // The row is no longer running: the user cancelled it.
        if (!cur) controller.abort();
        await opts.onProgress?.(fraction);
      },
    });
    assertSomeSnapshots(report, imported, describeSource(source.data));
    if (imported) report.data.import = importSummary(imported);
    const [done] = await db
      .update(backtests)
      .set({
        status: 'succeeded',
        progress: 1,
        report,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(backtests.id, id), eq(backtests.status, 'running')))
      .returning({ id: backtests.id });
    if (!done) return 'cancelled';
    await opts.onProgress?.(1);
    return 'succeeded';
  } catch (err) {
    if (err instanceof BacktestCancelled) return 'cancelled';
    return fail(err instanceof Error ? err.message : String(err));
  }
}

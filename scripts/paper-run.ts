/**
 * A strategy run as a paper deployment over recorded ticks, through the whole live flow (the
 * workers must be running on the same Redis and database): `cli paper` and the tests that prove
 * paper = backtest call this. At full speed every tick waits for the flow to settle, so no tick
 * is skipped and each tick's fills are in before the next tick is evaluated. It lives in scripts/
 * because it creates the deployment through the server's service, which workers may not import.
 */
import type { Redis } from 'ioredis';
import type { Db } from '@/db/client';
import { schema } from '@/db/client';
import type { BacktestReport } from '@/engine/backtest/backtest';
import type { DslDocument } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { createDeployment } from '@/server/services/deployments';
import { endFeed, publishTick } from '@/workers/deployments';
import { waitQuiet } from '@/workers/deployments/quiet';
import { deploymentReport } from '@/workers/deployments/report';

export type RecordedRun = {
  deploymentId: string;
  feedId: string;
  report: BacktestReport;
  ticks: number;
};

export async function paperRun(
  db: Db,
  redis: Redis,
  doc: DslDocument,
  snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>,
  opts: {
    source: string;
    speed?: number | null;
    ownerId?: string;
    /** Leave the feed open (a test then sends commands and more ticks). */
    keepFeed?: boolean;
  } = { source: 'recorded ticks' },
): Promise<RecordedRun> {
  const ownerId = opts.ownerId ?? `paper-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  if (!opts.ownerId)
    await db.insert(schema.user).values({ id: ownerId, name: 'paper run', email: `${ownerId}@localhost`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() }); // prettier-ignore
  const [strategy] = await db
    .insert(schema.strategies)
    .values({ ownerId, name: doc.basket.name, dsl: doc, graph: decompile(doc) })
    .returning();
  const dep = await createDeployment(db, ownerId, { strategyId: strategy.id, mode: 'paper', feed: 'recorded', source: opts.source }); // prettier-ignore
  const deps = { db: async () => db, redis };
  const speed = opts.speed ?? null;
  let prevMs: number | null = null;
  let ticks = 0;
  for await (const snapshot of snapshots) {
    const ms = Date.parse(snapshot.ts);
    if (speed !== null && prevMs !== null && ms > prevMs)
      await new Promise((r) => setTimeout(r, Math.min(60_000, (ms - prevMs!) / speed)));
    prevMs = ms;
    await publishTick(deps, dep.feedId, snapshot);
    ticks++;
    if (speed === null) await waitQuiet(db, [dep.id]);
  }
  await waitQuiet(db, [dep.id]);
  if (!opts.keepFeed) {
    await endFeed(deps, dep.feedId);
    await waitQuiet(db, [dep.id]);
  }
  return {
    deploymentId: dep.id,
    feedId: dep.feedId,
    report: await deploymentReport(db, dep.id),
    ticks,
  };
}

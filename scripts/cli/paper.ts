/**
 * `paper <strategy.json> --ticks <file|dir> [--speed max|N]`: runs the strategy as a paper
 * deployment through the whole live flow — feed store, Redis queues, evaluator, outbox, order
 * router, paper venue, fills back into the kernel — and prints the same report JSON as `backtest`
 * when the ticks end. On a private Redis and a temporary embedded database unless REDIS_URL /
 * DATABASE_URL are set. At `--speed max` (the default) every tick waits for the flow to settle,
 * so no tick is skipped: its orders and P&L must equal `cli backtest` on the same ticks.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDslText } from '@/engine/dsl';
import { decompile } from '@/engine/graph';

export const summary =
  'paper <strategy.json> --ticks <file.ndjson|file.csv|dir> [--speed max|N] [--pretty]: the live pipeline over recorded ticks; the same report as backtest';

function usage(msg: string): number {
  console.error(`paper: ${msg}`);
  console.error(`usage: npm run -s cli -- ${summary}`);
  return 1;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ticks: { type: 'string' },
        speed: { type: 'string', default: 'max' },
        pretty: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [strategyFile] = positionals;
  if (!strategyFile) return usage('name the strategy file');
  if (!values.ticks) return usage('--ticks <file|dir> is required');
  if (!existsSync(strategyFile)) return usage(`strategy file "${strategyFile}" does not exist`);
  if (!existsSync(values.ticks)) return usage(`--ticks "${values.ticks}" does not exist`);
  const speed = values.speed === 'max' ? null : Number(values.speed);
  if (speed !== null && !(speed > 0 && speed <= 10_000))
    return usage(`--speed is "max" or a positive factor of real time, not "${values.speed}"`);
  const doc = parseDslText(readFileSync(strategyFile, 'utf8'));
  if (!doc.ok) {
    console.error(`paper: ${strategyFile} is not a valid strategy:`);
    for (const e of doc.errors) console.error(JSON.stringify({ path: e.path, message: e.message }));
    return 1;
  }

  // A private world unless the caller gives one: the database and Redis live and die with the run.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-paper-'));
  process.env.DATA_DIR ??= tmp;
  process.env.LOG_LEVEL ??= 'silent';
  let stopRedis: (() => Promise<void>) | null = null;
  if (!process.env.REDIS_URL) {
    const { startRedisServer } = await import('@/workers/redis-server');
    const r = await startRedisServer({ dataDir: path.join(tmp, 'redis'), persist: false });
    process.env.REDIS_URL = r.url;
    stopRedis = r.stop;
  }
  const { getDb, closeDb, migrateDb, getClient } = await import('@/db/client');
  const { schema } = await import('@/db/client');
  const { startWorkers } = await import('@/workers/index');
  const { closeQueues } = await import('@/workers/queues');
  const { publishTick, endFeed } = await import('@/workers/deployments');
  const { waitQuiet } = await import('@/workers/deployments/quiet');
  const { deploymentReport } = await import('@/workers/deployments/report');
  const { createDeployment } = await import('@/server/services/deployments');
  const { readSnapshots } = await import('@/datasets/read-snapshots');
  const { createConnection } = await import('@/workers/queues');

  await migrateDb(await getClient());
  const db = await getDb();
  const workers = await startWorkers({ heartbeatMs: 60_000 });
  const redis = createConnection('client');
  try {
    const userId = `cli-paper-${process.pid}-${Date.now()}`;
    await db.insert(schema.user).values({ id: userId, name: 'cli paper', email: `${userId}@localhost`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() }); // prettier-ignore
    const [strategy] = await db
      .insert(schema.strategies)
      .values({
        ownerId: userId,
        name: doc.value.basket.name,
        dsl: doc.value,
        graph: decompile(doc.value),
      }) // prettier-ignore
      .returning();
    const dep = await createDeployment(db, userId, { strategyId: strategy.id, mode: 'paper', feed: 'recorded', source: values.ticks }); // prettier-ignore
    const deps = { db: getDb, redis };
    const stream = readSnapshots(values.ticks);
    let prevMs: number | null = null;
    let ticks = 0;
    for await (const snapshot of stream) {
      const ms = Date.parse(snapshot.ts);
      if (speed !== null && prevMs !== null && ms > prevMs)
        await new Promise((r) => setTimeout(r, Math.min(60_000, (ms - prevMs!) / speed)));
      prevMs = ms;
      await publishTick(deps, dep.feedId, snapshot);
      ticks++;
      if (speed === null) await waitQuiet(db, [dep.id]);
    }
    if (ticks === 0) {
      console.error(`paper: ${values.ticks} holds no chain snapshot`);
      return 1;
    }
    await waitQuiet(db, [dep.id]);
    await endFeed(deps, dep.feedId);
    await waitQuiet(db, [dep.id]);
    const report = await deploymentReport(db, dep.id);
    process.stdout.write(`${JSON.stringify(report, null, values.pretty ? 2 : undefined)}\n`);
    return 0;
  } finally {
    redis.disconnect();
    await workers.close();
    await closeQueues();
    await closeDb();
    if (stopRedis) await stopRedis();
    rmSync(tmp, { recursive: true, force: true });
  }
}

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
import { parseArgs } from './_args';
import { parseDslText } from '@/engine/dsl';

export const summary =
  'paper <strategy.json> --ticks <file.ndjson|file.csv|dir> [--speed max|N] [--pretty]: the live pipeline over recorded ticks; the same report as backtest';

function usage(msg: string): number {
  console.error(`paper: ${msg}`);
  console.error(`usage: npm run -s cli -- ${summary}`);
  return 1;
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, { ticks: 'string', speed: 'string', pretty: 'boolean' }); // prettier-ignore
  const values = { ticks: flags.ticks as string | undefined, speed: (flags.speed as string | undefined) ?? 'max', pretty: flags.pretty === true }; // prettier-ignore
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
  const { startWorkers } = await import('@/workers/index');
  const { closeQueues, createConnection } = await import('@/workers/queues');
  const { paperRun } = await import('@/scripts/paper-run');
  const { readSnapshots } = await import('@/datasets/read-snapshots');

  await migrateDb(await getClient());
  const db = await getDb();
  const workers = await startWorkers({ heartbeatMs: 60_000 });
  const redis = createConnection('client');
  try {
    const run = await paperRun(db, redis, doc.value, readSnapshots(values.ticks), { source: values.ticks, speed }); // prettier-ignore
    if (run.ticks === 0) {
      console.error(`paper: ${values.ticks} holds no chain snapshot`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(run.report, null, values.pretty ? 2 : undefined)}\n`);
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

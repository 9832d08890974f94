/**
 * `npm run workers`: one more worker process for an app running on Postgres (DATABASE_URL).
 * Start as many as the machine allows; each drains its running jobs on Ctrl-C / SIGTERM.
 * `npm run workers -- --compute-only` serves only the compute queue (day ranges of backtests,
 * sweep combinations): it needs REDIS_URL and the app's DATA_DIR (its chain store), no database,
 * so it also helps an app on the embedded database.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { closeDb, getClient, pingDb } from '@/db/client';
import { OWNER_ONLY_UMASK } from '@/db/data-dir';
import { EnvError, parseEnv, resetEnv } from '@/db/env';
import { startWorkers } from '@/workers/index';

async function main(): Promise<number> {
  process.umask(OWNER_ONLY_UMASK);
  const root = path.resolve(import.meta.dirname, '..');
  process.chdir(root);
  process.env.STRIKEFLOW_ROOT ??= root;
  if (existsSync('.env')) process.loadEnvFile('.env');
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--compute-only');
  if (unknown.length) {
    console.error(`npm run workers: unknown option ${unknown[0]} (the only one is --compute-only)`);
    return 1;
  }
  const computeOnly = args.includes('--compute-only');
  const e = parseEnv();
  if (!e.DATABASE_URL && !computeOnly) {
    console.error(
      'npm run workers needs DATABASE_URL: with the embedded database the workers run inside `npm start` (PGlite is single-process); `npm run workers -- --compute-only` adds a process for backtest day ranges and sweeps without one',
    );
    return 1;
  }
  if (!e.REDIS_URL) {
    const file = path.resolve(e.DATA_DIR, 'redis-url');
    if (!existsSync(file)) {
      console.error(
        'npm run workers needs REDIS_URL: set it to the Redis your app uses (npm start prints it)',
      );
      return 1;
    }
    process.env.REDIS_URL = readFileSync(file, 'utf8').trim();
    resetEnv();
  }
  if (!computeOnly) await pingDb(await getClient());
  const workers = await startWorkers({ computeOnly });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await workers.close();
    if (!computeOnly) await closeDb();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Started by `npm start` with an IPC channel: when that process dies (even by kill -9) the
  // channel closes, and this worker drains and stops instead of running on as an orphan.
  process.on('disconnect', () => void stop());
  return -1;
}

main()
  .then((code) => {
    if (code >= 0) process.exit(code);
  })
  .catch((err: unknown) => {
    console.error(err instanceof EnvError ? err.message : (err as Error).message);
    process.exit(1);
  });

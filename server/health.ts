/** The health report behind GET /api/health: each part is 'ok' or the reason it is not. */
import { getClient, pingDb } from '@/db/client';
import { env } from '@/db/env';
import { getRedis, redisUrl, workersState } from '@/workers/queues';

export type HealthReport = { status: 'ok' | 'down'; db: string; redis: string; workers: string };

const timeoutMs = 3_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function check(fn: () => Promise<void>, what: string): Promise<string> {
  try {
    await within(fn(), what);
    return 'ok';
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

export async function healthReport(): Promise<HealthReport> {
  const [db, redis] = await Promise.all([
    check(async () => pingDb(await getClient(), timeoutMs), 'the database'),
    check(async () => {
      try {
        await getRedis().ping();
      } catch (err) {
        const where = redisUrl().replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
        throw new Error(`cannot reach Redis at ${where}: ${(err as Error).message}`);
      }
    }, 'Redis'),
  ]);
  const workers =
    redis === 'ok'
      ? await check(async () => {
          const state = await workersState(getRedis(), env().HEARTBEAT_INTERVAL_MS);
          if (!state.ok) throw new Error(state.reason);
        }, 'Redis')
      : `unknown: Redis is down (${redis})`;
  const status = db === 'ok' && redis === 'ok' && workers === 'ok' ? 'ok' : 'down';
  return { status, db, redis, workers };
}

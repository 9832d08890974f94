/**
 * The health report behind GET /api/health: each part is 'ok' or the reason it is not. Anyone can
 * ask, so reasons name no address, URL or path (those go to the log), and every check answers
 * within a second: a monitor polling health must not hang when Redis or the database does.
 */
import pkg from '@/package.json';
import { getClient, pingDb } from '@/db/client';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { getRedis, privateRedisSupervision, workersState } from '@/workers/queues';

export type HealthReport = { status: 'ok' | 'down'; db: string; redis: string; workers: string };

export const HEALTH_TIMEOUT_MS = 800;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${HEALTH_TIMEOUT_MS / 1000} s`)),
        HEALTH_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function check(fn: () => Promise<void>, what: string, shown: (err: Error) => string) {
  try {
    await within(fn(), what);
    return 'ok';
  } catch (err) {
    logger.warn({ err, part: what }, 'health check failed');
    return /did not answer within/.test((err as Error).message)
      ? (err as Error).message
      : shown(err as Error);
  }
}

const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  NOAUTH: 'authentication required',
  WRONGPASS: 'wrong password',
};

function redisReason(err: Error): string {
  const e = err as Error & { code?: string };
  const code = e.code ?? /^[A-Z]+/.exec(e.message)?.[0] ?? '';
  const supervised = privateRedisSupervision();
  if (supervised?.state === 'restarting')
    return `the private redis-server stopped (${supervised.lastExit ?? 'unknown reason'}); restarting it${
      supervised.nextAttemptAt
        ? ` in ${Math.max(0, Math.ceil((supervised.nextAttemptAt - Date.now()) / 1000))} s`
        : ''
    }`;
  return `cannot reach Redis: ${CONNECT_REASONS[code] ?? 'no connection'}`;
}

export async function healthReport(): Promise<HealthReport> {
  const [db, redis] = await Promise.all([
    check(
      async () => pingDb(await getClient(), HEALTH_TIMEOUT_MS),
      'the database',
      () => 'the database does not answer (see the server log)',
    ),
    check(
      async () => {
        const r = getRedis();
        // A connection that is down fails now instead of queueing the ping until it returns.
        if (r.status !== 'ready' && r.status !== 'connecting' && r.status !== 'connect') {
          const e = new Error(`Redis connection is ${r.status}`) as Error & { code?: string };
          e.code = 'ECONNREFUSED';
          throw e;
        }
        await r.ping();
      },
      'Redis',
      redisReason,
    ),
  ]);
  const workers =
    redis === 'ok'
      ? await check(
          async () => {
            const state = await workersState(getRedis(), env().HEARTBEAT_INTERVAL_MS);
            if (!state.ok) throw new Error(state.reason);
          },
          'Redis',
          (err) => err.message,
        )
      : `unknown: Redis is down (${redis})`;
  const status = db === 'ok' && redis === 'ok' && workers === 'ok' ? 'ok' : 'down';
  return { status, db, redis, workers };
}

/** How long a report is reused: a monitor, a load balancer and a sampler asking at once cost one check. */
export const HEALTH_CACHE_MS = 1_000;
let cached: { at: number; report: Promise<HealthReport> } | null = null;

/**
 * The health report from cached state: within HEALTH_CACHE_MS of the last check every caller
 * gets its report (callers arriving during a check share it), so /api/health answers thousands
 * of requests a second with at most one database ping and one Redis ping per second.
 */
export function cachedHealthReport(now = Date.now()): Promise<HealthReport> {
  if (cached && now - cached.at < HEALTH_CACHE_MS) return cached.report;
  const report = healthReport();
  cached = { at: now, report };
  return report;
}

export type HealthAnswer = { status: 200 | 503; body: string };

/**
 * GET /api/health's answer from the cached report: 200 when every part is ok, 503 otherwise. The
 * launcher answers it before a request reaches Next (a monitor's poll costs no route handling);
 * Next's route gives the same answer to `next dev` and anything else that reaches it directly.
 */
export async function healthAnswer(): Promise<HealthAnswer> {
  const report = await cachedHealthReport();
  return {
    status: report.status === 'ok' ? 200 : 503,
    body: JSON.stringify({ ...report, version: pkg.version }),
  };
}

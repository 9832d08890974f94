/**
 * The live flow's test bed for one test file: a private database, a Redis database of its own
 * (the process's producers use it too) and the workers of `npm start` on both, closed after the
 * file. Shared by the live-flow test files.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '@/db/client';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { startWorkers, type RunningWorkers } from '@/workers/index';
import { closeQueues, createConnection } from '@/workers/queues';

export type LiveFlowTestbed = { readonly db: Db; readonly redis: Redis };

export function useLiveFlowTestbed(): LiveFlowTestbed {
  let t: TestDb | undefined;
  let redis: Redis | undefined;
  let workers: RunningWorkers | undefined;
  beforeAll(async () => {
    t = await openTestDb();
    const url = await testRedisUrl();
    // The producers (publishTick, nudges) use the process's queues, on REDIS_URL.
    process.env.REDIS_URL = url;
    redis = createConnection('client', url);
    const db = t.db;
    workers = await startWorkers({ url, db: async () => db, heartbeatMs: 60_000, sweep: false });
  }, 60_000);
  afterAll(async () => {
    await workers?.close();
    await closeQueues();
    redis?.disconnect();
    await t?.close();
  });
  const ready = () => {
    if (!t || !redis) throw new Error('the live-flow test bed is not open: call useLiveFlowTestbed() at the top of the file'); // prettier-ignore
    return { db: t.db, redis };
  };
  return {
    get db() {
      return ready().db;
    },
    get redis() {
      return ready().redis;
    },
  };
}

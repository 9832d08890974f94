/**
 * A Redis database of its own for one test file, so parallel test files (heartbeats, queues)
 * never see each other's keys. Numbered databases are handed out by a counter in database 0.
 */
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export async function testRedisUrl(): Promise<string> {
  const base = new URL(inject('REDIS_URL'));
  base.pathname = '/0';
  const admin = new Redis(base.toString(), { maxRetriesPerRequest: 1 });
  try {
    const databases = Number(((await admin.config('GET', 'databases')) as string[])[1] ?? 16);
    const n = await admin.incr('strikeflow:test:next-db');
    const db = 1 + ((n - 1) % (databases - 1));
    const url = new URL(base);
    url.pathname = `/${db}`;
    const conn = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    await conn.flushdb();
    conn.disconnect();
    return url.toString();
  } finally {
    admin.disconnect();
  }
}

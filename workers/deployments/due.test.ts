/**
 * A shard's whole evaluation waits for the due jobs running (the trades of a tick), in any worker
 * process, and never longer than DUE_WAIT_MS: a due job that died is forgotten when its mark
 * expires. On a real Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '@/tests/setup/redis';
import { DUE_IN_FLIGHT, DUE_WAIT_MS, dueSettled } from './index';

let redis: Redis;
beforeAll(async () => {
  redis = new Redis(await testRedisUrl(), { maxRetriesPerRequest: 1 });
});
afterAll(() => redis?.disconnect());

const waited = async () => {
  const at = performance.now();
  await dueSettled(redis);
  return performance.now() - at;
};

describe('waiting for the due jobs running', () => {
  it('does not wait when none runs', async () => {
    await redis.del(DUE_IN_FLIGHT);
    expect(await waited()).toBeLessThan(100);
  });

  it('waits while one runs, and goes on as soon as it ends', async () => {
    await redis.zadd(DUE_IN_FLIGHT, Date.now() + 2_000, 'feed|NIFTY|ts|0|2');
    const ends = new Promise((r) => setTimeout(r, 60)).then(() => redis.zrem(DUE_IN_FLIGHT, 'feed|NIFTY|ts|0|2')); // prettier-ignore
    const ms = await waited();
    await ends;
    expect(ms).toBeGreaterThanOrEqual(55);
    expect(ms).toBeLessThan(DUE_WAIT_MS - 50);
  });

  it('waits at most DUE_WAIT_MS for one that does not end', async () => {
    await redis.zadd(DUE_IN_FLIGHT, Date.now() + 2_000, 'feed|NIFTY|ts|1|2');
    const ms = await waited();
    expect(ms).toBeGreaterThanOrEqual(DUE_WAIT_MS - 10);
    expect(ms).toBeLessThan(DUE_WAIT_MS + 200);
    await redis.del(DUE_IN_FLIGHT);
  });

  it('forgets a due job whose mark expired (its worker died)', async () => {
    await redis.zadd(DUE_IN_FLIGHT, Date.now() - 1, 'feed|NIFTY|ts|0|2');
    expect(await waited()).toBeLessThan(100);
    expect(await redis.zcard(DUE_IN_FLIGHT)).toBe(0);
  });
});

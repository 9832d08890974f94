// The session cache on a real Redis: reuse within its window, and nothing reused after an ending
// here or in another process, or while the news of endings cannot arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import {
  SESSION_CACHE_MS,
  cachedSession,
  sessionCacheLive,
  sessionsEnded,
  sessionsEndedChannel,
  startSessionCache,
  stopSessionCache,
} from '@/server/session-cache';
import { testRedisUrl } from '@/tests/setup/redis';
import { closeQueues, createConnection } from '@/workers/queues';

const saved = process.env.REDIS_URL;
const session = (id: string, expiresAt = new Date(Date.now() + 86_400_000)) => ({
  session: { id, expiresAt },
  user: { id: `user-${id}` },
});

async function until(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ok()).toBe(true);
}

/** Counts the lookups behind `cachedSession` for one cookie. */
function counted(key: string, value = session(key)) {
  let lookups = 0;
  return {
    get: () =>
      cachedSession(key, async () => {
        lookups++;
        return value;
      }),
    lookups: () => lookups,
  };
}

beforeAll(async () => {
  process.env.REDIS_URL = await testRedisUrl();
  resetEnv();
});
afterAll(async () => {
  await stopSessionCache();
  await closeQueues();
  process.env.REDIS_URL = saved;
  resetEnv();
});

describe('session cache', () => {
  it('asks every time until it listens for endings', async () => {
    const a = counted('cookie-a');
    await a.get();
    await a.get();
    expect(a.lookups()).toBe(2);
  });

  it('reuses a session within its window, and forgets it at an ending here', async () => {
    startSessionCache();
    await until(sessionCacheLive);
    const b = counted('cookie-b');
    expect(await b.get()).toMatchObject({ session: { id: 'cookie-b' } });
    await b.get();
    expect(b.lookups()).toBe(1);
    await sessionsEnded();
    await b.get();
    expect(b.lookups()).toBe(2);
    // Never past the session's own expiry, never beyond the window.
    const c = counted('cookie-c', session('cookie-c', new Date(Date.now() - 1)));
    await c.get();
    await c.get();
    expect(c.lookups()).toBe(2);
    expect(SESSION_CACHE_MS).toBeLessThanOrEqual(10_000);
  });

  it('does not keep a lookup that was under way when a session ended', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let lookups = 0;
    const slow = () =>
      cachedSession('cookie-d', async () => {
        lookups++;
        await gate;
        return session('cookie-d');
      });
    const first = slow();
    await sessionsEnded();
    release();
    await first;
    await slow();
    expect(lookups).toBe(2);
  });

  it('forgets on news from another process, and keeps nothing while it cannot hear', async () => {
    const e = counted('cookie-e');
    await e.get();
    await e.get();
    expect(e.lookups()).toBe(1);
    const other = createConnection('client');
    try {
      await other.publish(sessionsEndedChannel(), 'another process');
      for (let i = 0; i < 100 && e.lookups() < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        await e.get();
      }
      expect(e.lookups()).toBe(2);
    } finally {
      other.disconnect();
    }
    await stopSessionCache();
    expect(sessionCacheLive()).toBe(false);
    await e.get();
    await e.get();
    expect(e.lookups()).toBe(4);
  });
});

/**
 * Sessions looked up a moment ago, reused for a few seconds. Checking a session cookie costs an
 * HMAC and a query joining session and user: most of an API request that reads a short list.
 * A cached session must never outlive its sign-out, so:
 *  - any ended session (sign-out, revoked, expired) or changed user empties the cache of this
 *    process at once (better-auth's database hooks, server/auth.ts), before and after the row
 *    goes, and a lookup that started before an ending is not stored;
 *  - other processes serving the API hear of it on a Redis channel, and a process uses its cache
 *    only while it is subscribed: a lost subscription empties it and turns it off until back.
 * Kept on globalThis: the launcher's copy of this module (which serves the API) and Next's copy
 * (which runs sign-out) are one cache.
 */
import type { Redis } from 'ioredis';
import { logger } from '@/db/logger';
import { createConnection, getRedis, redisUrl } from '@/workers/queues';

/** How long a looked-up session is reused. */
export const SESSION_CACHE_MS = 5_000;
/** Entries at most: beyond it the oldest go (one per session active in the last few seconds). */
export const SESSION_CACHE_ENTRIES = 10_000;
/**
 * Where endings are announced. Channels ignore Redis's numbered databases, so the number is part
 * of the name: apps sharing a Redis server on different databases do not empty each other's caches.
 */
export function sessionsEndedChannel(url = redisUrl()): string {
  return `strikeflow:sessions:ended:${new URL(url).pathname.slice(1) || '0'}`;
}

type Entry = { value: unknown; until: number };
type State = {
  entries: Map<string, Entry>;
  /** Bumped by every ending: a lookup that began under an older epoch is not stored. */
  epoch: number;
  /** Subscribed to the endings channel right now (the cache is used only then). */
  live: boolean;
  subscriber: Redis | null;
};
const holder = globalThis as unknown as { __strikeflowSessionCache?: State };
const state = (): State =>
  (holder.__strikeflowSessionCache ??= {
    entries: new Map(),
    epoch: 0,
    live: false,
    subscriber: null,
  });

/** Empties this process's cache; lookups in flight are not stored. */
export function forgetSessions(): void {
  const s = state();
  s.epoch++;
  s.entries.clear();
}

/**
 * A session ended or a user changed: empties this process's cache and tells the others. Awaited
 * by sign-out, so its answer leaves after every subscribed process was sent the news.
 */
export async function sessionsEnded(): Promise<void> {
  forgetSessions();
  let redis: Redis;
  try {
    redis = getRedis();
  } catch {
    return; // no Redis configured (a unit test): no other process to tell
  }
  try {
    await redis.publish(sessionsEndedChannel(), String(process.pid));
  } catch (err) {
    // The subscribers' connections fail as well, and a process off its subscription caches nothing.
    logger.warn({ err }, 'could not announce an ended session');
  }
}

/**
 * Starts listening for endings from other processes; until the subscription is confirmed (and
 * whenever it is lost) the cache is off. Idempotent.
 */
export function startSessionCache(): void {
  const s = state();
  if (s.subscriber) return;
  const channel = sessionsEndedChannel();
  const sub = createConnection('client');
  s.subscriber = sub;
  const off = () => {
    s.live = false;
    forgetSessions();
  };
  const subscribe = () => {
    sub.subscribe(channel).then(
      () => {
        if (sub.status === 'ready') s.live = true;
      },
      () => off(),
    );
  };
  sub.on('message', (from: string) => {
    if (from === channel) forgetSessions();
  });
  sub.on('close', off);
  sub.on('end', off);
  sub.on('reconnecting', off);
  sub.on('ready', subscribe);
}

/** Stops listening and empties the cache (shutdown, tests). */
export async function stopSessionCache(): Promise<void> {
  const s = state();
  const sub = s.subscriber;
  s.subscriber = null;
  s.live = false;
  forgetSessions();
  if (sub) await sub.quit().catch(() => sub.disconnect());
}

/**
 * The session for `key` (the signed session cookie as sent), from the cache when looked up within
 * SESSION_CACHE_MS, else from `lookup`. A null answer (no or a bad session) is never stored.
 */
export async function cachedSession<T extends { session: { expiresAt: Date } }>(
  key: string | null,
  lookup: () => Promise<T | null>,
  now = Date.now(),
): Promise<T | null> {
  const s = state();
  if (!key || !s.live) return lookup();
  const hit = s.entries.get(key);
  if (hit && hit.until > now) return hit.value as T;
  const epoch = s.epoch;
  const value = await lookup();
  if (value && s.live && s.epoch === epoch) {
    if (s.entries.size >= SESSION_CACHE_ENTRIES) s.entries.delete(s.entries.keys().next().value!);
    s.entries.delete(key);
    const until = Math.min(now + SESSION_CACHE_MS, new Date(value.session.expiresAt).getTime());
    s.entries.set(key, { value, until });
  }
  return value;
}

/** Whether this process serves sessions from its cache now (subscribed to endings). */
export function sessionCacheLive(): boolean {
  return state().live;
}

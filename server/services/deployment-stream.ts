/**
 * Live updates of deployments (and the header's notifications) for the browser: one Redis pattern subscription per server process
 * (the evaluators publish on `strikeflow:deployment:<id>` after every step they write), fanned out
 * in process to the SSE streams watching that deployment. A stream reads the database only when
 * its deployment changed (and once a quarter-minute as a keep-alive), never on a timer loop.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { AppError } from '@/server/errors';
import { createConnection, deploymentChannel, notifyChannel } from '@/workers/queues';

const PATTERNS = ['strikeflow:deployment:*', 'strikeflow:notify:*'];

type Hub = {
  redis: Redis;
  emitter: EventEmitter;
  perUser: Map<string, number>;
  /** Messages heard so far, and the number of the last one heard on each channel. */
  seq: number;
  heard: Map<string, number>;
};
const shared = globalThis as unknown as { __strikeflowDeploymentHub?: Hub };

function hub(): Hub {
  if (shared.__strikeflowDeploymentHub) return shared.__strikeflowDeploymentHub;
  const redis = createConnection('worker');
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  void redis.psubscribe(...PATTERNS).catch(() => {});
  const h: Hub = { redis, emitter, perUser: new Map(), seq: 0, heard: new Map() };
  redis.on('pmessage', (_p: string, channel: string) => {
    h.seq++;
    // Oldest first (re-inserted on every message), so the quiet channels are the ones forgotten.
    h.heard.delete(channel);
    h.heard.set(channel, h.seq);
    if (h.heard.size > MAX_HEARD) h.heard.delete(h.heard.keys().next().value as string);
    emitter.emit(channel, channel);
  });
  shared.__strikeflowDeploymentHub = h;
  return h;
}

/** Channels whose last message is remembered (a forgotten one waits for its next message or the keep-alive). */
const MAX_HEARD = 50_000;

/**
 * What this process has heard so far. A stream takes a mark before it reads the database and
 * waits with it: a change published while it read (or slept) ends the wait at once instead of
 * being missed until the keep-alive. After a kill a deployment stops ticking, so the message of
 * its last step may be the only one it ever sends.
 */
export function changeMark(): number {
  return hub().seq;
}

const heardSince = (channel: string, since: number | undefined) =>
  since !== undefined && (hub().heard.get(channel) ?? 0) > since;

/** The most live streams one user may hold open at once (tabs, pages). */
export const MAX_STREAMS_PER_USER = 12;

/**
 * Resolves when the deployment changes (or changed after the mark `since`), after `ms`, or when
 * `signal` aborts.
 */
export function changed(
  deploymentId: string,
  ms: number,
  signal?: AbortSignal,
  since?: number,
): Promise<void> {
  if (heardSince(deploymentChannel(deploymentId), since)) return Promise.resolve();
  return heard(deploymentChannel(deploymentId), ms, signal);
}

/** Resolves when any of the deployments changes (or changed after `since`), after `ms`, or when `signal` aborts. */
export function changedAny(
  ids: readonly string[],
  ms: number,
  signal?: AbortSignal,
  since?: number,
): Promise<void> {
  if (ids.some((id) => heardSince(deploymentChannel(id), since))) return Promise.resolve();
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return Promise.race([
    new Promise<void>((r) => setTimeout(r, ms)),
    ...ids.map((id) => changed(id, ms, ac.signal)),
  ]).finally(() => {
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
  });
}

/** Resolves when a notification for the user arrives, after `ms`, or when `signal` aborts. */
export function notified(userId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return heard(notifyChannel(userId), ms, signal);
}

function heard(channel: string, ms: number, signal?: AbortSignal): Promise<void> {
  const h = hub();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      h.emitter.off(channel, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    h.emitter.on(channel, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Counts a user's open streams; the returned function releases the slot. */
export function openStream(userId: string): () => void {
  const h = hub();
  const n = h.perUser.get(userId) ?? 0;
  if (n >= MAX_STREAMS_PER_USER)
    throw new AppError(
      'UNPROCESSABLE',
      `${userId} has ${n} deployment streams open`,
      `You have ${n} live deployment views open; close some tabs and reload this one.`,
    );
  h.perUser.set(userId, n + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (h.perUser.get(userId) ?? 1) - 1;
    if (left <= 0) h.perUser.delete(userId);
    else h.perUser.set(userId, left);
  };
}

/** Closes this process's subscriber (shutdown, tests); the next stream opens a new one. */
export function closeDeploymentHub(): void {
  shared.__strikeflowDeploymentHub?.redis.disconnect();
  shared.__strikeflowDeploymentHub = undefined;
}

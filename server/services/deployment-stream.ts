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

type Hub = { redis: Redis; emitter: EventEmitter; perUser: Map<string, number> };
const shared = globalThis as unknown as { __strikeflowDeploymentHub?: Hub };

function hub(): Hub {
  if (shared.__strikeflowDeploymentHub) return shared.__strikeflowDeploymentHub;
  const redis = createConnection('worker');
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  void redis.psubscribe(...PATTERNS).catch(() => {});
  redis.on('pmessage', (_p: string, channel: string) => {
    emitter.emit(channel, channel);
  });
  shared.__strikeflowDeploymentHub = { redis, emitter, perUser: new Map() };
  return shared.__strikeflowDeploymentHub;
}

/** The most live streams one user may hold open at once (tabs, pages). */
export const MAX_STREAMS_PER_USER = 12;

/** Resolves when the deployment changes, after `ms`, or when `signal` aborts. */
export function changed(deploymentId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return heard(deploymentChannel(deploymentId), ms, signal);
}

/** Resolves when any of the deployments changes, after `ms`, or when `signal` aborts. */
export function changedAny(
  ids: readonly string[],
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
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

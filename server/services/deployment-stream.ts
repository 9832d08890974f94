/**
 * Live updates of deployments for the browser: one Redis pattern subscription per server process
 * (the evaluators publish on `strikeflow:deployment:<id>` after every step they write), fanned out
 * in process to the SSE streams watching that deployment. A stream reads the database only when
 * its deployment changed (and once a quarter-minute as a keep-alive), never on a timer loop.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { AppError } from '@/server/errors';
import { createConnection } from '@/workers/queues';

const PATTERN = 'strikeflow:deployment:*';

type Hub = { redis: Redis; emitter: EventEmitter; perUser: Map<string, number> };
const shared = globalThis as unknown as { __strikeflowDeploymentHub?: Hub };

function hub(): Hub {
  if (shared.__strikeflowDeploymentHub) return shared.__strikeflowDeploymentHub;
  const redis = createConnection('worker');
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  void redis.psubscribe(PATTERN).catch(() => {});
  redis.on('pmessage', (_p: string, channel: string) => {
    emitter.emit(channel.slice(PATTERN.length - 1), channel);
  });
  shared.__strikeflowDeploymentHub = { redis, emitter, perUser: new Map() };
  return shared.__strikeflowDeploymentHub;
}

/** The most live streams one user may hold open at once (tabs, pages). */
export const MAX_STREAMS_PER_USER = 12;

/** Resolves when the deployment (or any of them) changes, after `ms`, or when `signal` aborts. */
export function changed(
  deploymentIds: string | readonly string[],
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  const h = hub();
  const ids = typeof deploymentIds === 'string' ? [deploymentIds] : deploymentIds;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      for (const id of ids) h.emitter.off(id, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    for (const id of ids) h.emitter.on(id, done);
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

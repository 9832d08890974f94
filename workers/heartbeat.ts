/**
 * The heartbeat: a BullMQ job scheduler puts a `heartbeat` job on the system queue every
 * interval; whichever worker takes it records the time in Redis. Health reads that time, so
 * "workers: ok" means a worker really took a job from the queue recently.
 */
import os from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const HEARTBEAT_SCHEDULER = 'heartbeat';
export const HEARTBEAT_JOB = 'heartbeat';
const KEY = 'strikeflow:workers:heartbeats';

export const workerId = `${os.hostname()}:${process.pid}`;

export async function scheduleHeartbeat(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    HEARTBEAT_SCHEDULER,
    { every: intervalMs },
    { name: HEARTBEAT_JOB, data: {}, opts: { removeOnComplete: 5, removeOnFail: 5 } },
  );
}

/** Called by a worker when it takes a heartbeat job. */
export async function answerHeartbeat(
  redis: Redis,
  intervalMs: number,
  now = Date.now(),
): Promise<void> {
  await redis
    .multi()
    .zadd(KEY, now, workerId)
    .zremrangebyscore(KEY, 0, now - 10 * intervalMs)
    .pexpire(KEY, 20 * intervalMs)
    .exec();
}

export type WorkersState = { ok: true; lastBeatMs: number } | { ok: false; reason: string };

/** Workers count as alive when one answered within three heartbeat intervals. */
export async function workersState(
  redis: Redis,
  intervalMs: number,
  now = Date.now(),
): Promise<WorkersState> {
  const latest = await redis.zrevrange(KEY, 0, 0, 'WITHSCORES');
  if (latest.length < 2)
    return {
      ok: false,
      reason: 'no worker has answered the heartbeat yet (start them with `npm run workers`)',
    };
  const last = Number(latest[1]);
  const age = now - last;
  if (age > 3 * intervalMs)
    return {
      ok: false,
      reason: `no worker has answered the heartbeat for ${Math.round(age / 1000)} s`,
    };
  return { ok: true, lastBeatMs: last };
}

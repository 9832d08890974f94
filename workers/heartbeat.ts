/**
 * The heartbeat: a BullMQ job scheduler puts a `heartbeat` job on the system queue every
 * interval; whichever worker takes it records the time in Redis. Health reads that time, so
 * "workers: ok" means a worker really took a job from the queue recently.
 */
import os from 'node:os';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { HEARTBEAT_KEY as KEY } from './queues';

export const HEARTBEAT_SCHEDULER = 'heartbeat';
export const HEARTBEAT_JOB = 'heartbeat';

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

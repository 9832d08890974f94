/**
 * Shard leases: each shard queue of tick evaluations (workers/queues.ts `SHARD_QUEUES`) is served
 * by one worker process at a time, the holder of its lease in Redis, so that a shard's
 * deployments are evaluated where their states are held decoded (and their dry runs made).
 *
 * Every worker process that evaluates joins, and every LEASE_EVERY_MS it:
 * - says it is alive (a sorted set scored with Redis's own clock, so machines' clocks do not
 *   matter) and counts the processes alive;
 * - renews the leases it holds (only its own: a lease that expired and went to another process
 *   is let go);
 * - gives back those beyond its share (the shard queues over the processes alive, rounded up), so
 *   a process that starts later gets its share from one that served alone;
 * - takes free leases up to its share.
 * A process that dies (SIGKILL, a lost machine) stops renewing: its leases expire after
 * LEASE_TTL_MS and the survivors take them; the jobs it left running are given to them by
 * BullMQ's stalled check, as before.
 *
 * Affinity is a matter of speed, never of correctness: an evaluation locks its deployments' state
 * rows, and a process whose lease lapsed while it still served (an event loop blocked for
 * seconds, a lost Redis) only evaluates beside the new holder, as any two processes did before.
 * A queue with no holder waits (its jobs are kept) until a process takes it, within a round of the
 * keeper; ticks that came meanwhile are skipped and counted, as when evaluation falls behind.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '@/db/logger';

export const LEASE_TTL_MS = 3_000;
export const LEASE_EVERY_MS = 500;
const MEMBERS = 'strikeflow:evaluators';
export const leaseKey = (queue: number) => `strikeflow:shard-lease:${queue}`;

/** Joins (or stays in) the processes alive, drops the expired ones, and counts them: one round trip. */
const ALIVE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`; // prettier-ignore
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`; // prettier-ignore

export type ShardLeases = {
  /** The shard queues this process serves now. */
  held: () => number[];
  /** One round of the keeper now (tests; the timer runs them every LEASE_EVERY_MS). */
  round: () => Promise<void>;
  /** Stops renewing, closes its workers and gives the leases back, so that the others take them at once. */
  close: (force?: boolean) => Promise<void>;
};

/**
 * Keeps this process's share of the shard leases over `queues` shard queues. `serve(q)` starts a
 * worker of shard queue q when its lease is taken; the worker is closed when the lease is given
 * back or lost (its running jobs finish; closed, not paused: a paused worker still takes the job
 * its blocking fetch brings). `concurrency` is what the evaluations of this process may run at
 * once, split over the queues it serves, so that holding both queues does not double it.
 */
export function holdShardLeases(
  redis: Redis,
  queues: number,
  serve: (queue: number, concurrency: number) => Worker,
  opts: { concurrency: number; ttlMs?: number; everyMs?: number; id?: string },
): ShardLeases {
  const ttl = opts.ttlMs ?? LEASE_TTL_MS;
  const every = opts.everyMs ?? LEASE_EVERY_MS;
  const me = opts.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const held = new Map<number, Worker>();
  const closing = new Set<Promise<void>>();
  let closed = false;
  let warned = false;

  const each = () => Math.max(1, Math.floor(opts.concurrency / (held.size + 1)));
  const take = (q: number) => {
    for (const w of held.values()) w.concurrency = each();
    held.set(q, serve(q, each()));
  };
  const drop = (q: number, force = false) => {
    const w = held.get(q);
    held.delete(q);
    for (const o of held.values()) o.concurrency = Math.max(1, Math.floor(opts.concurrency / held.size)); // prettier-ignore
    if (!w) return;
    const c = w.close(force).catch(() => {});
    closing.add(c);
    void c.then(() => closing.delete(c));
  };

  let running: Promise<void> | null = null;
  const round = () =>
    (running ??= (async () => {
      try {
        const alive = Number(await redis.eval(ALIVE, 1, MEMBERS, me, ttl));
        const mine = Math.ceil(queues / Math.max(1, alive));
        for (const q of [...held.keys()])
          if (Number(await redis.eval(RENEW, 1, leaseKey(q), me, ttl)) !== 1) drop(q);
        // The highest first: two processes settle on the same split every time.
        for (const q of [...held.keys()].sort((a, b) => b - a)) {
          if (held.size <= mine) break;
          await redis.eval(RELEASE, 1, leaseKey(q), me);
          drop(q);
        }
        for (let q = 0; q < queues && held.size < mine && !closed; q++)
          if (!held.has(q) && (await redis.set(leaseKey(q), me, 'PX', ttl, 'NX')) === 'OK') take(q);
        warned = false;
      } catch (err) {
        // Redis away: what this process serves, it keeps serving (the state rows' locks keep two
        // processes' evaluations apart); the others take the leases once they expire.
        if (!warned) logger.warn({ err: (err as Error).message }, 'shard leases: Redis unreachable, serving as before'); // prettier-ignore
        warned = true;
      } finally {
        running = null;
      }
    })());

  const timer = setInterval(() => void round(), every);
  timer.unref();
  void round();

  return {
    held: () => [...held.keys()].sort((a, b) => a - b),
    round,
    close: async (force = false) => {
      closed = true;
      clearInterval(timer);
      await running;
      // Given back once its jobs are done (the next holder does not start beside them).
      const qs = [...held.keys()];
      for (const q of qs) drop(q, force);
      await Promise.all(closing);
      for (const q of qs) await redis.eval(RELEASE, 1, leaseKey(q), me).catch(() => {});
      await redis.zrem(MEMBERS, me).catch(() => {});
    },
  };
}

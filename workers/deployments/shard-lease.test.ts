/**
 * Shard leases on a real Redis with BullMQ's own workers: each shard queue is served by one
 * process, a process that joins gets its share, and a process that dies without a word (no
 * release) has its queues taken by the survivor once its leases expire. The processes here are
 * two lease keepers in this test process, each with its own connections and workers.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '@/tests/setup/redis';
import { closeQueues, createConnection, SHARD_QUEUE_NAMES, SHARD_QUEUES, shardQueueName } from '../queues'; // prettier-ignore
import { holdShardLeases, leaseKey, type ShardLeases } from './shard-lease';

const TTL = 600;
let url: string;
const opened: { close: () => Promise<unknown> }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  url = await testRedisUrl();
  process.env.REDIS_URL = url;
});
afterAll(async () => {
  for (const o of opened.reverse()) await o.close().catch(() => {});
  await closeQueues();
});

/** A worker process as far as the leases go: its own connections, a worker per shard queue, its keeper. */
function processOf(name: string, served: { by: string; queue: string }[]) {
  const redis: Redis = createConnection('client', url);
  const workers = new Set<Worker>();
  const serve = (q: number, concurrency: number) => {
    const w = new Worker(shardQueueName(q), async (job: Job) => void served.push({ by: name, queue: job.queueName }), { connection: createConnection('worker', url), concurrency }); // prettier-ignore
    workers.add(w);
    return w;
  };
  const leases: ShardLeases = holdShardLeases(redis, SHARD_QUEUES, serve, { concurrency: 2, ttlMs: TTL, everyMs: 100, id: name }); // prettier-ignore
  const proc = {
    leases,
    /** Dies as a SIGKILL leaves it: no more renewals, no release, its workers gone. */
    die: async () => {
      redis.disconnect();
      await Promise.all([...workers].map((w) => w.close(true)));
    },
    close: async () => {
      await leases.close(true);
      redis.disconnect();
    },
  };
  opened.push(proc);
  return proc;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/** Adds a job to each shard queue and returns who served each queue's job. */
async function servedBy(served: { by: string; queue: string }[]): Promise<Record<string, string>> {
  served.length = 0;
  const queues = SHARD_QUEUE_NAMES.map((q) => new Queue(q, { connection: createConnection('client', url) })); // prettier-ignore
  try {
    for (const q of queues) await q.add('probe', {});
    await until('every shard queue served', () => served.length >= queues.length);
    return Object.fromEntries(served.map((s) => [s.queue, s.by]));
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

describe('shard leases', () => {
  it('one process serves every shard queue; a second takes its share; a dead one’s queues go to the survivor', async () => {
    const served: { by: string; queue: string }[] = [];
    const a = processOf('A', served);
    await until('A holds every lease', () => a.leases.held().length === SHARD_QUEUES);
    expect(await servedBy(served)).toEqual(Object.fromEntries(SHARD_QUEUE_NAMES.map((q) => [q, 'A']))); // prettier-ignore

    const b = processOf('B', served);
    await until('A and B hold one each', () => a.leases.held().length === 1 && b.leases.held().length === 1); // prettier-ignore
    // The same split every time: the one that served alone keeps the first.
    expect([a.leases.held(), b.leases.held()]).toEqual([[0], [1]]);
    // Stays so over rounds (no lease goes back and forth).
    await sleep(TTL);
    expect([a.leases.held(), b.leases.held()]).toEqual([[0], [1]]);
    expect(await servedBy(served)).toEqual({ [shardQueueName(0)]: 'A', [shardQueueName(1)]: 'B' });

    await b.die();
    // Its lease expires, and A takes it (A's count of processes alive drops with it).
    await until('A holds both again', () => a.leases.held().length === SHARD_QUEUES, TTL * 5);
    expect(await servedBy(served)).toEqual(Object.fromEntries(SHARD_QUEUE_NAMES.map((q) => [q, 'A']))); // prettier-ignore
    await a.close();
    // Gone from the processes alive once its entry expires (it said nothing).
    await sleep(TTL);
  }, 30_000);

  it('a process that closes gives its leases back at once; a lease held by another is never renewed as its own', async () => {
    const served: { by: string; queue: string }[] = [];
    const c = processOf('C', served);
    await until('C holds every lease', () => c.leases.held().length === SHARD_QUEUES);
    const d = processOf('D', served);
    await until('C and D hold one each', () => c.leases.held().length === 1 && d.leases.held().length === 1); // prettier-ignore
    const redis = createConnection('client', url);
    try {
      // D's lease taken over behind its back (as after it lapsed): D lets go of it at its next round.
      const [q] = d.leases.held();
      await redis.set(leaseKey(q), 'someone-else', 'PX', 5_000);
      // Twice: the first may be a round of D's timer that renewed before the lease was taken.
      await d.leases.round();
      await d.leases.round();
      expect(d.leases.held()).toEqual([]);
      expect(await redis.get(leaseKey(q))).toBe('someone-else');
      await redis.del(leaseKey(q));
      await until('D takes it back once free', () => d.leases.held().length === 1);

      const at = Date.now();
      await d.close();
      // No wait for the TTL: C takes D's queue at its next round.
      await until('C holds both', () => c.leases.held().length === SHARD_QUEUES);
      expect(Date.now() - at).toBeLessThan(TTL);
      expect(await servedBy(served)).toEqual(Object.fromEntries(SHARD_QUEUE_NAMES.map((q) => [q, 'C']))); // prettier-ignore
    } finally {
      redis.disconnect();
      await c.close();
    }
  }, 30_000);
});

/**
 * A publication's due jobs: the deployments its ticks make trade are evaluated first, then each
 * tick's whole shard; a shard's whole evaluation waits for the due jobs running (in any worker
 * process), never longer than DUE_WAIT_MS: a due job that died is forgotten when its mark
 * expires. On the test database and a real Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { schema } from '@/db/client';
import { simulateSession } from '@/engine/market/simulator';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { testRedisUrl } from '@/tests/setup/redis';
import { createTrader, exampleDocument, recordedDeployment } from '@/tests/support/live-world';
import {
  closeQueues,
  createConnection,
  EvaluateJobSchema,
  getQueue,
  SHARD_QUEUES,
  shardQueueName,
} from '../queues';
import { recordTick } from './feed-store';
import {
  DUE_IN_FLIGHT,
  DUE_WAIT_MS,
  dueSettled,
  evaluateDue,
  evaluateShard,
  publishTicks,
} from './index';
import { shardOf } from './evaluator';

let redis: Redis;
let t: TestDb;
let db: Db;
beforeAll(async () => {
  const url = await testRedisUrl();
  process.env.REDIS_URL = url; // the queues the evaluations add to
  redis = createConnection('client', url);
  t = await openTestDb();
  db = t.db;
}, 60_000);
afterAll(async () => {
  await closeQueues();
  redis?.disconnect();
  await t?.close();
});

describe("a tick's due job", () => {
  it('evaluates the deployments the tick makes trade (all of them while it holds no state), and the whole shard after', async () => {
    const feedId = 'recorded:due-shard';
    const owner = await createTrader(db, 'due-shard');
    const doc = exampleDocument('nifty-short-straddle-recost');
    doc.basket.strategies[0].entry = { ...doc.basket.strategies[0].entry, time: '09:20' };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await recordedDeployment(db, owner, doc, feedId));
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const deps = { db: async () => db, redis, shards: 1 };
    const job = (ts: string, due: boolean) => ({ feedId, underlying: 'NIFTY', shard: 0, shards: 1, ts, due }); // prettier-ignore
    const tick = async (hhmm: string) => {
      const s = ticks.find((x) => x.ts.slice(11, 16) === hhmm)!;
      await recordTick(db, feedId, s);
      return { due: await evaluateShard(deps, job(s.ts, true)), whole: await evaluateShard(deps, job(s.ts, false)) }; // prettier-ignore
    };
    // Nothing held yet: all four are taken as trading and evaluated first; the whole shard's job
    // finds them done.
    expect(await tick('09:18')).toEqual({ due: 4, whole: 4 });
    expect(await tick('09:19')).toEqual({ due: 0, whole: 4 });
    expect(await tick('09:20')).toEqual({ due: 4, whole: 4 }); // the four entries, first
    expect(await tick('09:21')).toEqual({ due: 0, whole: 4 });
    // The entries were filled by the due job: their orders and fills are in.
    const fills = await db.select({ n: sql<number>`count(*)::int` }).from(schema.fills).innerJoin(schema.orders, eq(schema.orders.id, schema.fills.orderId)).where(inArray(schema.orders.deploymentId, ids)); // prettier-ignore
    expect(fills[0].n).toBe(8);
  }, 60_000);

  it('is one for the ticks published together, queued ahead of their whole shards, and evaluates the trades of each tick', async () => {
    const owner = await createTrader(db, 'due-publication');
    const nifty = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const bank = [...simulateSession({ underlying: 'BANKNIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const feeds = { NIFTY: 'recorded:due-pub-nifty', BANKNIFTY: 'recorded:due-pub-bank' } as const;
    const ids: string[] = [];
    for (const [underlying, entry] of [
      ['NIFTY', '09:20'],
      ['NIFTY', '09:21'],
      ['BANKNIFTY', '09:20'],
    ] as const) {
      const doc = exampleDocument('nifty-short-straddle-recost');
      doc.basket.strategies[0].underlying = underlying;
      doc.basket.strategies[0].entry = { ...doc.basket.strategies[0].entry, time: entry };
      ids.push(await recordedDeployment(db, owner, doc, feeds[underlying]));
    }
    const deps = { db: async () => db, redis, shards: 1 };
    const queue = getQueue(shardQueueName(0)); // shard 0 of 1
    const publish = async (hhmm: string) => {
      const at = (xs: typeof nifty) => xs.find((x) => x.ts.slice(11, 16) === hhmm)!;
      const items = [{ feedId: feeds.NIFTY, snapshot: at(nifty) }, { feedId: feeds.BANKNIFTY, snapshot: at(bank) }]; // prettier-ignore
      expect(await publishTicks(deps, items)).toEqual(items);
      expect(await publishTicks(deps, items)).toEqual([]); // published already: nothing recorded or queued again
      const jobs = (await queue.getJobs(['waiting', 'prioritized'])).filter((j) => JSON.stringify(j.data).includes(at(nifty).ts)).map((j) => ({ job: j, data: EvaluateJobSchema.parse(j.data), priority: j.opts.priority ?? 0 })); // prettier-ignore
      const due = jobs.filter((j) => j.data.due);
      const whole = jobs.filter((j) => !j.data.due);
      expect(due).toHaveLength(1);
      expect(due[0].data.ticks?.map((t) => [t.feedId, t.underlying, t.ts])).toEqual(items.map((i) => [i.feedId, i.snapshot.underlying, i.snapshot.ts])); // prettier-ignore
      expect(whole.map((j) => j.data.feedId).sort()).toEqual([feeds.BANKNIFTY, feeds.NIFTY]);
      // A BullMQ priority above 0 runs after every job without one: the whole shards after the due jobs.
      expect(Math.max(...due.map((j) => j.priority))).toBe(0);
      expect(Math.min(...whole.map((j) => j.priority))).toBeGreaterThan(0);
      for (const j of jobs) await j.job.remove();
      let n = 0;
      for (const j of due) n += await evaluateDue(deps, { ...j.data, ts: j.data.ts });
      return n;
    };
    // Nothing held yet: all three are evaluated first.
    expect(await publish('09:18')).toBe(3);
    expect(await publish('09:19')).toBe(0);
    // 09:20: the NIFTY entry and the BANKNIFTY entry, of two feeds; 09:21 the other NIFTY entry.
    expect(await publish('09:20')).toBe(2);
    expect(await publish('09:21')).toBe(1);
    const placed = await db.select({ d: schema.orders.deploymentId, n: sql<number>`count(*)::int` }).from(schema.fills).innerJoin(schema.orders, eq(schema.orders.id, schema.fills.orderId)).where(inArray(schema.orders.deploymentId, ids)).groupBy(schema.orders.deploymentId); // prettier-ignore
    expect(new Map(placed.map((p) => [p.d, p.n]))).toEqual(new Map(ids.map((id) => [id, 2])));
  }, 60_000);
});

describe("a publication's due job", () => {
  it("takes each underlying's newest tick only: a replay catching up publishes older ones too", async () => {
    const feedId = 'recorded:due-catch-up';
    const [a, b, c] = simulateSession({ underlying: 'NIFTY', seed: 6, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 4 }); // prettier-ignore
    const [bank] = simulateSession({ underlying: 'BANKNIFTY', seed: 6, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 4 }); // prettier-ignore
    const deps = { db: async () => db, redis, shards: 1 };
    const items = [a, b, bank, c].map((snapshot) => ({ feedId, snapshot }));
    expect(await publishTicks(deps, items)).toEqual(items);
    const jobs = (await getQueue(shardQueueName(0)).getJobs(['waiting', 'prioritized'])).filter((j) => (j.data as { feedId: string }).feedId === feedId); // prettier-ignore
    const data = jobs.map((j) => EvaluateJobSchema.parse(j.data));
    const due = data.filter((d) => d.due);
    expect(due).toHaveLength(1);
    expect(due[0].ticks?.map((t) => `${t.underlying} ${t.ts}`)).toEqual([`NIFTY ${c.ts}`, `BANKNIFTY ${bank.ts}`]); // prettier-ignore
    // Every tick still has its whole-shard job (what a skipped one was counts there).
    expect(data.filter((d) => !d.due).map((d) => d.ts).sort()).toEqual([a.ts, b.ts, bank.ts, c.ts].sort()); // prettier-ignore
    for (const j of jobs) await j.remove();
  });
});

/** At least four deployments entering at 09:20 on one NIFTY feed, on both shards of two. */
async function entriesOnBothShards(feedId: string) {
  const owner = await createTrader(db, feedId.replace('recorded:', ''));
  const doc = exampleDocument('nifty-short-straddle-recost');
  doc.basket.strategies[0].entry = { ...doc.basket.strategies[0].entry, time: '09:20' };
  const ids: string[] = [];
  while (ids.length < 4 || new Set(ids.map((id) => shardOf(id, 2))).size < 2)
    ids.push(await recordedDeployment(db, owner, doc, feedId));
  const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
  return { ids, ticks, deps: { db: async () => db, redis, shards: 2 } };
}

describe("one process's due jobs of a publication", () => {
  it("trade together: the shards' due jobs started together commit their entries in one transaction", async () => {
    const feedId = 'recorded:due-pass';
    const { ids, ticks, deps } = await entriesOnBothShards(feedId);
    const minute = async (hhmm: string) => {
      const s = ticks.find((x) => x.ts.slice(11, 16) === hhmm)!;
      await recordTick(db, feedId, s);
      const job = (shard: number, due: boolean) => ({ feedId, underlying: 'NIFTY', shard, shards: 2, ts: s.ts, due }); // prettier-ignore
      // As one worker process holding both shard queues gets them: together.
      const due = await Promise.all([evaluateShard(deps, job(0, true)), evaluateShard(deps, job(1, true))]); // prettier-ignore
      const whole = [await evaluateShard(deps, job(0, false)), await evaluateShard(deps, job(1, false))]; // prettier-ignore
      return { due: due[0] + due[1], whole: whole[0] + whole[1], at: s.ts };
    };
    expect(await minute('09:18')).toMatchObject({ due: ids.length, whole: ids.length }); // none held yet: all first
    expect(await minute('09:19')).toMatchObject({ due: 0, whole: ids.length });
    const entry = await minute('09:20');
    expect(entry).toMatchObject({ due: ids.length, whole: ids.length });
    // Every entry's outbox rows were written by one transaction (its start is their created_at).
    const decided = await db.selectDistinct({ at: schema.orderIntents.createdAt }).from(schema.orderIntents).where(inArray(schema.orderIntents.deploymentId, ids)); // prettier-ignore
    expect(decided).toHaveLength(1);
    const fills = await db.select({ n: sql<number>`count(*)::int` }).from(schema.fills).where(inArray(schema.fills.deploymentId, ids)); // prettier-ignore
    expect(fills[0].n).toBe(2 * ids.length);
  }, 60_000);

  it('joins only while the first one reads: a later one runs on its own, and trades its shard', async () => {
    const feedId = 'recorded:due-pass-late';
    const { ids, ticks, deps } = await entriesOnBothShards(feedId);
    const s = ticks.find((x) => x.ts.slice(11, 16) === '09:20')!;
    await recordTick(db, feedId, s);
    const job = (shard: number) => ({ feedId, underlying: 'NIFTY', shard, shards: 2, ts: s.ts, due: true }); // prettier-ignore
    const counts = [await evaluateShard(deps, job(0)), await evaluateShard(deps, job(1))];
    expect(counts).toEqual([0, 1].map((k) => ids.filter((id) => shardOf(id, 2) === k).length));
    const decided = await db.selectDistinct({ at: schema.orderIntents.createdAt }).from(schema.orderIntents).where(inArray(schema.orderIntents.deploymentId, ids)); // prettier-ignore
    expect(decided).toHaveLength(2);
  }, 60_000);
});

describe("a tick's evaluate jobs", () => {
  it("go to their shard's queue, which one worker process serves (its lease's holder)", async () => {
    const feedId = 'recorded:due-queues';
    const [first] = simulateSession({ underlying: 'NIFTY', seed: 6, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 4 }); // prettier-ignore
    const deps = { db: async () => db, redis, shards: SHARD_QUEUES };
    await publishTicks(deps, [{ feedId, snapshot: first }]);
    for (let shard = 0; shard < SHARD_QUEUES; shard++) {
      const jobs = (await getQueue(shardQueueName(shard)).getJobs(['waiting', 'prioritized'])).filter((j) => (j.data as { feedId: string }).feedId === feedId); // prettier-ignore
      expect(jobs.map((j) => ({ shard: EvaluateJobSchema.parse(j.data).shard, due: !!EvaluateJobSchema.parse(j.data).due })).sort((a, b) => Number(a.due) - Number(b.due))).toEqual([{ shard, due: false }, { shard, due: true }]); // prettier-ignore
      for (const j of jobs) await j.remove();
    }
  });
});

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

/**
 * What a feed records: each tick once, never one older than the newest, and the close of a
 * session when the next session's first tick comes. On the test database (PGlite, or Postgres
 * with DATABASE_URL).
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { schema } from '@/db/client';
import { simulateSession } from '@/engine/market/simulator';
import { loggedDb, openTestDb, type TestDb } from '@/tests/setup/db';
import {
  closesBefore,
  newestTickTs,
  recordTick,
  recordTicks,
  snapshotAt,
  ticksAround,
} from './feed-store';

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await openTestDb();
  db = t.db;
}, 60_000);
afterAll(async () => t?.close());

const day = (date: string, underlying = 'NIFTY') => [...simulateSession({ underlying, seed: 6, date, intervalSeconds: 60, strikesEachSide: 5 })]; // prettier-ignore

describe('recording a feed', () => {
  it('records each tick once and refuses one that is not newer than the newest', async () => {
    const feedId = 'recorded:feed-store-once';
    const [a, b, c] = day('2026-08-18');
    expect(await recordTick(db, feedId, a)).toBe(true);
    expect(await recordTick(db, feedId, c)).toBe(true);
    expect(await recordTick(db, feedId, c)).toBe(false); // a retried job
    expect(await recordTick(db, feedId, b)).toBe(false); // late: older than the newest
    expect(await newestTickTs(db, feedId, 'NIFTY')).toBe(c.ts);
    expect((await snapshotAt(db, feedId, 'NIFTY', c.ts))?.spot).toBe(c.spot);
    const rows = await db.select({ ts: schema.feedSnapshots.ts }).from(schema.feedSnapshots).where(eq(schema.feedSnapshots.feedId, feedId)); // prettier-ignore
    expect(rows.map((r) => r.ts).sort()).toEqual([a.ts, c.ts]);
  });

  it("writes a session's close when the next session's first tick is recorded, and no close before", async () => {
    const feedId = 'recorded:feed-store-close';
    const first = day('2026-08-18');
    const next = day('2026-08-19');
    for (const s of first.slice(0, 30)) await recordTick(db, feedId, s);
    const closes = () => db.select().from(schema.feedCloses).where(and(eq(schema.feedCloses.feedId, feedId), eq(schema.feedCloses.underlying, 'NIFTY'))); // prettier-ignore
    expect(await closes()).toEqual([]);
    expect(await recordTick(db, feedId, next[0])).toBe(true);
    const [close] = await closes();
    expect(close.day).toBe('2026-08-18');
    expect(close.spot).toBe(first[29].spot);
    expect(await closesBefore(db, feedId, 'NIFTY', '2026-08-19')).toEqual([
      expect.objectContaining({ day: '2026-08-18', spot: first[29].spot }),
    ]);
    // The second tick of the session writes nothing more.
    expect(await recordTick(db, feedId, next[1])).toBe(true);
    expect(await closes()).toHaveLength(1);
  });

  it('records ticks published together in one go: the new ones, each once, in the order given', async () => {
    const nifty = day('2026-08-18');
    const bank = day('2026-08-18', 'BANKNIFTY');
    const item = (feedId: string, snapshot: (typeof nifty)[number]) => ({ feedId, snapshot });
    const a = 'recorded:feed-store-batch-a';
    const b = 'recorded:feed-store-batch-b';
    expect(await recordTicks(db, [item(a, nifty[0]), item(a, bank[0]), item(b, nifty[0])])).toHaveLength(3); // prettier-ignore
    // Again with one newer tick: only that one; an older one (late) is refused.
    const again = [item(a, nifty[0]), item(a, bank[1]), item(b, nifty[0])];
    expect(await recordTicks(db, again)).toEqual([again[1]]);
    expect(await recordTicks(db, [item(b, nifty[2]), item(b, nifty[1])])).toEqual([
      item(b, nifty[2]),
    ]); // the second is older than the first
    // Two ticks of one underlying in a batch: both, in order.
    const two = [item(a, nifty[1]), item(a, nifty[2])];
    expect(await recordTicks(db, two)).toEqual(two);
    expect(await newestTickTs(db, a, 'NIFTY')).toBe(nifty[2].ts);
    expect(await newestTickTs(db, a, 'BANKNIFTY')).toBe(bank[1].ts);
    expect((await snapshotAt(db, a, 'BANKNIFTY', bank[1].ts))?.spot).toBe(bank[1].spot);
    const around = await ticksAround(db, [{ feedId: a, underlying: 'NIFTY', ts: nifty[1].ts }, { feedId: b, underlying: 'BANKNIFTY', ts: bank[0].ts }]); // prettier-ignore
    expect(around.get(`${a}|NIFTY|${nifty[1].ts}`)).toEqual({
      newest: nifty[2].ts,
      previous: nifty[0].ts,
    });
    expect(around.get(`${b}|BANKNIFTY|${bank[0].ts}`)).toEqual({ newest: null, previous: null });
  });

  it('reads the newest tick back only when this handle recorded none of the session, and still refuses a tick another publisher made late', async () => {
    const feedId = 'recorded:feed-store-recorded-here';
    const nifty = day('2026-08-18');
    const next = day('2026-08-19');
    const sent: string[] = [];
    const here = loggedDb(t, (q) => void sent.push(q));
    const reads = () => sent.filter((q) => q.includes('(select s.ts from feed_snapshots s')).length;
    expect(await recordTicks(here, [{ feedId, snapshot: nifty[0] }])).toHaveLength(1);
    expect(reads()).toBe(1); // nothing recorded here yet: the newest is read
    expect(await recordTicks(here, [{ feedId, snapshot: nifty[1] }])).toHaveLength(1);
    expect(reads()).toBe(1); // a tick of the same session recorded here a moment ago: no read
    // Another publisher (another handle) records a newer tick; this one's next is then late.
    expect(await recordTicks(db, [{ feedId, snapshot: nifty[3] }])).toHaveLength(1);
    expect(await recordTicks(here, [{ feedId, snapshot: nifty[2] }])).toEqual([]);
    expect(await newestTickTs(db, feedId, 'NIFTY')).toBe(nifty[3].ts);
    // The next session's first tick reads the newest back and closes the session it ends.
    expect(await recordTicks(here, [{ feedId, snapshot: next[0] }])).toHaveLength(1);
    expect(reads()).toBe(2);
    const closes = await db.select().from(schema.feedCloses).where(eq(schema.feedCloses.feedId, feedId)); // prettier-ignore
    expect(closes.map((c) => [c.day, c.spot])).toEqual([['2026-08-18', nifty[3].spot]]);
  });

  it("writes a session's close when a batch holds the next session's first tick", async () => {
    const feedId = 'recorded:feed-store-batch-close';
    const first = day('2026-08-18');
    const next = day('2026-08-19');
    const bank = day('2026-08-19', 'BANKNIFTY');
    await recordTicks(
      db,
      first.slice(0, 20).map((snapshot) => ({ feedId, snapshot })),
    );
    expect(await newestTickTs(db, feedId, 'NIFTY')).toBe(first[19].ts);
    const got = await recordTicks(db, [
      { feedId, snapshot: next[0] },
      { feedId, snapshot: bank[0] },
    ]);
    expect(got.map((i) => i.snapshot.underlying)).toEqual(['NIFTY', 'BANKNIFTY']);
    const closes = await db.select().from(schema.feedCloses).where(eq(schema.feedCloses.feedId, feedId)); // prettier-ignore
    expect(closes.map((c) => [c.underlying, c.day, c.spot])).toEqual([['NIFTY', '2026-08-18', first[19].spot]]); // prettier-ignore
  });

  it('shares a chain being read only on the same handle: a transaction never waits for a read started outside it', async () => {
    const feedId = 'recorded:feed-store-shared-read';
    const [a] = day('2026-08-20');
    await recordTick(db, feedId, a);
    // A transaction under way, a read of a chain on the pool meanwhile, then the same chain read
    // inside the transaction. On PGlite (one connection) the pool's read waits for the
    // transaction to end: had the transaction taken that read's answer, neither would end.
    let outside: Promise<unknown> | undefined;
    const inside = await db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      outside = snapshotAt(db, feedId, 'NIFTY', a.ts);
      return snapshotAt(tx as unknown as Db, feedId, 'NIFTY', a.ts);
    });
    expect(inside?.spot).toBe(a.spot);
    expect(((await outside) as typeof inside)?.spot).toBe(a.spot);
  }, 10_000);
});

/**
 * What a feed records: each tick once, never one older than the newest, and the close of a
 * session when the next session's first tick comes. On the test database (PGlite, or Postgres
 * with DATABASE_URL).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { schema } from '@/db/client';
import { simulateSession } from '@/engine/market/simulator';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { closesBefore, newestTickTs, recordTick, snapshotAt } from './feed-store';

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await openTestDb();
  db = t.db;
}, 60_000);
afterAll(async () => t?.close());

const day = (date: string) => [...simulateSession({ underlying: 'NIFTY', seed: 6, date, intervalSeconds: 60, strikesEachSide: 5 })]; // prettier-ignore

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
});

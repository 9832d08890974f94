/**
 * What a feed published, kept in Postgres: every tick's chain snapshot (gzip JSON, once per feed,
 * underlying and time, whoever publishes it first) and the daily closes the condition facts read.
 * Evaluations, the paper venue and replay all read snapshots from here by (feed, underlying, ts),
 * so a deployment is re-run on exactly the chains it saw.
 */
import { and, asc, desc, eq, gt, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { column, rowsOf } from '@/db/columns';
import { executePrepared } from '@/db/prepared';
import { feedCloses, feedSnapshots } from '@/db/schema';
import { decodeSnapshot, encodeSnapshot } from '@/db/feed-snapshots';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { sessionDayOf } from '@/engine/session/driver';
import { type DailyClose, type MarketView, sessionAtmIv } from '@/engine/session/market-memory';

const encode = encodeSnapshot;
const decode = decodeSnapshot;

/**
 * Records a tick. Returns false when this (feed, underlying, ts) was already recorded (another
 * worker, or a retried job, got there first): the caller then has nothing more to do. The first
 * tick of a new session closes the previous session (its last snapshot is the close).
 */
export async function recordTick(db: Db, feedId: string, s: ChainSnapshot): Promise<boolean> {
  // Two statements and no transaction for the usual tick (a feed publishes five underlyings a
  // second, and each one's evaluations wait for it); the first of a session writes its close in
  // the same transaction as the tick, since closesBefore keeps a day's closes once read.
  const prev = await newestTs(db, feedId, s.underlying);
  if (prev && Date.parse(prev) >= Date.parse(s.ts)) return false;
  if (prev && sessionDayOf({ ...s, ts: prev }) !== sessionDayOf(s))
    return db.transaction(async (tx) => {
      if (!(await insertTick(tx as unknown as Db, feedId, s))) return false;
      const day = sessionDayOf({ ...s, ts: prev });
      const last = await snapshotAt(tx as unknown as Db, feedId, s.underlying, prev);
      if (last)
        await tx
          .insert(feedCloses)
          .values({
            feedId,
            underlying: s.underlying,
            day,
            spot: last.spot,
            vix: last.vix ?? null,
            atmIv: sessionAtmIv(last, day, {}) ?? null,
          })
          .onConflictDoNothing();
      return true;
    });
  return insertTick(db, feedId, s);
}

/**
 * The newest tick recorded through each database handle, per feed and underlying. A publisher
 * that recorded a tick of the same session a moment ago knows no session starts with the next
 * one, and skips reading the newest tick back: one round trip less before every evaluation of a
 * second. Only a tick recorded here counts; the insert still refuses one older than the newest
 * recorded by anyone (another publisher, a retried job).
 */
const recordedHere = new WeakMap<Db, Map<string, string>>();
const RECORDED_MAX = 1_024;

/**
 * Records ticks of several feeds or underlyings at once (a feed's second: one tick per
 * underlying): one guarded insert for the lot, after a read of the newest tick of those this
 * handle recorded no tick of the same session for (`recordedHere`), instead of two statements per
 * tick, since every evaluation of the second waits for them. A tick that opens a session, or a
 * second tick of the same underlying in the batch, goes through `recordTick` alone, in order.
 * Returns the ticks recorded, in the order given.
 */
export async function recordTicks<T extends { feedId: string; snapshot: ChainSnapshot }>(
  db: Db,
  items: readonly T[],
): Promise<T[]> {
  const pairKey = (i: T) => `${i.feedId}|${i.snapshot.underlying}`;
  const seen = new Set<string>();
  const alone = new Set<T>();
  for (const i of items) {
    if (seen.has(pairKey(i))) alone.add(i);
    seen.add(pairKey(i));
  }
  const batch = items.filter((i) => !alone.has(i));
  // The newest tick of each one's underlying, read only for those this handle did not record a
  // tick of the same session for (ticksAround's `previous` is not needed here).
  const mine = recordedHere.get(db) ?? new Map<string, string>();
  recordedHere.set(db, mine);
  const sameSession = (i: T, ts: string | undefined) => !!ts && sessionDayOf({ ...i.snapshot, ts }) === sessionDayOf(i.snapshot); // prettier-ignore
  const unknown = new Set(batch.filter((i) => !sameSession(i, mine.get(pairKey(i)))));
  const around = unknown.size ? await ticksAround(db, [...unknown].map((i) => ({ feedId: i.feedId, underlying: i.snapshot.underlying, ts: i.snapshot.ts }))) : new Map(); // prettier-ignore
  const together: T[] = [];
  for (const i of batch) {
    const prev = unknown.has(i) ? around.get(`${pairKey(i)}|${i.snapshot.ts}`)?.newest : mine.get(pairKey(i)); // prettier-ignore
    if (prev && Date.parse(prev) >= Date.parse(i.snapshot.ts)) continue; // recorded already, or late
    if (prev && !sameSession(i, prev)) alone.add(i);
    else together.push(i);
  }
  const recorded = new Set<T>();
  for (const i of await insertTicks(db, together)) recorded.add(i);
  for (const i of items) if (alone.has(i) && (await recordTick(db, i.feedId, i.snapshot))) recorded.add(i); // prettier-ignore
  for (const i of recorded) {
    if (!mine.has(pairKey(i)) && mine.size >= RECORDED_MAX) mine.delete(mine.keys().next().value as string); // prettier-ignore
    mine.set(pairKey(i), i.snapshot.ts);
  }
  return items.filter((i) => recorded.has(i));
}

/** Inserts the tick unless a tick as new is recorded already (another publisher got there first). */
async function insertTick(db: Db, feedId: string, s: ChainSnapshot): Promise<boolean> {
  return (await insertTicks(db, [{ feedId, snapshot: s }])).length > 0;
}

/** Inserts ticks, each unless a tick as new of its underlying is recorded already; returns those inserted. */
async function insertTicks<T extends { feedId: string; snapshot: ChainSnapshot }>(
  db: Db,
  items: readonly T[],
): Promise<T[]> {
  if (items.length === 0) return [];
  const inserted = rowsOf<{ f: string; u: string; ts: string }>(
    await executePrepared(
      db,
      sql`insert into feed_snapshots (feed_id, underlying, ts, body)
      select v.f, v.u, v.ts, decode(v.b, 'base64')
      from unnest(${column(items.map((i) => i.feedId))}::text[], ${column(items.map((i) => i.snapshot.underlying))}::text[], ${column(items.map((i) => i.snapshot.ts))}::text[], ${column(items.map((i) => encode(i.snapshot).toString('base64')))}::text[]) as v(f, u, ts, b)
      where not exists (select 1 from feed_snapshots s where s.feed_id = v.f and s.underlying = v.u and s.ts >= v.ts)
      on conflict do nothing
      returning feed_id as f, underlying as u, ts`,
    ),
  );
  const got = new Set(inserted.map((r) => `${r.f}|${r.u}|${r.ts}`));
  return items.filter((i) => got.has(`${i.feedId}|${i.snapshot.underlying}|${i.snapshot.ts}`));
}

/**
 * Recorded chains never change, and every deployment on a feed evaluates the same ones: the few
 * newest are kept decoded in memory, so a tick's chain is read and unzipped once per process, not
 * once per deployment. Steps never modify their input chains (the kernel is pure).
 */
const decoded = new Map<string, ChainSnapshot>();
const DECODED_MAX = 48;

function remember(key: string, s: ChainSnapshot): ChainSnapshot {
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value as string);
  decoded.set(key, s);
  return s;
}

export async function snapshotAt(
  db: Db,
  feedId: string,
  underlying: string,
  ts: string,
): Promise<ChainSnapshot | undefined> {
  const key = `${feedId}|${underlying}|${ts}`;
  const hit = decoded.get(key);
  if (hit) return hit;
  // A tick's jobs in this process start together: one read and one unzip for all of them. Only
  // among callers on the same handle (the pool, or one transaction): on PGlite, one connection,
  // a transaction that waited for a read started outside it would wait forever, since that read
  // waits for the transaction to end.
  const mine = inFlight.get(db) ?? new Map<string, Promise<ChainSnapshot | undefined>>();
  inFlight.set(db, mine);
  const reading = mine.get(key);
  if (reading) return reading;
  const read = readSnapshot(db, key, feedId, underlying, ts).finally(() => mine.delete(key));
  mine.set(key, read);
  return read;
}

const inFlight = new WeakMap<Db, Map<string, Promise<ChainSnapshot | undefined>>>();

async function readSnapshot(
  db: Db,
  key: string,
  feedId: string,
  underlying: string,
  ts: string,
): Promise<ChainSnapshot | undefined> {
  const [row] = await db
    .select({ body: feedSnapshots.body })
    .from(feedSnapshots)
    .where(
      and(
        eq(feedSnapshots.feedId, feedId),
        eq(feedSnapshots.underlying, underlying),
        eq(feedSnapshots.ts, ts),
      ),
    )
    .prepare('snapshot-at')
    .execute();
  return row ? remember(key, decode(row.body)) : undefined;
}

/**
 * Time of the newest tick of a feed's underlying, at or before `bound.atOrBefore` or strictly
 * before `bound.before` when given: the one query behind the three readers below.
 */
async function newestTs(
  db: Db,
  feedId: string,
  underlying: string,
  bound: { atOrBefore?: string; before?: string } = {},
): Promise<string | undefined> {
  const conds = [eq(feedSnapshots.feedId, feedId), eq(feedSnapshots.underlying, underlying)];
  if (bound.atOrBefore) conds.push(lte(feedSnapshots.ts, bound.atOrBefore));
  if (bound.before) conds.push(lt(feedSnapshots.ts, bound.before));
  const [row] = await db
    .select({ ts: feedSnapshots.ts })
    .from(feedSnapshots)
    .where(and(...conds))
    .orderBy(desc(feedSnapshots.ts))
    .limit(1);
  return row?.ts;
}

/** The newest snapshot of a feed's underlying, at or before `ts` when given (decoded once per process). */
export async function latestSnapshot(
  db: Db,
  feedId: string,
  underlying: string,
  atOrBefore?: string,
): Promise<ChainSnapshot | undefined> {
  const ts = await newestTs(db, feedId, underlying, { atOrBefore });
  return ts ? snapshotAt(db, feedId, underlying, ts) : undefined;
}

/** Time of the newest tick of a feed's underlying (no chain is read). */
export const newestTickTs = (db: Db, feedId: string, underlying: string) =>
  newestTs(db, feedId, underlying);

/** Time of the feed's tick just before `ts` (none: `ts` is its first). */
export const previousTickTs = (db: Db, feedId: string, underlying: string, ts: string) =>
  newestTs(db, feedId, underlying, { before: ts });

/**
 * For each tick, its underlying's newest tick and the tick before it: one statement for the ticks
 * a due job was given. Keyed `feedId|underlying|ts`.
 */
export async function ticksAround(
  db: Db,
  ticks: readonly { feedId: string; underlying: string; ts: string }[],
): Promise<Map<string, { newest: string | null; previous: string | null }>> {
  const rows = rowsOf<{ f: string; u: string; ts: string; newest: string | null; previous: string | null }>(
    await executePrepared(db, sql`select v.f, v.u, v.ts,
      (select s.ts from feed_snapshots s where s.feed_id = v.f and s.underlying = v.u order by s.ts desc limit 1) as newest,
      (select s.ts from feed_snapshots s where s.feed_id = v.f and s.underlying = v.u and s.ts < v.ts order by s.ts desc limit 1) as previous
      from unnest(${column(ticks.map((t) => t.feedId))}::text[], ${column(ticks.map((t) => t.underlying))}::text[], ${column(ticks.map((t) => t.ts))}::text[]) as v(f, u, ts)`),
  ); // prettier-ignore
  return new Map(rows.map((r) => [`${r.f}|${r.u}|${r.ts}`, { newest: r.newest, previous: r.previous }])); // prettier-ignore
}

/** Ticks of the feed after `after` up to and including `upTo` (ts order), for counting what was skipped. */
export async function ticksBetween(
  db: Db,
  feedId: string,
  underlying: string,
  after: string,
  upTo: string,
): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(feedSnapshots)
    .where(
      and(
        eq(feedSnapshots.feedId, feedId),
        eq(feedSnapshots.underlying, underlying),
        gt(feedSnapshots.ts, after),
        lte(feedSnapshots.ts, upTo),
      ),
    );
  return r?.n ?? 0;
}

/** Closes before a day are complete once a tick of that day is recorded (same transaction): kept. */
const closesCache = new Map<string, DailyClose[]>();

export async function closesBefore(
  db: Db,
  feedId: string,
  underlying: string,
  day: string,
): Promise<DailyClose[]> {
  const key = `${feedId}|${underlying}|${day}`;
  const hit = closesCache.get(key);
  if (hit) return hit;
  const rows = await db
    .select()
    .from(feedCloses)
    .where(
      and(
        eq(feedCloses.feedId, feedId),
        eq(feedCloses.underlying, underlying),
        lt(feedCloses.day, day),
      ),
    )
    .orderBy(asc(feedCloses.day));
  const closes = rows.map((r) => {
    const c: DailyClose = { day: r.day, spot: r.spot };
    if (r.vix !== null) c.vix = r.vix;
    if (r.atmIv !== null) c.atmIv = r.atmIv;
    return c;
  });
  if (closesCache.size >= 256) closesCache.delete(closesCache.keys().next().value as string);
  closesCache.set(key, closes);
  return closes;
}

/**
 * The market a deployment's step sees: the chain it last saw (or the tick being applied) and the
 * feed's closes of earlier sessions, loaded before the step (a step itself never waits on I/O).
 */
export class FeedMarket implements MarketView {
  private readonly chains = new Map<string, ChainSnapshot>();
  private readonly closeRows = new Map<string, DailyClose[]>();

  constructor(
    private readonly db: Db,
    readonly feedId: string,
  ) {}

  /** Makes `s` the chain of its underlying and loads the closes before its session. */
  async show(s: ChainSnapshot): Promise<void> {
    this.chains.set(s.underlying, s);
    const day = sessionDayOf(s);
    const key = `${s.underlying}|${day}`;
    if (!this.closeRows.has(key))
      this.closeRows.set(key, await closesBefore(this.db, this.feedId, s.underlying, day));
  }

  /** Shows the chain of every underlying at the time the state last saw it. */
  async showLast(state: { lastSnapshotTs: Record<string, string> }): Promise<void> {
    for (const [u, ts] of Object.entries(state.lastSnapshotTs)) await this.showAt(u, ts);
  }

  /** Shows the chain at `ts` (the last the deployment saw), when there is one. */
  private async showAt(underlying: string, ts: string | undefined): Promise<void> {
    if (!ts || this.chains.get(underlying)?.ts === ts) return;
    const s = await snapshotAt(this.db, this.feedId, underlying, ts);
    if (s) await this.show(s);
  }

  chain(underlying: string): ChainSnapshot | undefined {
    return this.chains.get(underlying);
  }

  closes(underlying: string): readonly DailyClose[] {
    const s = this.chains.get(underlying);
    return s ? (this.closeRows.get(`${underlying}|${sessionDayOf(s)}`) ?? []) : [];
  }
}

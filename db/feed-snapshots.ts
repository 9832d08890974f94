/**
 * How a feed's chain snapshot is stored in feed_snapshots.body (gzip JSON), and the newest one of
 * an underlying: written by the feed workers, read by them and by the deployment page (LTP, greeks).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { and, desc, eq, lte } from 'drizzle-orm';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import type { Db } from './client';
import { feedSnapshots } from './schema';

export const encodeSnapshot = (s: ChainSnapshot): Buffer =>
  gzipSync(Buffer.from(JSON.stringify(s)), { level: 1 });
export const decodeSnapshot = (b: Buffer): ChainSnapshot =>
  JSON.parse(gunzipSync(b).toString('utf8')) as ChainSnapshot;

/** The newest snapshot of a feed's underlying, at or before `ts` when given. */
export async function latestSnapshot(
  db: Db,
  feedId: string,
  underlying: string,
  atOrBefore?: string,
): Promise<ChainSnapshot | undefined> {
  const conds = [eq(feedSnapshots.feedId, feedId), eq(feedSnapshots.underlying, underlying)];
  if (atOrBefore) conds.push(lte(feedSnapshots.ts, atOrBefore));
  const [row] = await db
    .select({ body: feedSnapshots.body })
    .from(feedSnapshots)
    .where(and(...conds))
    .orderBy(desc(feedSnapshots.ts))
    .limit(1);
  return row ? decodeSnapshot(row.body) : undefined;
}

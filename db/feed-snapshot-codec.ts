/** How a feed's chain snapshot is stored in `feed_snapshots.body`: gzip JSON (level 1, written every tick). */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ChainSnapshot } from '@/engine/market/snapshot';

export const encodeSnapshot = (s: ChainSnapshot): Buffer =>
  gzipSync(Buffer.from(JSON.stringify(s)), { level: 1 });

export const decodeSnapshot = (b: Buffer): ChainSnapshot =>
  JSON.parse(gunzipSync(b).toString('utf8')) as ChainSnapshot;

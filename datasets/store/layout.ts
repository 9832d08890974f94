/**
 * Where the chain store keeps its files and what each holds. One folder per underlying and
 * session day, written whole and swapped in atomically, so readers never see half a day:
 *
 *   <DATA_DIR>/chains/<UNDERLYING>/<YYYY-MM-DD>/day.json        the day's summary (DayManifest)
 *                                               snapshots.json  snapshot-level fields, columnar
 *                                               options.parquet one row per option quote
 *
 * options.parquet is sorted by (expiry, strike, right, snapshot) in small row groups, so a read
 * of a few expiries and a strike band skips the rest of the file on its min/max statistics.
 * Absent quote fields are NaN (a snapshot without a bid has none after the round trip).
 * Folders are 0700 and files 0600: market data bought by the user is theirs alone.
 */
import path from 'node:path';
import { z } from 'zod';

export const STORE_VERSION = 1;
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function storeRoot(dataDir: string): string {
  return path.resolve(dataDir, 'chains');
}

const UNDERLYING = /^[A-Z0-9][A-Z0-9._-]{0,29}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function checkUnderlying(u: string): string {
  if (!UNDERLYING.test(u))
    throw new Error(
      `underlying "${u}" is not a stored name: use the symbol in capitals, e.g. NIFTY or BANKNIFTY`,
    );
  return u;
}

export function checkDay(d: string): string {
  if (!DAY.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
    throw new Error(`day "${d}" is not a date: give it as YYYY-MM-DD`);
  return d;
}

export function dayDir(root: string, underlying: string, day: string): string {
  return path.join(root, checkUnderlying(underlying), checkDay(day));
}

export const DayManifestSchema = z.object({
  version: z.literal(STORE_VERSION),
  underlying: z.string(),
  day: z.string(),
  snapshots: z.number().int(),
  options: z.number().int(),
  from: z.string(),
  to: z.string(),
  spotLow: z.number(),
  spotHigh: z.number(),
  /** Per expiry: strikes listed during the day (ascending) and those not quoted in both rights by every snapshot listing it. */
  expiries: z.array(
    z.object({
      expiry: z.string(),
      strikes: z.array(z.number()),
      unsteady: z.array(z.number()),
      options: z.number().int(),
    }),
  ),
  /** Bytes of the day's data files (options.parquet and snapshots.json). */
  bytes: z.number().int(),
  source: z.string(),
  importedAt: z.string(),
});
export type DayManifest = z.infer<typeof DayManifestSchema>;

/**
 * Snapshot-level fields of a day, one array entry per snapshot in time order. `chains[i]` lists
 * snapshot i's expiries as [index into `expiries`, forward or null, number of options].
 */
export const DaySnapshotsSchema = z.object({
  ts: z.array(z.string()),
  spot: z.array(z.number()),
  vix: z.array(z.number().nullable()),
  futures: z.array(z.number().nullable()),
  expiries: z.array(z.string()),
  chains: z.array(z.array(z.tuple([z.number().int(), z.number().nullable(), z.number().int()]))),
});
export type DaySnapshots = z.infer<typeof DaySnapshotsSchema>;

export const OPTION_COLUMNS = [
  'expiry',
  'strike',
  'right',
  'snap',
  'bid',
  'ask',
  'ltp',
  'iv',
  'oi',
  'volume',
] as const;

/** Days since 1970-01-01 of a YYYY-MM-DD (the options file stores expiries as this integer). */
export function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

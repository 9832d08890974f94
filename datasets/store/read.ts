/**
 * Chain snapshots back out of the store, a session day at a time (memory: one day's projected
 * options). Given a basket's reach (engine/reach), only the expiries it can touch and, where
 * provable, a band of strikes around spot are read; every snapshot still lists all its expiries
 * (empty where not read), so "weekly +1" means the same expiry as on the full chain.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { ChainSnapshot, ExpiryChain, OptionQuote } from '@/engine/market/snapshot';
import type { ChainReach } from '@/engine/reach/reach';
import { dayWindows, type DayListing, type StrikeWindow } from '@/engine/reach/window';
import { ownConnection, sqlString } from './duckdb';
import {
  DayManifestSchema,
  DaySnapshotsSchema,
  checkUnderlying,
  dayDir,
  dayNumber,
  type DayManifest,
  type DaySnapshots,
} from './layout';

export type StoreReadOptions = {
  underlying: string;
  /** First and last session day, inclusive (YYYY-MM-DD); absent means from the first / to the last stored. */
  from?: string;
  to?: string;
  /** The basket's reach: read only what it can touch. Absent: every option. */
  reach?: ChainReach;
  /** After each day is read, with what was read of it. */
  onDay?: (d: DayRead) => void;
};

export type DayRead = {
  day: string;
  snapshots: number;
  /** Options stored that day and options read. */
  stored: number;
  read: number;
  windows: Record<string, StrikeWindow>;
};

/** Session days stored for an underlying, ascending. */
export function storedDays(root: string, underlying: string): string[] {
  const dir = path.join(root, checkUnderlying(underlying));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && existsSync(path.join(dir, d, 'day.json')))
    .sort();
}

export function readManifest(root: string, underlying: string, day: string): DayManifest {
  const file = path.join(dayDir(root, underlying, day), 'day.json');
  if (!existsSync(file))
    throw new Error(
      `no ${underlying} chains stored for ${day}: import them first (npm run -s cli -- import FILE)`,
    );
  return DayManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

function readDaySnapshots(root: string, underlying: string, day: string): DaySnapshots {
  const file = path.join(dayDir(root, underlying, day), 'snapshots.json');
  return DaySnapshotsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * A vector's values as the typed array DuckDB filled: a zero-copy view. The public getItem()
 * converts value by value (with validity checks through BigInt), several times slower; absent
 * values are stored as NaN, so no validity is needed.
 */
function values(chunk: DuckDBDataChunk, column: number): ArrayLike<number> {
  const v = chunk.getColumnVector(column) as unknown as {
    items?: ArrayLike<number>;
    getItem(i: number): unknown;
  };
  if (v.items && ArrayBuffer.isView(v.items)) return v.items;
  return Array.from({ length: chunk.rowCount }, (_, i) => Number(v.getItem(i)));
}

/**
 * A day's rows as columns, appended query by query. Options become objects only when their
 * snapshot is yielded: a day's worth of objects alive at once would cost more in garbage
 * collection than the read itself.
 */
class DayRows {
  n = 0;
  expiry = new Int32Array(0);
  snap = new Uint16Array(0);
  right = new Uint8Array(0);
  /** strike, bid, ask, ltp, iv, oi, volume */
  num: Float64Array[] = [];

  /** Empties the rows, keeping room for `capacity` of them (buffers are reused day after day). */
  reset(capacity: number): void {
    this.n = 0;
    this.ensure(capacity);
  }

  private ensure(capacity: number): void {
    if (this.snap.length >= capacity) return;
    const cap = Math.max(capacity, this.snap.length * 2);
    const grown = <T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(
      make: (n: number) => T,
      old: T,
    ): T => {
      const a = make(cap);
      a.set(old);
      return a;
    };
    this.expiry = grown((k) => new Int32Array(k), this.expiry);
    this.snap = grown((k) => new Uint16Array(k), this.snap);
    this.right = grown((k) => new Uint8Array(k), this.right);
    this.num = Array.from({ length: 7 }, (_, c) =>
      grown((k) => new Float64Array(k), this.num[c] ?? new Float64Array(0)),
    );
  }

  /**
   * Appends the rows of a query (expiry, snap, strike, right, bid, ask, ltp, iv, oi, volume),
   * column by column; with `keep`, only the rows it accepts.
   */
  async add(
    connection: DuckDBConnection,
    sql: string,
    keep?: (snap: number, expiryDay: number) => boolean,
  ): Promise<number> {
    const result = await connection.run(sql);
    const before = this.n;
    for (let c = 0, chunks = result.chunkCount; c < chunks; c++) {
      const chunk = result.getChunk(c);
      const rows = chunk.rowCount;
      this.ensure(this.n + rows);
      const width = chunk.columnCount;
      const cols = [0, 1, 3, 2, 4, 5, 6, 7, 8, 9]
        .filter((k) => k < width)
        .map((k) => values(chunk, k));
      const into = [this.expiry, this.snap, this.right, ...this.num];
      for (let k = cols.length; k < into.length; k++) into[k].fill(NaN, this.n, this.n + rows);
      if (!keep) {
        for (let k = 0; k < cols.length; k++) into[k].set(cols[k], this.n);
        this.n += rows;
        continue;
      }
      for (let j = 0; j < rows; j++) {
        if (!keep(cols[1][j], cols[0][j])) continue;
        for (let k = 0; k < cols.length; k++) into[k][this.n] = cols[k][j];
        this.n++;
      }
    }
    return this.n - before;
  }

  /** Row indexes grouped by snapshot (a stable counting sort: contract order kept within each). */
  bySnapshot(snapshots: number): { order: Uint32Array; start: Uint32Array } {
    const start = new Uint32Array(snapshots + 1);
    for (let i = 0; i < this.n; i++) start[this.snap[i] + 1]++;
    for (let s = 0; s < snapshots; s++) start[s + 1] += start[s];
    const next = start.slice(0, snapshots);
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[next[this.snap[i]]++] = i;
    return { order, start };
  }

  /** The option objects of rows order[from..to), into `chains` by expiry (expiryDays[chainExpiry[k]] = day). */
  quotes(
    order: Uint32Array,
    from: number,
    to: number,
    chainDays: number[],
    into: OptionQuote[][],
  ): void {
    const num = this.num;
    const strike = num[0];
    const bid = num[1];
    const ask = num[2];
    const ltp = num[3];
    const iv = num[4];
    const oi = num[5];
    const volume = num[6];
    const right = this.right;
    const expiry = this.expiry;
    for (let r = from; r < to; r++) {
      const i = order[r];
      const q: OptionQuote = { strike: strike[i], right: right[i] === 0 ? 'CE' : 'PE' };
      const b = bid[i];
      if (b === b) q.bid = b;
      const a = ask[i];
      if (a === a) q.ask = a;
      const l = ltp[i];
      if (l === l) q.ltp = l;
      const v = iv[i];
      if (v === v) q.iv = v;
      const o = oi[i];
      if (o === o) q.oi = o;
      const vol = volume[i];
      if (vol === vol) q.volume = vol;
      const day = expiry[i];
      let k = 0;
      while (chainDays[k] !== day) k++;
      into[k].push(q);
    }
  }
}

function listingOf(manifest: DayManifest, snaps: DaySnapshots): DayListing {
  const listings = new Map<string, string[]>();
  for (const chains of snaps.chains) {
    const l = chains.map(([ei]) => snaps.expiries[ei]);
    listings.set(l.join(','), l);
  }
  const strikes: DayListing['strikes'] = {};
  for (const e of manifest.expiries) {
    const unsteady = new Set(e.unsteady);
    strikes[e.expiry] = {
      listed: e.strikes,
      steady: new Set(e.strikes.filter((k) => !unsteady.has(k))),
    };
  }
  return {
    underlying: manifest.underlying,
    day: manifest.day,
    spotLow: manifest.spotLow,
    spotHigh: manifest.spotHigh,
    listings: [...listings.values()],
    strikes,
  };
}

/** Keys in the schema's order, so a stored snapshot serialises exactly as it was imported. */
function snapshotOf(
  snaps: DaySnapshots,
  i: number,
  underlying: string,
  expiries: ExpiryChain[],
): ChainSnapshot {
  const s: Record<string, unknown> = { ts: snaps.ts[i], underlying, spot: snaps.spot[i] };
  if (snaps.vix[i] !== null) s.vix = snaps.vix[i];
  if (snaps.futures[i] !== null) s.futures = snaps.futures[i];
  s.expiries = expiries;
  return s as ChainSnapshot;
}

const SELECT = `SELECT expiry, snap, strike, "right", bid, ask, ltp, iv, oi, volume`;
/** Without open interest and volume (the rows get NaN, "absent", in their place). */
const SELECT_PRICES = `SELECT expiry, snap, strike, "right", bid, ask, ltp, iv`;

/** Every snapshot of the stored days in range, in time order, as the backtester consumes them. */
export async function* readStore(
  root: string,
  opts: StoreReadOptions,
): AsyncGenerator<ChainSnapshot> {
  const underlying = checkUnderlying(opts.underlying);
  const days = storedDays(root, underlying).filter(
    (d) => (!opts.from || d >= opts.from) && (!opts.to || d <= opts.to),
  );
  const connection = await ownConnection();
  const rows = new DayRows();
  const select = opts.reach && !opts.reach.openInterest ? SELECT_PRICES : SELECT;
  let carried = new Map<string, StrikeWindow>();
  try {
    for (const day of days) {
      const manifest = readManifest(root, underlying, day);
      const snaps = readDaySnapshots(root, underlying, day);
      const file = sqlString(path.join(dayDir(root, underlying, day), 'options.parquet'));
      const n = snaps.ts.length;
      const expiryDays = snaps.expiries.map(dayNumber);
      rows.reset(manifest.options);
      let read = 0;
      let windows = new Map<string, StrikeWindow>();
      if (!opts.reach) {
        read = await rows.add(connection, `${SELECT} FROM read_parquet(${file})`);
      } else {
        windows = dayWindows(
          opts.reach.underlyings[underlying] ?? [],
          listingOf(manifest, snaps),
          carried,
        );
        for (const [expiry, w] of [...windows].sort(([a], [b]) => (a < b ? -1 : 1))) {
          const band = w === 'all' ? '' : ` AND strike BETWEEN ${w.lo} AND ${w.hi}`;
          read += await rows.add(
            connection,
            `${select} FROM read_parquet(${file}) WHERE expiry = ${dayNumber(expiry)}${band}`,
          );
        }
        // The runtime treats a snapshot without a single option as an empty chain (no entries);
        // where the projection alone emptied one, give it back the quotes of its first expiry.
        const counts = new Uint32Array(n);
        for (let i = 0; i < rows.n; i++) counts[rows.snap[i]]++;
        const emptied = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const k = snaps.chains[i].findIndex(([, , count]) => count > 0);
          if (counts[i] === 0 && k >= 0)
            emptied.set(i, dayNumber(snaps.expiries[snaps.chains[i][k][0]]));
        }
        if (emptied.size)
          read += await rows.add(
            connection,
            `${select} FROM read_parquet(${file}) WHERE snap IN (${[...emptied.keys()].join(',')})`,
            (snap, expiryDay) => emptied.get(snap) === expiryDay,
          );
        carried = windows;
      }
      const { order, start } = rows.bySnapshot(n);
      for (let i = 0; i < n; i++) {
        const chains = snaps.chains[i];
        const options: OptionQuote[][] = chains.map(() => []);
        rows.quotes(
          order,
          start[i],
          start[i + 1],
          chains.map(([ei]) => expiryDays[ei]),
          options,
        );
        const expiries: ExpiryChain[] = chains.map(([ei, forward], k) =>
          forward === null
            ? { expiry: snaps.expiries[ei], options: options[k] }
            : { expiry: snaps.expiries[ei], forward, options: options[k] },
        );
        yield snapshotOf(snaps, i, underlying, expiries);
      }
      opts.onDay?.({
        day,
        snapshots: n,
        stored: manifest.options,
        read,
        windows: Object.fromEntries(windows),
      });
    }
  } finally {
    connection.closeSync();
  }
}

/**
 * Writes chain snapshots into the store, one session day at a time: a day's snapshots are held
 * (one day per underlying, never more), then written as a parquet file of option rows sorted by
 * contract and two small JSON files, in a temporary folder that replaces the day's folder at
 * once. Importing a day again replaces it whole.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  DOUBLE,
  INTEGER,
  UTINYINT,
  USMALLINT,
  DuckDBDataChunk,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { findInstrument } from '@/engine/market/instruments';
import { localTime } from '@/engine/runtime/clock';
import type { ChainSnapshot, OptionQuote } from '@/engine/market/snapshot';
import { ownConnection, sqlString } from './duckdb';
import {
  DIR_MODE,
  FILE_MODE,
  STORE_VERSION,
  checkUnderlying,
  dayDir,
  dayNumber,
  type DayManifest,
  type DaySnapshots,
} from './layout';

const CHUNK = 2048;
/** ~11 strikes x 2 rights x 375 one-minute snapshots: fine enough for a strike band to skip the rest. */
const ROW_GROUP = 8192;
const TYPES = [
  INTEGER,
  DOUBLE,
  UTINYINT,
  USMALLINT,
  DOUBLE,
  DOUBLE,
  DOUBLE,
  DOUBLE,
  DOUBLE,
  DOUBLE,
];
const SQL_TYPES = [
  'INTEGER',
  'DOUBLE',
  'UTINYINT',
  'USMALLINT',
  'DOUBLE',
  'DOUBLE',
  'DOUBLE',
  'DOUBLE',
  'DOUBLE',
  'DOUBLE',
];
const NAMES = ['expiry', 'strike', 'right', 'snap', 'bid', 'ask', 'ltp', 'iv', 'oi', 'volume'];
/** A session of one-second snapshots still fits the snapshot column (USMALLINT). */
const MAX_SNAPSHOTS_PER_DAY = 65_535;

/** The session date a snapshot belongs to: the runtime's own (exchange-local) day. */
export function sessionDay(s: ChainSnapshot): string {
  const instrument = findInstrument(s.underlying);
  return instrument ? localTime(s.ts, instrument).day : s.ts.slice(0, 10);
}

type DayBuffer = { underlying: string; day: string; snapshots: ChainSnapshot[] };

export type WrittenDay = Pick<
  DayManifest,
  'underlying' | 'day' | 'snapshots' | 'options' | 'bytes' | 'from' | 'to'
>;

export type ChainStoreWriterOptions = {
  /** What the data came from, kept in each day's manifest ("option_chain_20260818.parquet"). */
  source: string;
  /** The time written into manifests (the caller's clock). */
  now?: () => Date;
  /** Called after each day is in place. */
  onDay?: (day: WrittenDay) => void | Promise<void>;
};

let tableSeq = 0;

export class ChainStoreWriter {
  private readonly open = new Map<string, DayBuffer>();
  private connection: DuckDBConnection | null = null;
  private readonly table = `chain_rows_${process.pid}_${++tableSeq}`;
  readonly written: WrittenDay[] = [];

  constructor(
    private readonly root: string,
    private readonly opts: ChainStoreWriterOptions,
  ) {}

  async add(s: ChainSnapshot): Promise<void> {
    checkUnderlying(s.underlying);
    const day = sessionDay(s);
    const buf = this.open.get(s.underlying);
    if (buf && buf.day === day) {
      if (buf.snapshots.length >= MAX_SNAPSHOTS_PER_DAY)
        throw new Error(
          `${s.underlying} ${day} has more than ${MAX_SNAPSHOTS_PER_DAY} snapshots: thin the data to at most one snapshot a second`,
        );
      buf.snapshots.push(s);
      return;
    }
    if (buf) await this.flush(buf);
    this.open.set(s.underlying, { underlying: s.underlying, day, snapshots: [s] });
  }

  /** Writes the days still held and releases the engine's table; returns every day written. */
  async finish(): Promise<WrittenDay[]> {
    try {
      for (const buf of [...this.open.values()].sort((a, b) => a.day.localeCompare(b.day)))
        await this.flush(buf);
      this.open.clear();
    } finally {
      await this.close();
    }
    return this.written;
  }

  /** Drops what is held without writing it (a failed import keeps the days already written). */
  async abort(): Promise<void> {
    this.open.clear();
    await this.close();
  }

  private async close(): Promise<void> {
    if (!this.connection) return;
    await this.connection.run(`DROP TABLE IF EXISTS ${this.table}`);
    this.connection.closeSync();
    this.connection = null;
  }

  private async engine(): Promise<DuckDBConnection> {
    this.connection ??= await ownConnection();
    return this.connection;
  }

  private async flush(buf: DayBuffer): Promise<void> {
    const snaps = buf.snapshots
      .map((s, i) => ({ s, i, ms: Date.parse(s.ts) }))
      .sort((a, b) => a.ms - b.ms || a.i - b.i)
      .map((x) => x.s);
    const expiries = [...new Set(snaps.flatMap((s) => s.expiries.map((e) => e.expiry)))].sort();
    const expiryIndex = new Map(expiries.map((e, i) => [e, i]));

    // Rows of one contract, in snapshot order: a bucket per (expiry, strike, right).
    type Bucket = { snaps: number[]; quotes: OptionQuote[] };
    const buckets = expiries.map(() => new Map<number, [Bucket, Bucket]>());
    const listedIn = expiries.map(() => 0);
    const snapshotsFile: DaySnapshots = {
      ts: [],
      spot: [],
      vix: [],
      futures: [],
      expiries,
      chains: [],
    };
    let spotLow = Infinity;
    let spotHigh = -Infinity;
    let optionCount = 0;
    snaps.forEach((s, si) => {
      snapshotsFile.ts.push(s.ts);
      snapshotsFile.spot.push(s.spot);
      snapshotsFile.vix.push(s.vix ?? null);
      snapshotsFile.futures.push(s.futures ?? null);
      if (s.spot < spotLow) spotLow = s.spot;
      if (s.spot > spotHigh) spotHigh = s.spot;
      const chains: DaySnapshots['chains'][number] = [];
      for (const e of [...s.expiries].sort((a, b) => (a.expiry < b.expiry ? -1 : 1))) {
        const ei = expiryIndex.get(e.expiry)!;
        chains.push([ei, e.forward ?? null, e.options.length]);
        listedIn[ei]++;
        const byStrike = buckets[ei];
        for (const q of e.options) {
          let pair = byStrike.get(q.strike);
          if (!pair) {
            pair = [
              { snaps: [], quotes: [] },
              { snaps: [], quotes: [] },
            ];
            byStrike.set(q.strike, pair);
          }
          const b = pair[q.right === 'CE' ? 0 : 1];
          b.snaps.push(si);
          b.quotes.push(q);
          optionCount++;
        }
      }
      snapshotsFile.chains.push(chains);
    });

    const connection = await this.engine();
    // A fresh table per day: rows deleted from an in-memory table keep their memory.
    await connection.run(
      `CREATE OR REPLACE TABLE ${this.table} (${NAMES.map((n, i) => `"${n}" ${SQL_TYPES[i]}`).join(', ')})`,
    );
    const appender = await connection.createAppender(this.table);
    const cols = [
      new Int32Array(CHUNK),
      new Float64Array(CHUNK),
      new Uint8Array(CHUNK),
      new Uint16Array(CHUNK),
      new Float64Array(CHUNK),
      new Float64Array(CHUNK),
      new Float64Array(CHUNK),
      new Float64Array(CHUNK),
      new Float64Array(CHUNK),
      new Float64Array(CHUNK),
    ] as const;
    let n = 0;
    const emit = () => {
      if (n === 0) return;
      const chunk = DuckDBDataChunk.create(TYPES, n);
      for (let c = 0; c < cols.length; c++) {
        const v = chunk.getColumnVector(c) as unknown as {
          items: { set(a: ArrayLike<number>): void };
          flush(): void;
        };
        v.items.set(n === CHUNK ? cols[c] : cols[c].subarray(0, n));
        v.flush();
      }
      appender.appendDataChunk(chunk);
      n = 0;
    };
    const manifestExpiries: DayManifest['expiries'] = [];
    for (let ei = 0; ei < expiries.length; ei++) {
      const strikes = [...buckets[ei].keys()].sort((a, b) => a - b);
      const unsteady: number[] = [];
      let expiryOptions = 0;
      const day = dayNumber(expiries[ei]);
      for (const k of strikes) {
        const pair = buckets[ei].get(k)!;
        // Steady: quoted in both rights by every snapshot that lists the expiry, once each.
        const steady = pair.every(
          (b) => b.snaps.length === listedIn[ei] && new Set(b.snaps).size === b.snaps.length,
        );
        if (!steady) unsteady.push(k);
        for (let r = 0; r < 2; r++) {
          const b = pair[r];
          for (let j = 0; j < b.snaps.length; j++) {
            const q = b.quotes[j];
            cols[0][n] = day;
            cols[1][n] = k;
            cols[2][n] = r;
            cols[3][n] = b.snaps[j];
            cols[4][n] = q.bid ?? NaN;
            cols[5][n] = q.ask ?? NaN;
            cols[6][n] = q.ltp ?? NaN;
            cols[7][n] = q.iv ?? NaN;
            cols[8][n] = q.oi ?? NaN;
            cols[9][n] = q.volume ?? NaN;
            if (++n === CHUNK) emit();
            expiryOptions++;
          }
        }
      }
      manifestExpiries.push({ expiry: expiries[ei], strikes, unsteady, options: expiryOptions });
    }
    emit();
    appender.closeSync();

    const finalDir = dayDir(this.root, buf.underlying, buf.day);
    const parent = path.dirname(finalDir);
    mkdirSync(this.root, { recursive: true, mode: DIR_MODE });
    mkdirSync(parent, { recursive: true, mode: DIR_MODE });
    const tmp = path.join(parent, `.tmp-${buf.day}-${randomUUID()}`);
    mkdirSync(tmp, { mode: DIR_MODE });
    try {
      const optionsFile = path.join(tmp, 'options.parquet');
      // Snappy, not zstd: a backtest reads a day far more often than it is written, and zstd's
      // decoding was ~10 % of a year's backtest CPU for files ~25 % smaller (bench/store).
      // Days stored with zstd read as before: a parquet file names its own codec.
      await connection.run(
        `COPY ${this.table} TO ${sqlString(optionsFile)} (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION v2, ROW_GROUP_SIZE ${ROW_GROUP})`,
      );
      chmodSync(optionsFile, FILE_MODE);
      const snapshotsPath = path.join(tmp, 'snapshots.json');
      writeFileSync(snapshotsPath, JSON.stringify(snapshotsFile), { mode: FILE_MODE });
      const bytes = statSync(optionsFile).size + statSync(snapshotsPath).size;
      const manifest: DayManifest = {
        version: STORE_VERSION,
        underlying: buf.underlying,
        day: buf.day,
        snapshots: snaps.length,
        options: optionCount,
        from: snaps[0].ts,
        to: snaps[snaps.length - 1].ts,
        spotLow,
        spotHigh,
        expiries: manifestExpiries,
        bytes,
        source: this.opts.source,
        importedAt: (this.opts.now?.() ?? new Date()).toISOString(),
      };
      writeFileSync(path.join(tmp, 'day.json'), JSON.stringify(manifest), { mode: FILE_MODE });
      replaceDir(tmp, finalDir);
      const written: WrittenDay = {
        underlying: manifest.underlying,
        day: manifest.day,
        snapshots: manifest.snapshots,
        options: manifest.options,
        bytes: manifest.bytes,
        from: manifest.from,
        to: manifest.to,
      };
      this.written.push(written);
      await this.opts.onDay?.(written);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}

/** Puts a finished day folder in place of the old one (if any) with two renames. */
function replaceDir(tmp: string, finalDir: string): void {
  const old = `${path.dirname(finalDir)}/.old-${path.basename(finalDir)}-${randomUUID()}`;
  let moved = false;
  try {
    renameSync(finalDir, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  renameSync(tmp, finalDir);
  if (moved) rmSync(old, { recursive: true, force: true });
}

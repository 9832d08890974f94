/**
 * Where a backtest's chain snapshots come from, as stored in `backtests.data_source`: a file the
 * user uploaded (kept under DATA_DIR/uploads), the simulated market (underlying, dates, seed),
 * one of the real datasets in ../shared/data, or days of the chain store (DATA_DIR/chains),
 * read only as far as the basket reaches. The job reloads the source from this description.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { simulateDays } from '@/engine/market/simulator';
import { findInstrument } from '@/engine/market/instruments';
import { readSnapshots } from './read-snapshots';
import { printableText } from './text';
import {
  NO_SHARED_DATA,
  resolveSharedDataset,
  sharedDataDir as findSharedData,
} from './shared-data';
import type { ImportReport } from '@/engine/market/import';
import type { BacktestReport } from '@/engine/backtest/backtest';
import type { ChainReach } from '@/engine/reach/reach';
import { listDays, readStore, storeRoot } from './store';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const UPLOAD_EXT = ['ndjson', 'jsonl', 'csv', 'json'] as const;

export const DataSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('upload'),
    /** Relative to DATA_DIR; written by the API, never taken from the user. */
    file: z.string().regex(/^uploads\/[0-9a-f-]{36}\.(ndjson|jsonl|csv|json)$/),
    filename: z.string().min(1).max(200),
    bytes: z.number().int().nonnegative(),
  }),
  z
    .object({
      kind: z.literal('simulator'),
      underlying: z.string().refine((u) => findInstrument(u) !== undefined, {
        message:
          'unknown underlying; use one from the instrument catalog (NIFTY, BANKNIFTY, SPY, BTC, ...)',
      }),
      from: IsoDate,
      to: IsoDate,
      seed: z.number().int(),
      intervalSeconds: z.number().int().min(1).max(3600).default(60),
    })
    .refine((s) => s.from <= s.to, { path: ['to'], message: '"to" must not be before "from"' }),
  z
    .object({
      kind: z.literal('store'),
      underlying: z
        .string()
        .regex(/^[A-Z0-9][A-Z0-9._-]{0,29}$/, 'a stored underlying, e.g. NIFTY'),
      from: IsoDate,
      to: IsoDate,
    })
    .refine((s) => s.from <= s.to, { path: ['to'], message: '"to" must not be before "from"' }),
  z.object({
    kind: z.literal('dataset'),
    /** A file or folder inside the shared data directory, e.g. "chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet". */
    path: z
      .string()
      .min(1)
      .max(300)
      .refine((p) => !p.split(/[\\/]/).includes('..') && !path.isAbsolute(p), {
        message: 'a path inside the shared data folder, without ".."',
      }),
  }),
]);
export type DataSource = z.infer<typeof DataSourceSchema>;

/** The folder of real third-party datasets (datasets/shared-data.ts decides), or null. */
export function sharedDataDir(): string | null {
  return findSharedData() ?? null;
}

/** Stores uploaded snapshot text under DATA_DIR/uploads and returns the source that points at it. */
export function storeUpload(
  dataDir: string,
  filename: string,
  content: string,
): Extract<DataSource, { kind: 'upload' }> {
  const ext = path.extname(filename).slice(1).toLowerCase();
  if (!(UPLOAD_EXT as readonly string[]).includes(ext)) {
    throw new Error(
      `"${filename}" is not a snapshot file: upload NDJSON (.ndjson, .jsonl), the long CSV (.csv) or a saved NSE option-chain response (.json)`,
    );
  }
  const dir = path.join(dataDir, 'uploads');
  mkdirSync(dir, { recursive: true });
  const file = `uploads/${randomUUID()}.${ext}`;
  writeFileSync(path.join(dataDir, file), content);
  return { kind: 'upload', file, filename, bytes: Buffer.byteLength(content) };
}

export type OpenedSource = {
  /**
   * A fresh pass over the data; `report` collects the importer's bad rows (null for the simulator
   * and the store). Given the basket's reach, the store reads only what the basket can touch.
   */
  open: (opts?: { reach?: ChainReach }) => {
    snapshots: AsyncIterable<ChainSnapshot> | Iterable<ChainSnapshot>;
    report: ImportReport | null;
  };
  /** Share of the run done at a snapshot, where the source can tell. */
  fractionAt: ((ts: string, count: number) => number) | null;
  total: number | null;
};

function fromFile(file: string) {
  const stream = readSnapshots(file);
  return { snapshots: stream, report: stream.report };
}

/** The importer's account of a file for the report: counts, the first bad rows, notes. */
export function importSummary(report: ImportReport): NonNullable<BacktestReport['data']['import']> {
  return {
    rows: report.rows,
    badRows: report.badRows,
    // Rows of a file can hold anything, NUL included, which Postgres refuses in jsonb.
    // A sample names its file by name only: the report is shown to users, the server's paths are not.
    samples: report.samples.slice(0, 20).map((b) => ({
      ...b,
      message: printableText(b.message),
      ...(b.source ? { source: path.basename(b.source) } : {}),
    })),
    notes: report.notes.map((n) => printableText(n)),
  };
}

/** A file that gave no usable snapshot is an error that shows why, not an empty report. */
export function assertSomeSnapshots(
  report: BacktestReport,
  imported: ImportReport | null,
  what: string,
): void {
  if (report.data.snapshots > 0) return;
  if (imported && imported.badRows > 0) {
    const first = imported.samples[0];
    throw new Error(
      `${what} has no usable chain snapshot: ${imported.badRows} bad row(s), the first at line ${first.line}: ${first.message}`,
    );
  }
  throw new Error(`${what} has no chain snapshots`);
}

async function countSnapshots(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readSnapshots(file)) n++;
  return n;
}

export async function openDataSource(
  source: DataSource,
  dirs: { dataDir: string; sharedData: string | null },
): Promise<OpenedSource> {
  switch (source.kind) {
    case 'upload': {
      const file = path.join(dirs.dataDir, source.file);
      if (!existsSync(file))
        throw new Error(
          `the uploaded file "${source.filename}" is no longer on the server; upload it again`,
        );
      const total = await countSnapshots(file);
      return {
        open: () => fromFile(file),
        total,
        fractionAt: (_ts, count) => count / Math.max(1, total),
      };
    }
    case 'dataset': {
      if (!dirs.sharedData) throw new Error(NO_SHARED_DATA);
      const file = resolveSharedDataset(source.path, dirs.sharedData);
      if (!file) throw new Error(`dataset "${source.path}" is not in the shared data folder`);
      const total =
        statSync(file).isFile() || statSync(file).isDirectory() ? await countSnapshots(file) : 0;
      return {
        open: () => fromFile(file),
        total,
        fractionAt: (_ts, count) => count / Math.max(1, total),
      };
    }
    case 'store': {
      const root = storeRoot(dirs.dataDir);
      const days = listDays(root, source.underlying).filter(
        (d) => d.day >= source.from && d.day <= source.to,
      );
      if (days.length === 0)
        throw new Error(
          `no ${source.underlying} chains are stored for ${source.from}..${source.to}: import them on the Datasets page or with npm run -s cli -- import FILE`,
        );
      const total = days.reduce((a, d) => a + d.snapshots, 0);
      return {
        open: (opts) => ({
          snapshots: readStore(root, {
            underlying: source.underlying,
            from: source.from,
            to: source.to,
            reach: opts?.reach,
          }),
          report: null,
        }),
        total,
        fractionAt: (_ts, count) => count / Math.max(1, total),
      };
    }
    case 'simulator': {
      const start = Date.parse(`${source.from}T00:00:00Z`);
      const end = Date.parse(`${source.to}T00:00:00Z`) + 86_400_000;
      return {
        open: () => ({
          snapshots: simulateDays({
            underlying: source.underlying,
            seed: source.seed,
            from: source.from,
            to: source.to,
            intervalSeconds: source.intervalSeconds,
          }),
          report: null,
        }),
        total: null,
        fractionAt: (ts) => Math.min(1, Math.max(0, (Date.parse(ts) - start) / (end - start))),
      };
    }
  }
}

export function describeSource(s: DataSource): string {
  switch (s.kind) {
    case 'upload':
      return `the uploaded file "${s.filename}"`;
    case 'dataset':
      return `the dataset "${s.path}"`;
    case 'store':
      return `the stored ${s.underlying} chains ${s.from}..${s.to}`;
    case 'simulator':
      return `the simulated ${s.underlying} market ${s.from}..${s.to} (seed ${s.seed})`;
  }
}

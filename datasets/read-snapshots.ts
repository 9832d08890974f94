/**
 * Chain snapshots from files on disk, whatever their format: the one reader the backtester,
 * the `import` and `backtest` commands use. Detects the format of a file (or of every file in
 * a directory, read in time order), streams it through the pure importers in
 * engine/market/import and reports bad rows to a callback and an ImportReport.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  ImportReport,
  csvTable,
  detectTableFormat,
  importLines,
  importTable,
  nsePageContextFromName,
  type BadRow,
  type ColumnMapping,
  type ImportFormat,
  type ImportOptions,
} from '@/engine/market/import';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { fileLines } from './lines';
import { parquetColumns, parquetTable } from './parquet';

export interface ReadSnapshotsOptions {
  /** Force a format instead of detecting it. */
  format?: ImportFormat;
  /** Column mapping for CSVs in other layouts. */
  mapping?: ColumnMapping;
  /** Yahoo chains: snapshot time / spot when known. */
  yahoo?: ImportOptions['yahoo'];
  /** NSE page CSVs: expiry shown on the page (default: nearest Thursday). */
  expiry?: string;
  /** Collects counts and bad rows across all files (one is created when not given). */
  report?: ImportReport;
  /** Called for each bad row as it is found. */
  onBadRow?: (bad: BadRow) => void;
}

export type SnapshotStream = AsyncIterable<ChainSnapshot> & { report: ImportReport };

const EXTENSIONS = [
  '.ndjson',
  '.jsonl',
  '.json',
  '.csv',
  '.parquet',
  '.ndjson.gz',
  '.jsonl.gz',
  '.json.gz',
  '.csv.gz',
];

function isDataFile(name: string): boolean {
  return EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));
}

function stem(name: string): string {
  const lower = name.toLowerCase();
  const ext =
    EXTENSIONS.filter((e) => lower.endsWith(e)).sort((a, b) => b.length - a.length)[0] ?? '';
  return name.slice(0, name.length - ext.length);
}

/** A sortable time from a file name: YYYYMMDD[HHMM] or DD-MM-YYYY_HH-MM, else undefined. */
export function timeFromFileName(name: string): number | undefined {
  let m = /(\d{2})-(\d{2})-(\d{4})_(\d{2})[-:](\d{2})/.exec(name);
  if (m) return Date.UTC(+m[3], +m[2] - 1, +m[1], +m[4], +m[5]);
  m = /(20\d{2})-?(\d{2})-?(\d{2})(?:[T_-]?(\d{2})[-:]?(\d{2}))?/.exec(name);
  if (m && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= 31)
    return Date.UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0);
  return undefined;
}

async function firstSnapshotTime(file: string, opts: ReadSnapshotsOptions): Promise<number> {
  const probe = new ImportReport();
  for await (const s of readFile(file, { ...opts, report: probe, onBadRow: undefined }))
    return Date.parse(s.ts);
  return Infinity;
}

/** Data files of a directory, one per stem (parquet preferred over its CSV copy), in time order. */
async function directoryFiles(
  dir: string,
  opts: ReadSnapshotsOptions,
  report: ImportReport,
): Promise<string[]> {
  const names = readdirSync(dir).filter(
    (n) => isDataFile(n) && statSync(path.join(dir, n)).isFile(),
  );
  const byStem = new Map<string, string>();
  const rank = (n: string) => (n.endsWith('.parquet') ? 0 : n.includes('.csv') ? 1 : 2);
  for (const n of names) {
    const s = stem(n);
    const have = byStem.get(s);
    if (!have || rank(n) < rank(have)) {
      if (have) report.note(`${n} and ${have} hold the same data: read ${n} only`);
      byStem.set(s, n);
    } else report.note(`${n} and ${have} hold the same data: read ${have} only`);
  }
  const files = [...byStem.values()].map((n) => path.join(dir, n));
  const keyed: { file: string; t: number }[] = [];
  for (const f of files)
    keyed.push({
      file: f,
      t: timeFromFileName(path.basename(f)) ?? (await firstSnapshotTime(f, opts)),
    });
  return keyed.sort((a, b) => a.t - b.t || a.file.localeCompare(b.file)).map((k) => k.file);
}

async function* readFile(
  file: string,
  opts: ReadSnapshotsOptions & { report: ImportReport },
): AsyncGenerator<ChainSnapshot> {
  const report = opts.report;
  report.source = file;
  const base = path.basename(file);
  const importOpts: ImportOptions = { mapping: opts.mapping, yahoo: opts.yahoo };
  const page = nsePageContextFromName(base);
  if (page) importOpts.page = { ...page, expiry: opts.expiry };
  if (file.toLowerCase().endsWith('.parquet')) {
    const columns = await parquetColumns(file);
    const format =
      opts.format ?? detectTableFormat(columns) ?? (opts.mapping ? 'mapped-csv' : undefined);
    if (!format)
      throw new Error(
        `${file}: unrecognised parquet columns (${columns.join(', ')}): give a column mapping`,
      );
    yield* importTable(format, await parquetTable(file), report, importOpts);
    return;
  }
  const lines = fileLines(file);
  if (opts.format && opts.format !== 'ndjson' && opts.format !== 'nse-json') {
    yield* importTable(opts.format, await csvTable(lines), report, importOpts);
    return;
  }
  try {
    yield* importLines(lines, report, opts.format, importOpts);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Canonical chain snapshots from a file or a directory of files. Bad rows go to
 * `opts.onBadRow` and to the stream's `report` (also `opts.report` when given).
 */
export function readSnapshots(pathOrDir: string, opts: ReadSnapshotsOptions = {}): SnapshotStream {
  const report = opts.report ?? new ImportReport(opts.onBadRow);
  if (opts.report && opts.onBadRow)
    throw new Error(
      'give either report or onBadRow to readSnapshots (a report takes its callback in its constructor)',
    );
  async function* all(): AsyncGenerator<ChainSnapshot> {
    let st;
    try {
      st = statSync(pathOrDir);
    } catch {
      throw new Error(
        `${pathOrDir} does not exist: give a snapshot file (.ndjson, .csv, .csv.gz, .json, .parquet) or a directory of them`,
      );
    }
    const files = st.isDirectory() ? await directoryFiles(pathOrDir, opts, report) : [pathOrDir];
    if (st.isDirectory() && files.length === 0)
      throw new Error(`${pathOrDir} holds no snapshot files (${EXTENSIONS.join(', ')})`);
    for (const f of files) yield* readFile(f, { ...opts, report });
  }
  const stream = all();
  return Object.assign(stream, { report });
}

export { ImportReport };

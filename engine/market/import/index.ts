/**
 * Importers to the canonical chain snapshot: pure functions from lines of text (or rows of a
 * table) to snapshots, with bad rows in an ImportReport. File reading, gunzip and parquet
 * decoding live in datasets/; this layer never touches the file system.
 */
import type { ChainSnapshot } from '../snapshot';
import { assembleSnapshots, type RowItem } from './assemble';
import { csvTable, lineBatches, type Lines, type Table } from './csv';
import { deribitRows, DERIBIT_COLUMNS } from './deribit';
import { longCsvRows, type ColumnMapping } from './long-csv';
import { ndjsonSnapshots } from './ndjson';
import { nseJsonRows } from './nse-json';
import { nseMinuteRows, NSE_MINUTE_COLUMNS } from './nse-minute';
import { nsePageRows, NSE_PAGE_COLUMNS, type NsePageContext } from './nse-page';
import type { ImportReport } from './report';
import { yahooRows, YAHOO_COLUMNS, type YahooOptions } from './yahoo';

export { ImportReport, RowError, type BadRow, type BadRowReason } from './report';
export { csvTable, lineBatches, splitCsvLine, type Lines, type Table, type TableRow } from './csv';
export { CANONICAL_CSV_HEADER, LONG_FIELDS, type ColumnMapping, type LongField } from './long-csv';
export { nsePageContextFromName, type NsePageContext } from './nse-page';
export { NSE_MINUTE_COLUMNS } from './nse-minute';
export type { OptionRow, RowItem, RejectedRow } from './assemble';

export type ImportFormat =
  | 'ndjson'
  | 'long-csv'
  | 'mapped-csv'
  | 'nse-json'
  | 'nse-minute'
  | 'nse-page'
  | 'yahoo-csv'
  | 'deribit-csv';
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'ndjson',
  'long-csv',
  'mapped-csv',
  'nse-json',
  'nse-minute',
  'nse-page',
  'yahoo-csv',
  'deribit-csv',
];

export interface ImportOptions {
  /** For mapped-csv: which column holds which field. */
  mapping?: ColumnMapping;
  /** For nse-page: underlying, time and expiry of the saved page. */
  page?: NsePageContext;
  /** For yahoo-csv: snapshot time and spot when known. */
  yahoo?: YahooOptions;
  /** For nse-json: the underlying when a response does not name it. */
  underlying?: string;
}

const has = (columns: string[], wanted: readonly string[]) => {
  const lower = new Set(columns.map((c) => c.trim().toLowerCase()));
  return wanted.every((w) => lower.has(w.toLowerCase()));
};

/** The table format a CSV header belongs to, or undefined when it needs a column mapping. */
export function detectTableFormat(columns: string[]): ImportFormat | undefined {
  if (has(columns, ['ts', 'underlying', 'spot', 'expiry', 'strike', 'right'])) return 'long-csv';
  if (has(columns, NSE_MINUTE_COLUMNS)) return 'nse-minute';
  if (has(columns, YAHOO_COLUMNS)) return 'yahoo-csv';
  if (has(columns, DERIBIT_COLUMNS)) return 'deribit-csv';
  if (has(columns, NSE_PAGE_COLUMNS)) return 'nse-page';
  return undefined;
}

/** The text format of a file from its first non-blank line. */
export function detectTextFormat(firstLine: string): ImportFormat | undefined {
  const t = firstLine.trim();
  if (t.startsWith('{')) {
    if (/"records"\s*:/.test(t) || t === '{') return 'nse-json';
    if (/"ts"\s*:/.test(t) && /"expiries"\s*:/.test(t)) return 'ndjson';
    return t.endsWith('}') ? 'ndjson' : 'nse-json';
  }
  if (t.startsWith('[')) return 'nse-json';
  return undefined;
}

/** Rows of a table in a given format, before grouping into snapshots. */
export function tableRows(
  format: ImportFormat,
  table: Table,
  report: ImportReport,
  opts: ImportOptions = {},
): AsyncIterable<RowItem[]> {
  switch (format) {
    case 'long-csv':
      return longCsvRows(table, report, {});
    case 'mapped-csv':
      if (!opts.mapping)
        throw new Error(
          'mapped-csv needs a column mapping: say which column holds ts, underlying, spot, expiry, strike and right',
        );
      return longCsvRows(table, report, opts.mapping);
    case 'nse-minute':
      return nseMinuteRows(table, report);
    case 'yahoo-csv':
      return yahooRows(table, report, opts.yahoo);
    case 'deribit-csv':
      return deribitRows(table, report);
    case 'nse-page':
      if (!opts.page)
        throw new Error(
          'an NSE option-chain page CSV needs its underlying and time: name the file SYMBOL_DD-MM-YYYY_HH-MM.csv or pass them',
        );
      return nsePageRows(table, report, opts.page);
    default:
      throw new Error(`${format} is not a table format`);
  }
}

/** Snapshots from the rows of a table (CSV or parquet). */
export function importTable(
  format: ImportFormat,
  table: Table,
  report: ImportReport,
  opts: ImportOptions = {},
): AsyncIterable<ChainSnapshot> {
  return assembleSnapshots(tableRows(format, table, report, opts), report);
}

/**
 * Snapshots from the lines of a text file in any format. `format` may be omitted to detect
 * it from the first line (a CSV header or JSON).
 */
export async function* importLines(
  lines: Lines,
  report: ImportReport,
  format?: ImportFormat,
  opts: ImportOptions = {},
): AsyncGenerator<ChainSnapshot> {
  const it = lineBatches(lines)[Symbol.asyncIterator]();
  const first: (readonly string[])[] = [];
  let firstText: string | undefined;
  while (firstText === undefined) {
    const n = await it.next();
    if (n.done) break;
    first.push(n.value);
    firstText = n.value.find((l) => l.trim() !== '');
  }
  if (firstText === undefined) return;
  const replay = (async function* () {
    yield* first;
    while (true) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  const fmt = format ?? detectTextFormat(firstText);
  if (fmt === 'ndjson') {
    yield* ndjsonSnapshots(replay, report);
    return;
  }
  if (fmt === 'nse-json') {
    yield* assembleSnapshots(nseJsonRows(replay, report, { underlying: opts.underlying }), report);
    return;
  }
  const table = await csvTable(replay);
  const tf = fmt ?? detectTableFormat(table.columns) ?? (opts.mapping ? 'mapped-csv' : undefined);
  if (!tf) {
    throw new Error(
      `unrecognised CSV columns (${table.columns.join(', ')}): give a column mapping naming which column holds ts, underlying, spot, expiry, strike and right`,
    );
  }
  yield* importTable(tf, table, report, opts);
}

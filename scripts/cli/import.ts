/**
 * `cli import FILE|DIR`: any supported chain data into the chain store under DATA_DIR (one
 * folder per underlying and day), or with --ndjson to canonical snapshot NDJSON on stdout;
 * bad rows on stderr either way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  IMPORT_FORMATS,
  LONG_FIELDS,
  type ColumnMapping,
  type ImportFormat,
  type LongField,
  type ImportReport,
} from '@/engine/market/import';
import { readSnapshots, type ReadSnapshotsOptions } from '@/datasets/read-snapshots';
import { importToStore, storeRoot } from '@/datasets/store';
import { env } from '@/db/env';
import { parseArgs } from './_args';
import { LineWriter, numberFlag } from './_io';

export const summary =
  'import chain data (NDJSON, long CSV, NSE JSON, NSE 1-minute CSV/parquet, NSE page, Yahoo, Deribit, mapped CSV) into the chain store under DATA_DIR, or convert it to snapshot NDJSON on stdout with --ndjson: import FILE|DIR [--ndjson] [--format F] [--map spec] [--report FILE] [--quiet]';

/** A mapping from a JSON file or inline `field=Column,field=Column`. */
export function parseMapping(spec: string, flags: Record<string, string | true>): ColumnMapping {
  let mapping: ColumnMapping;
  if (spec.trim().startsWith('{') || spec.endsWith('.json')) {
    const text = spec.trim().startsWith('{') ? spec : readFileSync(spec, 'utf8');
    try {
      mapping = JSON.parse(text) as ColumnMapping;
    } catch (err) {
      throw new Error(`--map ${spec} is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const columns: Partial<Record<LongField, string>> = {};
    for (const pair of spec.split(',')) {
      const [field, column] = pair.split('=').map((s) => s.trim());
      if (!LONG_FIELDS.includes(field as LongField) || !column)
        throw new Error(
          `--map "${pair}" is not valid: use field=Column with a field among ${LONG_FIELDS.join(', ')}`,
        );
      columns[field as LongField] = column;
    }
    mapping = { columns };
  }
  if (typeof flags.underlying === 'string') mapping.underlying = flags.underlying;
  if (typeof flags.timezone === 'string') mapping.timezone = flags.timezone;
  if (flags['iv-percent'] === true) mapping.ivUnit = 'percent';
  return mapping;
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, {
    format: 'string',
    map: 'string',
    underlying: 'string',
    timezone: 'string',
    'iv-percent': 'boolean',
    expiry: 'string',
    spot: 'string',
    ts: 'string',
    report: 'string',
    quiet: 'boolean',
    ndjson: 'boolean',
  });
  const file = positionals[0];
  if (!file) throw new Error('give a file or directory to import: import FILE|DIR');
  let format: ImportFormat | undefined;
  if (typeof flags.format === 'string') {
    if (!IMPORT_FORMATS.includes(flags.format as ImportFormat))
      throw new Error(
        `--format "${flags.format}" is not known: use one of ${IMPORT_FORMATS.join(', ')}`,
      );
    format = flags.format as ImportFormat;
  }
  const mapping = typeof flags.map === 'string' ? parseMapping(flags.map, flags) : undefined;
  const quiet = flags.quiet === true;
  let shown = 0;
  const readOpts: ReadSnapshotsOptions = {
    format,
    mapping,
    expiry: typeof flags.expiry === 'string' ? flags.expiry : undefined,
    yahoo: {
      spot: numberFlag(flags, 'spot', 'the underlying price at the snapshot', true),
      ts: typeof flags.ts === 'string' ? flags.ts : undefined,
    },
    onBadRow: (b) => {
      if (quiet || shown++ >= 200) return;
      console.error(`${b.source ?? file}:${b.line}: ${b.reason}: ${b.message}`);
    },
  };
  let stored: { days: number; bytes: number; root: string } | null = null;
  let report: ImportReport;
  if (flags.ndjson === true) {
    const stream = readSnapshots(file, readOpts);
    const out = new LineWriter();
    for await (const s of stream) await out.line(JSON.stringify(s));
    await out.flush();
    report = stream.report;
  } else {
    const root = storeRoot(env().DATA_DIR);
    const outcome = await importToStore(root, file, readOpts);
    report = outcome.report;
    stored = { days: outcome.days.length, bytes: outcome.bytes, root };
    if (!quiet)
      for (const d of outcome.days)
        console.error(
          `stored ${d.underlying} ${d.day}: ${d.snapshots} snapshots, ${d.options} options, ${(d.bytes / 1e6).toFixed(1)} MB`,
        );
  }
  if (typeof flags.report === 'string')
    writeFileSync(flags.report, JSON.stringify(report.toJSON(), null, 2));
  if (!quiet) {
    if (report.badRows > shown)
      console.error(
        `… ${report.badRows - shown} more bad rows (see --report FILE for the first ${report.maxSamples})`,
      );
    for (const n of report.notes) console.error(`note: ${n}`);
    console.error(
      `imported ${report.snapshots} snapshots, ${report.options} options from ${report.rows} rows; ${report.badRows} bad rows skipped${
        report.badRows
          ? ` (${Object.entries(report.byReason)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`
          : ''
      }${stored ? `; stored ${stored.days} day(s), ${(stored.bytes / 1e6).toFixed(1)} MB in ${stored.root}` : ''}`,
    );
  }
  if (report.snapshots === 0) {
    console.error(
      `no snapshots in ${file}: ${report.badRows ? 'every row was bad (see above)' : 'it holds no option rows'}`,
    );
    return 1;
  }
  return 0;
}

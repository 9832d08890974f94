/**
 * The long CSV of DESIGN.md (one option a row) and, through a column mapping, any other CSV
 * laid out one option a row: the user names which column holds each field.
 */
import { getInstrument } from '../instruments';
import { rejected, type OptionRow, type RowItem } from './assemble';
import { columnIndex, type Table } from './csv';
import {
  expiryDate,
  optionalCount,
  optionalNumber,
  optionalPrice,
  requiredPositive,
  right,
  underlying,
  percent,
} from './fields';
import { RowError, type ImportReport } from './report';
import { cachedTimeParser } from './timestamp';

export const LONG_FIELDS = [
  'ts',
  'underlying',
  'spot',
  'expiry',
  'strike',
  'right',
  'bid',
  'ask',
  'ltp',
  'iv',
  'oi',
  'volume',
  'vix',
  'futures',
] as const;
export type LongField = (typeof LONG_FIELDS)[number];
export const CANONICAL_CSV_HEADER =
  'ts,underlying,spot,expiry,strike,right,bid,ask,ltp,iv,oi,volume';

export interface ColumnMapping {
  /** Source column for each field (defaults to the field's own name). */
  columns?: Partial<Record<LongField, string>>;
  /** The underlying of every row, for files without an underlying column. */
  underlying?: string;
  /** Zone for timestamps written without an offset (default: the underlying's exchange zone). */
  timezone?: string;
  /** How the IV column is written (default decimal, 0.128 = 12.8 %). */
  ivUnit?: 'decimal' | 'percent';
}

const OPTIONAL: LongField[] = ['bid', 'ask', 'ltp', 'iv', 'oi', 'volume', 'vix', 'futures'];

export async function* longCsvRows(
  table: Table,
  report: ImportReport,
  mapping: ColumnMapping = {},
): AsyncGenerator<RowItem[]> {
  const names = Object.fromEntries(
    LONG_FIELDS.map((f) => [f, mapping.columns?.[f] ?? f]),
  ) as Record<LongField, string>;
  const optional = mapping.underlying ? [...OPTIONAL, 'underlying' as const] : OPTIONAL;
  const ix = columnIndex(table.columns, names, optional, 'the CSV');
  const ivScale = mapping.ivUnit === 'percent' ? 0.01 : 1;
  const fixed = mapping.underlying ? underlying(mapping.underlying) : undefined;
  let zoneNoted = false;
  const time = cachedTimeParser((u) => mapping.timezone ?? getInstrument(u as string).timezone);
  const cell = (v: unknown[], i: number) => (i >= 0 ? v[i] : undefined);
  for await (const batch of table.rows) {
    const out: RowItem[] = [];
    for (const { line, values } of batch) {
      report.rows++;
      try {
        const u = fixed ?? underlying(values[ix.underlying]);
        const rawTs = values[ix.ts];
        const t = time(rawTs, u);
        if (
          !zoneNoted &&
          typeof rawTs === 'string' &&
          !/(Z|[+-]\d{2}:?\d{2})$/.test(rawTs.trim())
        ) {
          zoneNoted = true;
          report.note(
            `timestamps without an offset were read in ${mapping.timezone ?? getInstrument(u).timezone}`,
          );
        }
        const iv = optionalNumber(cell(values, ix.iv), 'iv');
        if (iv !== undefined && iv < 0)
          throw new RowError('negative-price', `iv ${iv} is negative`);
        const row: OptionRow = {
          line,
          ts: t.ts,
          tsMs: t.ms,
          underlying: u,
          spot: requiredPositive(values[ix.spot], 'spot'),
          expiry: expiryDate(values[ix.expiry]),
          strike: requiredPositive(values[ix.strike], 'strike'),
          right: right(values[ix.right]),
        };
        const bid = optionalPrice(cell(values, ix.bid), 'bid');
        const ask = optionalPrice(cell(values, ix.ask), 'ask');
        const ltp = optionalPrice(cell(values, ix.ltp), 'ltp');
        const oi = optionalCount(cell(values, ix.oi), 'oi');
        const volume = optionalCount(cell(values, ix.volume), 'volume');
        const vix = optionalPrice(cell(values, ix.vix), 'vix');
        const futures = optionalPrice(cell(values, ix.futures), 'futures');
        if (bid !== undefined) row.bid = bid;
        if (ask !== undefined) row.ask = ask;
        if (ltp !== undefined) row.ltp = ltp;
        if (iv !== undefined) row.iv = ivScale === 1 ? iv : percent(iv);
        if (oi !== undefined) row.oi = oi;
        if (volume !== undefined) row.volume = volume;
        if (vix !== undefined) row.vix = vix;
        if (futures !== undefined && futures > 0) row.futures = futures;
        out.push(row);
      } catch (err) {
        out.push(rejected(line, err));
      }
    }
    if (out.length) yield out;
  }
}

/**
 * The one-minute NSE option-chain dataset (github.com/chiragaibooks/Option-chain-Parquet, as
 * parquet or CSV): timestamp YYYYMMDDHHMM in IST, symbol NIFTY50, expiry DD-Mon-YYYY, ltp,
 * volume, oi, iv in percent. It has no bid/ask; its greeks are the scraper's own and are not
 * imported (we derive greeks ourselves). A 0 LTP or IV means "none" there, so stays missing.
 */
import { rejected, type OptionRow, type RowItem } from './assemble';
import { columnIndex, type Table } from './csv';
import {
  expiryDate,
  optionalCount,
  optionalQuote,
  requiredPositive,
  right,
  underlying,
  percent,
} from './fields';
import type { ImportReport } from './report';
import { cachedTimeParser } from './timestamp';

export const NSE_MINUTE_COLUMNS = [
  'timestamp',
  'symbol',
  'expiry',
  'strike',
  'option_type',
  'spot',
  'ltp',
  'volume',
  'oi',
  'iv',
];

export async function* nseMinuteRows(
  table: Table,
  report: ImportReport,
): AsyncGenerator<RowItem[]> {
  const ix = columnIndex(
    table.columns,
    {
      ts: 'timestamp',
      symbol: 'symbol',
      expiry: 'expiry',
      strike: 'strike',
      right: 'option_type',
      spot: 'spot',
      ltp: 'ltp',
      volume: 'volume',
      oi: 'oi',
      iv: 'iv',
    },
    [],
    'the NSE one-minute file',
  );
  const time = cachedTimeParser(() => 'Asia/Kolkata');
  let lastSymbol: unknown;
  let lastUnderlying = '';
  let lastExpiryRaw: unknown;
  let lastExpiry = '';
  for await (const batch of table.rows) {
    const out: RowItem[] = [];
    for (const { line, values } of batch) {
      report.rows++;
      try {
        if (values[ix.symbol] !== lastSymbol) {
          lastUnderlying = underlying(values[ix.symbol]);
          lastSymbol = values[ix.symbol];
        }
        if (values[ix.expiry] !== lastExpiryRaw) {
          lastExpiry = expiryDate(values[ix.expiry]);
          lastExpiryRaw = values[ix.expiry];
        }
        const t = time(values[ix.ts]);
        // The spot column is float32 in the source (24212.80078125): back to the paise it was.
        const spot = Math.round(requiredPositive(values[ix.spot], 'spot') * 100) / 100;
        const row: OptionRow = {
          line,
          ts: t.ts,
          tsMs: t.ms,
          underlying: lastUnderlying,
          spot,
          expiry: lastExpiry,
          strike: requiredPositive(values[ix.strike], 'strike'),
          right: right(values[ix.right]),
        };
        const ltp = optionalQuote(values[ix.ltp], 'ltp');
        const iv = optionalQuote(values[ix.iv], 'iv');
        const oi = optionalCount(values[ix.oi], 'oi');
        const volume = optionalCount(values[ix.volume], 'volume');
        if (ltp !== undefined) row.ltp = ltp;
        if (iv !== undefined) row.iv = percent(iv);
        if (oi !== undefined) row.oi = oi;
        if (volume !== undefined) row.volume = volume;
        out.push(row);
      } catch (err) {
        out.push(rejected(line, err));
      }
    }
    if (out.length) yield out;
  }
}

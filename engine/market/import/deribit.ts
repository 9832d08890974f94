/**
 * A sweep of Deribit's public/get_order_book over every listed option, flattened to CSV (as
 * github.com/bottama/Deribit-Option-Data): one row per instrument (BTC-26MAR21-48000-P),
 * prices in the coin, IVs in percent. A file may hold several sweeps back to back (an
 * instrument seen again starts the next); each sweep is one snapshot at its last timestamp; prices
 * are converted to USD at each expiry's underlying (forward) price, the price Deribit's own
 * Black-76 marks use, and that forward is kept on the expiry.
 */
import { formatTimestamp } from '../calendar';
import { rejected, withQuotes, type OptionRow, type RowItem } from './assemble';
import { columnIndex, type Table } from './csv';
import {
  expiryDate,
  optionalCount,
  optionalNumber,
  optionalQuote,
  requiredPositive,
  right,
  underlying,
} from './fields';
import { RowError, type ImportReport } from './report';

export const DERIBIT_COLUMNS = [
  'instrument_name',
  'underlying_price',
  'index_price',
  'timestamp',
  'best_bid_price',
  'best_ask_price',
  'last_price',
  'mark_iv',
  'open_interest',
];

const NAME = /^([A-Z]+)-(\d{1,2}[A-Z]{3}\d{2})-(\d+(?:\.\d+)?)-([CP])$/;

export async function* deribitRows(table: Table, report: ImportReport): AsyncGenerator<RowItem[]> {
  const ix = columnIndex(
    table.columns,
    {
      name: 'instrument_name',
      forward: 'underlying_price',
      index: 'index_price',
      ts: 'timestamp',
      bid: 'best_bid_price',
      ask: 'best_ask_price',
      ltp: 'last_price',
      iv: 'mark_iv',
      oi: 'open_interest',
      volume: 'stats.volume',
    },
    ['volume'],
    'the Deribit order-book CSV',
  );
  let rows: OptionRow[] = [];
  let rejects: RowItem[] = [];
  let byUnderlying = new Map<string, { ms: number; index: number }>();
  let seenNames = new Set<string>();
  function* flush(): Generator<RowItem[]> {
    if (rejects.length) yield rejects;
    rejects = [];
    for (const [u, { ms, index }] of byUnderlying) {
      const ts = formatTimestamp(ms, 'UTC');
      const out: OptionRow[] = [];
      for (const r of rows)
        if (r.underlying === u) {
          r.ts = ts;
          r.tsMs = ms;
          r.spot = index;
          out.push(r);
        }
      yield out;
    }
    rows = [];
    byUnderlying = new Map();
    seenNames = new Set();
  }
  for await (const batch of table.rows)
    for (const { line, values } of batch) {
      report.rows++;
      try {
        const name = String(values[ix.name] ?? '').trim();
        const m = NAME.exec(name);
        if (!m)
          throw new RowError(
            'malformed',
            `instrument_name "${name}" is not a Deribit option name such as BTC-26MAR21-48000-P`,
          );
        if (seenNames.has(name)) yield* flush();
        seenNames.add(name);
        const u = underlying(m[1]);
        const forward = requiredPositive(values[ix.forward], 'underlying_price');
        const index = requiredPositive(values[ix.index], 'index_price');
        const ms = requiredPositive(values[ix.ts], 'timestamp');
        const seen = byUnderlying.get(u);
        if (!seen || ms >= seen.ms) byUnderlying.set(u, { ms, index });
        const usd = (v: number | undefined) =>
          v === undefined ? undefined : Math.round(v * forward * 100) / 100;
        const row: OptionRow = {
          line,
          ts: '',
          tsMs: 0,
          underlying: u,
          expiry: expiryDate(m[2], 'expiry in instrument_name'),
          forward,
          strike: +m[3],
          right: right(m[4]),
        };
        rows.push(
          withQuotes(row, {
            bid: usd(optionalQuote(values[ix.bid], 'best_bid_price')),
            ask: usd(optionalQuote(values[ix.ask], 'best_ask_price')),
            ltp: usd(optionalQuote(values[ix.ltp], 'last_price')),
            ivPct: optionalNumber(values[ix.iv], 'mark_iv'),
            oi: optionalCount(values[ix.oi], 'open_interest'),
            volume: ix.volume >= 0 ? optionalCount(values[ix.volume], 'stats.volume') : undefined,
          }),
        );
      } catch (err) {
        rejects.push(rejected(line, err));
      }
    }
  if (rows.length)
    report.note(
      "Deribit prices were converted from the coin to USD at each expiry's underlying price; each sweep is one snapshot at its last timestamp",
    );
  yield* flush();
}

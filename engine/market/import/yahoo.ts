/**
 * Option chains saved from Yahoo Finance (yfinance's option_chain frames written to CSV, as
 * github.com/owenyi2/financial_data's SPY_options.csv): one snapshot per file, OCC contract
 * symbols, no underlying price and no snapshot time. The time is taken as the latest trade in
 * the file and the spot, unless given, from put-call parity; both are stated in the report.
 */
import { formatTimestamp } from '../calendar';
import { getInstrument } from '../instruments';
import { rejected, type OptionRow, type RowItem } from './assemble';
import { columnIndex, type Table } from './csv';
import {
  expiryDate,
  optionalCount,
  optionalNumber,
  optionalPrice,
  optionalQuote,
  requiredPositive,
  right,
  underlying,
} from './fields';
import { RowError, type ImportReport } from './report';
import { parseTime } from './timestamp';

export const YAHOO_COLUMNS = [
  'contractSymbol',
  'lastTradeDate',
  'strike',
  'lastPrice',
  'bid',
  'ask',
  'volume',
  'openInterest',
  'impliedVolatility',
];

const OCC = /^([A-Z]{1,6})(\d{6})([CP])(\d{8})$/;

export interface YahooOptions {
  /** Underlying price at the snapshot; without it spot comes from put-call parity. */
  spot?: number;
  /** Snapshot time; without it, the latest lastTradeDate in the file. */
  ts?: string;
}

/** Spot from parity, S ≈ K + C − P at the strike where call and put mids are closest. */
function paritySpot(
  rows: OptionRow[],
  afterDate: string,
): { spot: number; expiry: string; strike: number } | undefined {
  const expiries = [...new Set(rows.map((r) => r.expiry))].filter((e) => e > afterDate).sort();
  for (const e of expiries) {
    const mids = new Map<number, { c?: number; p?: number }>();
    for (const r of rows) {
      if (r.expiry !== e || r.bid === undefined || r.ask === undefined || !(r.bid > 0)) continue;
      const m = mids.get(r.strike) ?? {};
      m[r.right === 'CE' ? 'c' : 'p'] = 0.5 * (r.bid + r.ask);
      mids.set(r.strike, m);
    }
    let best: { spot: number; expiry: string; strike: number; gap: number } | undefined;
    for (const [k, m] of mids) {
      if (m.c === undefined || m.p === undefined) continue;
      const gap = Math.abs(m.c - m.p);
      if (!best || gap < best.gap) best = { spot: k + m.c - m.p, expiry: e, strike: k, gap };
    }
    if (best)
      return { spot: Math.round(best.spot * 100) / 100, expiry: best.expiry, strike: best.strike };
  }
  return undefined;
}

export async function* yahooRows(
  table: Table,
  report: ImportReport,
  opts: YahooOptions = {},
): AsyncGenerator<RowItem[]> {
  const ix = columnIndex(
    table.columns,
    {
      symbol: 'contractSymbol',
      last: 'lastTradeDate',
      strike: 'strike',
      ltp: 'lastPrice',
      bid: 'bid',
      ask: 'ask',
      volume: 'volume',
      oi: 'openInterest',
      iv: 'impliedVolatility',
      expiry: 'Expiration_Date',
    },
    ['expiry'],
    'the Yahoo option-chain CSV',
  );
  // One snapshot per file, so holding its rows is holding one snapshot.
  const rows: OptionRow[] = [];
  const rejects: RowItem[] = [];
  let latest = -Infinity;
  let sym = '';
  for await (const batch of table.rows)
    for (const { line, values } of batch) {
      report.rows++;
      try {
        const m = OCC.exec(String(values[ix.symbol] ?? '').trim());
        if (!m)
          throw new RowError(
            'malformed',
            `contractSymbol "${String(values[ix.symbol] ?? '')}" is not an OCC option symbol such as SPY250826C00640000`,
          );
        const u = underlying(m[1]);
        sym = u;
        const expiry =
          ix.expiry >= 0 && values[ix.expiry]
            ? expiryDate(values[ix.expiry])
            : `20${m[2].slice(0, 2)}-${m[2].slice(2, 4)}-${m[2].slice(4, 6)}`;
        const lastTrade = values[ix.last]
          ? parseTime(values[ix.last], 'UTC', 'lastTradeDate').ms
          : undefined;
        if (lastTrade !== undefined && lastTrade > latest) latest = lastTrade;
        const row: OptionRow = {
          line,
          ts: '',
          tsMs: 0,
          underlying: u,
          expiry,
          strike: requiredPositive(values[ix.strike], 'strike'),
          right: right(m[3]),
        };
        // Yahoo writes 0 for "no bid" / "no ask".
        const bid = optionalQuote(values[ix.bid], 'bid');
        const ask = optionalQuote(values[ix.ask], 'ask');
        const ltp = optionalPrice(values[ix.ltp], 'lastPrice');
        const iv = optionalNumber(values[ix.iv], 'impliedVolatility');
        const oi = optionalCount(values[ix.oi], 'openInterest');
        const volume = optionalCount(values[ix.volume], 'volume');
        if (bid !== undefined) row.bid = bid;
        if (ask !== undefined) row.ask = ask;
        if (ltp !== undefined) row.ltp = ltp;
        if (iv !== undefined && iv > 0) row.iv = iv;
        if (oi !== undefined) row.oi = oi;
        if (volume !== undefined) row.volume = volume;
        rows.push(row);
      } catch (err) {
        rejects.push(rejected(line, err));
      }
    }
  if (rejects.length) yield rejects;
  if (rows.length === 0) return;
  const tz = getInstrument(sym).timezone;
  let ts: { ts: string; ms: number };
  if (opts.ts) ts = parseTime(opts.ts, tz);
  else if (latest > -Infinity) {
    ts = { ms: latest, ts: formatTimestamp(latest, tz) };
    report.note(`the file has no snapshot time: used the latest trade time ${ts.ts}`);
  } else
    throw new Error(
      'the Yahoo option-chain CSV has no lastTradeDate values: give the snapshot time (--ts)',
    );
  let spot = opts.spot;
  if (spot === undefined) {
    const p = paritySpot(rows, ts.ts.slice(0, 10));
    if (!p)
      throw new Error(
        'the Yahoo option-chain CSV has no underlying price and no strike with both call and put quotes to imply one: give the spot (--spot)',
      );
    spot = p.spot;
    report.note(
      `the file has no underlying price: spot ${spot} implied by put-call parity at the ${p.strike} strike of ${p.expiry}`,
    );
  }
  for (const r of rows) {
    r.ts = ts.ts;
    r.tsMs = ts.ms;
    r.spot = spot;
  }
  yield rows;
}

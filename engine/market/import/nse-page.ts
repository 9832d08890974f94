/**
 * NSE's old option-chain web page (optionKeys.jsp) saved as CSV, one strike a row with call
 * columns left and put columns right (as github.com/rohmhatre/optionchaindata, 2019). The page
 * shows one expiry and no date: the underlying and time come from the file name
 * (NIFTY_29-08-2019_15-30.csv) and the expiry, unless given, is the nearest Thursday on or
 * after that day (NSE's index expiry weekday until 2025).
 */
import { addDays, formatTimestamp, weekday, zonedInstant } from '../calendar';
import { rejected, withQuotes, type OptionRow, type RowItem } from './assemble';
import { columnIndex, type Table } from './csv';
import {
  optionalCount,
  optionalNumber,
  optionalQuote,
  requiredPositive,
  underlying,
} from './fields';
import { RowError, type ImportReport } from './report';

export const NSE_PAGE_COLUMNS = [
  'CallOI',
  'CallLTP',
  'CallBidPrice',
  'CallAskPrice',
  'StrikePrice',
  'PutBidPrice',
  'PutAskPrice',
  'PutLTP',
  'PutOI',
  'CurrentVal',
];

export interface NsePageContext {
  underlying: string;
  /** Snapshot time, ISO with offset. */
  ts: string;
  /** Expiry the page showed (default: nearest Thursday on or after the snapshot's date). */
  expiry?: string;
}

/** Underlying and time from a saved page's file name, SYMBOL_DD-MM-YYYY_HH-MM.csv (':' or '-'). */
export function nsePageContextFromName(fileName: string): NsePageContext | undefined {
  const m = /([A-Z]+)_(\d{2})-(\d{2})-(\d{4})_(\d{2})[-:](\d{2})\.csv$/i.exec(fileName);
  if (!m) return undefined;
  const date = `${m[4]}-${m[3]}-${m[2]}`;
  return {
    underlying: m[1].toUpperCase(),
    ts: formatTimestamp(zonedInstant(date, `${m[5]}:${m[6]}`, 'Asia/Kolkata'), 'Asia/Kolkata'),
  };
}

export async function* nsePageRows(
  table: Table,
  report: ImportReport,
  ctx: NsePageContext,
): AsyncGenerator<RowItem[]> {
  const ix = columnIndex(
    table.columns,
    {
      cOi: 'CallOI',
      cVol: 'CallVolume',
      cIv: 'CallIV',
      cLtp: 'CallLTP',
      cBid: 'CallBidPrice',
      cAsk: 'CallAskPrice',
      strike: 'StrikePrice',
      pBid: 'PutBidPrice',
      pAsk: 'PutAskPrice',
      pLtp: 'PutLTP',
      pIv: 'PutIV',
      pVol: 'PutVolume',
      pOi: 'PutOI',
      spot: 'CurrentVal',
    },
    ['cVol', 'cIv', 'pVol', 'pIv'],
    'the NSE option-chain page CSV',
  );
  const u = underlying(ctx.underlying);
  const ms = Date.parse(ctx.ts);
  if (Number.isNaN(ms))
    throw new Error(`snapshot time "${ctx.ts}" is not valid: use ISO-8601 with an offset`);
  const date = ctx.ts.slice(0, 10);
  const expiry = ctx.expiry ?? addDays(date, (4 - weekday(date) + 7) % 7);
  if (!ctx.expiry)
    report.note(
      `the page names no expiry: took ${expiry}, the nearest Thursday on or after ${date}`,
    );
  const cell = (v: unknown[], i: number) => (i >= 0 ? v[i] : undefined);
  for await (const batch of table.rows) {
    const out: RowItem[] = [];
    for (const { line, values } of batch) {
      report.rows++;
      let strike: number;
      let spot: number;
      try {
        strike = requiredPositive(values[ix.strike], 'StrikePrice');
        spot = requiredPositive(values[ix.spot], 'CurrentVal');
      } catch (err) {
        out.push(rejected(line, err));
        continue;
      }
      for (const side of ['CE', 'PE'] as const) {
        const c = side === 'CE';
        try {
          const row: OptionRow = {
            line,
            ts: ctx.ts,
            tsMs: ms,
            underlying: u,
            spot,
            expiry,
            strike,
            right: side,
          };
          const bid = optionalQuote(values[c ? ix.cBid : ix.pBid], `${c ? 'Call' : 'Put'}BidPrice`);
          const ask = optionalQuote(values[c ? ix.cAsk : ix.pAsk], `${c ? 'Call' : 'Put'}AskPrice`);
          const ltp = optionalQuote(values[c ? ix.cLtp : ix.pLtp], `${c ? 'Call' : 'Put'}LTP`);
          const iv = optionalNumber(cell(values, c ? ix.cIv : ix.pIv), `${c ? 'Call' : 'Put'}IV`);
          const oi = optionalCount(values[c ? ix.cOi : ix.pOi], `${c ? 'Call' : 'Put'}OI`);
          const volume = optionalCount(
            cell(values, c ? ix.cVol : ix.pVol),
            `${c ? 'Call' : 'Put'}Volume`,
          );
          if (iv !== undefined && iv < 0)
            throw new RowError('negative-price', `${c ? 'Call' : 'Put'}IV ${iv} is negative`);
          if (bid === undefined && ask === undefined && ltp === undefined && oi === undefined)
            continue; // strike not traded on this side
          out.push(withQuotes(row, { bid, ask, ltp, ivPct: iv, oi, volume }));
        } catch (err) {
          out.push(rejected(line, err));
        }
      }
    }
    if (out.length) yield out;
  }
}

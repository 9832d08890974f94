/**
 * Saved responses of NSE's option-chain API (api/option-chain-indices): records.timestamp in
 * IST, records.underlyingValue, and records.data with a CE and/or PE per strike and expiry.
 * IVs are in percent; a 0 price, bid, ask or IV means "none" and stays missing. A file holds
 * one response (pretty-printed or not) or one response per line.
 */
import { rejected, withQuotes, type OptionRow, type RowItem } from './assemble';
import { lineBatches, type Lines } from './csv';
import {
  expiryDate,
  optionalCount,
  optionalNumber,
  optionalQuote,
  requiredPositive,
  underlying,
} from './fields';
import { RowError, type ImportReport } from './report';
import { parseTime } from './timestamp';

interface NseSide {
  underlying?: string;
  openInterest?: unknown;
  totalTradedVolume?: unknown;
  impliedVolatility?: unknown;
  lastPrice?: unknown;
  bidprice?: unknown;
  askPrice?: unknown;
  buyPrice1?: unknown;
  sellPrice1?: unknown;
}

interface NseResponse {
  records?: {
    timestamp?: unknown;
    underlyingValue?: unknown;
    data?: { strikePrice?: unknown; expiryDate?: unknown; CE?: NseSide; PE?: NseSide }[];
  };
}

const NSE_TIME = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

function responseRows(
  doc: NseResponse,
  line: number,
  report: ImportReport,
  fallbackUnderlying?: string,
): RowItem[] {
  const rec = doc.records;
  if (!rec || !Array.isArray(rec.data)) {
    report.bad(line, 'malformed', 'not an NSE option-chain response: it has no records.data array');
    return [];
  }
  let tsMs: number;
  let ts: string;
  let spot: number;
  try {
    const m = NSE_TIME.exec(String(rec.timestamp ?? '').trim());
    if (!m)
      throw new RowError(
        rec.timestamp ? 'malformed' : 'missing-field',
        `records.timestamp "${String(rec.timestamp ?? '')}" is not like 28-Mar-2022 10:47:19`,
      );
    const t = parseTime(
      `${expiryDate(`${m[1]}-${m[2]}-${m[3]}`)} ${m[4]}:${m[5]}:${m[6]}`,
      'Asia/Kolkata',
      'records.timestamp',
    );
    tsMs = t.ms;
    ts = t.ts;
    spot = requiredPositive(rec.underlyingValue, 'records.underlyingValue');
  } catch (err) {
    report.fromError(line, err);
    return [];
  }
  const out: RowItem[] = [];
  rec.data.forEach((d, i) => {
    for (const side of ['CE', 'PE'] as const) {
      const q = d[side];
      if (!q) continue;
      report.rows++;
      const where = `records.data[${i}].${side}`;
      try {
        const row: OptionRow = {
          line,
          ts,
          tsMs,
          spot,
          underlying: underlying(q.underlying ?? fallbackUnderlying),
          expiry: expiryDate(d.expiryDate, `${where}.expiryDate`),
          strike: requiredPositive(d.strikePrice, `${where}.strikePrice`),
          right: side,
        };
        out.push(
          withQuotes(row, {
            bid: optionalQuote(q.bidprice ?? q.buyPrice1, `${where}.bidprice`),
            ask: optionalQuote(q.askPrice ?? q.sellPrice1, `${where}.askPrice`),
            ltp: optionalQuote(q.lastPrice, `${where}.lastPrice`),
            ivPct: optionalNumber(q.impliedVolatility, `${where}.impliedVolatility`),
            oi: optionalCount(q.openInterest, `${where}.openInterest`),
            volume: optionalCount(q.totalTradedVolume, `${where}.totalTradedVolume`),
          }),
        );
      } catch (err) {
        out.push(rejected(line, err, `${where}: `));
      }
    }
  });
  return out;
}

export async function* nseJsonRows(
  lines: Lines,
  report: ImportReport,
  opts: { underlying?: string } = {},
): AsyncGenerator<RowItem[]> {
  // A pretty-printed response spans many lines; one response is one snapshot, so collect it.
  const parts: string[] = [];
  let lineNo = 0;
  let perLine = true;
  const pending: { line: number; text: string }[] = [];
  for await (const chunk of lineBatches(lines))
    for (const l of chunk) {
      lineNo++;
      parts.push(l);
      if (perLine && l.trim() !== '') {
        if (l.trimStart().startsWith('{') && l.trimEnd().endsWith('}'))
          pending.push({ line: lineNo, text: l });
        else perLine = false;
      }
      if (perLine && pending.length) {
        const p = pending.shift()!;
        let doc: NseResponse | undefined;
        try {
          doc = JSON.parse(p.text) as NseResponse;
        } catch {
          report.bad(p.line, 'malformed', 'line is not valid JSON');
        }
        if (doc) yield responseRows(doc, p.line, report, opts.underlying);
        parts.length = 0;
      }
    }
  if (perLine) return;
  let doc: unknown;
  try {
    doc = JSON.parse(parts.join('\n'));
  } catch (err) {
    report.bad(0, 'malformed', `the file is not valid JSON: ${(err as Error).message}`);
    return;
  }
  for (const d of Array.isArray(doc) ? doc : [doc])
    yield responseRows(d as NseResponse, 0, report, opts.underlying);
}

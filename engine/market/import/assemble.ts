/**
 * Groups option rows into chain snapshots as they stream past: rows of one (underlying, ts)
 * arrive together in every format we read, so only the snapshot being built is in memory.
 * The checks every format shares live here: unknown underlyings, timestamps going
 * backwards, a bid above the ask, duplicate options.
 */
import { findInstrument } from '../instruments';
import type { ChainSnapshot, ExpiryChain, OptionQuote } from '../snapshot';
import { percent } from './fields';
import { RowError, type BadRowReason, type ImportReport } from './report';

export interface OptionRow {
  line: number;
  /** ISO-8601 with offset. */
  ts: string;
  tsMs: number;
  underlying: string;
  spot?: number;
  vix?: number;
  futures?: number;
  expiry: string;
  forward?: number;
  strike: number;
  right: 'CE' | 'PE';
  bid?: number;
  ask?: number;
  ltp?: number;
  iv?: number;
  oi?: number;
  volume?: number;
}

/** A row's quote fields as a source gives them, each absent when the source left it out; IV in percent. */
export interface QuoteFields {
  bid?: number;
  ask?: number;
  ltp?: number;
  ivPct?: number;
  oi?: number;
  volume?: number;
}

/**
 * Puts the fields a source quoted on the row and leaves the rest absent (never `undefined`
 * keys, so snapshots serialise the same whichever format they came from). An IV of 0 is how
 * NSE and Deribit say "no IV", so it stays absent too.
 */
export function withQuotes(row: OptionRow, q: QuoteFields): OptionRow {
  if (q.bid !== undefined) row.bid = q.bid;
  if (q.ask !== undefined) row.ask = q.ask;
  if (q.ltp !== undefined) row.ltp = q.ltp;
  if (q.ivPct !== undefined && q.ivPct > 0) row.iv = percent(q.ivPct);
  if (q.oi !== undefined) row.oi = q.oi;
  if (q.volume !== undefined) row.volume = q.volume;
  return row;
}

/** A row the format parser rejected, kept in line order so reports read top to bottom. */
export interface RejectedRow {
  rejected: true;
  line: number;
  reason: BadRowReason;
  message: string;
}

export type RowItem = OptionRow | RejectedRow;

/** The RejectedRow for a RowError (anything else is a bug and is rethrown). */
export function rejected(line: number, err: unknown, prefix = ''): RejectedRow {
  if (err instanceof RowError)
    return { rejected: true, line, reason: err.reason, message: prefix + err.message };
  throw err;
}

interface Building {
  key: string;
  firstLine: number;
  ts: string;
  tsMs: number;
  underlying: string;
  spot?: number;
  vix?: number;
  futures?: number;
  expiries: Map<string, { forward?: number; options: OptionQuote[] }>;
  seen: Set<string>;
}

const byStrikeThenRight = (a: OptionQuote, b: OptionQuote) =>
  a.strike - b.strike || (a.right < b.right ? -1 : a.right > b.right ? 1 : 0);

function finish(b: Building, report: ImportReport): ChainSnapshot | undefined {
  if (b.spot === undefined) {
    report.bad(
      b.firstLine,
      'missing-field',
      `snapshot ${b.underlying} ${b.ts} has no spot price on any row: it is skipped`,
    );
    return undefined;
  }
  const expiries: ExpiryChain[] = [...b.expiries.keys()].sort().map((e) => {
    const x = b.expiries.get(e)!;
    const options = x.options.sort(byStrikeThenRight);
    return x.forward !== undefined
      ? { expiry: e, forward: x.forward, options }
      : { expiry: e, options };
  });
  report.snapshots++;
  // Keys in the schema's order, as the NDJSON reader writes them.
  return {
    ts: b.ts,
    underlying: b.underlying,
    spot: b.spot,
    ...(b.vix !== undefined ? { vix: b.vix } : {}),
    ...(b.futures !== undefined ? { futures: b.futures } : {}),
    expiries,
  };
}

export async function* assembleSnapshots(
  rows: AsyncIterable<RowItem[]>,
  report: ImportReport,
): AsyncGenerator<ChainSnapshot> {
  let cur: Building | undefined;
  const lastTs = new Map<string, number>();
  for await (const batch of rows)
    for (const r of batch) {
      if ('rejected' in r) {
        report.bad(r.line, r.reason, r.message);
        continue;
      }
      if (!findInstrument(r.underlying)) {
        report.bad(
          r.line,
          'unknown-underlying',
          `underlying "${r.underlying}" is not in the instrument catalog`,
        );
        continue;
      }
      if (r.bid !== undefined && r.ask !== undefined && r.bid > r.ask) {
        report.bad(
          r.line,
          'bid-above-ask',
          `bid ${r.bid} is above ask ${r.ask} for ${r.underlying} ${r.expiry} ${r.strike} ${r.right}`,
        );
        continue;
      }
      const key = `${r.underlying}|${r.tsMs}`;
      if (!cur || cur.key !== key) {
        const last = lastTs.get(r.underlying);
        if (last !== undefined && r.tsMs < last) {
          report.bad(
            r.line,
            'time-backwards',
            `timestamp ${r.ts} is earlier than ${new Date(last).toISOString()} already read for ${r.underlying}: rows must be in time order`,
          );
          continue;
        }
        if (cur) {
          const s = finish(cur, report);
          if (s) yield s;
        }
        lastTs.set(r.underlying, r.tsMs);
        cur = {
          key,
          firstLine: r.line,
          ts: r.ts,
          tsMs: r.tsMs,
          underlying: r.underlying,
          expiries: new Map(),
          seen: new Set(),
        };
      }
      const id = `${r.expiry}|${r.strike}|${r.right}`;
      if (cur.seen.has(id)) {
        report.bad(
          r.line,
          'duplicate',
          `${r.underlying} ${r.expiry} ${r.strike} ${r.right} appears twice at ${r.ts}: the first is kept`,
        );
        continue;
      }
      cur.seen.add(id);
      if (cur.spot === undefined && r.spot !== undefined) cur.spot = r.spot;
      if (cur.vix === undefined && r.vix !== undefined) cur.vix = r.vix;
      if (cur.futures === undefined && r.futures !== undefined) cur.futures = r.futures;
      let e = cur.expiries.get(r.expiry);
      if (!e) {
        e = { options: [] };
        cur.expiries.set(r.expiry, e);
      }
      if (r.forward !== undefined) e.forward = r.forward;
      const q: OptionQuote = { strike: r.strike, right: r.right };
      if (r.bid !== undefined) q.bid = r.bid;
      if (r.ask !== undefined) q.ask = r.ask;
      if (r.ltp !== undefined) q.ltp = r.ltp;
      if (r.iv !== undefined) q.iv = r.iv;
      if (r.oi !== undefined) q.oi = r.oi;
      if (r.volume !== undefined) q.volume = r.volume;
      e.options.push(q);
      report.options++;
    }
  if (cur) {
    const s = finish(cur, report);
    if (s) yield s;
  }
}

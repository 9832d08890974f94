/**
 * The canonical chain-snapshot NDJSON of DESIGN.md, read back with the same checks as every
 * other format: a malformed line or snapshot-level fault skips the line; a bad option (negative
 * price, bid above ask) skips that option only and reports the line.
 */
import { findInstrument } from '../instruments';
import {
  ChainSnapshotSchema,
  OptionQuoteSchema,
  type ChainSnapshot,
  type ExpiryChain,
  type OptionQuote,
} from '../snapshot';
import type { BadRowReason, ImportReport } from './report';
import { lineBatches, type Lines } from './csv';

const PRICE_FIELDS = new Set([
  'bid',
  'ask',
  'ltp',
  'iv',
  'spot',
  'strike',
  'vix',
  'futures',
  'forward',
]);

function reasonOf(
  issue: { code: string; path: PropertyKey[]; message: string },
  input: unknown,
): BadRowReason {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  let v: unknown = input;
  for (const p of issue.path) v = (v as Record<PropertyKey, unknown> | undefined)?.[p];
  if (v === undefined) return 'missing-field';
  if (issue.code === 'too_small' && typeof v === 'number' && v < 0)
    return PRICE_FIELDS.has(field) ? 'negative-price' : 'negative-count';
  if (issue.code === 'invalid_type' && typeof v !== 'number' && PRICE_FIELDS.has(field))
    return 'non-numeric';
  if (
    issue.code === 'invalid_type' &&
    typeof v !== 'number' &&
    (field === 'oi' || field === 'volume')
  )
    return 'non-numeric';
  return 'malformed';
}

export async function* ndjsonSnapshots(
  lines: Lines,
  report: ImportReport,
): AsyncGenerator<ChainSnapshot> {
  let lineNo = 0;
  const lastTs = new Map<string, number>();
  for await (const chunk of lineBatches(lines))
    for (const text of chunk) {
      lineNo++;
      if (text.trim() === '') continue;
      report.rows++;
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(text);
      } catch {
        report.bad(lineNo, 'malformed', 'line is not valid JSON');
        continue;
      }
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        report.bad(lineNo, 'malformed', 'line is not a JSON object');
        continue;
      }
      // Options are checked one by one so one bad quote does not lose the snapshot.
      const expiries: ExpiryChain[] = [];
      const rawExpiries = Array.isArray(raw.expiries) ? raw.expiries : [];
      const head = ChainSnapshotSchema.safeParse({ ...raw, expiries: [] });
      if (!head.success) {
        const issue = head.error.issues[0];
        report.bad(lineNo, reasonOf(issue, raw), `${issue.path.join('.')}: ${issue.message}`);
        continue;
      }
      if (!Array.isArray(raw.expiries)) {
        report.bad(lineNo, 'missing-field', 'expiries: an array of {expiry, options} is required');
        continue;
      }
      const s = head.data;
      if (!findInstrument(s.underlying)) {
        report.bad(
          lineNo,
          'unknown-underlying',
          `underlying "${s.underlying}" is not in the instrument catalog`,
        );
        continue;
      }
      const ms = Date.parse(s.ts);
      const last = lastTs.get(s.underlying);
      if (last !== undefined && ms < last) {
        report.bad(
          lineNo,
          'time-backwards',
          `timestamp ${s.ts} is earlier than ${new Date(last).toISOString()} already read for ${s.underlying}: lines must be in time order`,
        );
        continue;
      }
      lastTs.set(s.underlying, ms);
      let broken = false;
      rawExpiries.forEach((e: Record<string, unknown>, ei: number) => {
        const chain = { ...(e ?? {}), options: [] as OptionQuote[] };
        const ok = ChainSnapshotSchema.shape.expiries.element.safeParse(chain);
        if (!ok.success) {
          const issue = ok.error.issues[0];
          report.bad(
            lineNo,
            reasonOf(issue, chain),
            `expiries[${ei}].${issue.path.join('.')}: ${issue.message}`,
          );
          broken = true;
          return;
        }
        const options: OptionQuote[] = [];
        (Array.isArray(e.options) ? e.options : []).forEach((o: unknown, oi: number) => {
          const q = OptionQuoteSchema.safeParse(o);
          if (!q.success) {
            const issue = q.error.issues[0];
            report.bad(
              lineNo,
              reasonOf(issue, o),
              `expiries[${ei}].options[${oi}].${issue.path.join('.')}: ${issue.message}`,
            );
            return;
          }
          if (q.data.bid !== undefined && q.data.ask !== undefined && q.data.bid > q.data.ask) {
            report.bad(
              lineNo,
              'bid-above-ask',
              `expiries[${ei}].options[${oi}]: bid ${q.data.bid} is above ask ${q.data.ask}`,
            );
            return;
          }
          options.push(q.data);
        });
        expiries.push({ ...ok.data, options });
      });
      if (broken) continue;
      for (const e of expiries) report.options += e.options.length;
      report.snapshots++;
      yield { ...s, expiries };
    }
}

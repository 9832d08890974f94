/** Timestamps as data sources write them, to instants and the snapshot's ISO-with-offset form. */
import { formatTimestamp, zonedInstant } from '../calendar';
import { IsoTimestampSchema } from '../snapshot';
import { RowError } from './report';

export interface ParsedTime {
  ts: string;
  ms: number;
}

const OFFSET_RE = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parse ISO-8601 (with or without offset), 'YYYY-MM-DD HH:MM[:SS]', 'YYYYMMDDHHMM[SS]' or epoch
 * milliseconds/seconds. A time without an offset is read in `timezone` (the exchange's zone).
 */
export function parseTime(v: unknown, timezone: string, field = 'ts'): ParsedTime {
  if (
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    (typeof v === 'string' && /^\d{10}(\d{3})?(\.\d+)?$/.test(v.trim()))
  ) {
    let n = Number(v);
    if (n < 1e11) n *= 1000;
    return { ms: n, ts: formatTimestamp(n, timezone) };
  }
  const s = String(v ?? '').trim();
  if (!s) throw new RowError('missing-field', `${field} is missing`);
  let m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(s);
  if (m) {
    const ms =
      zonedInstant(`${m[1]}-${m[2]}-${m[3]}`, `${m[4]}:${m[5]}`, timezone) +
      (m[6] ? +m[6] * 1000 : 0);
    return { ms, ts: formatTimestamp(ms, timezone) };
  }
  m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(.*)$/.exec(s);
  if (m) {
    const rest = m[6].trim();
    if (rest === '') {
      const ms =
        zonedInstant(m[1], `${m[2]}:${m[3]}`, timezone) +
        (m[4] ? +m[4] * 1000 : 0) +
        (m[5] ? Math.round(+m[5] * 1000) : 0);
      return { ms, ts: formatTimestamp(ms, timezone) };
    }
    if (OFFSET_RE.test(rest)) {
      const ms = Date.parse(s.replace(' ', 'T'));
      if (!Number.isNaN(ms)) {
        const iso = s.replace(' ', 'T');
        return {
          ms,
          ts: IsoTimestampSchema.safeParse(iso).success ? iso : formatTimestamp(ms, timezone),
        };
      }
    }
  }
  throw new RowError(
    'malformed',
    `${field} "${s}" is not a timestamp: use ISO-8601 such as 2026-11-20T09:15:00+05:30`,
  );
}

/** parseTime with a one-entry cache: rows of one snapshot share their timestamp text. */
export function cachedTimeParser(
  timezone: (row: unknown) => string,
): (v: unknown, row?: unknown) => ParsedTime {
  let lastKey: unknown;
  let lastZone = '';
  let last: ParsedTime | undefined;
  return (v, row) => {
    const zone = timezone(row);
    if (last && v === lastKey && zone === lastZone) return last;
    last = parseTime(v, zone);
    lastKey = v;
    lastZone = zone;
    return last;
  };
}

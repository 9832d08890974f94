/** Streaming CSV: lines in, header-indexed rows out (RFC 4180 quoting within a line). */

export interface TableRow {
  /** 1-based line (or row) number in the source. */
  line: number;
  values: unknown[];
}

export interface Table {
  columns: string[];
  /** Rows in batches: one await per batch keeps streaming cheap (async iteration per row is not). */
  rows: AsyncIterable<TableRow[]>;
}

/** Text lines, one at a time or in arrays (a file reader hands over whole chunks). */
export type Lines = AsyncIterable<string | readonly string[]>;

/** Flatten a Lines source to batches of lines. */
export async function* lineBatches(lines: Lines): AsyncGenerator<readonly string[]> {
  let pending: string[] = [];
  for await (const l of lines) {
    if (typeof l === 'string') {
      pending.push(l);
      if (pending.length >= 4096) {
        yield pending;
        pending = [];
      }
    } else {
      if (pending.length) {
        yield pending;
        pending = [];
      }
      yield l;
    }
  }
  if (pending.length) yield pending;
}

export function splitCsvLine(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Read a CSV's header and stream its rows; blank lines are skipped, numbering stays true. */
export async function csvTable(lines: Lines): Promise<Table> {
  const it = lineBatches(lines)[Symbol.asyncIterator]();
  let lineNo = 0;
  let header: string[] | undefined;
  let batch: readonly string[] = [];
  let i = 0;
  while (!header) {
    if (i >= batch.length) {
      const n = await it.next();
      if (n.done) return { columns: [], rows: (async function* () {})() };
      batch = n.value;
      i = 0;
      continue;
    }
    lineNo++;
    const text = batch[i++].replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (text.trim() !== '') header = splitCsvLine(text).map((c) => c.trim());
  }
  const first = batch.slice(i);
  const start = lineNo;
  async function* rows(): AsyncGenerator<TableRow[]> {
    let no = start;
    let b: readonly string[] = first;
    while (true) {
      const out: TableRow[] = [];
      for (const raw of b) {
        no++;
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (text === '') continue;
        out.push({ line: no, values: splitCsvLine(text) });
      }
      if (out.length) yield out;
      const n = await it.next();
      if (n.done) return;
      b = n.value;
    }
  }
  return { columns: header, rows: rows() };
}

/** Index of each wanted column in a header; throws naming the missing ones and what was found. */
export function columnIndex<K extends string>(
  columns: string[],
  wanted: Record<K, string>,
  optional: readonly NoInfer<K>[] = [],
  what = 'file',
): Record<K, number> {
  const lower = columns.map((c) => c.toLowerCase());
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const k of Object.keys(wanted) as K[]) {
    const i = lower.indexOf(wanted[k].toLowerCase());
    if (i < 0 && !optional.includes(k)) missing.push(wanted[k]);
    out[k] = i;
  }
  if (missing.length)
    throw new Error(
      `${what} has no column ${missing.map((m) => `"${m}"`).join(', ')}: its columns are ${columns.join(', ')}`,
    );
  return out;
}

/**
 * What an import found wrong, row by row: every importer reports a skipped row here with its
 * line (or row) number and a reason a user can act on, and nothing bad is silently dropped.
 */

export type BadRowReason =
  | 'non-numeric'
  | 'negative-price'
  | 'negative-count'
  | 'bid-above-ask'
  | 'time-backwards'
  | 'unknown-underlying'
  | 'missing-field'
  | 'duplicate'
  | 'malformed';

export interface BadRow {
  /** File the row came from, when the reader knows it. */
  source?: string;
  /** 1-based line of a text file (row number for parquet; 0 when the whole document is at fault). */
  line: number;
  reason: BadRowReason;
  message: string;
}

/** Thrown by field parsers; the importer turns it into a BadRow for the current line. */
export class RowError extends Error {
  constructor(
    readonly reason: BadRowReason,
    message: string,
  ) {
    super(message);
  }
}

export class ImportReport {
  rows = 0;
  snapshots = 0;
  options = 0;
  badRows = 0;
  readonly byReason: Partial<Record<BadRowReason, number>> = {};
  /** The first `maxSamples` bad rows in full (the counts above cover all of them). */
  readonly samples: BadRow[] = [];
  /** Things the user should know about how the data was read (assumed zones, derived spot). */
  readonly notes: string[] = [];
  source: string | undefined;

  constructor(
    private readonly onBadRow?: (bad: BadRow) => void,
    readonly maxSamples = 1000,
  ) {}

  bad(line: number, reason: BadRowReason, message: string): void {
    const b: BadRow = { line, reason, message };
    if (this.source !== undefined) b.source = this.source;
    this.badRows++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    if (this.samples.length < this.maxSamples) this.samples.push(b);
    this.onBadRow?.(b);
  }

  fromError(line: number, err: unknown): void {
    if (err instanceof RowError) this.bad(line, err.reason, err.message);
    else throw err;
  }

  note(message: string): void {
    if (!this.notes.includes(message)) this.notes.push(message);
  }

  toJSON() {
    return {
      rows: this.rows,
      snapshots: this.snapshots,
      options: this.options,
      badRows: this.badRows,
      byReason: this.byReason,
      samples: this.samples,
      notes: this.notes,
    };
  }
}

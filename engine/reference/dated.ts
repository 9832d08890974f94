/**
 * Reference data that changes over time (lot sizes, freeze limits, tax rates, holidays) is kept as
 * rows with the dates they are valid for and the source of each row, so a 2019 backtest uses 2019's
 * lot size and a report can say when it had to assume one.
 */

/** A value valid from `from` to `to` (both YYYY-MM-DD, inclusive; no `to` = still valid). */
export type Dated<T> = { from: string; to?: string; value: T; source: string };

/** The row valid on `date`, or undefined when no row covers it. */
export function validOn<T>(rows: readonly Dated<T>[], date: string): Dated<T> | undefined {
  for (const r of rows) if (r.from <= date && (r.to === undefined || date <= r.to)) return r;
  return undefined;
}

/** The dates a table covers: from its earliest row to its latest (open-ended rows run to 9999). */
export function coverage(rows: readonly Dated<unknown>[]): { from: string; to: string } | null {
  if (rows.length === 0) return null;
  let from = rows[0].from;
  let to = rows[0].to ?? '9999-12-31';
  for (const r of rows) {
    if (r.from < from) from = r.from;
    const end = r.to ?? '9999-12-31';
    if (end > to) to = end;
  }
  return { from, to };
}

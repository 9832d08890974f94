/**
 * A sweep's results as a heat map: rows are the first swept field's values, columns the second's
 * (one column when a single field was swept), a third field fixed at a chosen value; each cell
 * holds a metric of one window (whole range, in sample, out of sample) and a colour on a scale
 * where green is good for that metric (a drawdown is good when small).
 */
export type Metric = 'netPnl' | 'maxDrawdown' | 'sharpe';
export type WindowName = 'whole' | 'inSample' | 'outOfSample';

type Window = { netPnl: number; maxDrawdown: number; sharpe: number | null };
export type SweepCell = {
  index: number;
  combo: (number | string)[];
} & Record<WindowName, Window>;

export type Axis = { field: string; values: (number | string)[] };

export type HeatMap = {
  rows: (number | string)[];
  columns: (number | string)[];
  /** cells[row][column]: the result there, or null while it has not finished. */
  cells: (SweepCell | null)[][];
  min: number | null;
  max: number | null;
};

export function heatMap(
  axes: readonly Axis[],
  results: readonly SweepCell[],
  /** The value of the third field to show, when three were swept. */
  slice?: number | string,
): HeatMap {
  const rows = axes[0]?.values ?? [];
  const columns = axes[1]?.values ?? ['all'];
  const at = new Map<string, SweepCell>();
  for (const r of results) {
    if (axes.length > 2 && r.combo[2] !== (slice ?? axes[2].values[0])) continue;
    at.set(`${String(r.combo[0])}|${axes.length > 1 ? String(r.combo[1]) : 'all'}`, r);
  }
  const cells = rows.map((row) =>
    columns.map((col) => at.get(`${String(row)}|${String(col)}`) ?? null),
  );
  return { rows, columns, cells, min: null, max: null };
}

export function valueOf(cell: SweepCell, metric: Metric, window: WindowName): number | null {
  return cell[window][metric];
}

/** Range of a metric over the finished cells of a map. */
export function rangeOf(map: HeatMap, metric: Metric, window: WindowName) {
  let min = Infinity;
  let max = -Infinity;
  for (const row of map.cells)
    for (const c of row) {
      const v = c ? valueOf(c, metric, window) : null;
      if (v === null) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  return min <= max ? { min, max } : null;
}

/**
 * A cell's colour: rose (worst) through zinc to emerald (best). Net P&L and Sharpe are centred
 * on zero when the range spans it, so a loss is never green; a smaller drawdown is better.
 */
export function colourOf(
  v: number | null,
  metric: Metric,
  range: { min: number; max: number } | null,
): string {
  // prettier-ignore
  if (v === null || !range) return 'rgb(39 39 42)';
  let t: number; // -1 worst .. +1 best
  if (metric === 'maxDrawdown') {
    t = range.max > range.min ? 1 - (2 * (v - range.min)) / (range.max - range.min) : 0;
  } else {
    const span = Math.max(Math.abs(range.min), Math.abs(range.max)) || 1;
    t = v / span;
  }
  const a = Math.min(1, Math.abs(t));
  const [r, g, b] = t >= 0 ? [16, 185, 129] : [244, 63, 94];
  const mix = (c: number, base: number) => Math.round(base + (c - base) * (0.15 + 0.85 * a));
  return `rgb(${mix(r, 39)} ${mix(g, 39)} ${mix(b, 42)})`;
}

/** Chart series derived from a backtest report's equity points: one point per second, and the drawdown under the running peak. */
export type EquityPoint = { ts: string; pnl: number };
export type ChartPoint = { time: number; value: number };

/**
 * lightweight-charts wants strictly increasing UTC seconds; reports can carry several points in
 * one second (fills and marks), so the last point of each second wins. Times are shifted by the
 * exchange offset of the timestamp so the axis reads exchange-local time.
 */
export function equitySeries(equity: readonly EquityPoint[]): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const p of equity) {
    const ms = Date.parse(p.ts);
    if (Number.isNaN(ms)) continue;
    const m = /([+-])(\d{2}):?(\d{2})$/.exec(p.ts);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60 : 0;
    const time = Math.floor(ms / 1000) + offset;
    const last = out[out.length - 1];
    if (last && last.time === time) last.value = p.pnl;
    else if (!last || time > last.time) out.push({ time, value: p.pnl });
  }
  return out;
}

/** Distance below the running peak of P&L (0 at a new high, negative below it). */
export function drawdownSeries(points: readonly ChartPoint[]): ChartPoint[] {
  let peak = 0;
  return points.map((p) => {
    peak = Math.max(peak, p.value);
    return { time: p.time, value: p.value - peak };
  });
}

/**
 * At most about `max` points for drawing, keeping each bucket's first, lowest, highest and last
 * point, so a year of minutes draws fast and no drawdown or peak disappears from the curve.
 */
export function downsample(points: readonly ChartPoint[], max = 4000): ChartPoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / Math.max(1, Math.floor(max / 4)));
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    let lo = bucket[0];
    let hi = bucket[0];
    for (const p of bucket) {
      if (p.value < lo.value) lo = p;
      if (p.value > hi.value) hi = p;
    }
    const keep = new Set([bucket[0], lo, hi, bucket[bucket.length - 1]]);
    out.push(...[...keep].sort((a, b) => a.time - b.time));
  }
  return out;
}

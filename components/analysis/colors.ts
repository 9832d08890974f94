/** Colour scales for heat maps: a sequential one for levels (IV) and a diverging one for P&L. */

type Rgb = [number, number, number];

// Viridis at five stops: dark for low, bright for high, readable on a dark page and to most colour-blind eyes.
const SEQUENTIAL: Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function mix(stops: Rgb[], u: number): string {
  const x = Math.min(1, Math.max(0, u)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Colour of `v` between `lo` and `hi` (clamped). */
export function sequential(v: number, lo: number, hi: number): string {
  return mix(SEQUENTIAL, hi > lo ? (v - lo) / (hi - lo) : 0.5);
}

/** Red for losses, green for gains, grey near zero; `scale` is the magnitude that saturates. */
export function diverging(v: number, scale: number): string {
  const u = scale > 0 ? Math.min(1, Math.abs(v) / scale) : 0;
  const base: Rgb = [39, 39, 42];
  const end: Rgb = v < 0 ? [220, 38, 38] : [16, 185, 129];
  const c = base.map((b, k) => Math.round(b + (end[k] - b) * Math.sqrt(u)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The q-quantile of the values (0..1), for colour ranges that a few outliers do not flatten. */
export function quantile(values: readonly number[], q: number): number | undefined {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))];
}

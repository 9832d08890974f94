/**
 * The volatility surface as a heat map: one row per expiry, one column per moneyness (strike
 * over the expiry's forward), each cell the smile's IV interpolated linearly in log-moneyness
 * between the two quoted strikes around it. Nothing is extrapolated: a cell outside the strikes
 * an expiry quotes stays empty, so the map never shows a number the market did not imply.
 */
import type { ExpirySmile } from './smile.ts';

export type SurfaceRow = { expiry: string; days: number; iv: (number | null)[] };

export type VolSurface = {
  /** Column centres as K/F (1 = at the forward). */
  moneyness: number[];
  rows: SurfaceRow[];
  /** Range of the filled cells (decimal IV), for the colour scale; null when nothing is filled. */
  min: number | null;
  max: number | null;
};

export type SurfaceGrid = { from: number; to: number; step: number };

export const DEFAULT_SURFACE_GRID: SurfaceGrid = { from: 0.9, to: 1.1, step: 0.005 };

export function volSurface(
  smiles: readonly ExpirySmile[],
  grid: SurfaceGrid = DEFAULT_SURFACE_GRID,
): VolSurface {
  const n = Math.floor((grid.to - grid.from) / grid.step + 1e-9) + 1;
  if (!(grid.step > 0) || n < 2 || n > 401)
    throw new Error(
      `surface grid ${grid.from}..${grid.to} step ${grid.step} is not valid: use 2 to 401 columns, e.g. 0.9..1.1 step 0.005`,
    );
  const moneyness = Array.from({ length: n }, (_, i) => round(grid.from + i * grid.step));
  const logM = moneyness.map(Math.log);
  let min = Infinity;
  let max = -Infinity;
  const rows: SurfaceRow[] = [];
  for (const sm of smiles) {
    if (!(sm.t > 0)) continue;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of sm.points) {
      if (p.iv === undefined) continue;
      xs.push(p.logMoneyness);
      ys.push(p.iv);
    }
    if (xs.length < 2) continue;
    const iv: (number | null)[] = new Array(n).fill(null);
    // Both lists ascend (points come sorted by strike), so one pass walks them together.
    let j = 0;
    for (let c = 0; c < n; c++) {
      const x = logM[c];
      if (x < xs[0] || x > xs[xs.length - 1]) continue;
      while (j + 1 < xs.length - 1 && xs[j + 1] < x) j++;
      const x0 = xs[j];
      const x1 = xs[j + 1];
      const v = x1 === x0 ? ys[j] : ys[j] + ((x - x0) / (x1 - x0)) * (ys[j + 1] - ys[j]);
      iv[c] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    rows.push({ expiry: sm.expiry, days: sm.days, iv });
  }
  return {
    moneyness,
    rows,
    min: Number.isFinite(min) ? min : null,
    max: Number.isFinite(max) ? max : null,
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

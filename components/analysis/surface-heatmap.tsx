'use client';
/**
 * The volatility surface as a heat map (SVG): expiries down, moneyness across, IV as colour on a
 * scale fitted to the 2nd..98th percentile so one expiring option's wild IV does not wash out the
 * rest. Empty cells are where the expiry quotes no strikes: nothing there is invented.
 */
import { useMemo, useState } from 'react';
import { quantile, sequential } from '@/components/analysis/colors';
import { dte, shortDate, volPct } from '@/components/analysis/format';
import type { VolSurface } from '@/engine/analysis/surface';

const LABEL_W = 92;
const CELL_H = 26;
const HEAD_H = 20;

export function SurfaceHeatmap({ surface }: { surface: VolSurface }) {
  const [hover, setHover] = useState<{ r: number; c: number } | null>(null);
  const cols = surface.moneyness.length;
  const { lo, hi } = useMemo(() => {
    // An expiring row's IVs run wild; when longer expiries exist, they alone set the scale.
    const steady = surface.rows.filter((r) => r.days >= 1);
    const all = (steady.length ? steady : surface.rows).flatMap((r) =>
      r.iv.filter((v): v is number => v !== null),
    );
    return { lo: quantile(all, 0.02) ?? 0, hi: quantile(all, 0.98) ?? 1 };
  }, [surface]);
  if (surface.rows.length === 0)
    return (
      <p className="text-xs text-zinc-500">
        No expiry in this snapshot has time left and two quoted IVs: nothing to map.
      </p>
    );
  const width = 960;
  const cellW = (width - LABEL_W) / cols;
  const height = HEAD_H + surface.rows.length * CELL_H;
  const atm = surface.moneyness.findIndex((m) => Math.abs(m - 1) < 1e-9);
  const every = Math.max(1, Math.round(cols / 8));
  const h = hover && surface.rows[hover.r];
  const hv = h ? h.iv[hover!.c] : null;
  return (
    <figure className="space-y-1" data-testid="vol-surface">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="w-full"
        role="img"
        aria-label="Implied volatility surface: expiries by moneyness"
        onMouseLeave={() => setHover(null)}
      >
        {surface.moneyness.map((m, c) =>
          c % every === 0 ? (
            <text
              key={m}
              x={LABEL_W + (c + 0.5) * cellW}
              y={13}
              textAnchor="middle"
              className="fill-zinc-500 text-[10px]"
            >
              {Math.round(m * 1000) / 10}%
            </text>
          ) : null,
        )}
        {surface.rows.map((row, r) => (
          <g key={row.expiry}>
            <text
              x={LABEL_W - 6}
              y={HEAD_H + r * CELL_H + CELL_H / 2 + 4}
              textAnchor="end"
              className="fill-zinc-400 text-[11px]"
            >
              {shortDate(row.expiry)} · {dte(row.days)}
            </text>
            {row.iv.map((v, c) => (
              <rect
                key={c}
                x={LABEL_W + c * cellW}
                y={HEAD_H + r * CELL_H}
                width={cellW + 0.5}
                height={CELL_H - 1}
                fill={v === null ? '#18181b' : sequential(v, lo, hi)}
                onMouseEnter={() => setHover({ r, c })}
              >
                <title>
                  {`${row.expiry} · strike ${Math.round(surface.moneyness[c] * 1000) / 10}% of forward · ${v === null ? 'not quoted' : `IV ${volPct(v)}`}`}
                </title>
              </rect>
            ))}
          </g>
        ))}
        {atm >= 0 && (
          <line
            x1={LABEL_W + (atm + 0.5) * cellW}
            x2={LABEL_W + (atm + 0.5) * cellW}
            y1={HEAD_H - 2}
            y2={height}
            stroke="#fafafa"
            strokeOpacity={0.5}
            strokeDasharray="3 3"
          />
        )}
        {hover && (
          <rect
            x={LABEL_W + hover.c * cellW}
            y={HEAD_H + hover.r * CELL_H}
            width={cellW}
            height={CELL_H - 1}
            fill="none"
            stroke="#fafafa"
            strokeWidth={1.5}
          />
        )}
      </svg>
      <figcaption className="flex flex-wrap items-center justify-between gap-2 text-[11px] text-zinc-500">
        <span>
          Strike as % of the expiry&apos;s forward · dashed line at the forward · dark cells: no
          quotes there
        </span>
        <span className="font-mono text-zinc-300" data-testid="surface-hover">
          {h
            ? `${h.expiry} · ${Math.round(surface.moneyness[hover!.c] * 1000) / 10}% · ${hv === null ? 'not quoted' : volPct(hv, 2)}`
            : 'hover a cell'}
        </span>
        <span className="flex items-center gap-1">
          {volPct(lo)}
          <span
            className="inline-block h-2 w-24 rounded"
            style={{
              background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((u) => sequential(lo + u * (hi - lo), lo, hi)).join(',')})`,
            }}
          />
          {volPct(hi)}
        </span>
      </figcaption>
    </figure>
  );
}

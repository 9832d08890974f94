'use client';
/**
 * Open interest by strike for one expiry (SVG): call and put bars side by side, the spot and
 * max pain marked, over the strikes near the money (or all of them).
 */
import { useMemo, useState } from 'react';
import { count, price } from '@/components/analysis/format';
import type { StrikeInterest } from '@/engine/analysis/positioning';

const H = 220;
const PAD_B = 22;
const PAD_L = 44;
const PAD_T = 12;

export function OiChart({
  byStrike,
  spot,
  maxPain,
}: {
  byStrike: StrikeInterest[];
  spot: number;
  maxPain?: number;
}) {
  const [all, setAll] = useState(false);
  const [hover, setHover] = useState<StrikeInterest | null>(null);
  const rows = useMemo(() => {
    const near = byStrike.filter((s) => Math.abs(s.strike / spot - 1) <= 0.05);
    return all || near.length < 4 ? byStrike : near;
  }, [byStrike, spot, all]);
  if (rows.length === 0) return <p className="text-xs text-zinc-500">No strikes listed.</p>;
  const width = 640;
  const top = Math.max(1, ...rows.map((r) => Math.max(r.callOi, r.putOi)));
  const slot = (width - PAD_L) / rows.length;
  const bar = Math.max(1, slot * 0.4);
  const y = (v: number) => PAD_T + (H - PAD_B - PAD_T) * (1 - v / top);
  const lo = rows[0].strike;
  const hi = rows[rows.length - 1].strike;
  const xOf = (k: number) =>
    PAD_L + (hi > lo ? ((k - lo) / (hi - lo)) * (width - PAD_L - slot) : 0) + slot / 2;
  const every = Math.max(1, Math.round(rows.length / 10));
  return (
    <figure className="space-y-1" data-testid="oi-chart">
      <svg
        viewBox={`0 0 ${width} ${H}`}
        className="w-full"
        role="img"
        aria-label="Open interest by strike, calls and puts"
        onMouseLeave={() => setHover(null)}
      >
        {[0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD_L} x2={width} y1={y(top * f)} y2={y(top * f)} stroke="#27272a" />
            <text
              x={PAD_L - 4}
              y={y(top * f) + 3}
              textAnchor="end"
              className="fill-zinc-500 text-[10px]"
            >
              {count(top * f)}
            </text>
          </g>
        ))}
        {rows.map((r, i) => {
          const x = xOf(r.strike);
          return (
            <g key={r.strike} onMouseEnter={() => setHover(r)}>
              <rect x={x - slot / 2} y={0} width={slot} height={H - PAD_B} fill="transparent" />
              <rect
                x={x - bar}
                y={y(r.callOi)}
                width={bar}
                height={H - PAD_B - y(r.callOi)}
                fill="#34d399"
              />
              <rect
                x={x}
                y={y(r.putOi)}
                width={bar}
                height={H - PAD_B - y(r.putOi)}
                fill="#f87171"
              />
              {i % every === 0 && (
                <text x={x} y={H - 6} textAnchor="middle" className="fill-zinc-500 text-[10px]">
                  {r.strike}
                </text>
              )}
            </g>
          );
        })}
        {spot >= lo && spot <= hi && (
          <line
            x1={xOf(spot)}
            x2={xOf(spot)}
            y1={0}
            y2={H - PAD_B}
            stroke="#fbbf24"
            strokeDasharray="4 3"
          />
        )}
        {maxPain !== undefined && maxPain >= lo && maxPain <= hi && (
          <line
            x1={xOf(maxPain)}
            x2={xOf(maxPain)}
            y1={0}
            y2={H - PAD_B}
            stroke="#a78bfa"
            strokeDasharray="2 2"
          />
        )}
      </svg>
      <figcaption className="flex flex-wrap items-center justify-between gap-2 text-[11px] text-zinc-500">
        <span className="flex gap-3">
          <span className="text-emerald-400">■ call OI</span>
          <span className="text-rose-400">■ put OI</span>
          <span className="text-amber-400">┆ spot {price(spot)}</span>
          {maxPain !== undefined && (
            <span className="text-violet-400">┆ max pain {price(maxPain)}</span>
          )}
        </span>
        <span className="font-mono text-zinc-300">
          {hover
            ? `${hover.strike}: calls ${count(hover.callOi)} · puts ${count(hover.putOi)} · vol ${count(hover.callVolume)}/${count(hover.putVolume)}`
            : ''}
        </span>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          all strikes
        </label>
      </figcaption>
    </figure>
  );
}

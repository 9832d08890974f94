'use client';
/** A small at-expiry payoff sketch for gallery cards, from the same opening position the payoff panel shows. */
import { useMemo } from 'react';
import { useOpeningPosition } from '@/components/payoff/use-opening-position';
import { payoffCurve, summarize, type PayoffLeg, type PayoffMarket } from '@/engine/payoff/payoff';
import { formatMoney } from '@/components/templates/format';

const W = 240;
const H = 64;

export function PayoffThumbnail({ dsl }: { dsl: Record<string, unknown> }) {
  const q = useOpeningPosition(dsl, { kind: 'simulator', seed: 7 });
  const first = q.data?.find((s) => s.position && s.position.legs.length > 0)?.position;
  const drawn = useMemo(() => {
    if (!first) return null;
    try {
      return draw(first);
    } catch (err) {
      // One template's odd position must not take the whole gallery down with it.
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }, [first]);

  if (q.isPending)
    return (
      <div
        className="h-16 animate-pulse rounded bg-zinc-900"
        aria-busy="true"
        aria-label="Loading payoff"
      />
    );
  if (!drawn || 'error' in drawn)
    return (
      <div
        className="flex h-16 items-center justify-center rounded bg-zinc-950 px-2 text-center text-[11px] text-zinc-400"
        title={drawn?.error}
      >
        {drawn
          ? 'payoff unavailable'
          : (q.data?.[0]?.error ??
            (q.error ? 'payoff unavailable' : 'no position on the latest chain'))}
      </div>
    );
  return (
    <figure className="rounded bg-zinc-950 px-1 pt-1" data-testid="payoff-thumbnail">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-16 w-full" preserveAspectRatio="none" aria-hidden>
        <line
          x1={0}
          x2={W}
          y1={drawn.zero}
          y2={drawn.zero}
          stroke="#3f3f46"
          strokeDasharray="3 3"
        />
        <path d={drawn.path} fill="none" stroke="#38bdf8" strokeWidth={1.5} />
      </svg>
      <figcaption className="flex justify-between px-1 pb-0.5 text-[10px] text-zinc-400">
        <span>max profit {formatMoney(drawn.summary.maxProfit)}</span>
        <span>max loss {formatMoney(drawn.summary.maxLoss)}</span>
      </figcaption>
    </figure>
  );
}

type Position = { legs: PayoffLeg[]; market: PayoffMarket };

function draw(first: Position) {
  const curve = payoffCurve(first.legs, first.market, undefined, { rangePct: 10, points: 61 });
  const ys = curve.map((p) => p.expiry);
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0, ...ys);
  const span = hi - lo || 1;
  const y = (v: number) => H - 2 - ((v - lo) / span) * (H - 4);
  const x = (i: number) => (i / (curve.length - 1)) * W;
  return {
    path: curve
      .map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.expiry).toFixed(1)}`)
      .join(''),
    zero: y(0),
    summary: summarize(first.legs, first.market),
  };
}

'use client';
/**
 * The deployment's net P&L as it streams in (lightweight-charts): the chart is made once and its
 * series is given the new points as they arrive; the axis reads the exchange's own time.
 */
import { BaselineSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'; // prettier-ignore
import { useEffect, useMemo, useRef } from 'react';
import { equitySeries } from '@/components/backtest/series';
import { money, pnlClass } from './format';

export function PnlChart({
  points,
  height = 240,
}: {
  points: { ts: string; net: number }[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Baseline'> | null>(null);
  const data = useMemo(
    () =>
      equitySeries(points.map((p) => ({ ts: p.ts, pnl: p.net }))).map((p) => ({
        time: p.time as UTCTimestamp,
        value: p.value,
      })),
    [points],
  );

  useEffect(() => {
    if (!box.current) return;
    const c = createChart(box.current, {
      height,
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: '#a1a1aa', attributionLogo: false }, // prettier-ignore
      grid: { vertLines: { color: '#27272a' }, horzLines: { color: '#27272a' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#3f3f46' },
      rightPriceScale: { borderColor: '#3f3f46' },
    });
    series.current = c.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#34d399',
      topFillColor1: 'rgba(52,211,153,0.2)',
      topFillColor2: 'rgba(52,211,153,0.02)',
      bottomLineColor: '#f87171',
      bottomFillColor1: 'rgba(248,113,113,0.02)',
      bottomFillColor2: 'rgba(248,113,113,0.2)',
      title: 'P&L',
    });
    chart.current = c;
    return () => {
      chart.current = null;
      series.current = null;
      c.remove();
    };
  }, [height]);

  useEffect(() => {
    series.current?.setData(data);
    chart.current?.timeScale().fitContent();
  }, [data]);

  const last = points.at(-1)?.net;
  return (
    <figure className="space-y-1">
      <figcaption className="flex items-baseline justify-between text-xs text-zinc-400">
        <span title="Each earlier minute shows its last tick; from the page's opening on, every tick">
          Net P&amp;L after costs
        </span>
        <span
          className={`font-mono ${pnlClass(last)}`}
          data-testid="pnl-last"
          data-points={points.length}
        >
          {points.length ? money(last, 2) : 'waiting for the first tick…'}
        </span>
      </figcaption>
      <div
        ref={box}
        style={{ height }}
        className="w-full"
        data-testid="pnl-chart"
        role="img"
        aria-label={`P&L chart, ${points.length} points${last !== undefined ? `, now ${money(last, 2)}` : ''}`}
      />
    </figure>
  );
}

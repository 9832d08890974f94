'use client';
/** The payoff chart: P&L against spot (lightweight-charts' price-axis "options" chart), at expiry and today. */
import {
  BaselineSeries,
  LineSeries,
  createOptionsChart,
  createSeriesMarkers,
  type IChartApiBase,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { CurvePoint } from '@/engine/payoff/payoff';

type Props = { curve: CurvePoint[]; spotMarker: number; height?: number };

export function PayoffChart({ curve, spotMarker, height = 280 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApiBase<number> | null>(null);
  const expiry = useRef<ISeriesApi<'Baseline', number> | null>(null);
  const today = useRef<ISeriesApi<'Line', number> | null>(null);
  const markers = useRef<ISeriesMarkersPluginApi<number> | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = createOptionsChart(box.current, {
      height,
      autoSize: true,
      layout: {
        background: { color: 'transparent' },
        textColor: '#a1a1aa',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#27272a' }, horzLines: { color: '#27272a' } },
      rightPriceScale: { borderColor: '#3f3f46' },
      timeScale: { borderColor: '#3f3f46' },
      handleScroll: false,
      handleScale: false,
    });
    expiry.current = c.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#34d399',
      topFillColor1: 'rgba(52,211,153,0.25)',
      topFillColor2: 'rgba(52,211,153,0.02)',
      bottomLineColor: '#f87171',
      bottomFillColor1: 'rgba(248,113,113,0.02)',
      bottomFillColor2: 'rgba(248,113,113,0.25)',
      lineWidth: 2,
      title: 'at expiry',
    });
    today.current = c.addSeries(LineSeries, { color: '#38bdf8', lineWidth: 2, title: 'today' });
    markers.current = createSeriesMarkers(today.current, []);
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
    };
  }, [height]);

  useEffect(() => {
    if (!expiry.current || !today.current) return;
    expiry.current.setData(curve.map((p) => ({ time: round(p.spot), value: p.expiry })));
    today.current.setData(curve.map((p) => ({ time: round(p.spot), value: p.today })));
    let nearest = curve[0];
    for (const p of curve)
      if (Math.abs(p.spot - spotMarker) < Math.abs(nearest.spot - spotMarker)) nearest = p;
    markers.current?.setMarkers(
      nearest
        ? [
            {
              time: round(nearest.spot),
              position: 'inBar',
              color: '#fbbf24',
              shape: 'circle',
              text: 'spot',
            },
          ]
        : [],
    );
    chart.current?.timeScale().fitContent();
  }, [curve, spotMarker]);

  return (
    <div
      ref={box}
      style={{ height }}
      className="w-full"
      data-testid="payoff-chart"
      role="img"
      aria-label="Payoff at expiry and today against spot"
    />
  );
}

// The options chart needs strictly increasing x values; two decimals keep them distinct.
const round = (x: number) => Math.round(x * 100) / 100;

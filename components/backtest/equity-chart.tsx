'use client';
/** Equity curve with its drawdown underneath, on one time axis (lightweight-charts, two panes). */
import {
  AreaSeries,
  BaselineSeries,
  createChart,
  type IChartApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { drawdownSeries, type ChartPoint } from '@/components/backtest/series';

export function EquityChart({ points, height = 320 }: { points: ChartPoint[]; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const chart: IChartApi = createChart(box.current, {
      height,
      autoSize: true,
      layout: {
        background: { color: 'transparent' },
        textColor: '#a1a1aa',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#27272a' }, horzLines: { color: '#27272a' } },
      timeScale: { timeVisible: true, borderColor: '#3f3f46' },
      rightPriceScale: { borderColor: '#3f3f46' },
    });
    const equity = chart.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#34d399',
      topFillColor1: 'rgba(52,211,153,0.2)',
      topFillColor2: 'rgba(52,211,153,0.02)',
      bottomLineColor: '#f87171',
      bottomFillColor1: 'rgba(248,113,113,0.02)',
      bottomFillColor2: 'rgba(248,113,113,0.2)',
      title: 'P&L',
    });
    const drawdown = chart.addSeries(
      AreaSeries,
      {
        lineColor: '#f87171',
        topColor: 'rgba(248,113,113,0.05)',
        bottomColor: 'rgba(248,113,113,0.35)',
        title: 'drawdown',
        invertFilledArea: true,
      },
      1,
    );
    equity.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    drawdown.setData(
      drawdownSeries(points).map((p) => ({ time: p.time as UTCTimestamp, value: p.value })),
    );
    chart.panes()[1]?.setHeight(Math.round(height * 0.3));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [points, height]);
  return (
    <div
      ref={box}
      style={{ height }}
      className="w-full"
      data-testid="equity-chart"
      role="img"
      aria-label="Equity curve and drawdown"
    />
  );
}

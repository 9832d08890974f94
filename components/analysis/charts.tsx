'use client';
/**
 * The two chart shapes the risk desk draws with lightweight-charts: against a number (strike,
 * delta, days to expiry; the "options" chart) and against exchange-local time. Series are data;
 * each chart is created once and fed new data, so moving a slider does not rebuild it.
 */
import {
  HistogramSeries,
  LineSeries,
  createChart,
  createOptionsChart,
  createSeriesMarkers,
  type IChartApiBase,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { equitySeries } from '@/components/backtest/series';

export type XY = { x: number; y: number };
export type XYSeries = {
  id: string;
  label: string;
  color: string;
  points: XY[];
  kind?: 'line' | 'histogram';
  width?: 1 | 2 | 3;
  dashed?: boolean;
  /** Plot on the left price scale (a second unit). */
  left?: boolean;
  /** Plot as a thin band along the bottom on its own hidden scale (regime strips). */
  band?: boolean;
  /** Draw a dot at every point (default: only for short series). */
  dots?: boolean;
};
export type XYMarker = { x: number; label: string; color: string; series: string };

const theme = {
  layout: {
    background: { color: 'transparent' },
    textColor: '#a1a1aa',
    attributionLogo: false,
    fontSize: 11,
  },
  grid: { vertLines: { color: '#27272a' }, horzLines: { color: '#27272a' } },
  rightPriceScale: { borderColor: '#3f3f46' },
  leftPriceScale: { borderColor: '#3f3f46' },
  timeScale: { borderColor: '#3f3f46' },
} as const;

/** Strictly increasing x with finite y: what the chart accepts, duplicates resolved to the last. */
function clean(points: XY[], round: (x: number) => number): { time: number; value: number }[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p) => ({ time: round(p.x), value: p.y }))
    .sort((a, b) => a.time - b.time);
  const out: { time: number; value: number }[] = [];
  for (const p of sorted) {
    if (out.length && out[out.length - 1].time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

function useSeriesChart<T>(
  create: (el: HTMLDivElement) => IChartApiBase<T>,
  series: XYSeries[],
  feed: (s: ISeriesApi<'Line' | 'Histogram', T>, data: XYSeries) => void,
  markers: XYMarker[] | undefined,
  toTime: (x: number) => T,
  deps: unknown[],
) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApiBase<T> | null>(null);
  const live = useRef(
    new Map<
      string,
      { api: ISeriesApi<'Line' | 'Histogram', T>; marks: ISeriesMarkersPluginApi<T> }
    >(),
  );
  useEffect(() => {
    if (!box.current) return;
    const c = create(box.current);
    chart.current = c;
    const map = live.current;
    return () => {
      c.remove();
      chart.current = null;
      map.clear();
    };
    // The chart is made once per mount; its data changes below.
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const map = live.current;
    const scaleOf = (s: XYSeries) => (s.band ? 'band' : s.left ? 'left' : 'right');
    const key = (s: XYSeries) => `${s.id}|${s.kind ?? 'line'}|${scaleOf(s)}`;
    const wanted = new Set(series.map(key));
    for (const [k, s] of map)
      if (!wanted.has(k)) {
        c.removeSeries(s.api);
        map.delete(k);
      }
    for (const s of series) {
      let api = map.get(key(s))?.api;
      const common = {
        color: s.color,
        title: s.label,
        priceScaleId: scaleOf(s),
        lastValueVisible: false,
        priceLineVisible: false,
      };
      if (!api) {
        api =
          s.kind === 'histogram'
            ? (c.addSeries(HistogramSeries, common) as ISeriesApi<'Histogram', T>)
            : (c.addSeries(LineSeries, {
                ...common,
                lineWidth: s.width ?? 2,
                lineStyle: s.dashed ? 2 : 0,
                pointMarkersVisible: s.dots ?? s.points.length < 40,
              }) as ISeriesApi<'Line', T>);
        map.set(key(s), { api, marks: createSeriesMarkers(api, []) });
      } else api.applyOptions({ ...common });
      feed(api, s);
    }
    for (const s of series) {
      const mine = (markers ?? []).filter((m) => m.series === s.id);
      map.get(key(s))!.marks.setMarkers(
        mine.map((m): SeriesMarker<T> => ({
          time: toTime(m.x),
          position: 'aboveBar',
          color: m.color,
          shape: 'arrowDown',
          text: m.label,
        })),
      );
    }
    c.priceScale('left').applyOptions({ visible: series.some((s) => s.left) });
    if (series.some((s) => s.band))
      c.priceScale('band').applyOptions({ scaleMargins: { top: 0.9, bottom: 0 }, visible: false });
    c.timeScale().fitContent();
  }, deps);
  return box;
}

const roundX = (x: number) => Math.round(x * 1e4) / 1e4;

/** A chart against a number: strike, delta, days. */
export function XYChart(props: {
  series: XYSeries[];
  markers?: XYMarker[];
  height?: number;
  label: string;
  testId?: string;
  /** Formats the vertical axis (e.g. IV as percent). */
  format?: (y: number) => string;
}) {
  const { series, markers, height = 260, format } = props;
  const box = useSeriesChart<number>(
    (el) =>
      createOptionsChart(el, {
        ...theme,
        height,
        autoSize: true,
        handleScroll: false,
        handleScale: false,
        localization: format ? { priceFormatter: format } : undefined,
      }),
    series,
    (api, s) => api.setData(clean(s.points, roundX)),
    markers,
    roundX,
    [series, markers],
  );
  return (
    <div
      ref={box}
      style={{ height }}
      className="w-full"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  );
}

export type TimeSeries = {
  id: string;
  label: string;
  color: string;
  points: { ts: string; value: number | undefined }[];
  kind?: 'line' | 'histogram';
  width?: 1 | 2 | 3;
  dashed?: boolean;
  left?: boolean;
  band?: boolean;
  /** Per-point colours for histograms (regime bands). */
  colors?: (string | undefined)[];
};

/** A chart against exchange-local time (the offset in each timestamp, as the backtest charts do). */
export function TimeChart(props: {
  series: TimeSeries[];
  height?: number;
  label: string;
  testId?: string;
  format?: (y: number) => string;
}) {
  const { series, height = 240, format } = props;
  const xy: XYSeries[] = series.map((s) => ({ ...s, points: [], dots: s.points.length < 40 }));
  const box = useSeriesChart<UTCTimestamp>(
    (el) =>
      createChart(el, {
        ...theme,
        height,
        autoSize: true,
        timeScale: { ...theme.timeScale, timeVisible: true },
        localization: format ? { priceFormatter: format } : undefined,
      }) as unknown as IChartApiBase<UTCTimestamp>,
    xy,
    (api, s) => {
      const src = series.find((x) => x.id === s.id)!;
      const colors = new Map<number, string | undefined>();
      const kept = src.points.flatMap((p, i) => {
        if (p.value === undefined || !Number.isFinite(p.value)) return [];
        return [{ ts: p.ts, pnl: p.value, color: src.colors?.[i] }];
      });
      const pts = equitySeries(kept);
      // equitySeries keeps the last point of each second; its colour goes with it.
      for (const k of kept) {
        const t = equitySeries([k])[0]?.time;
        if (t !== undefined) colors.set(t, k.color);
      }
      api.setData(
        pts.map((p) => ({
          time: p.time as UTCTimestamp,
          value: p.value,
          ...(src.colors ? { color: colors.get(p.time) } : {}),
        })),
      );
    },
    undefined,
    (x) => x as UTCTimestamp,
    [series],
  );
  return (
    <div
      ref={box}
      style={{ height }}
      className="w-full"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  );
}

'use client';
/**
 * Equity over the whole run with its drawdown underneath (lightweight-charts): fits the run when
 * it opens, zooms with the wheel, pans by dragging, "Fit all" returns to the whole run, and the
 * axis reads months and days in the exchange's own time. Several runs overlay for a comparison.
 */
import {
  AreaSeries,
  BaselineSeries,
  LineSeries,
  TickMarkType,
  createChart,
  type IChartApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { downsample, drawdownSeries, type ChartPoint } from '@/components/backtest/series';
import { MONTH_NAMES } from '@/components/backtest/exchange-time';

export type EquityLine = { id: string; label: string; color: string; points: ChartPoint[] };

const pad = (n: number) => String(n).padStart(2, '0');

/** Chart times are exchange-local wall times stored as UTC seconds (see series.ts). */
function label(time: Time, type?: TickMarkType): string {
  const d = new Date((time as number) * 1000);
  const month = MONTH_NAMES[d.getUTCMonth()];
  switch (type) {
    case TickMarkType.Year:
      return String(d.getUTCFullYear());
    case TickMarkType.Month:
      return `${month} ${d.getUTCFullYear()}`;
    case TickMarkType.DayOfMonth:
      return `${d.getUTCDate()} ${month}`;
    case TickMarkType.Time:
    case TickMarkType.TimeWithSeconds:
      return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    default:
      return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
}

export function EquityChart({
  lines,
  height = 320,
  drawdown = true,
}: {
  lines: EquityLine[];
  height?: number;
  drawdown?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const c: IChartApi = createChart(box.current, {
      height,
      autoSize: true,
      layout: {
        background: { color: 'transparent' },
        textColor: '#a1a1aa',
        attributionLogo: false,
      },
      localization: { timeFormatter: (t: Time) => label(t) },
      grid: { vertLines: { color: '#27272a' }, horzLines: { color: '#27272a' } },
      timeScale: {
        timeVisible: true,
        borderColor: '#3f3f46',
        // A whole run must fit the width: let bars get as thin as that takes.
        minBarSpacing: 0.0001,
        tickMarkFormatter: (t: Time, type: TickMarkType) => label(t, type),
      },
      rightPriceScale: { borderColor: '#3f3f46' },
      handleScroll: { mouseWheel: false, pressedMouseMove: true, horzTouchDrag: true },
      handleScale: { mouseWheel: true, pinch: true, axisPressedMouseMove: true },
    });
    const single = lines.length === 1;
    for (const line of lines) {
      const data = downsample(line.points).map((p) => ({
        time: p.time as UTCTimestamp,
        value: p.value,
      }));
      if (single) {
        c.addSeries(BaselineSeries, {
          baseValue: { type: 'price', price: 0 },
          topLineColor: '#34d399',
          topFillColor1: 'rgba(52,211,153,0.2)',
          topFillColor2: 'rgba(52,211,153,0.02)',
          bottomLineColor: '#f87171',
          bottomFillColor1: 'rgba(248,113,113,0.02)',
          bottomFillColor2: 'rgba(248,113,113,0.2)',
          title: 'P&L',
        }).setData(data);
      } else {
        c.addSeries(LineSeries, { color: line.color, lineWidth: 2, title: line.label }).setData(
          data,
        );
      }
    }
    if (single && drawdown) {
      const dd = c.addSeries(
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
      dd.setData(
        drawdownSeries(lines[0].points).map((p) => ({
          time: p.time as UTCTimestamp,
          value: p.value,
        })),
      );
      c.panes()[1]?.setHeight(Math.round(height * 0.28));
    }
    c.timeScale().fitContent();
    // autoSize learns the width a frame later; fit the whole run again once it has.
    const raf = requestAnimationFrame(() => c.timeScale().fitContent());
    chart.current = c;
    return () => {
      cancelAnimationFrame(raf);
      chart.current = null;
      c.remove();
    };
  }, [lines, height, drawdown]);

  const zoom = (factor: number) => {
    const ts = chart.current?.timeScale();
    const r = ts?.getVisibleLogicalRange();
    if (!ts || !r) return;
    const mid = (r.from + r.to) / 2;
    const half = ((r.to - r.from) / 2) * factor;
    ts.setVisibleLogicalRange({ from: mid - half, to: mid + half });
  };
  const btn =
    'rounded border border-zinc-700 px-2 py-0.5 text-[11px] text-zinc-300 hover:border-zinc-500 focus:outline-none focus:ring-1 focus:ring-sky-500';

  return (
    <figure className="space-y-1">
      <div className="flex flex-wrap items-center gap-2 text-[11px] text-zinc-400">
        <span>Wheel to zoom, drag to pan.</span>
        <button type="button" className={btn} onClick={() => zoom(0.5)}>
          Zoom in
        </button>
        <button type="button" className={btn} onClick={() => zoom(2)}>
          Zoom out
        </button>
        <button
          type="button"
          className={btn}
          onClick={() => chart.current?.timeScale().fitContent()}
        >
          Fit all
        </button>
        {lines.length > 1 ? (
          <ul className="ml-2 flex flex-wrap gap-3" aria-label="Legend">
            {lines.map((l) => (
              <li key={l.id} className="flex items-center gap-1 text-zinc-300">
                <span className="inline-block h-0.5 w-4" style={{ background: l.color }} />
                {l.label}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div
        ref={box}
        style={{ height }}
        className="w-full"
        data-testid="equity-chart"
        role="img"
        aria-label={
          lines.length > 1
            ? `Equity of ${lines.map((l) => l.label).join(', ')}, overlaid`
            : 'Equity curve and drawdown'
        }
      />
    </figure>
  );
}

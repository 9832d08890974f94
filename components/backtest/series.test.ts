import { describe, expect, it } from 'vitest';
import { downsample, drawdownSeries, equitySeries } from './series';

describe('equity and drawdown series', () => {
  it('reads exchange-local seconds and keeps the last point of each second', () => {
    const s = equitySeries([
      { ts: '2026-11-20T09:15:00+05:30', pnl: 0 },
      { ts: '2026-11-20T09:15:00.500+05:30', pnl: 10 },
      { ts: '2026-11-20T09:16:00+05:30', pnl: -5 },
    ]);
    expect(s).toEqual([
      { time: Date.UTC(2026, 10, 20, 9, 15) / 1000, value: 10 },
      { time: Date.UTC(2026, 10, 20, 9, 16) / 1000, value: -5 },
    ]);
  });

  it('measures drawdown from the running peak, starting from flat', () => {
    const pts = [100, 300, 200, 350, -50].map((value, i) => ({ time: i, value }));
    expect(drawdownSeries(pts).map((p) => p.value)).toEqual([0, 0, -100, 0, -400]);
    expect(drawdownSeries([{ time: 0, value: -20 }])[0].value).toBe(-20);
  });
});

describe('downsample', () => {
  it("keeps the curve's extremes and ends while cutting a long run to a drawable size", () => {
    const points = Array.from({ length: 20000 }, (_, i) => ({
      time: 1000 + i * 60,
      value: Math.sin(i / 500) * 1000 + (i === 12345 ? -5000 : 0),
    }));
    const d = downsample(points, 2000);
    expect(d.length).toBeLessThanOrEqual(2000);
    expect(d[0]).toEqual(points[0]);
    expect(d[d.length - 1]).toEqual(points[points.length - 1]);
    expect(Math.min(...d.map((p) => p.value))).toBe(-5000 + Math.sin(12345 / 500) * 1000);
    expect(d.every((p, i) => i === 0 || p.time > d[i - 1].time)).toBe(true);
    expect(downsample(points.slice(0, 10))).toEqual(points.slice(0, 10));
  });
});

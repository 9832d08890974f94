import { describe, expect, it } from 'vitest';
import { drawdownSeries, equitySeries } from './series';

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

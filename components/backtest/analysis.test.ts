import { describe, expect, it } from 'vitest';
import type { ReportTrade } from '@/engine/backtest/backtest';
import { contractOf, csvField, daysCsv, monthGrid, tradesCsv, weekdaySplit } from './analysis';
import { formatExchangeDate, formatExchangeTime, weekdayOf, zoneName } from './exchange-time';

const day = (date: string, netPnl: number) => ({
  date,
  netPnl,
  realizedPnl: netPnl,
  grossPnl: netPnl + 10,
  costs: 10,
  trades: 2,
  wins: netPnl > 0 ? 1 : 0,
  losses: netPnl > 0 ? 1 : 2,
  maxDrawdown: 5,
});

describe('exchange-local times', () => {
  it('reads the wall time off the timestamp itself, whatever the browser zone', () => {
    expect(formatExchangeTime('2026-11-20T09:20:00+05:30')).toBe('20 Nov 2026 09:20 IST');
    expect(formatExchangeTime('2026-03-10T15:45:30-04:00')).toBe('10 Mar 2026 15:45:30 ET');
    expect(formatExchangeTime('2026-01-02T00:05:00Z', { date: false })).toBe('00:05 UTC');
    expect(formatExchangeDate('2026-11-20')).toBe('20 Nov 2026');
    expect(zoneName(60)).toBe('UTC+01:00');
    expect(formatExchangeTime('not a time')).toBe('not a time');
  });

  it('knows the weekday of a calendar date', () => {
    expect(weekdayOf('2026-11-20')).toBe(5);
    expect(weekdayOf('2026-11-22')).toBe(0);
  });
});

describe('P&L by month and weekday', () => {
  const days = [
    day('2025-12-31', 100),
    day('2026-01-02', -50),
    day('2026-01-05', 30.1),
    day('2026-01-06', 0.2),
    day('2026-03-02', -10),
  ];

  it('sums each month of each year and leaves untraded months empty', () => {
    const grid = monthGrid(days);
    expect(grid.map((y) => y.year)).toEqual([2025, 2026]);
    expect(grid[0].months[11]).toEqual({ net: 100, days: 1, winDays: 1 });
    expect(grid[1].months[0]).toEqual({ net: -19.7, days: 3, winDays: 2 });
    expect(grid[1].months[1]).toBeNull();
    expect(grid[1].total).toBe(-29.7);
  });

  it('splits by weekday, Monday first', () => {
    const split = weekdaySplit(days);
    expect(split.map((r) => r.name)).toEqual(['Mon', 'Tue', 'Wed', 'Fri']);
    expect(split[0]).toMatchObject({ net: 20.1, days: 2, winDays: 1, average: 10.05 });
  });
});

describe('CSV export', () => {
  const trade: ReportTrade = {
    strategyId: 'straddle',
    legId: 'ce',
    instrument: 'option',
    underlying: 'NIFTY',
    expiry: '2026-11-24',
    strike: 24300,
    right: 'CE',
    side: 'SELL',
    qty: 65,
    entryTs: '2026-11-20T09:20:00+05:30',
    entryPrice: 120.5,
    entryReason: 'ENTRY',
    exitTs: '2026-11-20T11:02:00+05:30',
    exitPrice: 150.65,
    exitReason: 'STOP_LOSS',
    grossPnl: -1959.75,
    costs: 48.2,
    netPnl: -2007.95,
  };

  it('writes one row per round trip with the leg in words and local times', () => {
    const csv = tradesCsv([trade], () => 'SELL ATM CE');
    const [head, row] = csv.trimEnd().split('\r\n');
    expect(head.split(',')).toContain('net P&L');
    expect(row).toBe(
      '1,SELL ATM CE,ce,NIFTY 24 Nov 2026 24300 CE,SELL,65,20 Nov 2026 09:20 IST,120.5,ENTRY,20 Nov 2026 11:02 IST,150.65,STOP_LOSS,-1959.75,48.2,-2007.95',
    );
    expect(contractOf({ ...trade, instrument: 'future', strike: null, right: null })).toBe(
      'NIFTY 24 Nov 2026 FUT',
    );
  });

  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=cmd()')).toBe("'=cmd()");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });

  it('writes the per-day table with its weekday', () => {
    const csv = daysCsv([day('2026-11-20', 12.5)]);
    expect(csv.split('\r\n')[1]).toBe('2026-11-20,Fri,12.5,12.5,22.5,10,2,1,1,5');
  });
});

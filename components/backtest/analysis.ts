/**
 * What a trader reads off a backtest report besides its summary: P&L by month and year, by day
 * of the week, and the trades and days as CSV for a spreadsheet. Pure functions of the report's
 * `days` and `trades`, so the page, the compare view and the tests agree.
 */
import type { ReportTrade } from '@/engine/backtest/backtest';
import type { DayRow } from '@/engine/backtest/metrics';
import { formatExchangeTime, MONTH_NAMES, WEEKDAY_NAMES, weekdayOf } from './exchange-time';

const round2 = (x: number) => Math.round(x * 100) / 100 || 0;

export type MonthCell = { net: number; days: number; winDays: number };
export type YearRow = { year: number; months: (MonthCell | null)[]; total: number; days: number };

/** Net P&L per calendar month of each year (null where the run had no trading day). */
export function monthGrid(days: readonly Pick<DayRow, 'date' | 'netPnl'>[]): YearRow[] {
  const years = new Map<number, YearRow>();
  for (const d of days) {
    const year = Number(d.date.slice(0, 4));
    const month = Number(d.date.slice(5, 7)) - 1;
    let row = years.get(year);
    if (!row) {
      row = { year, months: Array.from({ length: 12 }, () => null), total: 0, days: 0 };
      years.set(year, row);
    }
    const cell = (row.months[month] ??= { net: 0, days: 0, winDays: 0 });
    cell.net = round2(cell.net + d.netPnl);
    cell.days += 1;
    if (d.netPnl > 0) cell.winDays += 1;
    row.total = round2(row.total + d.netPnl);
    row.days += 1;
  }
  return [...years.values()].sort((a, b) => a.year - b.year);
}

export type WeekdayRow = {
  weekday: number;
  name: string;
  net: number;
  days: number;
  winDays: number;
  average: number;
};

/** Net P&L by day of the week (exchange calendar date), Monday first; days never traded are left out. */
export function weekdaySplit(days: readonly Pick<DayRow, 'date' | 'netPnl'>[]): WeekdayRow[] {
  const rows = new Map<number, WeekdayRow>();
  for (const d of days) {
    const w = weekdayOf(d.date);
    let r = rows.get(w);
    if (!r) {
      r = { weekday: w, name: WEEKDAY_NAMES[w], net: 0, days: 0, winDays: 0, average: 0 };
      rows.set(w, r);
    }
    r.net = round2(r.net + d.netPnl);
    r.days += 1;
    if (d.netPnl > 0) r.winDays += 1;
  }
  for (const r of rows.values()) r.average = round2(r.net / r.days);
  // Monday first, Sunday last, as a trading week reads.
  return [...rows.values()].sort((a, b) => ((a.weekday + 6) % 7) - ((b.weekday + 6) % 7));
}

/** One CSV field: quoted when it holds a comma, quote or line break; formulas defused for spreadsheets. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  // A cell starting with = + - @ would run as a formula in Excel or Sheets; numbers are safe as they are.
  if (typeof v !== 'number' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** The trades as entry/exit pairs, one row each, times in the exchange's own clock. */
export function tradesCsv(
  trades: readonly ReportTrade[],
  labelOf: (t: ReportTrade) => string,
): string {
  return toCsv(
    [
      'trade',
      'leg',
      'leg id',
      'contract',
      'side',
      'qty',
      'entry time',
      'entry price',
      'entry reason',
      'exit time',
      'exit price',
      'exit reason',
      'gross P&L',
      'costs',
      'net P&L',
    ],
    trades.map((t, i) => [
      i + 1,
      labelOf(t),
      t.legId,
      contractOf(t),
      t.side,
      t.qty,
      formatExchangeTime(t.entryTs),
      t.entryPrice,
      t.entryReason,
      formatExchangeTime(t.exitTs),
      t.exitPrice,
      t.exitReason,
      t.grossPnl,
      t.costs,
      t.netPnl,
    ]),
  );
}

export function daysCsv(days: readonly DayRow[]): string {
  return toCsv(
    [
      'date',
      'weekday',
      'net P&L',
      'realized P&L',
      'gross P&L',
      'costs',
      'trades',
      'wins',
      'losses',
      'max drawdown',
    ],
    days.map((d) => [
      d.date,
      WEEKDAY_NAMES[weekdayOf(d.date)],
      d.netPnl,
      d.realizedPnl,
      d.grossPnl,
      d.costs,
      d.trades,
      d.wins,
      d.losses,
      d.maxDrawdown,
    ]),
  );
}

/** "NIFTY 25 Nov 2026 24300 CE", or "… FUT". */
export function contractOf(
  t: Pick<ReportTrade, 'underlying' | 'expiry' | 'instrument' | 'strike' | 'right'>,
): string {
  const [y, m, d] = t.expiry.split('-').map(Number);
  const expiry = y && m && d ? `${d} ${MONTH_NAMES[m - 1]} ${y}` : t.expiry;
  return t.instrument === 'future'
    ? `${t.underlying} ${expiry} FUT`
    : `${t.underlying} ${expiry} ${t.strike} ${t.right}`;
}

/** A file name safe on every system, from a strategy name and what the file holds. */
export function fileName(strategy: string, what: string, ext: string): string {
  const base = strategy.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'backtest';
  return `${base}-${what}.${ext}`;
}

import { describe, expect, it } from 'vitest';
import { formatTimestamp, isTradingDay, sessionBounds, zonedInstant } from './calendar';
import {
  expiriesFrom,
  expiryInstant,
  listedExpiries,
  resolveExpiry,
  yearsToExpiry,
} from './expiry';
import { getInstrument } from './instruments';

const NIFTY = getInstrument('NIFTY');
const SPY = getInstrument('SPY');

describe('exchange calendar', () => {
  it('closes NSE on its 2026 holidays and weekends', () => {
    expect(isTradingDay(NIFTY, '2026-11-24')).toBe(false); // Guru Nanak Jayanti
    expect(isTradingDay(NIFTY, '2026-03-03')).toBe(false); // Holi
    expect(isTradingDay(NIFTY, '2026-11-21')).toBe(false); // Saturday
    expect(isTradingDay(NIFTY, '2026-11-20')).toBe(true);
    expect(isTradingDay(SPY, '2026-11-26')).toBe(false); // Thanksgiving
    expect(isTradingDay(getInstrument('BTC'), '2026-12-25')).toBe(true); // crypto never closes
  });

  it('maps session times to instants across New York daylight saving', () => {
    expect(
      formatTimestamp(zonedInstant('2026-07-01', '09:30', 'America/New_York'), 'America/New_York'),
    ).toBe('2026-07-01T09:30:00-04:00');
    expect(
      formatTimestamp(zonedInstant('2026-12-01', '09:30', 'America/New_York'), 'America/New_York'),
    ).toBe('2026-12-01T09:30:00-05:00');
    expect(new Date(sessionBounds(NIFTY, '2026-11-20').open).toISOString()).toBe(
      '2026-11-20T03:45:00.000Z',
    );
    expect(new Date(sessionBounds(SPY, '2026-11-27').close).toISOString()).toBe(
      '2026-11-27T18:00:00.000Z',
    ); // 13:00 early close
  });
});

describe('expiry resolution', () => {
  it('NIFTY weeklies expire on Tuesday, moved to the previous trading day on a holiday', () => {
    expect(resolveExpiry(NIFTY, '2026-08-18', 'weekly')).toBe('2026-08-18');
    expect(resolveExpiry(NIFTY, '2026-08-19', 'weekly')).toBe('2026-08-25');
    expect(resolveExpiry(NIFTY, '2026-03-01', 'weekly')).toBe('2026-03-02'); // Tue 3 Mar is Holi
    expect(resolveExpiry(NIFTY, '2026-11-20', 'weekly')).toBe('2026-11-23'); // Tue 24 Nov is a holiday
    expect(resolveExpiry(NIFTY, '2026-11-20', 'weekly', 1)).toBe('2026-12-01');
    expect(resolveExpiry(NIFTY, '2026-11-20', 'weekly', 3)).toBe('2026-12-15');
  });

  it('monthlies are the last Tuesday (NSE) or third Friday (US), holiday-adjusted', () => {
    expect(resolveExpiry(NIFTY, '2026-08-18', 'monthly')).toBe('2026-08-25');
    expect(resolveExpiry(NIFTY, '2026-03-10', 'monthly')).toBe('2026-03-30'); // Tue 31 Mar is Mahavir Jayanti
    expect(resolveExpiry(getInstrument('BANKNIFTY'), '2026-11-25', 'monthly', 1)).toBe(
      '2027-01-26',
    );
    expect(resolveExpiry(SPY, '2026-04-01', 'monthly')).toBe('2026-04-17');
    expect(resolveExpiry(getInstrument('BTC'), '2026-11-20', 'monthly')).toBe('2026-11-27');
    expect(resolveExpiry(getInstrument('SENSEX'), '2026-11-20', 'weekly')).toBe('2026-11-26');
  });

  it('US weeklies on a Good Friday move to Thursday; dailies skip the holiday', () => {
    expect(resolveExpiry(SPY, '2026-03-30', 'weekly')).toBe('2026-04-02');
    expect(resolveExpiry(SPY, '2026-04-03', 'daily')).toBe('2026-04-06');
  });

  it('an expiry is alive until its expiry time on the day, then the next one is meant', () => {
    expect(resolveExpiry(NIFTY, '2026-08-18T15:29:00+05:30', 'weekly')).toBe('2026-08-18');
    expect(resolveExpiry(NIFTY, '2026-08-18T15:30:00+05:30', 'weekly')).toBe('2026-08-25');
  });

  it('refuses what the instrument does not list, saying what it does', () => {
    expect(() => resolveExpiry(getInstrument('BANKNIFTY'), '2026-11-20', 'weekly')).toThrow(
      /BANKNIFTY has no weekly expiries: use monthly/,
    );
    expect(() => resolveExpiry(NIFTY, '2026-11-20', 'weekly', -1)).toThrow(/offset -1/);
    expect(() => resolveExpiry(NIFTY, '2026-13-01', 'weekly')).toThrow(/2026-13-01/);
  });

  it('lists weeklies and monthlies together and measures time to expiry in calendar years', () => {
    expect(listedExpiries(NIFTY, '2026-11-20', { weekly: 4, monthly: 3 })).toEqual([
      '2026-11-23',
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
      '2026-12-29',
      '2027-01-26',
    ]);
    const oneDayBefore = expiryInstant(NIFTY, '2026-11-23') - 86_400_000;
    expect(yearsToExpiry(NIFTY, oneDayBefore, '2026-11-23')).toBeCloseTo(1 / 365, 12);
    expect(yearsToExpiry(NIFTY, oneDayBefore + 2 * 86_400_000, '2026-11-23')).toBe(0);
    const it = expiriesFrom(getInstrument('ETH'), 'daily', '2026-12-24');
    expect([it.next().value, it.next().value]).toEqual(['2026-12-24', '2026-12-25']);
  });
});

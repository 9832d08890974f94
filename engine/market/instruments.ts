/**
 * The instrument catalog: everything the engine needs to know about an underlying, kept as data
 * (validated once by zod) so adding an underlying means adding a row, not code.
 */
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'time of day as HH:MM');

export const WeekdaySchema = z.number().int().min(0).max(6); // 0 = Sunday, as Date#getUTCDay

export const ExpiryRulesSchema = z.object({
  /** Wall-clock time of expiry in the instrument's timezone. */
  time: hhmm,
  /** Every trading day is an expiry (US index/ETF dailies, Deribit dailies). */
  daily: z.boolean(),
  /** Weekday of the weekly expiry, or null when the underlying has monthlies only. */
  weeklyWeekday: WeekdaySchema.nullable(),
  /** Monthly expiry: the last such weekday of the month, or the Nth (3 = third Friday). */
  monthly: z.object({
    weekday: WeekdaySchema,
    week: z.union([z.literal('last'), z.number().int().min(1).max(4)]),
  }),
});

export const InstrumentSchema = z.object({
  symbol: z.string(),
  name: z.string(),
  exchange: z.enum(['NSE', 'BSE', 'CBOE', 'DERIBIT']),
  /** Key into the exchange calendars (holidays) in calendar.ts. */
  calendar: z.enum(['NSE', 'BSE', 'NYSE', 'CRYPTO']),
  /** Currency premiums and P&L are carried in (Deribit coin prices are converted to USD on import). */
  currency: z.enum(['INR', 'USD']),
  /** Units per lot: the exchange lot size (NSE/BSE) or the contract multiplier (US, Deribit). */
  lotSize: z.number().positive(),
  strikeStep: z.number().positive(),
  tickSize: z.number().positive(),
  timezone: z.string(),
  session: z.object({ open: hhmm, close: hhmm, weekdays: z.array(WeekdaySchema) }),
  expiry: ExpiryRulesSchema,
  settlement: z.enum(['cash', 'physical']),
  /**
   * Expiry kinds the exchange lists futures of, as orders can reach them (NSE/BSE index futures
   * are monthly; Deribit has weekly and monthly). Empty: no futures to trade (US ETF and index
   * options here: SPY and QQQ have none, SPX's trade on CME, which no Strikeflow broker reaches).
   */
  futureExpiries: z.array(z.enum(['weekly', 'monthly'])),
  pricing: z.object({
    /** black-scholes on spot with a dividend yield, or black-76 on the forward. */
    model: z.enum(['black-scholes', 'black-76']),
    rate: z.number(),
    dividendYield: z.number(),
  }),
  /** Volatility index quoted for the underlying, if any (INDIAVIX, VIX, DVOL). */
  volIndex: z.string().nullable(),
  /** Where the simulated market starts: a plausible 2026 level and volatility. */
  simulation: z.object({
    spot: z.number().positive(),
    vol: z.number().positive(),
    vixLevel: z.number().positive(),
  }),
});

export type Instrument = z.infer<typeof InstrumentSchema>;
export type ExpiryRules = z.infer<typeof ExpiryRulesSchema>;

const MON_FRI = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const IST = {
  timezone: 'Asia/Kolkata',
  session: { open: '09:15', close: '15:30', weekdays: MON_FRI },
};
const NY = {
  timezone: 'America/New_York',
  session: { open: '09:30', close: '16:00', weekdays: MON_FRI },
};
const UTC24 = { timezone: 'UTC', session: { open: '00:00', close: '24:00', weekdays: EVERY_DAY } };

// Lot sizes as NSE revised them for series from 30 Dec 2025; index options expire on Tuesdays
// (NSE, since Sep 2025) and Thursdays (BSE SENSEX).
const nse = (
  symbol: string,
  name: string,
  lotSize: number,
  strikeStep: number,
  weekly: boolean,
  sim: Instrument['simulation'],
) => ({
  symbol,
  name,
  exchange: 'NSE' as const,
  calendar: 'NSE' as const,
  currency: 'INR' as const,
  lotSize,
  strikeStep,
  tickSize: 0.05,
  ...IST,
  expiry: {
    time: '15:30',
    daily: false,
    weeklyWeekday: weekly ? 2 : null,
    monthly: { weekday: 2, week: 'last' as const },
  },
  settlement: 'cash' as const,
  futureExpiries: ['monthly' as const],
  pricing: { model: 'black-scholes' as const, rate: 0.065, dividendYield: 0.012 },
  volIndex: 'INDIAVIX',
  simulation: sim,
});

const us = (
  symbol: string,
  name: string,
  strikeStep: number,
  dividendYield: number,
  settlement: 'cash' | 'physical',
  sim: Instrument['simulation'],
) => ({
  symbol,
  name,
  exchange: 'CBOE' as const,
  calendar: 'NYSE' as const,
  currency: 'USD' as const,
  lotSize: 100,
  strikeStep,
  tickSize: 0.01,
  ...NY,
  expiry: { time: '16:00', daily: true, weeklyWeekday: 5, monthly: { weekday: 5, week: 3 } },
  settlement,
  futureExpiries: [],
  pricing: { model: 'black-scholes' as const, rate: 0.04, dividendYield },
  volIndex: symbol === 'QQQ' ? 'VXN' : 'VIX',
  simulation: sim,
});

const deribit = (
  symbol: string,
  name: string,
  strikeStep: number,
  sim: Instrument['simulation'],
) => ({
  symbol,
  name,
  exchange: 'DERIBIT' as const,
  calendar: 'CRYPTO' as const,
  currency: 'USD' as const,
  lotSize: 1,
  strikeStep,
  tickSize: 0.01,
  ...UTC24,
  expiry: {
    time: '08:00',
    daily: true,
    weeklyWeekday: 5,
    monthly: { weekday: 5, week: 'last' as const },
  },
  settlement: 'cash' as const,
  futureExpiries: ['weekly' as const, 'monthly' as const],
  // Deribit prices options on the expiry's forward with a zero rate.
  pricing: { model: 'black-76' as const, rate: 0, dividendYield: 0 },
  volIndex: 'DVOL',
  simulation: sim,
});

const rows = [
  nse('NIFTY', 'NIFTY 50', 65, 50, true, { spot: 24300, vol: 0.13, vixLevel: 13.5 }),
  nse('BANKNIFTY', 'NIFTY Bank', 30, 100, false, { spot: 54500, vol: 0.15, vixLevel: 13.5 }),
  nse('FINNIFTY', 'NIFTY Financial Services', 60, 50, false, {
    spot: 25800,
    vol: 0.145,
    vixLevel: 13.5,
  }),
  nse('MIDCPNIFTY', 'NIFTY Midcap Select', 120, 25, false, {
    spot: 12800,
    vol: 0.17,
    vixLevel: 13.5,
  }),
  {
    ...nse('SENSEX', 'S&P BSE SENSEX', 20, 100, true, { spot: 80500, vol: 0.13, vixLevel: 13.5 }),
    exchange: 'BSE' as const,
    calendar: 'BSE' as const,
    expiry: {
      time: '15:30',
      daily: false,
      weeklyWeekday: 4,
      monthly: { weekday: 4, week: 'last' as const },
    },
  },
  us('SPY', 'SPDR S&P 500 ETF', 1, 0.012, 'physical', { spot: 660, vol: 0.15, vixLevel: 16 }),
  us('QQQ', 'Invesco QQQ Trust', 1, 0.006, 'physical', { spot: 580, vol: 0.19, vixLevel: 20 }),
  us('SPX', 'S&P 500 Index', 5, 0.013, 'cash', { spot: 6600, vol: 0.15, vixLevel: 16 }),
  deribit('BTC', 'Bitcoin (Deribit)', 1000, { spot: 95000, vol: 0.5, vixLevel: 50 }),
  deribit('ETH', 'Ether (Deribit)', 50, { spot: 3500, vol: 0.65, vixLevel: 65 }),
];

export const INSTRUMENTS: readonly Instrument[] = Object.freeze(
  rows.map((r) => Object.freeze(InstrumentSchema.parse(r))),
);

const bySymbol = new Map(INSTRUMENTS.map((i) => [i.symbol, i]));

/** The catalog entry for a symbol; throws naming the known symbols when it is not listed. */
export function getInstrument(symbol: string): Instrument {
  const found = bySymbol.get(symbol.toUpperCase());
  if (!found)
    throw new Error(
      `unknown underlying "${symbol}": known underlyings are ${[...bySymbol.keys()].join(', ')}`,
    );
  return found;
}

export function findInstrument(symbol: string): Instrument | undefined {
  return bySymbol.get(symbol.toUpperCase());
}

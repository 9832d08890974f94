/**
 * Contract facts that the exchange revises: the lot size of an index option (by the contract's
 * expiry, because old and new lot sizes trade side by side during a change) and the freeze
 * limit (the most units one order may carry, by trading date). Sources are in each row; the
 * summaries are in ../shared/reference/broker_apis_live.md §4.1–4.2.
 *
 * Outside the rows, the catalog's current lot size is used and the backtest report says so.
 */
import { getInstrument } from '../market/instruments.ts';
import { validOn, type Dated } from './dated.ts';

const LOTS_2021 = 'NSE circular 31 Mar 2021 (cnbctv18 2021-04-05)';
const LOTS_2024_APR = 'NSE, new contracts from 26 Apr 2024 (zerodha.com/marketintel 375282)';
const LOTS_2024_OCT = 'NSE circular 18 Oct 2024 (business-standard 2024-10-19)';
const LOTS_2025_OCT = 'NSE/FAOP70616, 3 Oct 2025 (ndtvprofit; capitalmarket)';

/** Lot size by the contract's expiry date. */
export const LOT_SIZES: Record<string, readonly Dated<number>[]> = {
  NIFTY: [
    { from: '2019-01-01', to: '2021-07-28', value: 75, source: 'in force at 2019 start' },
    { from: '2021-07-29', to: '2024-05-01', value: 50, source: LOTS_2021 },
    { from: '2024-05-02', to: '2024-12-26', value: 25, source: LOTS_2024_APR },
    { from: '2024-12-27', to: '2026-01-05', value: 75, source: LOTS_2024_OCT },
    { from: '2026-01-06', value: 65, source: LOTS_2025_OCT },
  ],
  BANKNIFTY: [
    { from: '2019-01-01', to: '2020-07-29', value: 20, source: 'tradingqna.com/t/82105' },
    { from: '2020-07-30', to: '2023-07-26', value: 25, source: 'tradingqna.com/t/82105' },
    { from: '2023-07-27', to: '2024-12-24', value: 15, source: 'livemint 2023-04-01' },
    { from: '2024-12-25', to: '2025-06-30', value: 30, source: LOTS_2024_OCT },
    { from: '2025-07-01', to: '2026-01-26', value: 35, source: 'ndtvprofit; fyers 2025-03-31' },
    { from: '2026-01-27', value: 30, source: LOTS_2025_OCT },
  ],
  FINNIFTY: [{ from: '2026-01-01', value: 60, source: LOTS_2025_OCT }],
  MIDCPNIFTY: [{ from: '2026-01-01', value: 120, source: LOTS_2025_OCT }],
};

type FreezeRow = Partial<Record<string, number>>;
const freeze = (from: string, to: string | undefined, value: FreezeRow, circular: string) => ({
  from,
  ...(to ? { to } : {}),
  value,
  source: `NSE circular ${circular} (broker_apis_live.md §4.1, secondary summary)`,
});

/** Quantity freeze limits in units, by trading date. Before Aug 2025 no figure was found. */
export const FREEZE_LIMITS: readonly Dated<FreezeRow>[] = [
  freeze('2025-08-01', '2025-08-31', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP69431'), // prettier-ignore
  freeze('2025-09-01', '2025-11-02', { BANKNIFTY: 900, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP69913'), // prettier-ignore
  freeze('2025-11-03', '2025-11-30', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP71087'), // prettier-ignore
  freeze('2025-12-01', '2026-01-31', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1200, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP71540/FAOP72094'), // prettier-ignore
  freeze('2026-02-01', '2026-03-01', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP72534'), // prettier-ignore
  freeze('2026-03-02', '2026-03-31', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1200, MIDCPNIFTY: 2800 }, 'FAOP73039'), // prettier-ignore
  freeze('2026-04-01', '2026-06-30', { BANKNIFTY: 900, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800 }, 'FAOP73531/FAOP73991/FAOP74469'), // prettier-ignore
  freeze('2026-07-01', '2026-08-02', { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP74942'), // prettier-ignore
  freeze('2026-08-03', undefined, { BANKNIFTY: 600, NIFTY: 1800, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600 }, 'FAOP75521 (latest found)'), // prettier-ignore
];

export type LotSize = { lotSize: number; source: string; assumed: boolean };

/**
 * The lot size of a contract of `underlying` expiring on `expiry`. Underlyings whose contract size
 * never changes (US multipliers, Deribit) take the catalog's; an NSE index outside the table takes
 * the catalog's current size, marked `assumed` so the report can say so.
 */
export function lotSizeOf(underlying: string, expiry: string): LotSize {
  const rows = LOT_SIZES[underlying];
  const catalog = getInstrument(underlying).lotSize;
  if (!rows) return { lotSize: catalog, source: 'instrument catalog', assumed: false };
  const r = validOn(rows, expiry);
  if (r) return { lotSize: r.value, source: r.source, assumed: false };
  return {
    lotSize: catalog,
    source: `no dated lot size of ${underlying} for contracts expiring ${expiry}; the current ${catalog} is assumed`,
    assumed: true,
  };
}

/** The freeze limit (units per order) on a trading date, or null when none applies or is known. */
export function freezeLimitOf(
  underlying: string,
  date: string,
): { units: number; source: string } | null {
  const r = validOn(FREEZE_LIMITS, date);
  const units = r?.value[underlying];
  return r && units !== undefined ? { units, source: r.source } : null;
}

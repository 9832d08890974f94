/**
 * Charges on NSE/BSE index options that the government or the exchange revised, by trade date,
 * with the source of each row. The cost model takes the row valid on the fill's date; outside
 * the rows it uses the nearest one and the backtest report says so.
 */
import { validOn, type Dated } from './dated.ts';

/** Securities transaction tax on the sell side, as a fraction of premium. */
export const STT_SELL_ON_PREMIUM: readonly Dated<number>[] = [
  { from: '2016-06-01', to: '2023-03-31', value: 0.0005, source: 'Finance Act 2016: 0.05 % of option premium sold' }, // prettier-ignore
  { from: '2023-04-01', to: '2024-09-30', value: 0.000625, source: 'Finance Act 2023: 0.0625 % from 1 Apr 2023' }, // prettier-ignore
  { from: '2024-10-01', to: '2026-03-31', value: 0.001, source: 'Finance (No. 2) Act 2024: 0.1 % from 1 Oct 2024' }, // prettier-ignore
  { from: '2026-04-01', value: 0.0015, source: 'Finance Bill 2026: 0.15 % from 1 Apr 2026' },
];

/** NSE transaction charge on option premium, both sides (with the IPFT levy), as a fraction. */
export const NSE_TXN_ON_PREMIUM: readonly Dated<number>[] = [
  { from: '2024-10-01', value: 0.0003553, source: 'NSE uniform charges from 1 Oct 2024 (0.03503 %) + IPFT 0.0005 %; zerodha.com/charges' }, // prettier-ignore
];

/** Securities transaction tax on the sell side of index futures, as a fraction of the traded value. */
export const STT_SELL_ON_FUTURES: readonly Dated<number>[] = [
  { from: '2016-06-01', to: '2023-03-31', value: 0.0001, source: 'Finance Act 2016: 0.01 % of futures sold' }, // prettier-ignore
  { from: '2023-04-01', to: '2024-09-30', value: 0.000125, source: 'Finance Act 2023: 0.0125 % from 1 Apr 2023' }, // prettier-ignore
  { from: '2024-10-01', to: '2026-03-31', value: 0.0002, source: 'Finance (No. 2) Act 2024: 0.02 % from 1 Oct 2024' }, // prettier-ignore
  { from: '2026-04-01', value: 0.0005, source: 'Finance Bill 2026: 0.05 % from 1 Apr 2026' },
];

/** NSE transaction charge on futures turnover, both sides (with the IPFT levy), as a fraction. */
export const NSE_TXN_ON_FUTURES: readonly Dated<number>[] = [
  { from: '2024-10-01', value: 0.0000183, source: 'NSE uniform charges from 1 Oct 2024 (0.00173 %) + IPFT 0.0001 %; zerodha.com/charges' }, // prettier-ignore
];

export type DatedRate = { value: number; note: string | null };

/** The rate valid on `date`; outside the table, the nearest row with a note saying so. */
export function rateOn(rows: readonly Dated<number>[], date: string, what: string): DatedRate {
  const r = validOn(rows, date);
  if (r) return { value: r.value, note: null };
  const first = rows[0];
  const last = rows[rows.length - 1];
  const near = date < first.from ? first : last;
  return {
    value: near.value,
    note: `${what} for ${date} is not in the reference table (covered from ${first.from}): ${near.value * 100} % (${near.source}) was assumed`,
  };
}

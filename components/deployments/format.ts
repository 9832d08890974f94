/** Number and time formats of the deployment pages (money reads the same as in backtests). */
import { formatMoney } from '@/components/templates/format';

export const pnlClass = (x: number | null | undefined) =>
  x === null || x === undefined || x === 0 ? 'text-zinc-300' : x > 0 ? 'text-emerald-400' : 'text-rose-400'; // prettier-ignore

export function money(x: number | null | undefined, digits: 0 | 2 = 0): string {
  if (x === null || x === undefined) return '—';
  return formatMoney(x, digits);
}

export function greek(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined) return '—';
  return x.toFixed(digits);
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const whenSec = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
export const started = (d: Date | string) => when.format(new Date(d));
export const at = (d: Date | string) => whenSec.format(new Date(d));

/** An exchange timestamp's wall-clock time as the exchange reads it (2026-11-20T09:31:00+05:30 → 09:31:00). */
export function exchangeClock(ts: string): string {
  const m = /T(\d{2}:\d{2}(:\d{2})?)/.exec(ts);
  return m ? m[1] : ts;
}

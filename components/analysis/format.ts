/** How volatility and risk numbers read on the risk desk: IV in percent, skews in vol points, big counts compact. */
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A decimal volatility as percent: 0.1234 -> "12.3%". */
export function volPct(v: number | null | undefined, digits = 1): string {
  return v === undefined || v === null || !Number.isFinite(v)
    ? '—'
    : `${(v * 100).toFixed(digits)}%`;
}

/** A difference of decimal volatilities in vol points: -0.0132 -> "-1.32 pts". */
export function volPts(v: number | undefined, digits = 2): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const x = v * 100;
  return `${x > 0 ? '+' : ''}${x.toFixed(digits)} pts`;
}

/** A fact already in percent (atmIv, hv): 12.34 -> "12.3%". */
export function pctValue(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}%`;
}

export function ratio(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function count(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : compact.format(v);
}

export function price(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : whole.format(v);
}

/** Money in a cell: compact and signed, 123456 -> "+123K". */
export function moneyCompact(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = compact.format(Math.abs(v));
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${s}`;
}

/** Exchange-local HH:MM of an ISO timestamp with offset (the chain's own clock, not the browser's). */
export function localHhmm(ts: string): string {
  return /T(\d{2}:\d{2})/.exec(ts)?.[1] ?? ts;
}

export function localDay(ts: string): string {
  return ts.slice(0, 10);
}

/** "2026-08-25" -> "25 Aug". */
export function shortDate(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${d} ${'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[m - 1]}`;
}

/** Days to expiry as a trader says it: "0.2d" on expiry day, "7d" after. */
export function dte(days: number): string {
  return days < 1
    ? `${days.toFixed(2)}d`
    : days < 10
      ? `${days.toFixed(1)}d`
      : `${Math.round(days)}d`;
}

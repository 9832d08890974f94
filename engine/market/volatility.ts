/**
 * Volatility read off a chain: each option's IV (quoted, or solved from its price when the
 * source left it out), its greeks, the smile of an expiry, the ATM term structure, IV rank.
 */
import { greeks, solveIv, type Greeks } from '../pricing';
import { atmStrike, type AtmReference } from './atm';
import { findQuote, markPrice, strikesOf } from './quote';
import {
  expiryPricing,
  findExpiry,
  type ExpiryPricing,
  type PricingOverrides,
} from './pricing-context';
import type { ChainSnapshot, OptionQuote, Right } from './snapshot';

/** The option's IV: quoted when present, else solved from its mark price; undefined when no vol fits. */
export function quoteIv(q: OptionQuote, p: ExpiryPricing): number | undefined {
  if (q.iv !== undefined && q.iv > 0) return q.iv;
  const price = markPrice(q);
  if (price === undefined) return undefined;
  const v = solveIv(q.right === 'CE', p.underlying, q.strike, p.t, p.rate, p.div, price, p.futures);
  return v > 0 ? v : undefined;
}

/** A copy of the snapshot with every solvable missing IV filled in (quoted IVs are kept). */
export function withSolvedIvs(s: ChainSnapshot, overrides?: PricingOverrides): ChainSnapshot {
  return {
    ...s,
    expiries: s.expiries.map((e) => {
      const p = expiryPricing(s, e.expiry, overrides);
      return {
        ...e,
        options: e.options.map((q) => {
          if (q.iv !== undefined) return q;
          const iv = quoteIv(q, p);
          return iv === undefined ? q : { ...q, iv };
        }),
      };
    }),
  };
}

/** Greeks of one listed option at its IV; undefined when it has neither an IV nor a price to solve one from. */
export function optionGreeks(
  s: ChainSnapshot,
  expiry: string,
  strike: number,
  right: Right,
  overrides?: PricingOverrides,
): (Greeks & { iv: number }) | undefined {
  const q = findQuote(findExpiry(s, expiry), strike, right);
  if (!q) return undefined;
  const p = expiryPricing(s, expiry, overrides);
  const iv = quoteIv(q, p);
  if (iv === undefined) return undefined;
  return {
    ...greeks({
      right,
      spot: p.underlying,
      strike,
      t: p.t,
      rate: p.rate,
      vol: iv,
      div: p.div,
      model: p.futures ? 'black-76' : 'black-scholes',
    }),
    iv,
  };
}

/** Delta of every priced option of an expiry (what "strike by delta" selectors search). */
export function deltas(
  s: ChainSnapshot,
  expiry: string,
  right: Right,
  overrides?: PricingOverrides,
): { strike: number; delta: number }[] {
  const chain = findExpiry(s, expiry);
  const p = expiryPricing(s, expiry, overrides);
  const out: { strike: number; delta: number }[] = [];
  for (const q of chain.options) {
    if (q.right !== right) continue;
    const iv = quoteIv(q, p);
    if (iv === undefined) continue;
    const g = greeks({
      right,
      spot: p.underlying,
      strike: q.strike,
      t: p.t,
      rate: p.rate,
      vol: iv,
      div: p.div,
      model: p.futures ? 'black-76' : 'black-scholes',
    });
    out.push({ strike: q.strike, delta: g.delta });
  }
  return out.sort((a, b) => a.strike - b.strike);
}

export interface SmilePoint {
  strike: number;
  /** ln(K / F). */
  logMoneyness: number;
  callIv?: number;
  putIv?: number;
  /** The out-of-the-money side's IV (puts below the forward, calls above): the usual smile. */
  iv?: number;
}

export function smile(
  s: ChainSnapshot,
  expiry: string,
  overrides?: PricingOverrides,
): SmilePoint[] {
  const chain = findExpiry(s, expiry);
  const p = expiryPricing(s, expiry, overrides);
  return strikesOf(chain).map((k) => {
    const c = findQuote(chain, k, 'CE');
    const q = findQuote(chain, k, 'PE');
    const callIv = c && quoteIv(c, p);
    const putIv = q && quoteIv(q, p);
    const otm = k >= p.forward ? (callIv ?? putIv) : (putIv ?? callIv);
    return { strike: k, logMoneyness: Math.log(k / p.forward), callIv, putIv, iv: otm };
  });
}

/** IV at the ATM strike: the average of call and put IVs where both exist. */
export function atmIv(
  s: ChainSnapshot,
  expiry: string,
  reference: AtmReference = 'spot',
  overrides?: PricingOverrides,
): number | undefined {
  const chain = findExpiry(s, expiry);
  const p = expiryPricing(s, expiry, overrides);
  const k = atmStrike(s, expiry, reference);
  const ivs = (['CE', 'PE'] as const)
    .map((r) => findQuote(chain, k, r))
    .map((q) => q && quoteIv(q, p))
    .filter((v): v is number => v !== undefined);
  return ivs.length ? ivs.reduce((a, b) => a + b, 0) / ivs.length : undefined;
}

export interface TermPoint {
  expiry: string;
  t: number;
  atmIv?: number;
}

export function termStructure(s: ChainSnapshot, overrides?: PricingOverrides): TermPoint[] {
  return s.expiries
    .filter((e) => e.options.length > 0)
    .map((e) => ({
      expiry: e.expiry,
      t: expiryPricing(s, e.expiry, overrides).t,
      atmIv: atmIv(s, e.expiry, 'spot', overrides),
    }))
    .sort((a, b) => a.t - b.t);
}

/**
 * IV rank of `current` within a lookback series of the same measure: 0 at the low, 100 at
 * the high. Also the percentile (share of days below). Throws when the series is empty.
 */
export function ivRank(
  history: readonly number[],
  current: number,
): { rank: number; percentile: number } {
  const xs = history.filter((v) => Number.isFinite(v));
  if (xs.length === 0) throw new Error('IV rank needs at least one past IV in the lookback window');
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const rank = hi > lo ? Math.min(100, Math.max(0, ((current - lo) / (hi - lo)) * 100)) : 50;
  const percentile = (xs.filter((v) => v < current).length / xs.length) * 100;
  return { rank, percentile };
}

/**
 * IV rank over the last `lookbackDays` calendar days of a dated series (e.g. daily ATM IV),
 * as of the series' last point.
 */
export function ivRankOverLookback(
  series: readonly { date: string; iv: number }[],
  lookbackDays: number,
): { rank: number; percentile: number } {
  if (series.length === 0) throw new Error('IV rank needs a series of dated IVs');
  const last = series[series.length - 1];
  const from = Date.parse(last.date) - lookbackDays * 86_400_000;
  const window = series.filter((p) => Date.parse(p.date) >= from).map((p) => p.iv);
  return ivRank(window, last.iv);
}

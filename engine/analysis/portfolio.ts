/**
 * Portfolio risk: the legs held by a trader's running deployments, as one book per deployment,
 * summed per underlying and per expiry (net delta, gamma, theta, vega, mark-to-market, margin
 * used), and the trader's own limits on net delta, vega and the day's loss that pause new
 * entries when crossed. Greeks of any group are the sum of its legs' greeks (bookGreeks), so a
 * bucket, an underlying and the whole portfolio always add up.
 */
import { z } from 'zod';
import { approximateMargin } from '../margin/approximation.ts';
import { findInstrument } from '../market/instruments.ts';
import { termsOf, type ChainSnapshot } from '../market/snapshot.ts';
import type { RuntimeState } from '../runtime/types.ts';
import { bookFromPositions, type RiskBook, type RiskLeg, type RiskPosition } from './book.ts';
import { bookGreeks, bookPnlNow, type BookGreeks } from './scenario.ts';
import { DAYS_PER_YEAR } from '../pricing/index.ts';

/**
 * The legs a deployment holds now, as risk positions: every leg instance with units held (the
 * delta hedge's futures included), at its average entry price and last seen price. Ids are
 * `<deploymentId>/<strategyId>/<instanceId>` so books of many deployments merge without clashes.
 */
export function heldPositions(
  deploymentId: string,
  strategies: readonly { id: string; underlying: string }[],
  state: RuntimeState,
): RiskPosition[] {
  const out: RiskPosition[] = [];
  for (const s of strategies) {
    for (const l of state.strategies[s.id]?.legs ?? []) {
      if (!(l.held > 0) || l.entryPrice === null || l.expiry === null) continue;
      out.push({
        id: `${deploymentId}/${s.id}/${l.instanceId}`,
        underlying: s.underlying,
        expiry: l.expiry,
        ...termsOf(l),
        side: l.side,
        qty: l.held,
        entry: l.entryPrice,
        ...(l.lastPrice !== null ? { mark: l.lastPrice } : {}),
      });
    }
  }
  return out;
}

/** A deployment's book: its held legs valued on the latest chain of each of its underlyings. */
export function deploymentBook(
  deploymentId: string,
  strategies: readonly { id: string; underlying: string }[],
  state: RuntimeState,
  snapshots: readonly ChainSnapshot[],
): ReturnType<typeof bookFromPositions> {
  return bookFromPositions(heldPositions(deploymentId, strategies, state), snapshots);
}

/**
 * Risk figures of a group of legs: greeks in position terms (delta and gamma in units of the
 * underlying, meaningful within one underlying; deltaCash in money per +1 % move of every
 * underlying; theta per calendar day; vega per vol point), mark-to-market against entry, and the
 * margin the legs use.
 */
export type RiskFigures = BookGreeks & { mtm: number; margin: number; legs: number };

export type UnderlyingRisk = RiskFigures & { underlying: string; spot: number };
export type ExpiryRisk = RiskFigures & { underlying: string; expiry: string; days: number };

export type PortfolioRisk = {
  currency: string;
  asOf: string;
  total: RiskFigures;
  byUnderlying: UnderlyingRisk[];
  byExpiry: ExpiryRisk[];
};

const sign = (l: RiskLeg) => (l.side === 'BUY' ? 1 : -1);

/** Mark-to-market of legs against entry: at the leg's mark, else at its model value. */
export function markToMarket(book: RiskBook): number {
  let sum = 0;
  for (const l of book.legs)
    sum +=
      l.mark !== undefined
        ? sign(l) * l.qty * (l.mark - l.entry)
        : bookPnlNow({ ...book, legs: [l] });
  return sum;
}

/**
 * Margin of a deployment's legs on one underlying (the approximation of engine/margin: offsets
 * count within a deployment and underlying, never across deployments, since each is margined on
 * its own account or paper funds).
 */
function marginOf(book: RiskBook, legs: RiskLeg[]): number {
  if (legs.length === 0) return 0;
  const u = legs[0].underlying;
  const market = book.markets[u];
  return approximateMargin({ underlying: u, spot: market.spot, legs, market }).total;
}

function figures(book: RiskBook, legs: RiskLeg[], margin: number): RiskFigures {
  const sub = { ...book, legs };
  return { ...bookGreeks(sub), mtm: markToMarket(sub), margin, legs: legs.length };
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/**
 * The risk of several deployments' books (one currency): totals, per underlying and per
 * expiry. Margin is summed over deployments; per expiry it is the margin of that expiry's legs
 * alone (no offsets with other expiries), so expiry rows may add up to more than their underlying.
 */
export function portfolioRisk(books: readonly RiskBook[]): PortfolioRisk {
  const currencies = [...new Set(books.map((b) => b.currency).filter(Boolean))];
  if (currencies.length > 1)
    throw new Error(
      `deployments in ${currencies.join(' and ')} are summed apart: amounts are never converted between currencies`,
    );
  const all: RiskLeg[] = books.flatMap((b) => b.legs);
  const markets: RiskBook['markets'] = {};
  for (const b of books) for (const [u, m] of Object.entries(b.markets)) markets[u] ??= m;
  const asOf = books.reduce((a, b) => (!a || Date.parse(b.asOf) > Date.parse(a) ? b.asOf : a), '');
  const merged: RiskBook = { asOf, currency: currencies[0] ?? '', markets, legs: all };

  const underlyingMargin = new Map<string, number>();
  const expiryMargin = new Map<string, number>();
  for (const b of books) {
    for (const [u, legs] of groupBy(b.legs, (l) => l.underlying)) {
      underlyingMargin.set(u, (underlyingMargin.get(u) ?? 0) + marginOf(b, legs));
      for (const [e, el] of groupBy(legs, (l) => l.expiry)) {
        const k = `${u}|${e}`;
        expiryMargin.set(k, (expiryMargin.get(k) ?? 0) + marginOf(b, el));
      }
    }
  }

  const byUnderlying: UnderlyingRisk[] = [];
  const byExpiry: ExpiryRisk[] = [];
  for (const [u, legs] of [...groupBy(all, (l) => l.underlying)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    byUnderlying.push({ underlying: u, spot: markets[u].spot, ...figures(merged, legs, underlyingMargin.get(u) ?? 0) }); // prettier-ignore
    for (const [e, el] of [...groupBy(legs, (l) => l.expiry)].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const days = Math.min(...el.map((l) => l.t)) * DAYS_PER_YEAR;
      byExpiry.push({ underlying: u, expiry: e, days, ...figures(merged, el, expiryMargin.get(`${u}|${e}`) ?? 0) }); // prettier-ignore
    }
  }
  const margin = [...underlyingMargin.values()].reduce((a, b) => a + b, 0);
  return { currency: merged.currency, asOf, total: figures(merged, all, margin), byUnderlying, byExpiry }; // prettier-ignore
}

const limit = z.number().positive().max(1e12).nullable();

/**
 * A trader's portfolio limits, each off when null. Net delta is in money per +1 % move of every
 * underlying (the one delta that adds up across underlyings), vega in money per vol point, loss
 * is the day's net P&L of the deployments below minus this amount. Checked per mode (paper and
 * live apart) and per currency.
 */
export const PortfolioLimitsSchema = z.strictObject({
  maxNetDelta: limit,
  maxVega: limit,
  maxDayLoss: limit,
});
export type PortfolioLimits = z.infer<typeof PortfolioLimitsSchema>;

export const NO_PORTFOLIO_LIMITS: PortfolioLimits = {
  maxNetDelta: null,
  maxVega: null,
  maxDayLoss: null,
};

export type LimitBreach = {
  limit: keyof PortfolioLimits;
  value: number;
  max: number;
  message: string;
};

const money = (x: number, currency: string) =>
  `${x < 0 ? '-' : ''}${currency} ${Math.abs(x).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** Which limits the portfolio crosses now; an empty list when none (or none is set). */
export function limitBreaches(
  risk: Pick<RiskFigures, 'deltaCash' | 'vega'>,
  dayPnl: number,
  limits: PortfolioLimits,
  currency: string,
): LimitBreach[] {
  const out: LimitBreach[] = [];
  if (limits.maxNetDelta !== null && Math.abs(risk.deltaCash) > limits.maxNetDelta)
    out.push({
      limit: 'maxNetDelta',
      value: risk.deltaCash,
      max: limits.maxNetDelta,
      message: `net delta ${money(risk.deltaCash, currency)} per 1 % move is beyond the limit of ±${money(limits.maxNetDelta, currency)}`,
    });
  if (limits.maxVega !== null && Math.abs(risk.vega) > limits.maxVega)
    out.push({
      limit: 'maxVega',
      value: risk.vega,
      max: limits.maxVega,
      message: `net vega ${money(risk.vega, currency)} per vol point is beyond the limit of ±${money(limits.maxVega, currency)}`,
    });
  if (limits.maxDayLoss !== null && dayPnl < -limits.maxDayLoss)
    out.push({
      limit: 'maxDayLoss',
      value: dayPnl,
      max: limits.maxDayLoss,
      message: `the day's net P&L ${money(dayPnl, currency)} is a loss beyond the limit of ${money(limits.maxDayLoss, currency)}`,
    });
  return out;
}

/** One running (or paused) deployment as the portfolio reads it. */
export type PortfolioEntry = {
  id: string;
  name: string;
  mode: 'paper' | 'live';
  status: string;
  tradingState: string;
  strategies: readonly { id: string; underlying: string }[];
  state: RuntimeState;
  /** The chains the deployment last saw, one per underlying it has seen. */
  snapshots: readonly ChainSnapshot[];
  pnl: { net: number; day: number } | null;
};

export type DeploymentRisk = {
  id: string;
  name: string;
  mode: 'paper' | 'live';
  status: string;
  tradingState: string;
  tradingStateReason: string | null;
  currency: string;
  figures: RiskFigures;
  pnl: { net: number; day: number } | null;
  skipped: { id: string; why: string }[];
};

/** The deployments of one mode and currency, summed; limits are checked on this. */
export type PortfolioSection = {
  mode: 'paper' | 'live';
  currency: string;
  risk: PortfolioRisk;
  netPnl: number;
  dayPnl: number;
  deployments: DeploymentRisk[];
  breaches: LimitBreach[];
};

/** Every entry's book, valued on what it last saw; a deployment with nothing valued has an empty book. */
export function entryBook(e: PortfolioEntry): {
  book: RiskBook;
  skipped: { id: string; why: string }[];
} {
  return deploymentBook(e.id, e.strategies, e.state, e.snapshots);
}

/**
 * The portfolio as the risk page shows it and the limits check it: paper and live apart, and
 * within each, one section per currency, its deployments each with their own figures.
 */
export function assemblePortfolio(
  entries: readonly PortfolioEntry[],
  limits: PortfolioLimits,
): PortfolioSection[] {
  const groups = new Map<string, { mode: 'paper' | 'live'; currency: string; rows: { e: PortfolioEntry; book: RiskBook; skipped: { id: string; why: string }[] }[] }>(); // prettier-ignore
  for (const e of entries) {
    const { book, skipped } = entryBook(e);
    // A deployment holding nothing still counts (its P&L, its limits): its currency is its underlying's.
    const currency = book.currency || currencyOfStrategies(e.strategies);
    const key = `${e.mode}|${currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { mode: e.mode, currency, rows: [] }));
    g.rows.push({ e, book: { ...book, currency }, skipped });
  }
  const sections: PortfolioSection[] = [];
  for (const g of [...groups.values()].sort((a, b) =>
    a.mode === b.mode ? a.currency.localeCompare(b.currency) : a.mode === 'live' ? -1 : 1,
  )) {
    const risk = portfolioRisk(g.rows.map((r) => r.book));
    const dayPnl = g.rows.reduce((a, r) => a + (r.e.pnl?.day ?? 0), 0);
    const netPnl = g.rows.reduce((a, r) => a + (r.e.pnl?.net ?? 0), 0);
    sections.push({
      mode: g.mode,
      currency: g.currency,
      risk,
      dayPnl,
      netPnl,
      deployments: g.rows.map(({ e, book, skipped }) => ({
        id: e.id,
        name: e.name,
        mode: e.mode,
        status: e.status,
        tradingState: e.tradingState,
        tradingStateReason: e.state.tradingStateReason,
        currency: g.currency,
        figures: portfolioRisk([book]).total,
        pnl: e.pnl,
        skipped,
      })),
      breaches: limitBreaches(risk.total, dayPnl, limits, g.currency),
    });
  }
  return sections;
}

function currencyOfStrategies(strategies: PortfolioEntry['strategies']): string {
  for (const s of strategies) {
    const c = findInstrument(s.underlying)?.currency;
    if (c) return c;
  }
  return '';
}

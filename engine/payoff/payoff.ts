/**
 * The payoff of an options position: P&L at the first expiry and "today" (Black-Scholes after a
 * scenario of spot %, IV points and days forward), breakevens, max profit and loss (unbounded
 * when the curve keeps rising or falling as spot grows), and the position's net greeks.
 */
import type { ContractTerms } from '../market/snapshot.ts';
import { DAYS_PER_YEAR, greeks, type PricingModel } from '../pricing';

export type PayoffLeg = ContractTerms & {
  id: string;
  side: 'BUY' | 'SELL';
  /** Units (lots x lot size x multiplier). */
  qty: number;
  /** The price the leg opens at, per unit. */
  entry: number;
  expiry: string;
  /** Years to this leg's expiry at the snapshot. */
  t: number;
  /** Annualised implied volatility, decimal (options only). */
  iv: number;
  /**
   * The expiry's forward over spot at the snapshot (quoted forward or futures basis included);
   * defaults to the carry e^((r-q)t). Futures and Black-76 options are valued off spot times this.
   */
  forwardRatio?: number;
};

export type PayoffMarket = {
  spot: number;
  rate: number;
  div: number;
  model: PricingModel;
};

export type Scenario = {
  /** Spot move in percent, e.g. -2 for 2 % down. */
  spotPct: number;
  /** IV change in volatility points, e.g. 3 for +3 vol points. */
  ivPoints: number;
  /** Calendar days forward from the snapshot. */
  daysForward: number;
};

export const NO_SCENARIO: Scenario = { spotPct: 0, ivPoints: 0, daysForward: 0 };

/** Volatility never goes below this under a scenario, so a large negative IV shift still prices. */
export const MIN_VOL = 0.005;

const sign = (leg: PayoffLeg) => (leg.side === 'BUY' ? 1 : -1);

/** Years from the snapshot to the earliest leg expiry: the "at expiry" curve is drawn there. */
export function firstExpiryYears(legs: readonly PayoffLeg[]): number {
  if (legs.length === 0) return 0;
  return Math.min(...legs.map((l) => l.t));
}

/**
 * Forward over spot for a leg with `t` years left: the snapshot's ratio, carried for the time that
 * passed, so a spot move moves the forward by the same percentage and it meets spot at expiry.
 */
export function forwardFactor(leg: PayoffLeg, m: PayoffMarket, t: number): number {
  if (!(t > 0)) return 1;
  const carry = m.rate - m.div;
  return (leg.forwardRatio ?? Math.exp(carry * leg.t)) * Math.exp(carry * (t - leg.t));
}

/** Value per unit of one leg at spot `s`, `t` years before its expiry, at volatility `vol`. */
function legValue(leg: PayoffLeg, m: PayoffMarket, s: number, t: number, vol: number): number {
  if (leg.instrument === 'future') return s * forwardFactor(leg, m, t);
  if (!(t > 0))
    return leg.right === 'CE' ? Math.max(0, s - leg.strike) : Math.max(0, leg.strike - s);
  // The pricer refuses spot 0; the limit there is a worthless call and a put worth the discounted strike.
  if (!(s > 0)) return leg.right === 'CE' ? 0 : leg.strike * Math.exp(-m.rate * t);
  return greeks({
    right: leg.right,
    spot: m.model === 'black-76' ? s * forwardFactor(leg, m, t) : s,
    strike: leg.strike,
    t,
    rate: m.rate,
    vol: Math.max(MIN_VOL, vol),
    div: m.model === 'black-76' ? 0 : m.div,
    model: m.model,
  }).price;
}

/** Position P&L at spot `s` after `elapsed` years, with volatilities shifted by `ivShift` (decimal). */
export function pnlAt(
  legs: readonly PayoffLeg[],
  m: PayoffMarket,
  s: number,
  elapsed: number,
  ivShift = 0,
): number {
  let total = 0;
  for (const leg of legs) {
    const left = Math.max(0, leg.t - elapsed);
    total += sign(leg) * leg.qty * (legValue(leg, m, s, left, leg.iv + ivShift) - leg.entry);
  }
  return total;
}

/** P&L when the first expiry settles at spot `s` (later legs still carry their time value). */
export function pnlAtExpiry(legs: readonly PayoffLeg[], m: PayoffMarket, s: number): number {
  return pnlAt(legs, m, s, firstExpiryYears(legs));
}

/** P&L under a scenario, where `s` is the spot before the scenario's own spot move. */
export function pnlToday(
  legs: readonly PayoffLeg[],
  m: PayoffMarket,
  s: number,
  sc: Scenario = NO_SCENARIO,
): number {
  const elapsed = Math.min(firstExpiryYears(legs), Math.max(0, sc.daysForward) / DAYS_PER_YEAR);
  return pnlAt(legs, m, s * (1 + sc.spotPct / 100), elapsed, sc.ivPoints / 100);
}

export type NetGreeks = { delta: number; gamma: number; theta: number; vega: number };

/**
 * Net greeks of the position under a scenario, in position units: delta in units of the
 * underlying, gamma per unit move, theta in money per calendar day, vega in money per vol point.
 */
export function netGreeks(
  legs: readonly PayoffLeg[],
  m: PayoffMarket,
  sc: Scenario = NO_SCENARIO,
): NetGreeks {
  const s = m.spot * (1 + sc.spotPct / 100);
  const elapsed = Math.min(firstExpiryYears(legs), Math.max(0, sc.daysForward) / DAYS_PER_YEAR);
  const out: NetGreeks = { delta: 0, gamma: 0, theta: 0, vega: 0 };
  for (const leg of legs) {
    const w = sign(leg) * leg.qty;
    const t = Math.max(0, leg.t - elapsed);
    if (leg.instrument === 'future') {
      out.delta += w * forwardFactor(leg, m, t);
      continue;
    }
    const f = m.model === 'black-76' ? forwardFactor(leg, m, t) : 1;
    const g = greeks({
      right: leg.right,
      spot: s * f,
      strike: leg.strike,
      t,
      rate: m.rate,
      vol: Math.max(MIN_VOL, leg.iv + sc.ivPoints / 100),
      div: m.model === 'black-76' ? 0 : m.div,
      model: m.model,
    });
    // Black-76 greeks are per unit of the forward; the chain rule turns them into spot terms.
    out.delta += w * g.delta * f;
    out.gamma += w * g.gamma * f * f;
    out.theta += w * g.theta;
    out.vega += w * g.vega;
  }
  return out;
}

export type PayoffSummary = {
  breakevens: number[];
  /** Infinity when profit grows without limit as spot rises. */
  maxProfit: number;
  /** -Infinity when losses grow without limit as spot rises. */
  maxLoss: number;
  /** Spot levels where the bounded maximum and minimum are reached (null when unbounded). */
  maxProfitAt: number | null;
  maxLossAt: number | null;
};

/**
 * Slope of the expiry P&L as spot goes to infinity: every call and future contributes its signed
 * quantity (a call is worth ~S-K far above the strike, whatever time is left), puts nothing.
 */
export function upsideSlope(legs: readonly PayoffLeg[]): number {
  let slope = 0;
  for (const leg of legs) if (leg.right !== 'PE') slope += sign(leg) * leg.qty;
  return slope;
}

const EPS = 1e-9;

/**
 * Breakevens and extremes of the expiry curve over spot in [0, infinity). Between strikes a
 * single-expiry curve is linear, so evaluating at 0, every strike and a dense grid, then bisecting
 * each sign change, finds breakevens exactly; legs with a later expiry make the curve smooth,
 * where the dense grid and bisection still converge.
 */
export function summarize(legs: readonly PayoffLeg[], m: PayoffMarket): PayoffSummary {
  if (legs.length === 0)
    return { breakevens: [], maxProfit: 0, maxLoss: 0, maxProfitAt: null, maxLossAt: null };
  const strikes = legs.flatMap((l) => (l.instrument === 'option' ? [l.strike] : []));
  const entries = legs.filter((l) => l.instrument === 'future').map((l) => l.entry);
  const top = Math.max(m.spot, ...strikes, ...entries) * 3;
  const grid = new Set<number>([0, top, ...strikes, ...entries]);
  const n = 3000;
  for (let i = 1; i < n; i++) grid.add((top * i) / n);
  const xs = [...grid].sort((a, b) => a - b);
  const f = (s: number) => pnlAtExpiry(legs, m, s);
  const ys = xs.map(f);

  const scale = Math.max(1, ...ys.map(Math.abs));
  const zero = (y: number) => Math.abs(y) <= EPS * scale;
  const breakevens: number[] = [];
  const push = (x: number) => {
    if (!breakevens.some((b) => Math.abs(b - x) <= 1e-6 * Math.max(1, x))) breakevens.push(x);
  };
  for (let i = 0; i < xs.length; i++) {
    if (zero(ys[i])) {
      // A flat stretch at zero is not a breakeven; a touch from one side to the other is.
      const before = i > 0 ? ys[i - 1] : undefined;
      const after = i + 1 < ys.length ? ys[i + 1] : undefined;
      if (
        before !== undefined &&
        after !== undefined &&
        !zero(before) &&
        !zero(after) &&
        Math.sign(before) !== Math.sign(after)
      )
        push(xs[i]);
      continue;
    }
    if (i + 1 < xs.length && !zero(ys[i + 1]) && Math.sign(ys[i]) !== Math.sign(ys[i + 1])) {
      let lo = xs[i],
        hi = xs[i + 1],
        ylo = ys[i];
      for (let k = 0; k < 100 && hi - lo > 1e-10 * Math.max(1, hi); k++) {
        const mid = (lo + hi) / 2;
        const ym = f(mid);
        if (Math.sign(ym) === Math.sign(ylo)) {
          lo = mid;
          ylo = ym;
        } else hi = mid;
      }
      push((lo + hi) / 2);
    }
  }
  // The bisection of a linear segment lands within float noise of the exact root.
  const rounded = breakevens.map((b) => Math.round(b * 1e6) / 1e6).sort((a, b) => a - b);

  const slope = upsideSlope(legs);
  let hiI = 0,
    loI = 0;
  for (let i = 1; i < ys.length; i++) {
    if (ys[i] > ys[hiI]) hiI = i;
    if (ys[i] < ys[loI]) loI = i;
  }
  const unboundedUp = slope > EPS;
  const unboundedDown = slope < -EPS;
  return {
    breakevens: rounded,
    maxProfit: unboundedUp ? Infinity : ys[hiI],
    maxLoss: unboundedDown ? -Infinity : ys[loI],
    maxProfitAt: unboundedUp ? null : xs[hiI],
    maxLossAt: unboundedDown ? null : xs[loI],
  };
}

export type CurvePoint = { spot: number; expiry: number; today: number };

/**
 * Both curves sampled over a spot range around the current spot (default +-15 %), for charts.
 * "Today" applies the scenario's IV shift and days forward; its spot move shifts the marker, not
 * the axis, so the chart shows where the scenario puts the position.
 */
export function payoffCurve(
  legs: readonly PayoffLeg[],
  m: PayoffMarket,
  sc: Scenario = NO_SCENARIO,
  opts: { rangePct?: number; points?: number } = {},
): CurvePoint[] {
  const range = (opts.rangePct ?? 15) / 100;
  const points = Math.max(2, opts.points ?? 121);
  const lo = m.spot * (1 - range);
  const hi = m.spot * (1 + range);
  const elapsed = Math.min(firstExpiryYears(legs), Math.max(0, sc.daysForward) / DAYS_PER_YEAR);
  const out: CurvePoint[] = [];
  for (let i = 0; i < points; i++) {
    const s = lo + ((hi - lo) * i) / (points - 1);
    out.push({
      spot: s,
      expiry: pnlAtExpiry(legs, m, s),
      today: pnlAt(legs, m, s, elapsed, sc.ivPoints / 100),
    });
  }
  return out;
}

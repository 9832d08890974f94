/**
 * What a book makes or loses if spot moves, IV shifts and days pass: one cell, a grid of spot
 * moves x IV shifts for a chosen day (the scenario matrix), and named stress scenarios. Each leg
 * is repriced with the pricing kernel under the payoff panel's conventions (engine/payoff: spot
 * moves by a percentage in every underlying, IV shifts in vol points with the same floor, the
 * forward carried with the spot), and the greeks of every cell come from the same kernel call.
 */
import { DAYS_PER_YEAR, priceInto } from '../pricing/index.ts';
import { forwardFactor, MIN_VOL, type PayoffMarket } from '../payoff/payoff.ts';
import type { RiskBook, RiskLeg } from './book.ts';

export type Shock = {
  /** Spot move in percent of every underlying (-5 = 5 % down). */
  spotPct: number;
  /** IV change in vol points added to every leg's IV (+8 = 8 points up). */
  ivPoints: number;
  /** Calendar days forward; legs that expire before then settle at intrinsic value. */
  daysForward: number;
};

/**
 * Greeks of the book under a shock, in position terms: delta and gamma in units of the
 * underlying (meaningful summed within one underlying), delta in money per +1 % move of every
 * underlying (meaningful across underlyings), theta in money per calendar day, vega in money
 * per vol point.
 */
export type BookGreeks = {
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  deltaCash: number;
};

export type CellResult = {
  /** P&L against the legs' entry prices. */
  pnl: number;
  /** P&L against the book's value now (no move, no time): what the shock itself does. */
  change: number;
  greeks: BookGreeks;
};

const sign = (l: RiskLeg) => (l.side === 'BUY' ? 1 : -1);

function marketOf(book: RiskBook, leg: RiskLeg): PayoffMarket {
  const m = book.markets[leg.underlying];
  if (!m)
    throw new Error(
      `leg ${leg.id} is on ${leg.underlying} but the book has no ${leg.underlying} market; add its spot, rate and model`,
    );
  return m;
}

function checkShock(x: Shock): void {
  if (!(x.spotPct > -100) || !Number.isFinite(x.spotPct))
    throw new Error(`spot move ${x.spotPct} % is not valid: give a percentage above -100`);
  if (!Number.isFinite(x.ivPoints)) throw new Error(`IV shift ${x.ivPoints} is not a number`);
  if (!(x.daysForward >= 0) || !Number.isFinite(x.daysForward))
    throw new Error(`days forward ${x.daysForward} is not valid: give 0 or more calendar days`);
}

export type ScenarioGrid = {
  spotMovesPct: readonly number[];
  ivShiftsPts: readonly number[];
  daysForward: number;
};

type Grids = Pick<ScenarioMatrix, 'pnl' | 'delta' | 'gamma' | 'theta' | 'vega' | 'deltaCash'>;

export type ScenarioMatrix = {
  spotMovesPct: number[];
  ivShiftsPts: number[];
  daysForward: number;
  /** Cell (spot i, iv j) is at i * ivShiftsPts.length + j in every array. */
  pnl: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  theta: Float64Array;
  vega: Float64Array;
  deltaCash: Float64Array;
  /** P&L of the book now (no move, no time), against entry. */
  now: number;
  worst: { spot: number; iv: number; pnl: number };
  best: { spot: number; iv: number; pnl: number };
};

/**
 * Every cell of the grid priced. Legs outside, cells inside: one leg keeps the kernel's
 * per-expiry memo warm across all its cells.
 */
function priceGrid(book: RiskBook, grid: ScenarioGrid): Grids {
  const nS = grid.spotMovesPct.length;
  const nV = grid.ivShiftsPts.length;
  const n = nS * nV;
  const pnl = new Float64Array(n);
  const delta = new Float64Array(n);
  const gamma = new Float64Array(n);
  const theta = new Float64Array(n);
  const vega = new Float64Array(n);
  const deltaCash = new Float64Array(n);
  const elapsed = grid.daysForward / DAYS_PER_YEAR;
  const out = new Float64Array(6);
  const ivShift = grid.ivShiftsPts.map((p) => p / 100);
  for (const leg of book.legs) {
    const m = marketOf(book, leg);
    const w = sign(leg) * leg.qty;
    const t = Math.max(0, leg.t - elapsed);
    const futures = m.model === 'black-76';
    const f = leg.instrument === 'future' || futures ? forwardFactor(leg, m, t) : 1;
    const q = futures ? 0 : m.div;
    const isCall = leg.right === 'CE';
    for (let i = 0; i < nS; i++) {
      const s = m.spot * (1 + grid.spotMovesPct[i] / 100);
      const row = i * nV;
      if (leg.instrument === 'future') {
        const v = w * (s * f - leg.entry);
        for (let j = 0; j < nV; j++) {
          pnl[row + j] += v;
          delta[row + j] += w * f;
          deltaCash[row + j] += (w * f * s) / 100;
        }
        continue;
      }
      for (let j = 0; j < nV; j++) {
        const vol = leg.iv + ivShift[j];
        priceInto(
          out,
          0,
          isCall,
          s * f,
          leg.strike,
          t,
          m.rate,
          q,
          vol > MIN_VOL ? vol : MIN_VOL,
          futures,
        );
        const k = row + j;
        pnl[k] += w * (out[0] - leg.entry);
        // Black-76 greeks are per unit of the forward; the chain rule turns them into spot terms.
        delta[k] += w * out[1] * f;
        gamma[k] += w * out[2] * f * f;
        theta[k] += w * out[3];
        vega[k] += w * out[4];
        deltaCash[k] += (w * out[1] * f * s) / 100;
      }
    }
  }
  return { pnl, delta, gamma, theta, vega, deltaCash };
}

const NO_SHOCK: Shock = { spotPct: 0, ivPoints: 0, daysForward: 0 };

function single(book: RiskBook, x: Shock): { pnl: number; greeks: BookGreeks } {
  const g = priceGrid(book, {
    spotMovesPct: [x.spotPct],
    ivShiftsPts: [x.ivPoints],
    daysForward: x.daysForward,
  });
  return {
    pnl: g.pnl[0],
    greeks: {
      delta: g.delta[0],
      gamma: g.gamma[0],
      theta: g.theta[0],
      vega: g.vega[0],
      deltaCash: g.deltaCash[0],
    },
  };
}

/** P&L of the book against entry with nothing moved: the base that `change` is measured from. */
export function bookPnlNow(book: RiskBook): number {
  return single(book, NO_SHOCK).pnl;
}

export function scenarioMatrix(book: RiskBook, grid: ScenarioGrid): ScenarioMatrix {
  const nS = grid.spotMovesPct.length;
  const nV = grid.ivShiftsPts.length;
  if (nS === 0 || nV === 0 || nS * nV > 10_000)
    throw new Error(
      `a scenario matrix of ${nS} spot moves x ${nV} IV shifts is not valid: give 1 to 10,000 cells`,
    );
  for (const s of grid.spotMovesPct)
    checkShock({ spotPct: s, ivPoints: 0, daysForward: grid.daysForward });
  for (const v of grid.ivShiftsPts) checkShock({ spotPct: 0, ivPoints: v, daysForward: 0 });
  const g = priceGrid(book, grid);
  let worst = 0;
  let best = 0;
  for (let k = 1; k < g.pnl.length; k++) {
    if (g.pnl[k] < g.pnl[worst]) worst = k;
    if (g.pnl[k] > g.pnl[best]) best = k;
  }
  const at = (k: number) => ({ spot: Math.floor(k / nV), iv: k % nV, pnl: g.pnl[k] });
  return {
    spotMovesPct: [...grid.spotMovesPct],
    ivShiftsPts: [...grid.ivShiftsPts],
    daysForward: grid.daysForward,
    ...g,
    now: bookPnlNow(book),
    worst: at(worst),
    best: at(best),
  };
}

/** One shock, priced exactly as a matrix cell is. */
export function scenarioCell(book: RiskBook, shock: Shock): CellResult {
  checkShock(shock);
  const r = single(book, shock);
  return { pnl: r.pnl, change: r.pnl - bookPnlNow(book), greeks: r.greeks };
}

/** Greeks of the book as it stands: the sum over its legs. */
export function bookGreeks(book: RiskBook): BookGreeks {
  return single(book, NO_SHOCK).greeks;
}

/** Evenly spaced steps from -range to +range (count odd, so 0 is one of them). */
export function symmetricSteps(range: number, count: number): number[] {
  if (!(range > 0) || !Number.isInteger(count) || count < 3 || count % 2 === 0)
    throw new Error(
      `steps of +-${range} in ${count} are not valid: give a positive range and an odd count of 3 or more`,
    );
  const half = (count - 1) / 2;
  return Array.from(
    { length: count },
    (_, i) => Math.round(((i - half) / half) * range * 1e6) / 1e6,
  );
}

/** Calendar days from the book's instant to its first expiry (fractional; 0 when one has expired). */
export function daysToFirstExpiry(book: RiskBook): number {
  if (book.legs.length === 0) return 0;
  return Math.min(...book.legs.map((l) => l.t)) * DAYS_PER_YEAR;
}

export type StressScenario = {
  id: string;
  name: string;
  description: string;
  spotPct: number;
  ivPoints: number;
  /** Calendar days forward, or until the book's first expiry settles. */
  days: number | 'first-expiry';
};

/** The stresses a desk runs every morning; shocks are instant unless days pass. */
export const STRESS_SCENARIOS: readonly StressScenario[] = [
  {
    id: 'gap-down-5',
    name: 'Gap down 5 %, IV +8',
    description: 'An overnight gap lower with the panic bid in vol, priced at the open.',
    spotPct: -5,
    ivPoints: 8,
    days: 0,
  },
  {
    id: 'crash-10',
    name: 'Crash: down 10 %, IV +15',
    description: 'A circuit-breaker day.',
    spotPct: -10,
    ivPoints: 15,
    days: 0,
  },
  {
    id: 'gap-up-5',
    name: 'Gap up 5 %, IV -4',
    description: 'A relief rally: spot jumps, vol comes off.',
    spotPct: 5,
    ivPoints: -4,
    days: 0,
  },
  {
    id: 'vol-spike',
    name: 'Vol spike: IV +10, down 2 %',
    description: 'Fear without much of a move.',
    spotPct: -2,
    ivPoints: 10,
    days: 0,
  },
  {
    id: 'event-crush',
    name: 'Event crush: IV -5',
    description: 'The event passes, spot does not move, implied vol collapses.',
    spotPct: 0,
    ivPoints: -5,
    days: 0,
  },
  {
    id: 'expiry-crush',
    name: 'Expiry-day crush',
    description:
      'Held to the first expiry with spot unchanged: expiring legs settle at intrinsic, the rest lose 5 vol points.',
    spotPct: 0,
    ivPoints: -5,
    days: 'first-expiry',
  },
  {
    id: 'expiry-down-2',
    name: 'Expiry 2 % lower',
    description: 'Spot drifts 2 % down into the first expiry.',
    spotPct: -2,
    ivPoints: 0,
    days: 'first-expiry',
  },
  {
    id: 'expiry-up-2',
    name: 'Expiry 2 % higher',
    description: 'Spot drifts 2 % up into the first expiry.',
    spotPct: 2,
    ivPoints: 0,
    days: 'first-expiry',
  },
  {
    id: 'weekend',
    name: 'Weekend: 3 days, nothing moves',
    description: 'Three calendar days of decay with spot and IV unchanged.',
    spotPct: 0,
    ivPoints: 0,
    days: 3,
  },
];

export type StressResult = CellResult & { scenario: StressScenario; shock: Shock };

export function stressTest(
  book: RiskBook,
  scenarios: readonly StressScenario[] = STRESS_SCENARIOS,
): StressResult[] {
  const now = bookPnlNow(book);
  const toExpiry = daysToFirstExpiry(book);
  return scenarios.map((scenario) => {
    const shock: Shock = {
      spotPct: scenario.spotPct,
      ivPoints: scenario.ivPoints,
      daysForward: scenario.days === 'first-expiry' ? toExpiry : scenario.days,
    };
    checkShock(shock);
    const r = single(book, shock);
    return { scenario, shock, pnl: r.pnl, change: r.pnl - now, greeks: r.greeks };
  });
}

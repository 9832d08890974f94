/**
 * What a driver knows of the market, kept apart from any deployment's state: the last snapshot
 * and the daily closes of each underlying. Every deployment on an underlying reads the same
 * memory, and a deployment's stored state stays small (it never embeds a chain).
 *
 * The memory is a pure function of the snapshots observed, in order, so a replay that observes
 * the same snapshots sees the same market.
 */
import type { PricingOverrides } from '../market/pricing-context.ts';
import { atmIv } from '../market/volatility.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';

/** One finished session of an underlying: its last spot, VIX and ATM IV (percent). */
export type DailyClose = { day: string; spot: number; vix?: number; atmIv?: number };

export type MarketView = {
  /** The last snapshot observed of the underlying. */
  chain(underlying: string): ChainSnapshot | undefined;
  /** Closes of finished sessions, oldest first (today's is added when the next session starts). */
  closes(underlying: string): readonly DailyClose[];
};

/** Enough sessions for every lookback the DSL allows (IV rank over up to ~4 years). */
const HISTORY_DAYS = 1100;

type Underlying = { last: ChainSnapshot; day: string; closes: DailyClose[] };

export type SessionDay = (snapshot: ChainSnapshot) => string;

export class MarketMemory implements MarketView {
  private readonly byUnderlying = new Map<string, Underlying>();

  /**
   * @param dayOf the exchange-local session date of a snapshot (the instrument's time zone)
   * @param overrides rate and dividend used to solve the closes' ATM IV
   */
  constructor(
    private readonly dayOf: SessionDay,
    private readonly overrides: PricingOverrides = {},
  ) {}

  /** Records a snapshot; the first snapshot of a new session closes the previous session. */
  observe(snapshot: ChainSnapshot): void {
    const day = this.dayOf(snapshot);
    const u = this.byUnderlying.get(snapshot.underlying);
    if (!u) {
      this.byUnderlying.set(snapshot.underlying, { last: snapshot, day, closes: [] });
      return;
    }
    if (day !== u.day) {
      u.closes.push(closeOf(u.last, u.day, this.overrides));
      if (u.closes.length > HISTORY_DAYS) u.closes.splice(0, u.closes.length - HISTORY_DAYS);
      u.day = day;
    }
    u.last = snapshot;
  }

  chain(underlying: string): ChainSnapshot | undefined {
    return this.byUnderlying.get(underlying)?.last;
  }

  closes(underlying: string): readonly DailyClose[] {
    return this.byUnderlying.get(underlying)?.closes ?? [];
  }

  /** The memory as JSON (a live feed keeps it between restarts). */
  toJSON(): Record<string, Underlying> {
    return Object.fromEntries(this.byUnderlying);
  }

  static fromJSON(
    json: Record<string, Underlying>,
    dayOf: SessionDay,
    overrides?: PricingOverrides,
  ): MarketMemory {
    const m = new MarketMemory(dayOf, overrides);
    for (const [k, v] of Object.entries(json))
      m.byUnderlying.set(k, { last: v.last, day: v.day, closes: [...v.closes] });
    return m;
  }
}

/** An empty market: steps that need no chain (tests of fills and commands). */
export const NO_MARKET: MarketView = { chain: () => undefined, closes: () => [] };

function closeOf(s: ChainSnapshot, day: string, overrides: PricingOverrides): DailyClose {
  const close: DailyClose = { day, spot: s.spot };
  if (s.vix !== undefined) close.vix = s.vix;
  const iv = sessionAtmIv(s, day, overrides);
  if (iv !== undefined) close.atmIv = iv;
  return close;
}

/** ATM IV (percent) of the nearest expiry listed on or after the session date. */
export function sessionAtmIv(
  s: ChainSnapshot,
  day: string,
  overrides: PricingOverrides,
): number | undefined {
  const expiry = s.expiries
    .map((e) => e.expiry)
    .filter((e) => e >= day)
    .sort()[0];
  if (!expiry) return undefined;
  try {
    const iv = atmIv(s, expiry, 'spot', overrides);
    return iv === undefined ? undefined : iv * 100;
  } catch {
    return undefined; // no strikes or prices at ATM: the close has no IV and IV facts are unavailable
  }
}

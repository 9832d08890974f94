/**
 * The market regime over time, read with the runtime's own fact resolver (engine/runtime/facts.ts)
 * so the regime shown here is exactly the one a condition or regime sizing would see at that
 * snapshot: VIX rank (or IV rank without a VIX), close-to-close HV, ATM IV, and the class they
 * give. Daily closes are kept the way a deployment keeps them: the last snapshot of each session.
 */
import type { Regime } from '../dsl/conditions.ts';
import { getInstrument, type Instrument } from '../market/instruments.ts';
import type { PricingOverrides } from '../market/pricing-context.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { localTime } from '../runtime/clock.ts';
import { factResolver, nearestExpiry } from '../runtime/facts.ts';
import { freshStrategy } from '../runtime/runtime.ts';
import { sessionDayOf } from '../session/driver.ts';
import { MarketMemory, type DailyClose } from '../session/market-memory.ts';

export type RegimeReading = {
  regime?: Regime;
  /** What ranked volatility: the VIX when snapshots carry one, else ATM IV (docs/dsl.md#regime). */
  rankFrom: 'vix' | 'iv' | null;
  vix?: number;
  vixRank?: number;
  ivRank?: number;
  /** IV percentile: share of the lookback's past daily closes with a lower ATM IV (0..100). */
  ivPercentile?: number;
  /** % annualised, as the facts are. */
  hv?: number;
  atmIv?: number;
  hvIvRatio?: number;
  /** Past sessions (daily closes before today) inside the lookback that the ranks used. */
  sessions: number;
};

export const REGIME_VIEW_KEY = 'regime-view';

/**
 * The regime facts at one snapshot given the daily closes of earlier sessions (closes of the
 * snapshot's own day are ignored, as the runtime ignores them). `lookbackDays` is the IV rank and
 * percentile window in sessions (the fact's `params.lookbackDays`, default 252); the regime itself
 * always uses the defaults, as conditions do.
 */
export function regimeAt(
  s: ChainSnapshot,
  history: readonly DailyClose[],
  opts: { overrides?: PricingOverrides; lookbackDays?: number; instrument?: Instrument } = {},
): RegimeReading {
  const instrument = opts.instrument ?? getInstrument(s.underlying);
  const time = localTime(s.ts, instrument);
  const fact = factResolver(
    {
      snapshot: s,
      spot: s.spot,
      time,
      instrument,
      history: history as DailyClose[],
      strategy: freshStrategy(REGIME_VIEW_KEY),
      strategyMtm: 0,
      legPnl: () => 0,
      overrides: opts.overrides ?? {},
    },
    REGIME_VIEW_KEY,
  );
  const num = (name: string, params?: Record<string, unknown>) => {
    const v = fact(name, params);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const lookbackDays = opts.lookbackDays ?? 252;
  const vixRank = num('vixRank');
  const ivRank = num('ivRank', { lookbackDays });
  const hv = num('hv');
  const atmIv = num('atmIv');
  // The window the ivRank fact ranks over: past sessions only, lookbackDays - 1 of them.
  const past = history.filter((c) => c.day < time.day);
  const window = past
    .slice(Math.max(0, past.length - (lookbackDays - 1)))
    .flatMap((c) => (c.atmIv === undefined ? [] : [c.atmIv]));
  return {
    regime: fact('regime', undefined) as Regime | undefined,
    rankFrom: vixRank !== undefined ? 'vix' : ivRank !== undefined ? 'iv' : null,
    vix: s.vix,
    vixRank,
    ivRank,
    ivPercentile:
      atmIv !== undefined && window.length > 0
        ? (window.filter((v) => v < atmIv).length / window.length) * 100
        : undefined,
    hv,
    atmIv,
    hvIvRatio: hv !== undefined && atmIv !== undefined && atmIv > 0 ? hv / atmIv : undefined,
    sessions: window.length,
  };
}

export type TimelinePoint = RegimeReading & {
  ts: string;
  ms: number;
  day: string;
  spot: number;
  /** The expiry the ATM IV fact reads (the nearest listed one). */
  expiry?: string;
};

/**
 * Walks an underlying's snapshots in time order through the driver's own market memory (daily
 * closes as a deployment keeps them) and reads the regime facts at every snapshot. Feed it a
 * stream; it holds only the points and the closes.
 */
export class MarketTimeline {
  readonly points: TimelinePoint[] = [];
  private readonly memory: MarketMemory;
  private readonly instrument: Instrument;

  constructor(
    readonly underlying: string,
    private readonly opts: { overrides?: PricingOverrides; lookbackDays?: number } = {},
  ) {
    this.instrument = getInstrument(underlying);
    this.memory = new MarketMemory(sessionDayOf, opts.overrides);
  }

  push(s: ChainSnapshot): TimelinePoint {
    if (s.underlying !== this.underlying)
      throw new Error(
        `the ${this.underlying} timeline was given a ${s.underlying} snapshot: keep one timeline per underlying`,
      );
    const time = localTime(s.ts, this.instrument);
    const last = this.points[this.points.length - 1];
    if (last && time.ms < last.ms)
      throw new Error(
        `snapshot ${s.ts} is older than ${last.ts}: a timeline needs snapshots in time order`,
      );
    this.memory.observe(s);
    const reading = regimeAt(s, this.memory.closes(this.underlying), {
      ...this.opts,
      instrument: this.instrument,
    });
    const point: TimelinePoint = {
      ...reading,
      ts: s.ts,
      ms: time.ms,
      day: time.day,
      spot: s.spot,
      expiry: nearestExpiry(s, time.day),
    };
    this.points.push(point);
    return point;
  }

  /**
   * Closes of every session seen: the finished ones from the market memory, and the session in
   * progress as it stands (its last snapshot; the same close the memory records when it ends).
   */
  get closes(): DailyClose[] {
    const done = [...this.memory.closes(this.underlying)];
    const last = this.points[this.points.length - 1];
    if (!last) return done;
    const now: DailyClose = { day: last.day, spot: last.spot };
    if (last.vix !== undefined) now.vix = last.vix;
    if (last.atmIv !== undefined) now.atmIv = last.atmIv;
    return [...done, now];
  }
}

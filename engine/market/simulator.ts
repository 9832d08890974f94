/**
 * The simulated live market, deterministic by seed: the embedded default feed for paper
 * trading and the payoff panel, and test data for everything else. Spot follows a Merton
 * jump-diffusion, the volatility index a mean-reverting (log Ornstein-Uhlenbeck) process
 * correlated with spot, option IVs a smile with skew and a term structure anchored on the
 * index, and quotes have spreads that widen away from the money and near expiry, with open
 * interest and volume, all on the instrument's exchange calendar.
 */
import { priceInto } from '../pricing';
import {
  dayNumber,
  formatTimestamp,
  isTradingDay,
  localDate,
  sessionBounds,
  nextTradingDay,
  dateOfDay,
} from './calendar';
import { expiryInstant, listedExpiries, yearsToExpiry, type ExpiryKind } from './expiry';
import { getInstrument, type Instrument } from './instruments';
import { createRng, mixSeed, type Rng } from './random';
import type { ChainSnapshot, ExpiryChain, OptionQuote } from './snapshot';

export interface SimulatorOptions {
  underlying: string;
  seed: number;
  /** Seconds between snapshots within a session (default 60). */
  intervalSeconds?: number;
  /** Spot at the first session's open (default: the catalog's simulation level). */
  spot?: number;
  /** Volatility index at the first open, in points (default: the catalog's level). */
  vix?: number;
  /** Strikes listed each side of ATM per expiry (default 20). */
  strikesEachSide?: number;
  /** How many expiries of each kind are listed (default per exchange). */
  expiries?: Partial<Record<ExpiryKind, number>>;
}

/** Market-character parameters per exchange; the numbers are plausible, not calibrated. */
interface Character {
  skew: number; // IV change per unit of normalised moneyness (negative: put skew)
  curvature: number; // smile curvature per unit² of normalised moneyness
  jumpsPerYear: number;
  jumpMean: number; // mean log jump
  jumpVol: number;
  realisedToImplied: number; // diffusion vol as a share of the vol index
  vixReversion: number; // per year
  vixVolOfVol: number; // log-vol per sqrt(year)
  spotVixCorrelation: number;
  spreadBase: number; // half-spread as a share of premium at the money
  spreadWing: number; // extra half-spread share per unit of |normalised moneyness|
  oiScale: number; // contracts at the money, nearest expiry
  tradesPerMinute: number; // contracts traded per minute at the money
  basisPerYear: number; // futures basis above carry (crypto perpetual premium)
  expiries: Partial<Record<ExpiryKind, number>>;
  tradingDaysPerYear: number;
}

const CHARACTER: Record<Instrument['exchange'], Character> = {
  NSE: {
    skew: -0.09,
    curvature: 0.025,
    jumpsPerYear: 6,
    jumpMean: -0.008,
    jumpVol: 0.01,
    realisedToImplied: 0.85,
    vixReversion: 6,
    vixVolOfVol: 1.1,
    spotVixCorrelation: -0.7,
    spreadBase: 0.003,
    spreadWing: 0.01,
    oiScale: 90_000,
    tradesPerMinute: 1_500,
    basisPerYear: 0,
    expiries: { weekly: 4, monthly: 3 },
    tradingDaysPerYear: 248,
  },
  BSE: {
    skew: -0.09,
    curvature: 0.025,
    jumpsPerYear: 6,
    jumpMean: -0.008,
    jumpVol: 0.01,
    realisedToImplied: 0.85,
    vixReversion: 6,
    vixVolOfVol: 1.1,
    spotVixCorrelation: -0.7,
    spreadBase: 0.004,
    spreadWing: 0.012,
    oiScale: 40_000,
    tradesPerMinute: 2_000,
    basisPerYear: 0,
    expiries: { weekly: 4, monthly: 3 },
    tradingDaysPerYear: 248,
  },
  CBOE: {
    skew: -0.11,
    curvature: 0.02,
    jumpsPerYear: 4,
    jumpMean: -0.01,
    jumpVol: 0.012,
    realisedToImplied: 0.8,
    vixReversion: 5,
    vixVolOfVol: 1.2,
    spotVixCorrelation: -0.75,
    spreadBase: 0.004,
    spreadWing: 0.01,
    oiScale: 30_000,
    tradesPerMinute: 600,
    basisPerYear: 0,
    expiries: { daily: 5, weekly: 4, monthly: 3 },
    tradingDaysPerYear: 252,
  },
  DERIBIT: {
    skew: -0.02,
    curvature: 0.04,
    jumpsPerYear: 15,
    jumpMean: -0.005,
    jumpVol: 0.03,
    realisedToImplied: 0.9,
    vixReversion: 4,
    vixVolOfVol: 0.9,
    spotVixCorrelation: -0.4,
    spreadBase: 0.01,
    spreadWing: 0.02,
    oiScale: 800,
    tradesPerMinute: 20,
    basisPerYear: 0.05,
    expiries: { daily: 3, weekly: 3, monthly: 3 },
    tradingDaysPerYear: 365,
  },
};

const T30 = 30 / 365;
const TERM_DECAY = 0.5; // years over which the term structure relaxes to the long-run level

interface OptionState {
  oi: number;
  volume: number;
  ltp?: number;
}

/** A market that advances in time and prints chain snapshots; replaying a seed replays it exactly. */
export class SimulatedMarket {
  readonly instrument: Instrument;
  private readonly c: Character;
  private readonly rng: Rng;
  private readonly strikesEachSide: number;
  private readonly expiryCounts: Partial<Record<ExpiryKind, number>>;
  private spotNow: number;
  private vixNow: number;
  private lastMs: number | undefined;
  private day: string | undefined;
  private grids = new Map<string, number[]>();
  private book = new Map<string, OptionState>();
  private readonly out = new Float64Array(6);

  constructor(opts: SimulatorOptions) {
    this.instrument = getInstrument(opts.underlying);
    this.c = CHARACTER[this.instrument.exchange];
    this.rng = createRng(
      mixSeed(opts.seed, this.instrument.symbol.length, this.instrument.symbol.charCodeAt(0)),
    );
    this.spotNow = opts.spot ?? this.instrument.simulation.spot;
    this.vixNow = opts.vix ?? this.instrument.simulation.vixLevel;
    if (!(this.spotNow > 0))
      throw new Error(`spot ${this.spotNow} is not valid: give a positive starting spot`);
    if (!(this.vixNow > 0))
      throw new Error(`vix ${this.vixNow} is not valid: give a positive volatility index level`);
    this.strikesEachSide = opts.strikesEachSide ?? 20;
    if (!Number.isInteger(this.strikesEachSide) || this.strikesEachSide < 1)
      throw new Error(
        `strikesEachSide ${this.strikesEachSide} is not valid: give a whole number of at least 1`,
      );
    this.expiryCounts = opts.expiries ?? this.c.expiries;
  }

  get spot(): number {
    return this.spotNow;
  }
  get vix(): number {
    return this.vixNow;
  }

  /** Move the market to an instant (never backwards) and print its chain snapshot. */
  advanceTo(instantMs: number): ChainSnapshot {
    if (this.lastMs !== undefined && instantMs < this.lastMs) {
      throw new Error(
        `the simulated market cannot go back in time: asked for ${new Date(instantMs).toISOString()} after ${new Date(this.lastMs).toISOString()}`,
      );
    }
    const date = localDate(instantMs, this.instrument.timezone);
    if (this.lastMs === undefined) {
      this.openDay(date);
    } else if (date !== this.day) {
      const daysAway = Math.max(1, dayNumber(date) - dayNumber(this.day!));
      // Overnight: a quarter of a day's variance per calendar day passed, jumps included.
      this.evolve((0.25 * daysAway) / this.c.tradingDaysPerYear, 0);
      this.openDay(date);
    } else {
      const { open, close } = sessionBounds(this.instrument, date);
      const trading = Math.max(0, Math.min(instantMs, close) - Math.max(this.lastMs, open));
      const sessionYears = trading / (close - open) / this.c.tradingDaysPerYear;
      this.evolve(sessionYears, trading / 60_000);
    }
    this.lastMs = instantMs;
    return this.print(instantMs);
  }

  private evolve(years: number, minutes: number): void {
    if (!(years > 0)) return;
    const { rng, c } = this;
    const sigma = (this.vixNow / 100) * c.realisedToImplied;
    const zS = rng.normal();
    const zV = c.spotVixCorrelation * zS + Math.sqrt(1 - c.spotVixCorrelation ** 2) * rng.normal();
    const k = Math.exp(c.jumpMean + 0.5 * c.jumpVol ** 2) - 1;
    let jump = 0;
    const n = rng.poisson(c.jumpsPerYear * years);
    for (let i = 0; i < n; i++) jump += c.jumpMean + c.jumpVol * rng.normal();
    this.spotNow *= Math.exp(
      (-0.5 * sigma * sigma - c.jumpsPerYear * k) * years + sigma * Math.sqrt(years) * zS + jump,
    );
    const longRun = Math.log(this.instrument.simulation.vixLevel);
    const decay = Math.exp(-c.vixReversion * years);
    const sd = c.vixVolOfVol * Math.sqrt((1 - decay * decay) / (2 * c.vixReversion));
    // Fear spikes with down-jumps.
    const x = longRun + (Math.log(this.vixNow) - longRun) * decay + sd * zV - 3 * Math.min(0, jump);
    this.vixNow = Math.min(400, Math.max(3, Math.exp(x)));
    this.trade(minutes, Math.abs(Math.log(1 + jump)) + sigma * Math.sqrt(years) * Math.abs(zS));
  }

  private openDay(date: string): void {
    this.day = date;
    // Volume is per session; options of expiries already past are gone for good.
    for (const [key, s] of this.book) {
      if (key.slice(0, 10) < date) this.book.delete(key);
      else s.volume = 0;
    }
    this.grids.clear();
  }

  private key(expiry: string, strike: number, right: 'CE' | 'PE'): string {
    return `${expiry}|${strike}|${right}`;
  }

  private ensureGrid(expiry: string, t: number, forward: number): number[] {
    const step = this.instrument.strikeStep * (t > 45 / 365 ? 2 : 1);
    const atm = Math.round(forward / step) * step;
    let grid = this.grids.get(expiry);
    const lo = atm - this.strikesEachSide * step;
    const hi = atm + this.strikesEachSide * step;
    if (!grid) grid = [];
    const have = new Set(grid);
    let added = false;
    for (let k = lo; k <= hi + 1e-9; k += step) {
      const strike = Math.round(k * 1e6) / 1e6;
      if (strike > 0 && !have.has(strike)) {
        grid.push(strike);
        added = true;
      }
    }
    if (added) grid.sort((a, b) => a - b);
    this.grids.set(expiry, grid);
    return grid;
  }

  private atmVol(t: number): number {
    const a = this.vixNow / 100;
    const longRun = this.instrument.simulation.vol;
    return Math.max(0.02, longRun + (a - longRun) * Math.exp(-(t - T30) / TERM_DECAY));
  }

  private smileVol(atm: number, t: number, strike: number, forward: number): number {
    const z = Math.max(
      -4,
      Math.min(4, Math.log(strike / forward) / (atm * Math.sqrt(Math.max(t, 1 / (365 * 24))))),
    );
    return atm * Math.max(0.3, 1 + this.c.skew * z + this.c.curvature * z * z);
  }

  private trade(minutes: number, move: number): void {
    if (!(minutes > 0)) return;
    this.pendingMinutes += minutes;
    this.pendingMove += move;
  }
  private pendingMinutes = 0;
  private pendingMove = 0;

  private roundDown(p: number): number {
    const tk = this.instrument.tickSize;
    return Math.floor(p / tk + 1e-9) * tk;
  }
  private roundUp(p: number): number {
    const tk = this.instrument.tickSize;
    return Math.ceil(p / tk - 1e-9) * tk;
  }
  private roundTick(p: number): number {
    const tk = this.instrument.tickSize;
    return Math.round(p / tk) * tk;
  }
  private clean(p: number): number {
    return Math.round(p * 1e8) / 1e8;
  }

  private print(instantMs: number): ChainSnapshot {
    const ins = this.instrument;
    const { c, rng } = this;
    const minutes = this.pendingMinutes;
    const sigmaMinute =
      ((this.vixNow / 100) * c.realisedToImplied) / Math.sqrt(c.tradingDaysPerYear * 375);
    const activity =
      1 +
      (minutes > 0 ? Math.min(5, this.pendingMove / (sigmaMinute * Math.sqrt(minutes)) - 0.8) : 0);
    this.pendingMinutes = 0;
    this.pendingMove = 0;
    const expiries = listedExpiries(ins, this.day!, this.expiryCounts).filter(
      (e) => expiryInstant(ins, e) >= instantMs,
    );
    const model = ins.pricing.model;
    const r = ins.pricing.rate;
    const q = ins.pricing.dividendYield;
    const chains: ExpiryChain[] = [];
    const spotPrinted = Math.round(this.spotNow * 100) / 100;
    let futures: number | undefined;
    for (const [ei, expiry] of expiries.entries()) {
      const t = yearsToExpiry(ins, instantMs, expiry);
      const forward =
        model === 'black-76'
          ? this.spotNow * Math.exp(c.basisPerYear * t)
          : this.spotNow * Math.exp((r - q) * t);
      if (model === 'black-scholes' && ins.exchange !== 'CBOE' && futures === undefined && ei === 0)
        futures = this.clean(
          this.roundTick(this.spotNow * Math.exp((r - q) * Math.max(t, 7 / 365))),
        );
      const atm = this.atmVol(t);
      const grid = this.ensureGrid(expiry, t, forward);
      const depth = 1 / (1 + ei * 0.6);
      const daysLeft = t * 365;
      const nearExpiry = 1 + 1 / (1 + daysLeft);
      const options: OptionQuote[] = [];
      for (const strike of grid) {
        const iv = this.smileVol(atm, t, strike, forward);
        const zRaw = Math.log(strike / forward) / (atm * Math.sqrt(Math.max(t, 1 / 365)));
        const z = Math.abs(zRaw);
        for (const right of ['CE', 'PE'] as const) {
          priceInto(
            this.out,
            0,
            right === 'CE',
            model === 'black-76' ? forward : this.spotNow,
            strike,
            t,
            r,
            q,
            iv,
            model === 'black-76',
          );
          const theo = this.out[0];
          const k = this.key(expiry, strike, right);
          let st = this.book.get(k);
          const otm = right === 'CE' ? strike >= forward : strike <= forward;
          const shape = Math.exp(-0.5 * (z / 1.4) ** 2) * (otm ? 1.3 : 0.5) * depth;
          if (!st) {
            const roundness =
              strike % (ins.strikeStep * 10) === 0
                ? 2
                : strike % (ins.strikeStep * 2) === 0
                  ? 1.3
                  : 1;
            st = {
              oi: Math.round(c.oiScale * shape * roundness * Math.exp(0.4 * rng.normal())),
              volume: 0,
              ltp: theo > 0 ? this.clean(Math.max(ins.tickSize, this.roundTick(theo))) : undefined,
            };
            this.book.set(k, st);
          }
          const hs =
            0.5 * ins.tickSize + theo * (c.spreadBase + c.spreadWing * Math.min(z, 4)) * nearExpiry;
          let bid: number | undefined = this.roundDown(theo - hs);
          let ask: number | undefined = this.roundUp(theo + hs);
          if (ask <= bid) ask = bid + ins.tickSize;
          if (bid < ins.tickSize) bid = undefined;
          if (t === 0) {
            bid = undefined;
            ask = undefined;
          }
          if (minutes > 0 && t > 0) {
            const traded = rng.poisson(
              (c.tradesPerMinute * minutes * shape * activity) / (1 + 2 * Math.min(z, 4)),
            );
            if (traded > 0) {
              st.volume += traded;
              const lo = bid ?? 0;
              const hi = ask ?? theo;
              st.ltp = this.clean(
                Math.max(ins.tickSize, this.roundTick(lo + (hi - lo) * rng.next())),
              );
              st.oi = Math.max(0, st.oi + Math.round(traded * (rng.next() - 0.45) * 0.5));
            }
          }
          const quote: OptionQuote = { strike, right };
          if (bid !== undefined) quote.bid = this.clean(bid);
          if (ask !== undefined) quote.ask = this.clean(ask);
          if (t === 0)
            st.ltp = this.clean(
              Math.max(
                0,
                this.roundTick(right === 'CE' ? spotPrinted - strike : strike - spotPrinted),
              ),
            );
          if (st.ltp !== undefined) quote.ltp = st.ltp;
          if (t > 0) quote.iv = Math.round(iv * 1e6) / 1e6;
          quote.oi = st.oi;
          quote.volume = st.volume;
          options.push(quote);
        }
      }
      const chain: ExpiryChain =
        model === 'black-76'
          ? { expiry, forward: this.clean(forward), options }
          : { expiry, options };
      chains.push(chain);
    }
    // Keys in the schema's order, so a snapshot round-trips through NDJSON byte for byte.
    return {
      ts: formatTimestamp(instantMs, ins.timezone),
      underlying: ins.symbol,
      spot: spotPrinted,
      vix: Math.round(this.vixNow * 100) / 100,
      ...(futures !== undefined ? { futures } : {}),
      expiries: chains,
    };
  }
}

/** Snapshot instants of one session: open to close inclusive, every `intervalSeconds`. */
export function sessionInstants(
  instrument: Instrument,
  date: string,
  intervalSeconds: number,
): number[] {
  if (!(intervalSeconds > 0))
    throw new Error(`interval ${intervalSeconds}s is not valid: give a positive number of seconds`);
  const { open, close } = sessionBounds(instrument, date);
  const out: number[] = [];
  for (let ms = open; ms <= close; ms += intervalSeconds * 1000) out.push(ms);
  return out;
}

/** One trading session's snapshots; throws when the date does not trade. */
export function* simulateSession(
  opts: SimulatorOptions & { date: string },
): Generator<ChainSnapshot> {
  const market = new SimulatedMarket(opts);
  if (!isTradingDay(market.instrument, opts.date)) {
    throw new Error(
      `${opts.date} is not a trading day for ${market.instrument.symbol} (${market.instrument.calendar} calendar): the next one is ${nextTradingDay(market.instrument, opts.date)}`,
    );
  }
  for (const ms of sessionInstants(market.instrument, opts.date, opts.intervalSeconds ?? 60))
    yield market.advanceTo(ms);
}

/** Every trading session from `from` to `to` inclusive, one continuous market (spot and OI carry over). */
export function* simulateDays(
  opts: SimulatorOptions & { from: string; to: string },
): Generator<ChainSnapshot> {
  const market = new SimulatedMarket(opts);
  const end = dayNumber(opts.to);
  if (end < dayNumber(opts.from)) throw new Error(`--to ${opts.to} is before --from ${opts.from}`);
  for (let d = dayNumber(opts.from); d <= end; d++) {
    const date = dateOfDay(d);
    if (!isTradingDay(market.instrument, date)) continue;
    for (const ms of sessionInstants(market.instrument, date, opts.intervalSeconds ?? 60))
      yield market.advanceTo(ms);
  }
}

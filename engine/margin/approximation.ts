/**
 * The margin approximation used until a broker answers with its own figure. Three exchange
 * rule sets, each stated in words (methodText) so the trader knows what the number is:
 *
 * - NSE/BSE index options, SPAN-like: the worst loss of the whole position over 14 scenarios
 *   (spot unchanged, ±1/3, ±2/3, ±1 price-scan range, each with IV up and down 4 points; every
 *   leg revalued with the payoff model), the price-scan range being 6 daily standard deviations
 *   scaled by √2 (from the legs' IV, capped at 9.3 % as NSE Clearing does); a position whose
 *   loss at expiry is bounded is charged at most that maximum loss (the hedge benefit); plus the
 *   2 % exposure margin on the notional of every short option; plus premium paid, minus premium
 *   received (Kite nets the premium the same way). Index futures: 9 % + 2 % of notional.
 * - US listed options, Reg-T (Cboe rule 10.3, strategy-based): a position with bounded loss
 *   (spreads, condors, butterflies, long options) needs its maximum loss; otherwise each naked
 *   short needs max(20 % of the underlying (15 % for broad-based indexes) − out-of-the-money
 *   amount, 10 % of the underlying for calls / of the strike for puts), a short straddle or
 *   strangle only the greater side; long options are paid in full. Futures: 10 % of notional.
 * - Deribit options, standard margin: each short option needs max(15 % of the index − OTM
 *   amount, 10 % of the index) plus its mark price, no offsets between legs; the sale's premium
 *   is credited; long options are paid in full. Futures: 4 % of notional.
 *
 * Pure and deterministic: the position comes in, the estimate goes out.
 */
import { DAYS_PER_YEAR } from '../pricing/index.ts';
import { getInstrument, type Instrument } from '../market/instruments.ts';
import { pnlAt, summarize, type PayoffLeg } from '../payoff/payoff.ts';
import type { MarginEstimate, MarginMethod, MarginPosition, MarginSource } from './margin.ts';

/** NSE Clearing's SPAN parameters for index derivatives (nseclearing.in, SPAN risk parameters). */
export const INDIA_SPAN = {
  /** Price scan range: 6 standard deviations of daily returns scaled by √2 … */
  scanSigmas: 6 * Math.SQRT2,
  /** … capped at 9.3 % of the underlying. */
  maxScanPct: 9.3,
  /** Volatility scan range: at least 4 volatility points. */
  volScanPoints: 4,
  /** Exposure (extreme loss) margin on short index options: 2 % of notional. */
  exposurePct: 2,
  /** Index futures: scan range plus exposure, as a flat share of notional. */
  futuresPct: 11,
  tradingDaysPerYear: 252,
} as const;

/** Cboe Rule 10.3 minimums for uncovered writers. */
export const US_REG_T = {
  equityPct: 20,
  broadIndexPct: 15,
  minimumPct: 10,
  futuresPct: 10,
  broadBasedIndexes: ['SPX'] as readonly string[],
} as const;

/** Deribit standard margin for options (initial margin, per contract). */
export const DERIBIT_STANDARD = {
  basePct: 15,
  minimumPct: 10,
  futuresPct: 4,
} as const;

const sign = (l: PayoffLeg) => (l.side === 'BUY' ? 1 : -1);
const round2 = (x: number) => Math.round(x * 100) / 100;
const isOption = (l: PayoffLeg): l is Extract<PayoffLeg, { instrument: 'option' }> =>
  l.instrument === 'option';
type OptionLeg = Extract<PayoffLeg, { instrument: 'option' }>;

function premiums(legs: readonly PayoffLeg[]) {
  let paid = 0;
  let received = 0;
  for (const l of legs) {
    if (!isOption(l)) continue;
    if (l.side === 'BUY') paid += l.entry * l.qty;
    else received += l.entry * l.qty;
  }
  return { paid, received };
}

/** Out-of-the-money amount per unit: how far the strike sits beyond spot, 0 when in the money. */
function otmAmount(l: OptionLeg, spot: number): number {
  return l.right === 'CE' ? Math.max(0, l.strike - spot) : Math.max(0, spot - l.strike);
}

/** Short quantity per right that no long option of the same right covers (a ratio's extra shorts). */
function uncovered(legs: readonly PayoffLeg[]): { CE: number; PE: number } {
  const net = { CE: 0, PE: 0 };
  for (const l of legs) if (isOption(l)) net[l.right] -= sign(l) * l.qty;
  return { CE: Math.max(0, net.CE), PE: Math.max(0, net.PE) };
}

/**
 * Defined risk as a trader means it: every short option is covered by a long one of the same
 * right and the loss at expiry is bounded (a naked short put is bounded too, but not this).
 */
function risk(position: MarginPosition): {
  definedRisk: boolean;
  bounded: boolean;
  maxLoss: number;
} {
  const s = summarize(position.legs, position.market);
  const open = uncovered(position.legs);
  const bounded = Number.isFinite(s.maxLoss);
  return {
    definedRisk: bounded && open.CE === 0 && open.PE === 0,
    bounded,
    maxLoss: Math.max(0, -s.maxLoss),
  };
}

function futuresNotional(legs: readonly PayoffLeg[], spot: number): number {
  return legs.filter((l) => l.instrument === 'future').reduce((a, l) => a + spot * l.qty, 0);
}

function estimate(
  method: MarginMethod,
  methodText: string,
  instrument: Instrument,
  components: { label: string; amount: number }[],
  definedRisk: boolean,
  notes: string[] = [],
): MarginEstimate {
  const total = Math.max(
    0,
    components.reduce((a, c) => a + c.amount, 0),
  );
  return {
    source: 'approximation',
    method,
    methodText,
    currency: instrument.currency,
    total: round2(total),
    components: components.map((c) => ({ label: c.label, amount: round2(c.amount) })),
    definedRisk,
    notes,
  };
}

/** Only long options: the premium is all the capital they need, on every exchange. */
function longOnly(position: MarginPosition, instrument: Instrument): MarginEstimate {
  const { paid } = premiums(position.legs);
  return estimate(
    'long-premium',
    'Long options only: the capital needed is the premium paid, in full.',
    instrument,
    [{ label: 'Premium paid', amount: paid }],
    true,
  );
}

/** The price-scan range in percent: 6√2 daily standard deviations from the legs' mean IV. */
export function indiaScanPct(legs: readonly PayoffLeg[], fallbackVol: number): number {
  const ivs = legs.filter((l) => isOption(l) && l.iv > 0).map((l) => l.iv);
  const vol = ivs.length ? ivs.reduce((a, b) => a + b, 0) / ivs.length : fallbackVol;
  const daily = vol / Math.sqrt(INDIA_SPAN.tradingDaysPerYear);
  return Math.min(INDIA_SPAN.maxScanPct, INDIA_SPAN.scanSigmas * daily * 100);
}

/** Worst loss over SPAN's 14 price/volatility scenarios, revalued at the snapshot (no time passes). */
export function scanRisk(position: MarginPosition, scanPct: number, volPoints: number): number {
  const options = position.legs.filter(isOption);
  let worst = 0;
  for (const k of [-3, -2, -1, 0, 1, 2, 3]) {
    const s = position.spot * (1 + (k / 3) * (scanPct / 100));
    for (const dv of [-volPoints, volPoints]) {
      const pnl = pnlAt(options, position.market, s, 0, dv / 100);
      worst = Math.max(worst, -pnl);
    }
  }
  return worst;
}

function indiaSpanLike(position: MarginPosition, instrument: Instrument): MarginEstimate {
  const legs = position.legs;
  const options = legs.filter(isOption);
  const shorts = options.filter((l) => l.side === 'SELL');
  const scanPct = indiaScanPct(legs, instrument.simulation.vol);
  const scan = scanRisk(position, scanPct, INDIA_SPAN.volScanPoints);
  const { definedRisk, maxLoss } = risk({ ...position, legs: options });
  const optionRisk = definedRisk ? Math.min(scan, maxLoss) : scan;
  const exposure = shorts.reduce(
    (a, l) => a + (position.spot * l.qty * INDIA_SPAN.exposurePct) / 100,
    0,
  );
  const { paid, received } = premiums(legs);
  const fut = futuresNotional(legs, position.spot);
  const components = [
    {
      label: definedRisk
        ? `Scan risk (±${scanPct.toFixed(1)} %, IV ±${INDIA_SPAN.volScanPoints} pts), capped at the max loss`
        : `Scan risk (±${scanPct.toFixed(1)} %, IV ±${INDIA_SPAN.volScanPoints} pts)`,
      amount: optionRisk,
    },
    { label: `Exposure margin (${INDIA_SPAN.exposurePct} % of short notional)`, amount: exposure },
    { label: 'Premium paid', amount: paid },
    { label: 'Premium received', amount: -received },
  ];
  if (fut > 0)
    components.push({
      label: `Futures (${INDIA_SPAN.futuresPct} % of notional)`,
      amount: (fut * INDIA_SPAN.futuresPct) / 100,
    });
  // NSE adds the exposure margin once more on short index options that expire today.
  const expiring = shorts.filter((l) => l.t * DAYS_PER_YEAR < 1);
  if (expiring.length)
    components.push({
      label: `Expiry-day exposure margin (${INDIA_SPAN.exposurePct} % more on shorts expiring today)`,
      amount: expiring.reduce(
        (a, l) => a + (position.spot * l.qty * INDIA_SPAN.exposurePct) / 100,
        0,
      ),
    });
  const notes: string[] = [];
  return estimate(
    'india-span-like',
    `SPAN-like approximation of NSE/BSE index-option margin: the worst loss of the whole position when the index moves up to ±${scanPct.toFixed(1)} % and IV ±${INDIA_SPAN.volScanPoints} points${definedRisk ? ', at most its maximum loss (hedge benefit)' : ''}, plus ${INDIA_SPAN.exposurePct} % exposure margin on short options, plus premium paid minus premium received. Your broker's figure will differ.`,
    instrument,
    components,
    definedRisk,
    notes,
  );
}

/** One naked short's Reg-T requirement per unit, without the sale proceeds. */
function regTShortPerUnit(l: OptionLeg, spot: number, pct: number): number {
  const base = (spot * pct) / 100 - otmAmount(l, spot);
  const floor = ((l.right === 'CE' ? spot : l.strike) * US_REG_T.minimumPct) / 100;
  return Math.max(base, floor);
}

function usRegT(position: MarginPosition, instrument: Instrument): MarginEstimate {
  const legs = position.legs;
  const options = legs.filter(isOption);
  const { paid, received } = premiums(legs);
  const { definedRisk, bounded, maxLoss } = risk({ ...position, legs: options });
  const fut = futuresNotional(legs, position.spot);
  const futures =
    fut > 0
      ? [
          {
            label: `Futures (${US_REG_T.futuresPct} % of notional)`,
            amount: (fut * US_REG_T.futuresPct) / 100,
          },
        ]
      : [];
  if (definedRisk)
    return estimate(
      'us-reg-t',
      'Reg-T (Cboe strategy-based margin): a position whose every short option is covered by a long one (spreads, condors, butterflies) needs its maximum loss; long options are paid in full. Your broker may ask for more.',
      instrument,
      [{ label: 'Maximum loss of the position', amount: maxLoss }, ...futures],
      true,
    );
  const pct = US_REG_T.broadBasedIndexes.includes(instrument.symbol)
    ? US_REG_T.broadIndexPct
    : US_REG_T.equityPct;
  // Shorts beyond the longs of their right are naked; each right charges its worst short's rate.
  const open = uncovered(options);
  const perUnit = { CE: 0, PE: 0 };
  for (const l of options)
    if (l.side === 'SELL' && isOption(l))
      perUnit[l.right] = Math.max(perUnit[l.right], regTShortPerUnit(l, position.spot, pct));
  // A short straddle or strangle: the greater side's requirement covers both.
  let naked = Math.max(perUnit.CE * open.CE, perUnit.PE * open.PE) + paid;
  const notes: string[] = [];
  if (bounded && maxLoss < naked) {
    naked = maxLoss;
    notes.push(
      'Capped at the maximum loss (a short put never needs more than its strike, cash-secured).',
    );
  }
  if (received > 0) notes.push('The premium received stays in the account on top of this.');
  return estimate(
    'us-reg-t',
    `Reg-T (Cboe rule 10.3) for uncovered options: each naked short needs ${pct} % of the underlying less the out-of-the-money amount (at least 10 % of the underlying for calls, of the strike for puts); for short calls and puts together only the greater side counts; long options are paid in full; never more than the position's maximum loss. Your broker may ask for more.`,
    instrument,
    [
      { label: `Naked short requirement (${pct} % rule) and premium paid`, amount: naked },
      ...futures,
    ],
    false,
    notes,
  );
}

function deribitStandard(position: MarginPosition, instrument: Instrument): MarginEstimate {
  const legs = position.legs;
  const { paid, received } = premiums(legs);
  let shortIm = 0;
  for (const l of legs) {
    if (!isOption(l) || l.side !== 'SELL') continue;
    const s = position.spot;
    const perUnit =
      Math.max(
        (s * DERIBIT_STANDARD.basePct) / 100 - otmAmount(l, s),
        (s * DERIBIT_STANDARD.minimumPct) / 100,
      ) + l.entry;
    shortIm += perUnit * l.qty;
  }
  const fut = futuresNotional(legs, position.spot);
  const { definedRisk } = risk({ ...position, legs: legs.filter(isOption) });
  const components = [
    { label: 'Initial margin of short options (incl. their mark price)', amount: shortIm },
    { label: 'Premium received', amount: -received },
    { label: 'Premium paid', amount: paid },
  ];
  if (fut > 0)
    components.push({
      label: `Futures (${DERIBIT_STANDARD.futuresPct} % of notional)`,
      amount: (fut * DERIBIT_STANDARD.futuresPct) / 100,
    });
  return estimate(
    'deribit-standard',
    `Deribit standard margin: each short option needs max(${DERIBIT_STANDARD.basePct} % of the index − its out-of-the-money amount, ${DERIBIT_STANDARD.minimumPct} % of the index) plus its mark price, with no offset between legs (portfolio margin would give one); the sale's premium is credited; long options are paid in full.`,
    instrument,
    components,
    definedRisk,
  );
}

/** The approximate capital the position needs, by the rules of the underlying's exchange. */
export function approximateMargin(position: MarginPosition): MarginEstimate {
  const instrument = getInstrument(position.underlying);
  const legs = position.legs;
  if (legs.length > 0 && legs.every((l) => isOption(l) && l.side === 'BUY'))
    return longOnly(position, instrument);
  switch (instrument.exchange) {
    case 'NSE':
    case 'BSE':
      return indiaSpanLike(position, instrument);
    case 'CBOE':
      return usRegT(position, instrument);
    case 'DERIBIT':
      return deribitStandard(position, instrument);
  }
}

/** The approximation as a MarginSource, the fallback while no broker is connected. */
export const approximationMarginSource: MarginSource = {
  name: 'approximation',
  estimate: async (position) => approximateMargin(position),
};

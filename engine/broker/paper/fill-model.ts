/**
 * DESIGN.md's execution defaults as a pure function: a market order fills at the touch of a
 * snapshot (ask for a buy, bid for a sell, LTP where that side is not quoted), plus slippage,
 * rounded to the instrument's tick size against the trader (buys up, sells down). Without any
 * price the order is rejected; the model never guesses a price.
 */
import { describeContract } from '../symbols/contract.ts';
import type { OrderRequest } from '../broker.ts';
import type { ChainSnapshot } from '../../runtime/types.ts';
import { futuresPrice } from '../../market/atm.ts';
import type { CostModel } from '../costs/cost-model.ts';

/** Slippage against the trader: in ticks of the instrument, in price points, or in % of the touch. */
export type Slippage =
  | { kind: 'none' }
  | { kind: 'ticks'; ticks: number }
  | { kind: 'points'; points: number }
  | { kind: 'percent'; percent: number };

export type FillModelSettings = {
  slippage: Slippage;
  /** 'none': fill on the snapshot that triggered the order; 'next-snapshot': on the one after it. */
  latency: 'none' | 'next-snapshot';
  costModel: CostModel;
  /** Tick size per underlying, from the instrument catalog. */
  tickSize: (underlying: string) => number;
};

export type FillQuote =
  | { ok: true; price: number; touch: number; source: 'ask' | 'bid' | 'ltp' | 'futures' }
  | { ok: false; reason: string };

/** Rounds to the tick against the trader: a buy pays the next tick up, a sell gets the next one down. */
function roundToTick(price: number, tick: number, side: 'BUY' | 'SELL'): number {
  const q = price / tick;
  const n = side === 'BUY' ? Math.ceil(q - 1e-9) : Math.floor(q + 1e-9);
  // Keep the decimals of the tick so 0.05 steps print as 101.35, not 101.35000000000001.
  const decimals = Math.max(0, -Math.floor(Math.log10(tick) + 1e-9) + 2);
  return Number((n * tick).toFixed(decimals));
}

/** The price a market order would get on this snapshot, or why it cannot fill. */
export function quoteFor(
  intent: OrderRequest,
  snapshot: ChainSnapshot,
  settings: Pick<FillModelSettings, 'slippage' | 'tickSize'>,
): FillQuote {
  const name = describeContract(intent);
  if (snapshot.underlying !== intent.underlying) {
    return {
      ok: false,
      reason: `snapshot at ${snapshot.ts} is for ${snapshot.underlying}, not ${intent.underlying}`,
    };
  }
  let touch: number | undefined;
  let source: 'ask' | 'bid' | 'ltp' | 'futures';
  if (intent.instrument === 'future') {
    // The expiry's futures quote, else its synthetic future: the price the strategy saw (docs/dsl.md).
    touch = futuresPrice(snapshot, intent.expiry);
    source = 'futures';
    if (touch === undefined)
      return {
        ok: false,
        reason: `no futures price (nor a synthetic future) for ${name} in the snapshot at ${snapshot.ts}`,
      };
  } else {
    const chain = snapshot.expiries.find((e) => e.expiry === intent.expiry);
    if (!chain)
      return {
        ok: false,
        reason: `expiry ${intent.expiry} is not in the ${intent.underlying} chain at ${snapshot.ts}`,
      };
    const q = chain.options.find((o) => o.strike === intent.strike && o.right === intent.right);
    if (!q) return { ok: false, reason: `${name} is not in the chain at ${snapshot.ts}` };
    const side = intent.side === 'BUY' ? q.ask : q.bid;
    if (side !== undefined && side > 0) {
      touch = side;
      source = intent.side === 'BUY' ? 'ask' : 'bid';
    } else if (q.ltp !== undefined && q.ltp > 0) {
      touch = q.ltp;
      source = 'ltp';
    } else {
      return {
        ok: false,
        reason: `no quote for ${name} at ${snapshot.ts}: no ${intent.side === 'BUY' ? 'ask' : 'bid'} and no LTP`,
      };
    }
  }
  const tick = settings.tickSize(intent.underlying);
  const dir = intent.side === 'BUY' ? 1 : -1;
  const s = settings.slippage;
  const slip =
    s.kind === 'ticks'
      ? s.ticks * tick
      : s.kind === 'points'
        ? s.points
        : s.kind === 'percent'
          ? (touch * s.percent) / 100
          : 0;
  // A sell cannot fill below one tick: slippage on a near-worthless option stops at the minimum price.
  const price = Math.max(tick, roundToTick(touch + dir * slip, tick, intent.side));
  return { ok: true, price, touch, source: source! };
}

export function describeFillModel(settings: FillModelSettings): string {
  const s = settings.slippage;
  const slip =
    s.kind === 'ticks'
      ? `${s.ticks} tick(s)`
      : s.kind === 'points'
        ? `${s.points} point(s)`
        : s.kind === 'percent'
          ? `${s.percent}%`
          : 'no';
  return `market orders fill at the touch (ask for a buy, bid for a sell, LTP without a quote) ${
    settings.latency === 'none' ? 'of the triggering snapshot' : 'of the next snapshot'
  } with ${slip} slippage, rounded to the tick against the trader (buys up, sells down); costs: ${settings.costModel.id}`;
}

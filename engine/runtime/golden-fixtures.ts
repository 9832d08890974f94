/**
 * Small hand-written markets and strategies for the golden scenario tests: a snapshot is a few
 * quotes written as "24300CE": price (bid = ask = LTP, so fills are at that price and the
 * expected P&L is plain arithmetic), strategies are DSL documents with the schema's defaults.
 */
import { BasketSchema, type Basket } from '../dsl/basket.ts';
import type { ChainSnapshot, OptionQuote, RuntimeInput } from './types.ts';

export const DAY = '2026-11-20'; // a Friday
export const EXPIRY = '2026-11-24'; // the Tuesday weekly NIFTY expiry
export const LOT = 65; // NIFTY lot size in the catalog

type QuoteSpec = number | Partial<OptionQuote> | null;

export type SnapOptions = {
  day?: string;
  expiry?: string;
  vix?: number;
  futures?: number;
  forward?: number;
  more?: Record<string, Record<string, QuoteSpec>>;
};

function quotes(spec: Record<string, QuoteSpec>): OptionQuote[] {
  const out: OptionQuote[] = [];
  for (const [key, v] of Object.entries(spec)) {
    const m = /^(\d+(?:\.\d+)?)(CE|PE)$/.exec(key);
    if (!m) throw new Error(`fixture quote key "${key}" must look like 24300CE`);
    const base = { strike: Number(m[1]), right: m[2] as 'CE' | 'PE' };
    if (v === null) out.push(base);
    else if (typeof v === 'number') out.push({ ...base, bid: v, ask: v, ltp: v });
    else out.push({ ...base, ...v });
  }
  return out;
}

export function snap(
  hhmm: string,
  spot: number,
  spec: Record<string, QuoteSpec>,
  o: SnapOptions = {},
): ChainSnapshot {
  const s: ChainSnapshot = {
    ts: `${o.day ?? DAY}T${hhmm}:00+05:30`,
    underlying: 'NIFTY',
    spot,
    expiries: [{ expiry: o.expiry ?? EXPIRY, options: quotes(spec) }],
  };
  if (o.forward !== undefined) s.expiries[0].forward = o.forward;
  if (o.vix !== undefined) s.vix = o.vix;
  if (o.futures !== undefined) s.futures = o.futures;
  for (const [expiry, more] of Object.entries(o.more ?? {}))
    s.expiries.push({ expiry, options: quotes(more) });
  return s;
}

export const at = (s: ChainSnapshot): RuntimeInput => ({ kind: 'snapshot', snapshot: s });

/** A short ATM CE leg, or with `{ instrument: 'future' }` the future (no right, no strike). */
export function leg(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const option = over.instrument !== 'future';
  return {
    typeVersion: 2,
    id,
    instrument: 'option',
    ...(option ? { right: 'CE' } : {}),
    side: 'SELL',
    lots: 1,
    expiry: { kind: 'weekly', offset: 0 },
    ...(option ? { strike: { typeVersion: 1, type: 'atm' } } : {}),
    ...over,
  };
}

export function strategy(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    typeVersion: 1,
    id: 's1',
    name: 'Test strategy',
    underlying: 'NIFTY',
    entry: { time: '09:20' },
    exit: { time: '15:15' },
    legs: [leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })],
    ...over,
  };
}

export function basket(
  strategies: Record<string, unknown>[],
  over: Record<string, unknown> = {},
): Basket {
  const r = BasketSchema.safeParse({
    typeVersion: 1,
    name: 'Golden',
    capital: 1_000_000,
    strategies,
    ...over,
  });
  if (!r.success)
    throw new Error(
      `fixture basket is not valid DSL: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** A straddle-friendly chain around 24300: CE/PE at 24200..24400. */
export function chain(
  hhmm: string,
  spot: number,
  prices: Record<string, QuoteSpec>,
  o: SnapOptions = {},
): ChainSnapshot {
  return snap(hhmm, spot, prices, o);
}

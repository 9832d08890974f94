/**
 * What of a chain a basket can touch: per underlying, which listed expiries its legs, facts and
 * sizing read, and for each whether every strike matters or only a band of listed strikes around
 * spot. The chain store asks this before a backtest so it reads only those options; everything
 * left out must be something the runtime can never look at, so a report from the projected chain
 * is identical to one from the full chain (checked by the differential tests beside this file).
 * When in doubt the answer is "all strikes": a wider read only costs time.
 */
import type { Basket } from '../dsl/basket.ts';
import { FACT_NAMES } from '../dsl/conditions.ts';
import type { Leg } from '../dsl/leg.ts';
import type { Strategy } from '../dsl/strategy.ts';

/** A listed expiry as the DSL names it: the n-th weekly or monthly from the session date, or the nearest. */
export type ExpiryPick =
  { kind: 'weekly'; offset: number } | { kind: 'monthly'; offset: number } | { kind: 'nearest' };

/**
 * Which strikes of a picked expiry can be read: all of them, or the listed strikes within `steps`
 * of the at-the-money strike (from spot) at some instant of the session.
 */
export type StrikeNeed = { kind: 'all' } | { kind: 'aroundSpot'; steps: number };

export type ExpiryNeed = { pick: ExpiryPick; strikes: StrikeNeed; why: string };

/**
 * Per underlying, what its strategies need (an underlying no strategy trades keeps its snapshots'
 * spot and expiry dates, nothing more); and whether open interest and volume are read at all:
 * the runtime prices with bid, ask, LTP and IV only, unless a fact it does not classify is used.
 */
export type ChainReach = { underlyings: Record<string, ExpiryNeed[]>; openInterest: boolean };

/** Facts computed from the ATM options of the nearest expiry (engine/runtime/facts.ts). */
const NEAREST_ATM_FACTS = new Set(['atmIv', 'ivRank', 'regime']);
/** Facts that read no option at all: the snapshot's spot, VIX, clock, listed expiry dates, or the strategy's own legs. */
const CHAIN_FREE_FACTS = new Set([
  'timeOfDay',
  'weekday',
  'daysToExpiry',
  'spot',
  'spotChangePct',
  'vix',
  'vixRank',
  'hv',
  'strategyMtm',
  'legPnl',
]);

/** Every fact the DSL knows is classified, so a new fact cannot slip past the projection unread. */
export function factNeedsChain(fact: string): 'none' | 'nearestAtm' | 'all' {
  if (CHAIN_FREE_FACTS.has(fact)) return 'none';
  if (NEAREST_ATM_FACTS.has(fact)) return 'nearestAtm';
  return 'all';
}

export const UNCLASSIFIED_FACTS = FACT_NAMES.filter(
  (f) => !CHAIN_FREE_FACTS.has(f) && !NEAREST_ATM_FACTS.has(f),
);

function factsOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) factsOf(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.fact === 'string') out.add(o.fact);
    for (const v of Object.values(o)) if (v && typeof v === 'object') factsOf(v, out);
  }
  return out;
}

function legStrikes(leg: Leg): StrikeNeed {
  // A futures leg is priced off the expiry's forward or the synthetic future of all its strikes.
  if (leg.instrument === 'future' || !leg.strike) return { kind: 'all' };
  const s = leg.strike;
  switch (s.type) {
    case 'atm':
      return s.atmFrom === 'spot' ? { kind: 'aroundSpot', steps: 0 } : { kind: 'all' };
    case 'itm':
    case 'otm':
      return s.atmFrom === 'spot' ? { kind: 'aroundSpot', steps: s.steps } : { kind: 'all' };
    // Premium, delta and width selectors search the whole expiry: which strike wins depends on
    // prices and vols, not on a distance from spot that can be bounded beforehand.
    default:
      return { kind: 'all' };
  }
}

function strategyNeeds(s: Strategy): ExpiryNeed[] {
  const out: ExpiryNeed[] = s.legs.map((leg) => ({
    pick: { kind: leg.expiry.kind, offset: leg.expiry.offset },
    strikes: legStrikes(leg),
    why: `leg ${leg.id} (${leg.expiry.kind} +${leg.expiry.offset}, ${leg.strike?.type ?? 'future'})`,
  }));
  if (s.deltaHedge)
    out.push({
      pick: { kind: s.deltaHedge.expiry.kind, offset: s.deltaHedge.expiry.offset },
      // The future's price is the expiry's forward, else the synthetic future of its strikes.
      strikes: { kind: 'all' },
      why: `delta hedge (${s.deltaHedge.expiry.kind} +${s.deltaHedge.expiry.offset} futures)`,
    });
  const facts = factsOf(s.conditions ?? {}, new Set<string>());
  const wide = [...facts].filter((f) => factNeedsChain(f) === 'all');
  if (wide.length)
    out.push({
      pick: { kind: 'nearest' },
      strikes: { kind: 'all' },
      why: `facts ${wide.join(', ')} are not known to the projection: read every option`,
    });
  if (s.sizing.regimeMultipliers !== undefined || [...facts].some((f) => NEAREST_ATM_FACTS.has(f)))
    out.push({
      pick: { kind: 'nearest' },
      strikes: { kind: 'aroundSpot', steps: 0 },
      why: 'ATM IV of the nearest expiry (IV facts, regime sizing, IV history)',
    });
  return out;
}

/** Needs of one expiry merged: the widest strike need wins. */
function widest(a: StrikeNeed, b: StrikeNeed): StrikeNeed {
  if (a.kind === 'all' || b.kind === 'all') return { kind: 'all' };
  return { kind: 'aroundSpot', steps: Math.max(a.steps, b.steps) };
}

const pickKey = (p: ExpiryPick) => (p.kind === 'nearest' ? 'nearest' : `${p.kind}+${p.offset}`);

/** What the basket can touch, per underlying, with duplicate picks merged (widest strike need). */
export function chainReach(basket: Pick<Basket, 'strategies'>): ChainReach {
  const out: ChainReach = { underlyings: {}, openInterest: false };
  for (const s of basket.strategies) {
    const facts = factsOf(s.conditions ?? {}, new Set<string>());
    if ([...facts].some((f) => factNeedsChain(f) === 'all')) out.openInterest = true;
    const needs = (out.underlyings[s.underlying] ??= []);
    for (const n of strategyNeeds(s)) {
      const same = needs.find((x) => pickKey(x.pick) === pickKey(n.pick));
      if (same) {
        same.strikes = widest(same.strikes, n.strikes);
        same.why = `${same.why}; ${n.why}`;
      } else needs.push({ ...n });
    }
  }
  return out;
}

/** One line per need, for logs and the bench ("weekly+1: all strikes (leg a, leg b)"). */
export function describeReach(reach: ChainReach): string[] {
  const lines: string[] = [];
  if (reach.openInterest) lines.push('open interest and volume are read');
  for (const [u, needs] of Object.entries(reach.underlyings))
    for (const n of needs)
      lines.push(
        `${u} ${pickKey(n.pick)}: ${n.strikes.kind === 'all' ? 'all strikes' : `ATM ± ${n.strikes.steps} listed strike(s) from spot`} (${n.why})`,
      );
  return lines;
}

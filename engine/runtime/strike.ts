/**
 * Strike selection: the selectors of docs/dsl.md#strike-selectors against one expiry of a
 * snapshot, with its tie-breaks: every nearest/closest tie goes to the strike nearer ATM, then
 * the lower; premium range: a SELL takes the highest P, a BUY the lowest; delta range: |delta|
 * closest to the middle of the range. ATM, P and the straddle are the market layer's.
 */
import { atmOf, straddlePremium, type AtmReference } from '../market/atm.ts';
import { markPrice } from '../market/quote.ts';
import { deltas } from '../market/volatility.ts';
import type { PricingOverrides } from '../market/pricing-context.ts';
import type { StrikeSelector } from '../dsl/strike.ts';
import type { ChainSnapshot, ExpiryChain, Side } from './types.ts';

export type StrikeChoice =
  { strike: number; premium: number; why: string } | { strike: null; why: string };

type Candidate = { strike: number; premium: number };

const fmt = (x: number) => String(Math.round(x * 100) / 100);

function candidates(chain: ExpiryChain, right: 'CE' | 'PE'): Candidate[] {
  const out: Candidate[] = [];
  for (const q of chain.options) {
    if (q.right !== right) continue;
    const p = markPrice(q);
    if (p !== undefined && p > 0) out.push({ strike: q.strike, premium: p });
  }
  return out.sort((a, b) => a.strike - b.strike);
}

/** Lowest score wins; ties go to the strike nearer ATM, then the lower strike (docs/dsl.md). */
function best(
  cs: Candidate[],
  score: (c: Candidate) => number,
  atm: number,
): Candidate | undefined {
  let pick: Candidate | undefined;
  let pickScore = Infinity;
  for (const c of cs) {
    const sc = score(c);
    if (pick === undefined || sc < pickScore - 1e-9) {
      pick = c;
      pickScore = sc;
      continue;
    }
    if (Math.abs(sc - pickScore) <= 1e-9) {
      const d = Math.abs(c.strike - atm) - Math.abs(pick.strike - atm);
      if (d < -1e-9 || (Math.abs(d) <= 1e-9 && c.strike < pick.strike)) pick = c;
    }
  }
  return pick;
}

type AtmResult = { atm: number; ref: number };

export function selectStrike(
  snapshot: ChainSnapshot,
  chain: ExpiryChain,
  right: 'CE' | 'PE',
  side: Side,
  selector: StrikeSelector,
  overrides: PricingOverrides = {},
): StrikeChoice {
  const cs = candidates(chain, right);
  const none = (why: string): StrikeChoice => ({
    strike: null,
    why: `${selector.type} ${right} ${chain.expiry}: ${why}`,
  });
  if (cs.length === 0)
    return none(
      `no ${right} of expiry ${chain.expiry} has a price in the snapshot at ${snapshot.ts}`,
    );
  const found = (c: Candidate | undefined, why: string): StrikeChoice =>
    c
      ? {
          strike: c.strike,
          premium: c.premium,
          why: `${selector.type}: ${right} ${c.strike} at premium ${fmt(c.premium)} (${why})`,
        }
      : none(why);

  const needAtm = (
    from: 'spot' | 'futures' | 'syntheticFuture' = 'spot',
  ): AtmResult | StrikeChoice => {
    const r = atmOf(snapshot, chain.expiry, from);
    return 'error' in r ? none(r.error) : r;
  };
  // The straddle at the ATM of the selector's own reference.
  const straddle = (from: AtmReference) => straddlePremium(snapshot, chain.expiry, from)?.premium;
  // Ties of premium selectors are broken by distance to the spot ATM.
  const spotAtm = atmOf(snapshot, chain.expiry, 'spot');
  const atm0 = 'error' in spotAtm ? snapshot.spot : spotAtm.atm;

  try {
    switch (selector.type) {
      case 'atm':
      case 'itm':
      case 'otm': {
        const a = needAtm(selector.atmFrom);
        if ('strike' in a) return a;
        const steps = selector.type === 'atm' ? 0 : selector.steps;
        // ITM is below ATM for a call and above for a put; OTM the other way.
        const dir =
          selector.type === 'atm' ? 0 : (selector.type === 'itm') === (right === 'CE') ? -1 : 1;
        const listed = [
          ...new Set(chain.options.filter((o) => o.right === right).map((o) => o.strike)),
        ].sort((x, y) => x - y);
        let i = listed.indexOf(a.atm);
        if (i < 0)
          return none(
            `ATM strike ${a.atm} (from ${selector.atmFrom} ${fmt(a.ref)}) is not listed for ${right}`,
          );
        i += dir * steps;
        if (i < 0 || i >= listed.length)
          return none(
            `${selector.type.toUpperCase()} ${steps} from ATM ${a.atm} is past the ${listed.length} listed ${right} strikes`,
          );
        const c = cs.find((x) => x.strike === listed[i]);
        if (!c) return none(`${right} ${listed[i]} has no price`);
        return found(
          c,
          `ATM ${a.atm} from ${selector.atmFrom} ${fmt(a.ref)}${steps ? `, ${steps} listed strike(s) ${selector.type.toUpperCase()}` : ''}`,
        );
      }
      case 'closestPremium':
        return found(
          best(cs, (c) => Math.abs(c.premium - selector.premium), atm0),
          `P closest to ${selector.premium}`,
        );
      case 'premiumAtLeast': {
        const ok = cs.filter((c) => c.premium >= selector.premium);
        return found(
          best(ok, (c) => c.premium, atm0),
          ok.length ? `lowest P >= ${selector.premium}` : `no P >= ${selector.premium}`,
        );
      }
      case 'premiumAtMost': {
        const ok = cs.filter((c) => c.premium <= selector.premium);
        return found(
          best(ok, (c) => -c.premium, atm0),
          ok.length ? `highest P <= ${selector.premium}` : `no P <= ${selector.premium}`,
        );
      }
      case 'premiumRange': {
        const ok = cs.filter((c) => c.premium >= selector.min && c.premium <= selector.max);
        const pick = best(ok, (c) => (side === 'SELL' ? -c.premium : c.premium), atm0);
        return found(
          pick,
          ok.length
            ? `${ok.length} P in [${selector.min}, ${selector.max}] (${ok.map((c) => `${c.strike}@${fmt(c.premium)}`).join(', ')}); a ${side} takes the ${side === 'SELL' ? 'highest' : 'lowest'}`
            : `no P in [${selector.min}, ${selector.max}]`,
        );
      }
      case 'straddleWidth': {
        const a = needAtm(selector.atmFrom);
        if ('strike' in a) return a;
        const s = straddle(selector.atmFrom);
        if (s === undefined) return none(`ATM ${a.atm} straddle has no CE or PE price`);
        const target = a.atm + selector.width * s;
        return found(
          best(cs, (c) => Math.abs(c.strike - target), a.atm),
          `ATM ${a.atm} + ${selector.width} x straddle ${fmt(s)} = ${fmt(target)}`,
        );
      }
      case 'pctOfAtm': {
        const a = needAtm(selector.atmFrom);
        if ('strike' in a) return a;
        const target = a.atm * selector.factor;
        return found(
          best(cs, (c) => Math.abs(c.strike - target), a.atm),
          `ATM ${a.atm} x ${selector.factor} = ${fmt(target)}`,
        );
      }
      case 'atmStraddlePremiumPct': {
        const a = needAtm(selector.atmFrom);
        if ('strike' in a) return a;
        const s = straddle(selector.atmFrom);
        if (s === undefined) return none(`ATM ${a.atm} straddle has no CE or PE price`);
        const target = (selector.pct / 100) * s;
        return found(
          best(cs, (c) => Math.abs(c.premium - target), a.atm),
          `${selector.pct}% of ATM ${a.atm} straddle ${fmt(s)} = P ${fmt(target)}`,
        );
      }
      case 'closestDelta':
      case 'deltaRange': {
        const ds = new Map(
          deltas(snapshot, chain.expiry, right, overrides).map((d) => [
            d.strike,
            Math.abs(d.delta),
          ]),
        );
        const withDelta = cs.filter((c) => ds.has(c.strike));
        if (withDelta.length === 0)
          return none('no option has an IV or a price an IV can be solved from, so no delta');
        const d = (c: Candidate) => ds.get(c.strike) as number;
        if (selector.type === 'closestDelta') {
          const pick = best(withDelta, (c) => Math.abs(d(c) - selector.delta), atm0);
          return found(pick, pick ? `|delta| ${fmt(d(pick))} closest to ${selector.delta}` : '');
        }
        const mid = (selector.min + selector.max) / 2;
        const ok = withDelta.filter((c) => d(c) >= selector.min && d(c) <= selector.max);
        const pick = best(ok, (c) => Math.abs(d(c) - mid), atm0);
        return found(
          pick,
          pick
            ? `|delta| ${fmt(d(pick))} in [${selector.min}, ${selector.max}], closest to ${fmt(mid)}`
            : `no |delta| in [${selector.min}, ${selector.max}]`,
        );
      }
      case 'exact': {
        const c = cs.find((x) => x.strike === selector.strike);
        return found(
          c,
          c ? 'exact strike' : `strike ${selector.strike} is not listed with a price`,
        );
      }
    }
  } catch (e) {
    return none((e as Error).message);
  }
}

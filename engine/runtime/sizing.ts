/** The strategy multiplier at the start of a cycle (docs/dsl.md#sizing). */
import { FUTURE_TERMS } from '../market/snapshot.ts';
import type { Leg } from '../dsl/leg.ts';
import type { Regime } from '../dsl/conditions.ts';
import type { Ctx, Now } from './context.ts';
import { legExpiry } from './expiry.ts';
import { factResolver } from './facts.ts';
import { entryLevels } from './levels.ts';
import { contractPrice, expiryChain } from '../market/atm.ts';
import { selectStrike } from './strike.ts';

export function multiplierFor(ctx: Ctx, now: Now): { multiplier: number; why: string } {
  const basket = ctx.plan.dsl;
  const sizing = now.sp.dsl.sizing;
  const deployable = (basket.capital * basket.deployablePct) / 100;
  let m: number;
  let why: string;
  switch (sizing.method) {
    case 'fixed':
      m = sizing.multiplier;
      why = `fixed ${sizing.multiplier}`;
      break;
    case 'capitalPct':
      m = Math.floor((deployable * sizing.pct) / 100 / sizing.capitalPerSet + 1e-9);
      why = `floor(${deployable} x ${sizing.pct}% / ${sizing.capitalPerSet}) = ${m}`;
      break;
    case 'kelly': {
      const f = sizing.winRate - (1 - sizing.winRate) / sizing.payoff;
      m = f <= 0 ? 0 : Math.floor((deployable * sizing.fraction * f) / sizing.capitalPerSet + 1e-9);
      why = `kelly f = ${Math.round(f * 10000) / 10000}; floor(${deployable} x ${sizing.fraction} x f / ${sizing.capitalPerSet}) = ${m}`;
      break;
    }
    case 'riskPerTrade': {
      const risk = sizing.riskAmount ?? (deployable * (sizing.riskPct as number)) / 100;
      let lossPerSet = 0;
      const missing: string[] = [];
      for (const leg of now.sp.dsl.legs.filter((l: Leg) => !l.lazy)) {
        const p = legPremiumNow(ctx, now, leg);
        // A leg whose strike cannot be found now will not enter, so it carries no risk in this cycle.
        if (p === undefined || !leg.stopLoss) {
          missing.push(leg.id);
          continue;
        }
        const lv = entryLevels(leg.side, leg.right ?? null, p, now.spot ?? 0, leg.stopLoss);
        lossPerSet += Math.abs((lv.stopLevel as number) - p) * leg.lots * now.instrument.lotSize;
      }
      m = lossPerSet > 0 ? Math.floor(risk / lossPerSet + 1e-9) : 0;
      why = `floor(risk ${Math.round(risk * 100) / 100} / loss per set at the stops ${Math.round(lossPerSet * 100) / 100}) = ${m}${missing.length ? ` (without ${missing.join(', ')}: no price now, so not entered)` : ''}`;
      break;
    }
  }
  if (sizing.regimeMultipliers) {
    const regime = factResolver(
      {
        snapshot: now.chain,
        spot: now.spot,
        time: now.time,
        instrument: now.instrument,
        history: ctx.market.closes(now.sp.dsl.underlying),
        strategy: now.st,
        strategyMtm: 0,
        legPnl: () => 0,
        overrides: { rate: ctx.plan.settings.rate, dividendYield: ctx.plan.settings.dividendYield },
      },
      'sizing',
    )('regime', undefined) as Regime | undefined;
    const factor = regime ? (sizing.regimeMultipliers[regime] ?? 1) : 1;
    m = Math.floor(m * factor + 1e-9);
    why += `; regime ${regime ?? 'unknown'} x ${factor}`;
  }
  if (sizing.maxMultiplier !== undefined && m > sizing.maxMultiplier) {
    m = sizing.maxMultiplier;
    why += `; capped at maxMultiplier ${sizing.maxMultiplier}`;
  }
  return { multiplier: m, why };
}

/** The P a leg would enter at right now (its selected strike's price), for risk-per-trade sizing. */
function legPremiumNow(ctx: Ctx, now: Now, leg: Leg): number | undefined {
  const chain = now.chain;
  if (!chain) return undefined;
  const e = legExpiry(chain, now.time.day, leg.expiry.kind, leg.expiry.offset);
  if (e.expiry === null) return undefined;
  if (leg.instrument === 'future') return contractPrice(chain, e.expiry, FUTURE_TERMS);
  const ec = expiryChain(chain, e.expiry);
  if (!ec || !leg.strike || !leg.right) return undefined;
  const c = selectStrike(chain, ec, leg.right, leg.side, leg.strike, {
    rate: ctx.plan.settings.rate,
    dividendYield: ctx.plan.settings.dividendYield,
  });
  return c.strike === null ? undefined : c.premium;
}

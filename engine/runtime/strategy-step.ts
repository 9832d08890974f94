/**
 * One strategy's decisions on one input, in docs/dsl.md's order of evaluation: exit time, exit
 * rules and strategy risk, leg stops/targets/trailing with their consequences, pending waits,
 * then the day's entry (eligibility, filters, entry gate, breakout/momentum, sizing, legs).
 */
import type { Leg } from '../dsl/leg.ts';
import type { Momentum } from '../dsl/momentum.ts';
import { tradingDaysUntil } from '../market/calendar.ts';
import { daysBetween, hhmmOf } from './clock.ts';
import { emit, fmt, note, type Ctx, type Now } from './context.ts';
import { legExpiry } from './expiry.ts';
import { crossingMemoryKey, factResolver } from './facts.ts';
import { createInstance, instancePnl, isActive, isLive, orderEntry, orderExit } from './leg.ts';
import {
  atOrAbove,
  atOrBelow,
  deltaSign,
  premiumHitsStop,
  premiumHitsTarget,
  spotHitsStop,
  spotHitsTarget,
  trailedStop,
} from './levels.ts';
import type { RuleGroup } from './plan.ts';
import { multiplierFor } from './sizing.ts';
import type { ChainSnapshot, LegState, LegWait, OrderReason, StrategyState } from './types.ts';
import type { Shared } from './draft.ts';

// ---- P&L -------------------------------------------------------------------------------

/** Today's P&L of the strategy: what its legs made since the session began. */
export function dayMtm(st: Shared<StrategyState>): number {
  let m = 0;
  for (const l of st.legs) m += instancePnl(l) - l.pnlBase;
  return m;
}

export function cycleMtm(st: StrategyState): number {
  let m = 0;
  for (const l of st.legs) if (l.cycle === st.cycles) m += instancePnl(l);
  return m;
}

export function dayCosts(st: Shared<StrategyState>): number {
  let c = 0;
  for (const l of st.legs) c += l.costs - l.costsBase;
  return c;
}

// ---- conditions ------------------------------------------------------------------------

type FactValues = Record<string, string | number | boolean | null>;

/** Evaluates a rule group; the compared fact values are read only when an event reports them. */
async function evaluateGroup(
  ctx: Ctx,
  now: Now,
  g: RuleGroup,
): Promise<{ fired: string[]; facts: () => FactValues }> {
  const { st } = now;
  const resolver = factResolver(
    {
      snapshot: now.chain,
      spot: now.spot,
      time: now.time,
      instrument: now.instrument,
      history: ctx.market.closes(now.sp.dsl.underlying),
      strategy: st,
      strategyMtm: dayMtm(st),
      legPnl: (legId) =>
        st.legs.filter((l) => l.legId === legId).reduce((a, l) => a + instancePnl(l), 0),
      overrides: { rate: ctx.plan.settings.rate, dividendYield: ctx.plan.settings.dividendYield },
    },
    g.name,
  );
  const fired = await g.evaluator.evaluate(resolver);
  const facts = (): FactValues => {
    const out: FactValues = { snapshotTs: now.chain?.ts ?? null };
    for (const f of g.evaluator.facts) {
      if (f === 'legPnl') continue;
      const v = resolver(f, undefined);
      out[f] =
        typeof v === 'number' ? Math.round(v * 10000) / 10000 : typeof v === 'string' ? v : null;
    }
    return out;
  };
  // Remember crossing facts for the next evaluation of this group (previous values).
  for (const leaf of g.crossings) {
    const params = { ...(leaf.params ?? {}) };
    delete params.crossing;
    const v = resolver(leaf.fact, Object.keys(params).length ? params : undefined);
    const key = crossingMemoryKey(g.name, leaf.fact, params);
    if (typeof v === 'number') st.crossings[key] = v;
    else delete st.crossings[key];
  }
  return { fired, facts };
}

const describeFacts = (facts: Record<string, unknown>) =>
  Object.entries(facts)
    .filter(([k]) => k !== 'snapshotTs')
    .map(([k, v]) => `${k}=${v ?? 'missing'}`)
    .join(', ');

// ---- exits -----------------------------------------------------------------------------

/** Orders every open instance out (non-hedge first) and cancels the waits. */
export function squareOffStrategy(ctx: Ctx, now: Now, reason: OrderReason, why: string): void {
  const { st } = now;
  const open = st.legs.filter((l) => l.status === 'OPEN');
  for (const l of [...open.filter((x) => !x.hedge), ...open.filter((x) => x.hedge)])
    orderExit(ctx, now, l, reason);
  cancelWaits(ctx, now, why);
  st.momentum = null;
  st.exitReason = reason;
}

export function cancelWaits(
  ctx: Ctx,
  now: Now,
  why: string,
  only?: (l: LegState) => boolean,
): void {
  for (const l of now.st.legs) {
    if (l.status !== 'WAITING' || (only && !only(l))) continue;
    l.status = 'CANCELLED';
    const type =
      l.wait?.kind === 'MOMENTUM'
        ? 'MOMENTUM_EXPIRED'
        : l.wait?.kind === 'COST'
          ? 'REENTRY_SKIPPED'
          : 'ENTRY_BLOCKED';
    emit(
      ctx,
      type,
      `${l.legId}: ${l.wait ? `${l.wait.kind.toLowerCase()} wait` : l.range ? 'range breakout wait' : 'pending entry'} cancelled: ${why}`,
      { strategyId: now.st.strategyId, legId: l.legId, data: { instanceId: l.instanceId } },
    );
  }
  if (now.st.momentum && !only) {
    emit(ctx, 'MOMENTUM_EXPIRED', `overall momentum wait cancelled: ${why}`, {
      strategyId: now.st.strategyId,
    });
    now.st.momentum = null;
  }
}

function endDay(st: StrategyState, why: string): void {
  st.status = 'EXITED';
  st.doneReason = why;
  st.pendingCycle = null;
}

// ---- waits -----------------------------------------------------------------------------

export function momentumWait(
  m: Momentum,
  premium: number | undefined,
  spot: number | undefined,
): LegWait | null {
  const onUnderlying = m.type === 'underlyingPoints' || m.type === 'underlyingPct';
  const ref = onUnderlying ? spot : premium;
  if (ref === undefined) return null;
  const up = m.direction === 'up';
  const pct = m.type === 'pct' || m.type === 'underlyingPct';
  const level = pct ? ref * (1 + ((up ? 1 : -1) * m.value) / 100) : ref + (up ? 1 : -1) * m.value;
  return {
    kind: 'MOMENTUM',
    on: onUnderlying ? 'UNDERLYING' : 'PREMIUM',
    reference: ref,
    level,
    direction: up ? 'UP' : 'DOWN',
  };
}

const released = (w: LegWait, price: number) =>
  w.direction === 'UP' ? atOrAbove(price, w.level) : atOrBelow(price, w.level);

function startLegMomentum(ctx: Ctx, now: Now, inst: LegState, leg: Leg): boolean {
  if (!leg.momentum) return false;
  const w = momentumWait(leg.momentum, inst.lastPrice ?? undefined, now.spot);
  if (!w) {
    emit(
      ctx,
      'NO_QUOTE',
      `${leg.id}: momentum needs a reference ${leg.momentum.type.startsWith('underlying') ? 'spot' : 'premium'} and the snapshot has none; the leg is not entered`,
      { strategyId: now.st.strategyId, legId: leg.id },
    );
    inst.status = 'CANCELLED';
    return true;
  }
  inst.wait = w;
  inst.status = 'WAITING';
  emit(
    ctx,
    'MOMENTUM_ARMED',
    `${leg.id}: waits for ${w.on === 'UNDERLYING' ? 'the underlying' : 'the premium'} to move ${w.direction.toLowerCase()} from ${fmt(w.reference)} to ${fmt(w.level)} (${leg.momentum.type} ${leg.momentum.value})`,
    {
      strategyId: now.st.strategyId,
      legId: leg.id,
      data: {
        instanceId: inst.instanceId,
        reference: w.reference,
        level: w.level,
        direction: w.direction,
        snapshotTs: now.chain?.ts ?? null,
      },
    },
  );
  return true;
}

/** Enters an instance now, or starts its own momentum wait when the leg has one. */
function enterOrWait(ctx: Ctx, now: Now, inst: LegState, leg: Leg, reason: OrderReason): void {
  if (startLegMomentum(ctx, now, inst, leg)) return;
  orderEntry(ctx, now, inst, reason);
}

function entryReason(inst: LegState): OrderReason {
  return inst.origin === 'ENTRY' ? 'ENTRY' : 'REENTRY';
}

function evaluateWaits(ctx: Ctx, now: Now): void {
  const { st } = now;
  for (const inst of st.legs) {
    if (inst.status !== 'WAITING' || !inst.wait) continue;
    const w = inst.wait;
    const price = w.on === 'UNDERLYING' ? now.trigger.spot : now.trigger.price(inst.instanceId);
    if (price === undefined) continue;
    if (!released(w, price)) continue;
    emit(
      ctx,
      w.kind === 'MOMENTUM' ? 'MOMENTUM_TRIGGERED' : 'REENTRY',
      `${inst.legId}: ${w.on === 'UNDERLYING' ? 'underlying' : 'premium'} ${fmt(price)} ${w.direction === 'UP' ? '>=' : '<='} ${fmt(w.level)} (${w.kind === 'COST' ? 'back at the exited entry price' : `momentum from ${fmt(w.reference)}`}) at ${now.chain?.ts}: entering`,
      {
        strategyId: st.strategyId,
        legId: inst.legId,
        data: {
          instanceId: inst.instanceId,
          price,
          level: w.level,
          reference: w.reference,
          snapshotTs: now.chain?.ts ?? null,
        },
      },
    );
    orderEntry(ctx, now, inst, entryReason(inst));
  }
}

// ---- leg re-entries and lazy legs (after the exit fill) -------------------------------

/** Decides at trigger time whether the exited instance is followed by a re-entry or a lazy leg. */
function decideFollowUp(
  ctx: Ctx,
  now: Now,
  inst: LegState,
  leg: Leg,
  on: 'STOP_LOSS' | 'TARGET',
): void {
  const { st, sp } = now;
  const re = on === 'STOP_LOSS' ? leg.reEntryOnStopLoss : leg.reEntryOnTarget;
  if (!re) return;
  const skip = (why: string) =>
    emit(
      ctx,
      'REENTRY_SKIPPED',
      `${leg.id}: ${re.type} ${re.type === 'lazy' ? `link to ${re.leg}` : 're-entry'} after ${on === 'STOP_LOSS' ? 'stop-loss' : 'target'} not performed: ${why}`,
      { strategyId: st.strategyId, legId: leg.id },
    );
  if (sp.noReEntryAfter !== null && now.time.minute >= sp.noReEntryAfter)
    return skip(`at ${now.time.hhmm}, not before noReEntryAfter ${hhmmOf(sp.noReEntryAfter)}`);
  if (ctx.state.tradingState !== 'ACTIVE')
    return skip(
      `trading state is ${ctx.state.tradingState} (${ctx.state.tradingStateReason ?? ''})`,
    );
  if (re.type !== 'lazy') {
    const counters = (st.reentries[leg.id] ??= { stopLoss: 0, target: 0 });
    const key = on === 'STOP_LOSS' ? 'stopLoss' : 'target';
    if (counters[key] >= re.count)
      return skip(
        `all ${re.count} re-entries after ${on === 'STOP_LOSS' ? 'stop-loss' : 'target'} used today`,
      );
    counters[key] += 1;
    inst.after = { kind: re.type, reason: on };
  } else {
    inst.after = { kind: 'lazy', lazyLeg: re.leg, reason: on };
  }
}

/** Runs the follow-up of an instance whose exit has just filled. */
export function runFollowUp(ctx: Ctx, now: Now, inst: LegState): void {
  const after = inst.after;
  if (!after) return;
  inst.after = null;
  const { st, sp } = now;
  if (st.status !== 'ENTERED') return;
  if (after.kind === 'lazy') {
    const lazy = sp.legs.get(after.lazyLeg as string) as Leg;
    if (st.legs.some((l) => l.legId === lazy.id && isActive(l))) {
      emit(
        ctx,
        'LAZY_LEG_ALREADY_OPEN',
        `${inst.legId} opens lazy leg ${lazy.id}, which is already open: nothing to do`,
        { strategyId: st.strategyId, legId: lazy.id },
      );
      return;
    }
    const x = createInstance(ctx, now, lazy, lazy.side, 'LAZY');
    if (!x) return;
    emit(
      ctx,
      'LAZY_LEG',
      `${inst.legId} exited on its ${after.reason === 'STOP_LOSS' ? 'stop-loss' : 'target'}: opening lazy leg ${lazy.id}`,
      {
        strategyId: st.strategyId,
        legId: lazy.id,
        data: { from: inst.legId, instanceId: x.instanceId },
      },
    );
    enterOrWait(ctx, now, x, lazy, 'REENTRY');
    return;
  }
  const leg = sp.legs.get(inst.legId) as Leg;
  const side = after.kind === 'asapReverse' ? (inst.side === 'BUY' ? 'SELL' : 'BUY') : inst.side;
  const contract =
    after.kind === 'cost' ? { expiry: inst.expiry as string, strike: inst.strike } : undefined;
  const x = createInstance(ctx, now, leg, side, 'REENTRY', contract);
  if (!x) return;
  const label = { asap: 'ASAP', asapReverse: 'ASAP reverse', momentum: 'momentum', cost: 'cost' }[
    after.kind
  ];
  if (after.kind === 'cost') {
    const e = inst.entryPrice as number;
    // Wait for the premium to come back through E towards where it came from.
    const down = (inst.side === 'SELL') === (after.reason === 'STOP_LOSS');
    x.wait = {
      kind: 'COST',
      on: 'PREMIUM',
      reference: inst.exitPrice ?? e,
      level: e,
      direction: down ? 'DOWN' : 'UP',
    };
    emit(
      ctx,
      'REENTRY',
      `${leg.id}: RE-COST armed after ${after.reason === 'STOP_LOSS' ? 'stop-loss' : 'target'}: re-enters ${side} ${x.strike ?? ''} ${x.right} when P ${down ? '<=' : '>='} ${fmt(e)} (the exited entry price)`.replace(
        /  +/g,
        ' ',
      ),
      {
        strategyId: st.strategyId,
        legId: leg.id,
        data: { instanceId: x.instanceId, level: e, direction: down ? 'DOWN' : 'UP' },
      },
    );
    return;
  }
  emit(
    ctx,
    'REENTRY',
    `${leg.id}: ${label} re-entry after ${after.reason === 'STOP_LOSS' ? 'stop-loss' : 'target'} (${(st.reentries[leg.id] ?? { stopLoss: 0, target: 0 })[after.reason === 'STOP_LOSS' ? 'stopLoss' : 'target']} of ${(after.reason === 'STOP_LOSS' ? leg.reEntryOnStopLoss : leg.reEntryOnTarget)?.type === 'lazy' ? 0 : ((after.reason === 'STOP_LOSS' ? leg.reEntryOnStopLoss : leg.reEntryOnTarget) as { count: number }).count} today): ${side} ${x.strike ?? ''} ${x.right}`.replace(
      /  +/g,
      ' ',
    ),
    {
      strategyId: st.strategyId,
      legId: leg.id,
      data: { instanceId: x.instanceId, type: after.kind, side },
    },
  );
  if (after.kind === 'momentum') {
    if (!startLegMomentum(ctx, now, x, leg)) orderEntry(ctx, now, x, 'REENTRY');
    return;
  }
  orderEntry(ctx, now, x, 'REENTRY');
}

// ---- leg triggers ----------------------------------------------------------------------

function legTriggers(ctx: Ctx, now: Now): void {
  const { st, sp } = now;
  const order = [...sp.legs.keys()];
  const open = st.legs
    .filter((l) => l.status === 'OPEN')
    .sort((a, b) => order.indexOf(a.legId) - order.indexOf(b.legId));
  for (const inst of open) {
    if (inst.status !== 'OPEN') continue; // closed by a complete square-off earlier in this loop
    const leg = sp.legs.get(inst.legId) as Leg;
    const tp = now.trigger.price(inst.instanceId);
    const hasPrice = tp !== undefined;
    const p = tp as number;
    const u = now.trigger.spot;
    const d = deltaSign(inst.side, inst.right);
    // 1. trailing
    if (leg.trailingStop) {
      if (inst.stopLevel !== null && hasPrice) {
        inst.bestPrice =
          inst.bestPrice === null
            ? p
            : inst.side === 'SELL'
              ? Math.min(inst.bestPrice, p)
              : Math.max(inst.bestPrice, p);
        const t = trailedStop(inst, leg.trailingStop);
        if (t && t.steps > inst.trailSteps) {
          const level =
            inst.movedToBreakeven && inst.entryPrice !== null
              ? tighter(inst.side, t.level, inst.entryPrice)
              : t.level;
          emit(
            ctx,
            'TRAILING_MOVED',
            `${inst.legId}: premium moved ${fmt(Math.abs((inst.bestPrice as number) - (inst.entryPrice as number)))} in favour from entry ${fmt(inst.entryPrice)}: stop moves ${t.steps} step(s) of ${leg.trailingStop.by}${leg.trailingStop.unit === 'pct' ? '%' : ''} from ${fmt(inst.initialStopLevel)} to ${fmt(level)}`,
            {
              strategyId: st.strategyId,
              legId: inst.legId,
              data: {
                instanceId: inst.instanceId,
                steps: t.steps,
                stop: level,
                best: inst.bestPrice,
                snapshotTs: now.chain?.ts ?? null,
              },
            },
          );
          inst.trailSteps = t.steps;
          inst.stopLevel = level;
        }
      } else if (inst.stopSpotLevel !== null && u !== undefined && inst.entrySpot !== null) {
        inst.bestSpot =
          inst.bestSpot === null
            ? u
            : d === 1
              ? Math.max(inst.bestSpot, u)
              : Math.min(inst.bestSpot, u);
        const f = d * (inst.bestSpot - inst.entrySpot);
        const unit = (x: number) =>
          leg.trailingStop!.unit === 'pct' ? (inst.entrySpot as number) * (x / 100) : x;
        const steps = f > 0 ? Math.floor(f / unit(leg.trailingStop.every) + 1e-9) : 0;
        if (steps > inst.trailSteps) {
          const initial =
            leg.stopLoss!.type === 'underlyingPct'
              ? inst.entrySpot * (1 - (d * leg.stopLoss!.value) / 100)
              : inst.entrySpot - d * leg.stopLoss!.value;
          inst.stopSpotLevel = initial + d * steps * unit(leg.trailingStop.by);
          inst.trailSteps = steps;
          emit(
            ctx,
            'TRAILING_MOVED',
            `${inst.legId}: underlying moved ${fmt(f)} in favour from ${fmt(inst.entrySpot)}: stop moves ${steps} step(s) to underlying ${fmt(inst.stopSpotLevel)}`,
            {
              strategyId: st.strategyId,
              legId: inst.legId,
              data: {
                instanceId: inst.instanceId,
                steps,
                stop: inst.stopSpotLevel,
                snapshotTs: now.chain?.ts ?? null,
              },
            },
          );
        }
      }
    }
    // 2. stop-loss, 3. target (the stop wins when both trigger)
    let hit: 'STOP_LOSS' | 'TARGET' | null = null;
    let why = '';
    if (
      hasPrice &&
      inst.stopLevel !== null &&
      premiumHitsStop(inst.side, p, inst.stopLevel) &&
      !(inst.side === 'BUY' && inst.stopLevel <= 0)
    ) {
      hit = 'STOP_LOSS';
      why = `P ${fmt(p)} ${inst.side === 'SELL' ? '>=' : '<='} stop ${fmt(inst.stopLevel)}`;
    } else if (
      u !== undefined &&
      inst.stopSpotLevel !== null &&
      spotHitsStop(d, u, inst.stopSpotLevel)
    ) {
      hit = 'STOP_LOSS';
      why = `underlying ${fmt(u)} ${d === 1 ? '<=' : '>='} stop ${fmt(inst.stopSpotLevel)}`;
    } else if (
      hasPrice &&
      inst.targetLevel !== null &&
      premiumHitsTarget(inst.side, p, inst.targetLevel)
    ) {
      hit = 'TARGET';
      why = `P ${fmt(p)} ${inst.side === 'SELL' ? '<=' : '>='} target ${fmt(inst.targetLevel)}`;
    } else if (
      u !== undefined &&
      inst.targetSpotLevel !== null &&
      spotHitsTarget(d, u, inst.targetSpotLevel)
    ) {
      hit = 'TARGET';
      why = `underlying ${fmt(u)} ${d === 1 ? '>=' : '<='} target ${fmt(inst.targetSpotLevel)}`;
    }
    if (!hit) continue;
    const reason: OrderReason = hit === 'STOP_LOSS' && inst.trailSteps > 0 ? 'TRAILING_STOP' : hit;
    const source =
      hit === 'STOP_LOSS'
        ? inst.movedToBreakeven
          ? 'break-even stop'
          : leg.stopLoss
            ? `stopLoss ${leg.stopLoss.type} ${leg.stopLoss.value}`
            : 'stop'
        : `target ${leg.target?.type} ${leg.target?.value}`;
    emit(
      ctx,
      reason === 'TARGET' ? 'TARGET' : reason === 'TRAILING_STOP' ? 'TRAILING_STOP' : 'STOP_LOSS',
      `${inst.legId} ${inst.side} ${inst.strike ?? ''} ${inst.right} ${reason.toLowerCase().replace('_', '-')}: ${why} (${source}, entry ${fmt(inst.entryPrice)}) at ${now.chain?.ts}`.replace(
        /  +/g,
        ' ',
      ),
      {
        strategyId: st.strategyId,
        legId: inst.legId,
        data: {
          instanceId: inst.instanceId,
          price: hasPrice ? p : null,
          spot: u ?? null,
          stop: inst.stopLevel,
          target: inst.targetLevel,
          entry: inst.entryPrice,
          snapshotTs: now.chain?.ts ?? null,
        },
      },
    );
    orderExit(ctx, now, inst, reason);
    if (sp.dsl.squareOff === 'complete') {
      const others = st.legs.filter((l) => l.status === 'OPEN');
      if (others.length)
        emit(
          ctx,
          'SQUARE_OFF',
          `complete square-off: ${inst.legId} hit its ${hit === 'STOP_LOSS' ? 'stop-loss' : 'target'}, closing ${others.map((l) => l.legId).join(', ')}`,
          { strategyId: st.strategyId },
        );
      for (const l of [...others.filter((x) => !x.hedge), ...others.filter((x) => x.hedge)])
        orderExit(ctx, now, l, 'SQUARE_OFF');
      cancelWaits(
        ctx,
        now,
        `complete square-off after ${inst.legId}'s ${hit === 'STOP_LOSS' ? 'stop-loss' : 'target'}`,
      );
      st.exitReason = reason;
      endDay(
        st,
        `complete square-off after ${inst.legId}'s ${hit === 'STOP_LOSS' ? 'stop-loss' : 'target'}`,
      );
      return;
    }
    decideFollowUp(ctx, now, inst, leg, hit);
    if (hit === 'STOP_LOSS' && sp.dsl.trailToBreakEven) trailToBreakEven(ctx, now, inst);
  }
}

const tighter = (side: 'BUY' | 'SELL', a: number, b: number) =>
  side === 'SELL' ? Math.min(a, b) : Math.max(a, b);

function trailToBreakEven(ctx: Ctx, now: Now, hitter: LegState): void {
  const { st, sp } = now;
  const scope = sp.dsl.trailToBreakEven!.scope;
  for (const l of st.legs) {
    if (l === hitter || l.status !== 'OPEN' || l.movedToBreakeven || l.entryPrice === null)
      continue;
    const leg = sp.legs.get(l.legId) as Leg;
    if (scope === 'slLegs' && !leg.stopLoss) continue;
    const from = l.stopLevel;
    l.stopLevel = from === null ? l.entryPrice : tighter(l.side, from, l.entryPrice);
    l.movedToBreakeven = true;
    emit(
      ctx,
      'BREAKEVEN',
      `${l.legId}: ${hitter.legId} hit its stop-loss, so ${l.legId}'s stop moves to its entry price ${fmt(l.entryPrice)} (was ${fmt(from)}; now ${fmt(l.stopLevel)}) — trailToBreakEven ${scope}`,
      {
        strategyId: st.strategyId,
        legId: l.legId,
        data: { instanceId: l.instanceId, stop: l.stopLevel, previous: from },
      },
    );
  }
}

// ---- strategy risk ---------------------------------------------------------------------

function strategyRisk(ctx: Ctx, now: Now): boolean {
  const { st, sp } = now;
  const dsl = sp.dsl;
  if (!st.legs.some((l) => l.cycle === st.cycles && l.status === 'OPEN')) return false;
  const mtm = cycleMtm(st);
  st.peakMtm = Math.max(st.peakMtm, mtm);
  const base = st.cyclePremium;
  const ts = now.chain?.ts ?? ctx.ts;
  const money = (type: 'mtm' | 'premiumPct', v: number) => (type === 'mtm' ? v : (v / 100) * base);

  // Overall stop-loss, moved up by the overall trailing stop.
  let stop: number | null = null;
  let stopWhy = '';
  if (dsl.stopLoss) {
    stop = -money(dsl.stopLoss.type, dsl.stopLoss.value);
    stopWhy = `overall stopLoss ${dsl.stopLoss.type} ${dsl.stopLoss.value}`;
    if (dsl.trailingStop) {
      const peakPlus = Math.max(0, st.peakMtm);
      const steps =
        dsl.stopLoss.type === 'mtm'
          ? Math.floor(peakPlus / dsl.trailingStop.every + 1e-9)
          : base > 0
            ? Math.floor(((peakPlus / base) * 100) / dsl.trailingStop.every + 1e-9)
            : 0;
      stop =
        dsl.stopLoss.type === 'mtm'
          ? -dsl.stopLoss.value + steps * dsl.trailingStop.by
          : ((-dsl.stopLoss.value + steps * dsl.trailingStop.by) / 100) * base;
      if (steps > 0 && st.reportedStop !== stop) {
        emit(
          ctx,
          'OVERALL_TRAIL',
          `overall trailing: peak MTM ${fmt(st.peakMtm)} moved the overall stop ${steps} step(s) of ${dsl.trailingStop.by} to MTM ${fmt(stop)}`,
          { strategyId: st.strategyId, data: { peak: st.peakMtm, stop, steps, snapshotTs: ts } },
        );
        st.reportedStop = stop;
      }
      if (steps > 0)
        stopWhy = `overall trailing stop (${steps} step(s) from peak ${fmt(st.peakMtm)})`;
    }
  }
  if (stop !== null && atOrBelow(mtm, stop)) {
    exitCycle(
      ctx,
      now,
      'STRATEGY_STOP',
      'STRATEGY_STOP',
      `cycle MTM ${fmt(mtm)} <= ${fmt(stop)} (${stopWhy}) at ${ts}`,
      'stopLoss',
      { mtm, level: stop, snapshotTs: ts },
    );
    return true;
  }
  // Lock and lock-and-trail: a floor once the reach level has been touched this cycle.
  if (dsl.lock) {
    if (!st.lockReached && atOrAbove(st.peakMtm, dsl.lock.reachProfit)) {
      st.lockReached = true;
      emit(
        ctx,
        'LOCK',
        `MTM ${fmt(st.peakMtm)} reached ${dsl.lock.reachProfit}: profit locked at ${dsl.lock.lockProfit}`,
        {
          strategyId: st.strategyId,
          data: { mtm: st.peakMtm, floor: dsl.lock.lockProfit, snapshotTs: ts },
        },
      );
    }
    if (st.lockReached && atOrBelow(mtm, dsl.lock.lockProfit)) {
      exitCycle(
        ctx,
        now,
        'STRATEGY_STOP',
        'STRATEGY_STOP',
        `cycle MTM ${fmt(mtm)} <= locked profit ${dsl.lock.lockProfit} (lock: reached ${dsl.lock.reachProfit}) at ${ts}`,
        'lock',
        { mtm, level: dsl.lock.lockProfit, snapshotTs: ts },
      );
      return true;
    }
  }
  if (dsl.lockAndTrail) {
    const lt = dsl.lockAndTrail;
    if (atOrAbove(st.peakMtm, lt.reachProfit)) {
      const steps = Math.floor((st.peakMtm - lt.reachProfit) / lt.everyIncrease + 1e-9);
      const floor = lt.lockProfit + steps * lt.trailBy;
      if (!st.lockReached || st.reportedStop !== floor) {
        emit(
          ctx,
          'LOCK_TRAIL',
          `lock-and-trail: peak MTM ${fmt(st.peakMtm)} (reach ${lt.reachProfit}, +${lt.trailBy} per ${lt.everyIncrease} above it) locks ${fmt(floor)}`,
          { strategyId: st.strategyId, data: { peak: st.peakMtm, floor, steps, snapshotTs: ts } },
        );
        st.lockReached = true;
        st.reportedStop = floor;
      }
      if (atOrBelow(mtm, floor)) {
        exitCycle(
          ctx,
          now,
          'STRATEGY_STOP',
          'STRATEGY_STOP',
          `cycle MTM ${fmt(mtm)} <= trailed lock ${fmt(floor)} at ${ts}`,
          'lock',
          { mtm, level: floor, snapshotTs: ts },
        );
        return true;
      }
    }
  }
  if (dsl.target) {
    const t = money(dsl.target.type, dsl.target.value);
    if (atOrAbove(mtm, t)) {
      exitCycle(
        ctx,
        now,
        'STRATEGY_TARGET',
        'STRATEGY_TARGET',
        `cycle MTM ${fmt(mtm)} >= ${fmt(t)} (overall target ${dsl.target.type} ${dsl.target.value}) at ${ts}`,
        'target',
        { mtm, level: t, snapshotTs: ts },
      );
      return true;
    }
  }
  return false;
}

function exitCycle(
  ctx: Ctx,
  now: Now,
  reason: OrderReason,
  type: 'STRATEGY_STOP' | 'STRATEGY_TARGET',
  why: string,
  kind: 'stopLoss' | 'lock' | 'target',
  data: Record<string, number | string>,
): void {
  const { st, sp } = now;
  emit(ctx, type, why, { strategyId: st.strategyId, data });
  squareOffStrategy(ctx, now, reason, why);
  const re =
    kind === 'stopLoss'
      ? sp.dsl.reEntryOnStopLoss
      : kind === 'target'
        ? sp.dsl.reEntryOnTarget
        : undefined;
  st.status = 'EXITED';
  if (!re) {
    endDay(st, why);
    return;
  }
  const skip = (w: string) => {
    emit(
      ctx,
      'REENTRY_SKIPPED',
      `strategy ${re.type} re-entry after the overall ${kind === 'target' ? 'target' : 'stop-loss'} not performed: ${w}`,
      { strategyId: st.strategyId },
    );
    endDay(st, why);
  };
  if (sp.noReEntryAfter !== null && now.time.minute >= sp.noReEntryAfter)
    return skip(`at ${now.time.hhmm}, not before noReEntryAfter ${hhmmOf(sp.noReEntryAfter)}`);
  if (ctx.state.tradingState !== 'ACTIVE')
    return skip(`trading state is ${ctx.state.tradingState}`);
  const key = kind === 'target' ? 'target' : 'stopLoss';
  if (st.strategyReentries[key] >= re.count)
    return skip(`all ${re.count} strategy re-entries used today`);
  st.strategyReentries[key] += 1;
  st.pendingCycle = { type: re.type };
  st.status = 'WAITING';
  emit(
    ctx,
    'REENTRY',
    `strategy ${re.type} re-entry ${st.strategyReentries[key]} of ${re.count} decided: a new cycle starts once the exit orders have filled`,
    { strategyId: st.strategyId, data: { type: re.type } },
  );
  maybeStartPendingCycle(ctx, now);
}

/** Starts the decided strategy re-entry once no instance of the old cycle is still live. */
export function maybeStartPendingCycle(ctx: Ctx, now: Now): void {
  const { st } = now;
  if (!st.pendingCycle || st.legs.some(isLive)) return;
  const type = st.pendingCycle.type;
  st.pendingCycle = null;
  if (type === 'asap') beginCycle(ctx, now, 'REENTRY');
  else armOverallMomentum(ctx, now);
}

// ---- entry -----------------------------------------------------------------------------

function nonLazyLegs(now: Now): Leg[] {
  return now.sp.dsl.legs.filter((l) => !l.lazy);
}

/** Sets the cycle's multiplier; zero sets means no trade today (SIZING_ZERO), and false. */
function sizeCycle(ctx: Ctx, now: Now): boolean {
  const { st } = now;
  const m = multiplierFor(ctx, now);
  if (m.multiplier <= 0) {
    emit(ctx, 'SIZING_ZERO', `sizing gives 0 sets: ${m.why}; no trade today`, {
      strategyId: st.strategyId,
    });
    endDay(st, 'sizing gave 0');
    return false;
  }
  st.multiplier = m.multiplier;
  return true;
}

/** Sizing then legs: a new cycle on this snapshot (docs/dsl.md, the trading day, steps 5-6). */
function beginCycle(
  ctx: Ctx,
  now: Now,
  reason: 'ENTRY' | 'REENTRY',
  preselected?: LegState[],
): void {
  const { st, sp } = now;
  if (!preselected && !sizeCycle(ctx, now)) return;
  st.cycles += 1;
  st.cycleBase = dayMtm(st);
  st.cyclePremium = 0;
  st.peakMtm = 0;
  st.lockReached = false;
  st.reportedStop = null;
  st.status = 'ENTERED';
  st.triggered = true;
  st.exitReason = null;
  const p = sp.positional;
  if (p && now.chain) {
    const e = legExpiry(now.chain, now.time.day, p.expiry.kind, p.expiry.offset);
    if (e.expiry !== null) st.holding = e.expiry;
  }
  emit(
    ctx,
    'ENTRY',
    `${sp.dsl.name}: ${reason === 'ENTRY' ? 'entry' : 're-entry'} cycle ${st.cycles} at ${now.time.hhmm} with multiplier ${st.multiplier}`,
    {
      strategyId: st.strategyId,
      data: { cycle: st.cycles, multiplier: st.multiplier, snapshotTs: now.chain?.ts ?? null },
    },
  );
  const created: { inst: LegState; leg: Leg }[] = [];
  if (preselected) {
    for (const inst of preselected) {
      if (inst.status !== 'WAITING') continue;
      inst.cycle = st.cycles;
      created.push({ inst, leg: sp.legs.get(inst.legId) as Leg });
    }
  } else {
    for (const leg of nonLazyLegs(now)) {
      const inst = createInstance(
        ctx,
        now,
        leg,
        leg.side,
        reason === 'ENTRY' ? 'ENTRY' : 'REENTRY',
      );
      if (inst) created.push({ inst, leg });
    }
  }
  // Hedge legs order first so margin benefits apply to the short legs.
  for (const { inst, leg } of [
    ...created.filter((c) => c.leg.hedge),
    ...created.filter((c) => !c.leg.hedge),
  ]) {
    inst.origin = reason === 'ENTRY' ? 'ENTRY' : 'REENTRY';
    enterOrWait(ctx, now, inst, leg, reason);
  }
  if (!st.legs.some((l) => l.cycle === st.cycles && isActive(l))) {
    emit(ctx, 'ENTRY_BLOCKED', `no leg of cycle ${st.cycles} could be entered`, {
      strategyId: st.strategyId,
    });
    endDay(st, 'no leg could be entered');
  }
}

/** Overall momentum: strikes are selected now, the reference is U or the sum of their P. */
function armOverallMomentum(ctx: Ctx, now: Now): void {
  const { st, sp } = now;
  const m = sp.dsl.momentum!;
  if (!sizeCycle(ctx, now)) return;
  const picked: LegState[] = [];
  for (const leg of nonLazyLegs(now)) {
    const inst = createInstance(ctx, now, leg, leg.side, st.cycles === 0 ? 'ENTRY' : 'REENTRY');
    if (inst) picked.push(inst);
  }
  if (picked.length === 0) {
    endDay(st, 'no strike for overall momentum');
    return;
  }
  const premium = picked.every((i) => i.lastPrice !== null)
    ? picked.reduce((a, i) => a + (i.lastPrice as number), 0)
    : undefined;
  const w = momentumWait(m, premium, now.spot);
  if (!w) {
    for (const i of picked) i.status = 'CANCELLED';
    note(
      ctx,
      st,
      'momentum',
      'NO_QUOTE',
      `overall momentum needs the ${m.type.startsWith('underlying') ? 'spot' : 'premium of every selected strike'}; not available at ${now.chain?.ts}`,
    );
    return;
  }
  st.momentum = w;
  emit(
    ctx,
    'MOMENTUM_ARMED',
    `overall momentum: waits for ${w.on === 'UNDERLYING' ? 'the underlying' : `the combined premium of ${picked.map((i) => `${i.strike ?? ''}${i.right}`).join(' + ')}`} to move ${w.direction.toLowerCase()} from ${fmt(w.reference)} to ${fmt(w.level)}`,
    {
      strategyId: st.strategyId,
      data: {
        reference: w.reference,
        level: w.level,
        direction: w.direction,
        snapshotTs: now.chain?.ts ?? null,
      },
    },
  );
}

function overallMomentumCheck(ctx: Ctx, now: Now): void {
  const { st } = now;
  const w = st.momentum!;
  const picked = st.legs.filter((l) => l.status === 'WAITING' && !l.wait && l.cycle === st.cycles);
  let price: number | undefined;
  if (w.on === 'UNDERLYING') price = now.trigger.spot;
  else if (picked.length && picked.every((l) => now.trigger.price(l.instanceId) !== undefined))
    price = picked.reduce((a, l) => a + (now.trigger.price(l.instanceId) as number), 0);
  if (price === undefined || !released(w, price)) return;
  emit(
    ctx,
    'MOMENTUM_TRIGGERED',
    `overall momentum: ${w.on === 'UNDERLYING' ? 'underlying' : 'combined premium'} ${fmt(price)} ${w.direction === 'UP' ? '>=' : '<='} ${fmt(w.level)} (from ${fmt(w.reference)}) at ${now.chain?.ts}`,
    {
      strategyId: st.strategyId,
      data: { price, level: w.level, reference: w.reference, snapshotTs: now.chain?.ts ?? null },
    },
  );
  st.momentum = null;
  beginCycle(ctx, now, st.cycles === 0 ? 'ENTRY' : 'REENTRY', picked);
}

function rangeStep(ctx: Ctx, now: Now): void {
  const { st, sp } = now;
  const rb = sp.dsl.rangeBreakout!;
  const start = minutesOfHHMM(rb.start);
  const end = minutesOfHHMM(rb.end);
  const t = now.time.minute;
  if (t < start) return;
  if (t < end) {
    if (rb.on === 'underlying') {
      if (now.spot === undefined) return;
      st.range = st.range
        ? {
            high: Math.max(st.range.high, now.spot),
            low: Math.min(st.range.low, now.spot),
            seen: st.range.seen + 1,
          }
        : { high: now.spot, low: now.spot, seen: 1 };
      return;
    }
    if (!st.range) {
      // Strike ranges: each non-lazy leg picks its strike on the first snapshot of the window.
      if (!sizeCycle(ctx, now)) return;
      for (const leg of nonLazyLegs(now)) createInstance(ctx, now, leg, leg.side, 'ENTRY');
      st.range = { high: 0, low: 0, seen: 0 };
    }
    st.range.seen += 1;
    for (const l of st.legs) {
      if (
        l.status !== 'WAITING' ||
        l.quoteMissing ||
        l.lastPrice === null ||
        l.lastPriceTs !== now.chain?.ts
      )
        continue;
      l.range = l.range
        ? { high: Math.max(l.range.high, l.lastPrice), low: Math.min(l.range.low, l.lastPrice) }
        : { high: l.lastPrice, low: l.lastPrice };
    }
    return;
  }
  if (!st.range || st.range.seen === 0) {
    emit(
      ctx,
      'RANGE_EMPTY',
      `range breakout: no snapshot between ${rb.start} and ${rb.end}, so no range and no trade today`,
      { strategyId: st.strategyId },
    );
    for (const l of st.legs) if (l.status === 'WAITING') l.status = 'CANCELLED';
    endDay(st, 'empty range');
    return;
  }
  if (!st.gateOpen) return;
  if (rb.on === 'underlying') {
    const u = now.trigger.spot;
    if (u === undefined) return;
    const broke = rb.side === 'high' ? u > st.range.high : u < st.range.low;
    note(
      ctx,
      st,
      'range',
      'RANGE_SET',
      `range ${rb.start}-${rb.end} on the underlying: high ${fmt(st.range.high)}, low ${fmt(st.range.low)}; waiting for a break ${rb.side === 'high' ? 'above the high' : 'below the low'}`,
      { data: { high: st.range.high, low: st.range.low } },
    );
    if (!broke) return;
    emit(
      ctx,
      'RANGE_BREAKOUT',
      `range breakout: underlying ${fmt(u)} ${rb.side === 'high' ? `> high ${fmt(st.range.high)}` : `< low ${fmt(st.range.low)}`} at ${now.chain?.ts}`,
      {
        strategyId: st.strategyId,
        data: {
          spot: u,
          high: st.range.high,
          low: st.range.low,
          snapshotTs: now.chain?.ts ?? null,
        },
      },
    );
    st.breakoutDone = true;
    beginCycle(ctx, now, 'ENTRY');
    return;
  }
  // Strike ranges: each leg enters on its own breakout.
  const waiting = st.legs.filter((l) => l.status === 'WAITING' && l.range);
  if (!st.triggered) {
    st.cycles = 1;
    st.cycleBase = 0;
    st.cyclePremium = 0;
    st.peakMtm = 0;
    st.status = 'ENTERED';
    st.triggered = true;
    for (const l of waiting) l.cycle = 1;
  }
  for (const l of waiting) {
    const price = now.trigger.price(l.instanceId);
    if (price === undefined) continue;
    const r = l.range!;
    const broke = rb.side === 'high' ? price > r.high : price < r.low;
    if (!broke) continue;
    emit(
      ctx,
      'RANGE_BREAKOUT',
      `${l.legId}: premium ${fmt(price)} ${rb.side === 'high' ? `> range high ${fmt(r.high)}` : `< range low ${fmt(r.low)}`} (${rb.start}-${rb.end}) at ${now.chain?.ts}`,
      {
        strategyId: st.strategyId,
        legId: l.legId,
        data: { price: price, high: r.high, low: r.low, snapshotTs: now.chain?.ts ?? null },
      },
    );
    l.range = null;
    enterOrWait(ctx, now, l, sp.legs.get(l.legId) as Leg, 'ENTRY');
  }
  if (!st.legs.some((l) => l.status === 'WAITING' && l.range)) st.breakoutDone = true;
}

const minutesOfHHMM = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/**
 * Positional entry window: `entryDaysBefore` down to (not including) `exitDaysBefore` trading days
 * before the reference expiry, once per expiry. Returns why today is outside it, or null.
 */
function positionalWindow(now: Now, snap: ChainSnapshot): string | null {
  const p = now.sp.positional!;
  const e = legExpiry(snap, now.time.day, p.expiry.kind, p.expiry.offset);
  if (e.expiry === null) return `the positional reference expiry cannot be found: ${e.why}`;
  if (now.st.holding === e.expiry) return `the ${e.expiry} expiry was already traded`;
  const left = tradingDaysUntil(now.instrument, now.time.day, e.expiry);
  if (left > p.entryDaysBefore || left <= p.exitDaysBefore)
    return `${left} trading day(s) before ${e.expiry}; positional enters ${p.entryDaysBefore} and exits ${p.exitDaysBefore} day(s) before it`; // prettier-ignore
  return null;
}

/** Whether today is a positional strategy's exit day (at or past `exitDaysBefore` of its expiry); intraday: always. */
export function isExitDay(now: Now): boolean {
  const p = now.sp.positional;
  if (!p) return true;
  if (now.st.holding === null) return false;
  return tradingDaysUntil(now.instrument, now.time.day, now.st.holding) <= p.exitDaysBefore;
}

/**
 * "At 09:20" means the first snapshot at or after 09:20 (docs/dsl.md). When that snapshot is
 * minutes later (the day's data starts late, or has a gap), the entry is late: said once a day,
 * with why, so a report never passes off a 10:43 entry as a 09:20 one.
 */
function lateEntry(ctx: Ctx, now: Now): void {
  const { st, sp } = now;
  if (st.notes.entryChecked) return;
  st.notes.entryChecked = now.time.hhmm;
  const late = now.time.minute - sp.entryMinute;
  if (late < 2) return;
  const why =
    st.notes.sessionStart === now.snapshot?.ts
      ? `the data of ${now.time.day} starts at ${now.time.hhmm}`
      : `no snapshot between ${sp.dsl.entry.time} and ${now.time.hhmm}`;
  emit(ctx, 'LATE_ENTRY', `entry time ${sp.dsl.entry.time}, but ${why}: entries are evaluated from ${now.time.hhmm}, ${late} min late`, { strategyId: st.strategyId, data: { minutesLate: late, day: now.time.day } }); // prettier-ignore
}

async function entryOfTheDay(ctx: Ctx, now: Now): Promise<void> {
  const { st, sp } = now;
  const snap = now.snapshot;
  if (!snap || st.doneReason) return;
  if (sp.positional && st.status === 'ENTERED') return; // holding a position: no new entry
  // Eligibility, once per session.
  if (st.eligible === null) {
    let why = '';
    if (!sp.dsl.entry.weekdays.includes(now.time.weekday))
      why = `${now.time.weekday} is not in entry.weekdays (${sp.dsl.entry.weekdays.join(', ')})`;
    else if (sp.positional) why = positionalWindow(now, snap) ?? '';
    else if (sp.dsl.daysToExpiry) {
      const dte = sp.dsl.daysToExpiry;
      const e = legExpiry(snap, now.time.day, dte.expiry.kind, dte.expiry.offset);
      if (e.expiry === null) why = `days to expiry cannot be computed: ${e.why}`;
      else {
        const d = daysBetween(now.time.day, e.expiry);
        if ((dte.min !== undefined && d < dte.min) || (dte.max !== undefined && d > dte.max))
          why = `days to expiry ${d} (to ${e.expiry}) is outside [${dte.min ?? 0}, ${dte.max ?? '∞'}]`;
      }
    }
    st.eligible = why === '';
    if (!st.eligible) {
      emit(ctx, 'NOT_ELIGIBLE', `${sp.dsl.name} does not trade on ${now.time.day}: ${why}`, {
        strategyId: st.strategyId,
        data: { snapshotTs: snap.ts },
      });
      endDay(st, why);
      return;
    }
  }
  if (now.time.minute < sp.entryMinute) return;
  lateEntry(ctx, now);
  if (ctx.state.tradingState !== 'ACTIVE') {
    note(
      ctx,
      st,
      'trading',
      'ENTRY_BLOCKED',
      `no new entries: trading state is ${ctx.state.tradingState} (${ctx.state.tradingStateReason ?? ''}); exits only`,
    );
    return;
  }
  if (sp.stopMonitoringAfter !== null && now.time.minute >= sp.stopMonitoringAfter) return;
  const options = snap.expiries.reduce((a, e) => a + e.options.length, 0);
  if (options === 0) {
    note(
      ctx,
      st,
      'chain',
      'STALE_CHAIN',
      `no new entries: the ${snap.underlying} chain at ${snap.ts} is empty`,
    );
    return;
  }
  delete st.notes.chain;
  // Filters, once at the first snapshot at or after entry time.
  if (st.filtered === null) {
    const g = sp.groups.filters;
    if (g) {
      const r = await evaluateGroup(ctx, now, g);
      const failed = g.evaluator.names.filter((n) => !r.fired.includes(n));
      st.filtered = failed.length > 0;
      if (st.filtered) {
        const facts = r.facts();
        emit(
          ctx,
          'FILTERED',
          `filters not met at ${snap.ts}: ${failed.join(', ')} did not fire (${describeFacts(facts)}); no trade today`,
          { strategyId: st.strategyId, data: facts },
        );
        endDay(st, 'filtered');
        return;
      }
      const facts = r.facts();
      emit(ctx, 'CONDITION', `filters met at ${snap.ts} (${describeFacts(facts)})`, {
        strategyId: st.strategyId,
        data: facts,
      });
    } else st.filtered = false;
  }
  if (!st.gateOpen) {
    const g = sp.groups.entry;
    if (g) {
      const r = await evaluateGroup(ctx, now, g);
      if (r.fired.length !== g.evaluator.names.length) {
        const waiting = g.evaluator.names.filter((n) => !r.fired.includes(n));
        const signature = `waiting:${waiting.join(',')}`;
        if (st.notes.gate !== signature) {
          const facts = r.facts();
          note(
            ctx,
            st,
            'gate',
            'ENTRY_WAIT',
            `entry conditions not met yet at ${snap.ts}: ${waiting.join(', ')} (${describeFacts(facts)})`,
            { data: facts, signature },
          );
        }
        return;
      }
      const facts = r.facts();
      emit(
        ctx,
        'CONDITION',
        `entry conditions met at ${snap.ts}: ${g.evaluator.names.join(', ')} (${describeFacts(facts)})`,
        { strategyId: st.strategyId, data: facts },
      );
    }
    st.gateOpen = true;
  }
  if (st.status !== 'WAITING' || st.pendingCycle) return;
  if (sp.dsl.rangeBreakout && !st.breakoutDone) return; // the breakout itself starts the cycle (rangeStep)
  if (st.cycles > 0 || st.triggered) return;
  if (sp.dsl.momentum) {
    if (!st.momentum) armOverallMomentum(ctx, now);
    return;
  }
  beginCycle(ctx, now, 'ENTRY');
}

// ---- the strategy's step ---------------------------------------------------------------

export async function strategyStep(ctx: Ctx, now: Now): Promise<void> {
  const { st, sp } = now;
  if (st.status === 'EXITED' && !st.legs.some(isLive)) return;

  // 1. exit time (a positional strategy's only on its exit day)
  if (
    now.time.minute >= sp.exitMinute &&
    (!sp.positional || (st.holding !== null && isExitDay(now)))
  ) {
    if (
      st.legs.some((l) => l.status === 'OPEN' || l.status === 'WAITING') ||
      st.momentum ||
      st.status !== 'EXITED'
    ) {
      const open = st.legs.filter((l) => l.status === 'OPEN');
      if (open.length)
        emit(
          ctx,
          'EXIT_TIME',
          `exit time ${sp.dsl.exit.time} reached at ${now.time.hhmm}: squaring off ${open.map((l) => l.legId).join(', ')}`,
          { strategyId: st.strategyId, data: { snapshotTs: now.chain?.ts ?? null } },
        );
      squareOffStrategy(ctx, now, 'EXIT_TIME', `exit time ${sp.dsl.exit.time}`);
      endDay(st, 'exit time');
    }
    return;
  }
  const monitoring = sp.stopMonitoringAfter === null || now.time.minute < sp.stopMonitoringAfter;
  if (!monitoring && !st.monitoringStopped) {
    st.monitoringStopped = true;
    emit(
      ctx,
      'MONITORING_STOPPED',
      `stopMonitoringAfter ${sp.dsl.stopMonitoringAfter}: no more stops, targets, waits or entries today; open legs stay until exit time ${sp.dsl.exit.time}`,
      { strategyId: st.strategyId },
    );
    cancelWaits(ctx, now, `monitoring stopped at ${sp.dsl.stopMonitoringAfter}`);
    if (st.status === 'WAITING') endDay(st, 'monitoring stopped');
    st.pendingCycle = null;
  }
  if (!now.snapshot) return; // clock ticks: time-based exits only
  if (sp.noReEntryAfter !== null && now.time.minute >= sp.noReEntryAfter) {
    const reentryWait = (l: LegState) => l.origin !== 'ENTRY';
    if (st.legs.some((l) => l.status === 'WAITING' && reentryWait(l)))
      cancelWaits(ctx, now, `noReEntryAfter ${sp.dsl.noReEntryAfter}`, reentryWait);
  }
  if (monitoring && st.status === 'ENTERED') {
    // 2. exit rules, overall stop-loss / lock / target
    const g = sp.groups.exit;
    if (g && st.legs.some((l) => l.status === 'OPEN')) {
      const r = await evaluateGroup(ctx, now, g);
      if (r.fired.length) {
        const facts = r.facts();
        emit(
          ctx,
          'EXIT_CONDITION',
          `exit condition ${r.fired[0]} fired at ${now.chain?.ts} (${describeFacts(facts)}): squaring off`,
          { strategyId: st.strategyId, data: facts },
        );
        squareOffStrategy(ctx, now, 'EXIT_CONDITION', `exit condition ${r.fired[0]}`);
        endDay(st, `exit condition ${r.fired[0]}`);
        return;
      }
    }
    if (strategyRisk(ctx, now)) return;
    // 3. legs
    legTriggers(ctx, now);
  }
  if (!monitoring) return;
  // 4. waits, breakout, momentum, entry
  if (ctx.state.tradingState === 'ACTIVE') evaluateWaits(ctx, now);
  if (st.doneReason) return;
  if (st.momentum && ctx.state.tradingState === 'ACTIVE') {
    overallMomentumCheck(ctx, now);
    return;
  }
  await entryOfTheDay(ctx, now);
  if (
    sp.dsl.rangeBreakout &&
    !st.breakoutDone &&
    !st.doneReason &&
    st.eligible &&
    ctx.state.tradingState === 'ACTIVE' &&
    now.time.minute >= sp.entryMinute
  )
    rangeStep(ctx, now);
}

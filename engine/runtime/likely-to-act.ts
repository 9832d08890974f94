/**
 * Whether a tick is likely to make a deployment act (place or cancel an order): a hint for the
 * order of work, never a decision. The live flow dry-runs first the deployments a tick is likely
 * to move, so that a minute's entries or a stop that is hit do not queue behind the dry runs of
 * hundreds of deployments that only mark to market (workers/deployments/evaluator.ts,
 * `aboutToTrade`). A wrong hint costs latency, never an order: every deployment is stepped in
 * full all the same, and only the step decides.
 *
 * What it reads: orders working; a new session; each strategy's scheduled minutes (its first
 * entry of the day, its exit); a cycle or a move it waits for (re-entries, momentum, lazy legs,
 * breakouts); and each open leg's stop and target, premium or underlying, reached or within NEAR
 * of the tick's price. What it leaves to the full dry run: exit rules and entry conditions,
 * overall stops and locks, basket limits and the delta hedge.
 */
import { contractPrice } from '../market/atm.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { localTime } from './clock.ts';
import { isLive } from './leg.ts';
import { deltaSign, sideSign } from './levels.ts';
import type { BasketPlan } from './plan.ts';
import type { LegState, RuntimeState } from './types.ts';

/**
 * How close to a level counts as within reach, as a fraction of the level: a premium moves a few
 * tenths of a percent in a second, so a leg 2 % from its stop is one of the few worth stepping
 * first, and the many far from theirs are not.
 */
export const NEAR = 0.02;

/** +1: the level triggers at or above it; -1: at or below it. */
const reached = (x: number | undefined, level: number | null, dir: 1 | -1): boolean =>
  x !== undefined && level !== null && dir * (x - level) >= -NEAR * Math.abs(level);

function legWithinReach(snapshot: ChainSnapshot, l: LegState): boolean {
  const s = sideSign(l.side);
  const d = deltaSign(l.side, l.right);
  if (l.stopSpotLevel !== null && reached(snapshot.spot, l.stopSpotLevel, (-d) as 1 | -1)) return true; // prettier-ignore
  if (l.targetSpotLevel !== null && reached(snapshot.spot, l.targetSpotLevel, d)) return true;
  if ((l.stopLevel === null && l.targetLevel === null) || l.expiry === null) return false;
  const p = contractPrice(snapshot, l.expiry, l);
  return reached(p, l.stopLevel, -s as 1 | -1) || reached(p, l.targetLevel, s as 1 | -1);
}

export function likelyToAct(
  plan: BasketPlan,
  state: RuntimeState,
  snapshot: ChainSnapshot,
): boolean {
  if (Object.keys(state.orders).length > 0) return true;
  for (const sp of plan.strategies) {
    if (sp.dsl.underlying !== snapshot.underlying) continue;
    const st = state.strategies[sp.id];
    if (!st) return true;
    const live = st.legs.some(isLive);
    if (st.status === 'EXITED' && !live) continue;
    const time = localTime(snapshot.ts, sp.instrument);
    if (st.day !== time.day) return true; // a new session: the day rolls over
    if (time.minute >= sp.exitMinute) return true; // exit time (or, positional, maybe its day)
    if (st.pendingCycle || st.momentum) return true;
    const firstEntryDue = st.status === 'WAITING' && st.cycles === 0 && !st.doneReason;
    if (firstEntryDue && time.minute >= sp.entryMinute) return true;
    for (const l of st.legs) {
      if (l.status === 'WAITING') return true;
      if (l.status === 'OPEN' && legWithinReach(snapshot, l)) return true;
    }
  }
  return false;
}

/**
 * The risk gate between `step` and any broker. It checks each intent against the deployment's
 * trading state and limits; a refusal is an ORDER_DENIED event (via applyRiskDecision), never an
 * exception, so the runtime's state stays consistent and the trader reads why.
 *
 * ACTIVE lets everything through; REDUCING (after a basket limit) only orders that close a
 * position; HALTED (after a kill) only the kill's own closing orders. Limits apply to orders
 * that open positions: refusing an exit for its size would leave the trader stuck in a position.
 */
import { applyRiskDecision } from './trading-state.ts';
import type { OrderIntent, RuntimeEvent, RuntimeState, StepResult, TradingState } from './types.ts';

export type RiskLimits = {
  /** Largest order that opens a position, in lots. */
  maxLotsPerOrder?: number;
  /** Most legs open (or being opened) at once, across every strategy of the deployment. */
  maxOpenLegs?: number;
};

function openLegCount(state: RuntimeState, checking: ReadonlySet<string>): number {
  let n = 0;
  for (const s of Object.values(state.strategies)) {
    for (const l of s.legs) {
      if (l.status === 'OPEN' || l.status === 'PENDING_EXIT') n++;
      // An entry ordered earlier and still unfilled (latency) will open a leg too.
      else if (
        l.status === 'PENDING_ENTRY' &&
        l.pendingIntentId !== null &&
        !checking.has(l.pendingIntentId)
      )
        n++;
    }
  }
  return n;
}

function denialReason(
  intent: OrderIntent,
  tradingState: TradingState,
  openLegs: number,
  limits: RiskLimits,
): string | null {
  if (tradingState === 'HALTED' && !(intent.closing && intent.reason === 'KILL')) {
    return "trading is HALTED (kill switch): only the kill's own square-off orders go out";
  }
  if (tradingState === 'REDUCING' && !intent.closing) {
    return 'trading is REDUCING after a basket limit: only orders that close positions go out';
  }
  if (intent.closing) return null;
  if (limits.maxLotsPerOrder !== undefined && intent.lots > limits.maxLotsPerOrder) {
    return `${intent.lots} lots is above the limit of ${limits.maxLotsPerOrder} lots per order`;
  }
  if (limits.maxOpenLegs !== undefined && openLegs >= limits.maxOpenLegs) {
    return `${openLegs} legs are already open; the limit is ${limits.maxOpenLegs} open legs`;
  }
  return null;
}

/**
 * Runs one step's intents through the gate. Basket limits move the deployment to REDUCING
 * and a kill to HALTED before the intents are checked, so the same step's new entries are
 * already refused. Returns the state with denials applied, the intents that may go to the
 * broker, and the step's events followed by the gate's own.
 */
export function riskGate(result: StepResult, limits: RiskLimits = {}): StepResult {
  let state = result.state;
  const events: RuntimeEvent[] = [...result.events];
  const ts = result.intents[0]?.ts ?? result.events[result.events.length - 1]?.ts;

  const kill = result.events.find((e) => e.type === 'KILL');
  const limit = result.events.find((e) => e.type === 'BASKET_LIMIT');
  if (kill && state.tradingState !== 'HALTED') {
    const d = applyRiskDecision(state, {
      kind: 'trading-state',
      tradingState: 'HALTED',
      ts: kill.ts,
      reason: kill.message,
    });
    state = d.state;
    events.push(...d.events);
  } else if (limit && state.tradingState === 'ACTIVE') {
    const d = applyRiskDecision(state, {
      kind: 'trading-state',
      tradingState: 'REDUCING',
      ts: limit.ts,
      reason: limit.message,
    });
    state = d.state;
    events.push(...d.events);
  }
  if (result.intents.length === 0 || ts === undefined) return { state, intents: [], events };

  // Legs being opened by this step's earlier intents count toward the open-leg limit.
  let openLegs = openLegCount(state, new Set(result.intents.map((i) => i.id)));
  const allowed: OrderIntent[] = [];
  for (const intent of result.intents) {
    const reason = denialReason(intent, state.tradingState, openLegs, limits);
    if (reason === null) {
      allowed.push(intent);
      if (!intent.closing) openLegs++;
      continue;
    }
    const d = applyRiskDecision(state, {
      kind: 'deny',
      intentId: intent.id,
      ts: intent.ts,
      reason,
    });
    state = d.state;
    events.push(...d.events);
  }
  return { state, intents: allowed, events };
}

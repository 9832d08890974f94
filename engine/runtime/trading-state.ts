/** The risk gate's hook into runtime state: denials and ACTIVE/REDUCING/HALTED moves, applied purely. */
import type { LegState, RiskDecision, RuntimeEvent, RuntimeState } from './types.ts';

export function applyRiskDecision(
  state: RuntimeState,
  decision: RiskDecision,
): { state: RuntimeState; events: RuntimeEvent[] } {
  if (decision.kind === 'trading-state') {
    if (state.tradingState === decision.tradingState) return { state, events: [] };
    const next: RuntimeState = {
      ...state,
      tradingState: decision.tradingState,
      tradingStateReason: decision.reason,
      tradingStateCause: decision.tradingState === 'ACTIVE' ? null : 'RISK_GATE',
    };
    // A restart after the drawdown limit measures drawdown afresh from the equity of that moment.
    if (decision.tradingState === 'ACTIVE' && state.tradingStateCause === 'DRAWDOWN')
      next.basket = { ...state.basket, equityPeak: 0 };
    return {
      state: next,
      events: [
        {
          ts: decision.ts,
          type: 'TRADING_STATE',
          message: `Trading state ${state.tradingState} -> ${decision.tradingState}: ${decision.reason}`,
          data: { from: state.tradingState, to: decision.tradingState, reason: decision.reason },
        },
      ],
    };
  }
  const intent = state.pending[decision.intentId];
  if (!intent) {
    throw new Error(
      `applyRiskDecision: intent ${decision.intentId} is not pending in deployment ${state.deploymentId}; deny only intents the last step returned and no fill has answered yet`,
    );
  }
  const pending = { ...state.pending };
  delete pending[decision.intentId];
  const strategy = state.strategies[intent.strategyId];
  const legs = strategy.legs.map((leg): LegState => {
    if (leg.pendingIntentId !== decision.intentId) return leg;
    // A denied entry never opened: the leg is done for now. A denied exit leaves the leg open,
    // so the next snapshot re-evaluates its exit and orders again.
    if (leg.status === 'PENDING_ENTRY')
      return { ...leg, status: 'CANCELLED', pendingIntentId: null };
    return { ...leg, status: 'OPEN', pendingIntentId: null, exitReason: null };
  });
  return {
    state: {
      ...state,
      pending,
      strategies: { ...state.strategies, [strategy.strategyId]: { ...strategy, legs } },
    },
    events: [
      {
        ts: decision.ts,
        type: 'ORDER_DENIED',
        strategyId: intent.strategyId,
        legId: intent.legId,
        message: `Order ${intent.id} (${intent.side} ${intent.qty} ${intent.underlying} ${intent.strike} ${intent.right}, ${intent.reason}) denied: ${decision.reason}`,
        data: { intentId: intent.id, reason: decision.reason, closing: intent.closing },
      },
    ],
  };
}

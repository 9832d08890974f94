/**
 * The golden-scenario harness: drives a basket through the session driver (step, its risk gate,
 * the paper broker) one input at a time, as the backtester and a paper deployment do, and keeps
 * every order, fill and event for the assertions. Any broker can answer (the default is the
 * paper broker with no slippage and no costs, so expected P&L is plain arithmetic).
 */
import type { Broker } from '../broker/broker.ts';
import { noCosts } from '../broker/costs/cost-model.ts';
import type { PaperSettings } from '../broker/paper/paper-broker.ts';
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import type { Basket } from '../dsl/basket.ts';
import { getInstrument } from '../market/instruments.ts';
import { Session } from '../session/driver.ts';
import type { RiskLimits } from './risk.ts';
import { createRuntime } from './runtime.ts';
import type {
  CancelRequest,
  Fill,
  OrderRequest,
  RuntimeEvent,
  RuntimeInput,
  RuntimeSettings,
  RuntimeState,
} from './types.ts';

export type ScenarioResult = {
  state: RuntimeState;
  /** Orders sent to the broker, in order. */
  intents: OrderRequest[];
  cancels: CancelRequest[];
  fills: (Fill & { intent: OrderRequest })[];
  events: RuntimeEvent[];
};

export type ScenarioOptions = {
  deploymentId?: string;
  settings?: RuntimeSettings;
  risk?: RiskLimits;
  fillModel?: Partial<PaperSettings>;
  /** Another broker than the paper one (a scripted venue in a test). */
  broker?: Broker;
  /** End the data with the sessions' end (the backtester does; default false). */
  finish?: boolean;
};

export async function runScenario(
  basket: Basket,
  inputs: RuntimeInput[],
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const runtime = createRuntime(basket, {
    deploymentId: options.deploymentId ?? 'dep',
    settings: options.settings,
    risk: options.risk,
  });
  const broker =
    options.broker ??
    new PaperBroker({
      slippage: { kind: 'none' },
      latency: 'none',
      costModel: noCosts,
      tickSize: (u) => getInstrument(u).tickSize,
      ...options.fillModel,
    });
  const out: ScenarioResult = { state: runtime.initialState(), intents: [], cancels: [], fills: [], events: [] }; // prettier-ignore
  const sent = new Map<string, OrderRequest>();
  const session = new Session({
    runtime,
    broker,
    onStep: (input, r) => {
      for (const o of r.intents) {
        sent.set(o.id, o);
        out.intents.push(o);
      }
      out.cancels.push(...r.cancels);
      out.events.push(...r.events);
      if (input.kind === 'report' && input.report.kind === 'fill') {
        const f = input.report;
        const intent = sent.get(f.orderId);
        if (intent && r.events.some((e) => e.type === 'FILL' && e.data?.executionId === f.executionId)) // prettier-ignore
          out.fills.push({ orderId: f.orderId, intentId: intent.intentId, executionId: f.executionId, ts: f.ts, price: f.price, qty: f.qty, costs: f.costs, intent }); // prettier-ignore
      }
    },
  });
  for (const input of inputs) await session.feed(input);
  if (options.finish) await session.finish();
  out.state = session.state;
  return out;
}

/**
 * Drives a basket through step() with the paper broker answering its intents, one input at a
 * time, the way the backtester and a paper deployment do: the scenario runner of the golden tests
 * and the runtime bench. Broker rejections go back through applyRiskDecision.
 */
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import type { FillModelSettings } from '../broker/paper/fill-model.ts';
import { noCosts } from '../broker/costs/cost-model.ts';
import type { Basket } from '../dsl/basket.ts';
import { getInstrument } from '../market/instruments.ts';
import { createRuntime } from './runtime.ts';
import { applyRiskDecision } from './trading-state.ts';
import type {
  Fill,
  OrderIntent,
  RuntimeEvent,
  RuntimeInput,
  RuntimeSettings,
  RuntimeState,
} from './types.ts';

export type ScenarioResult = {
  state: RuntimeState;
  intents: OrderIntent[];
  fills: (Fill & { intent: OrderIntent })[];
  events: RuntimeEvent[];
};

export type ScenarioOptions = {
  deploymentId?: string;
  settings?: RuntimeSettings;
  fillModel?: Partial<FillModelSettings>;
};

export async function runScenario(
  basket: Basket,
  inputs: RuntimeInput[],
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const runtime = createRuntime(basket, {
    deploymentId: options.deploymentId ?? 'dep',
    settings: options.settings,
  });
  const broker = new PaperBroker({
    slippage: { kind: 'none' },
    latency: 'none',
    costModel: noCosts,
    tickSize: (u) => getInstrument(u).tickSize,
    ...options.fillModel,
  });
  let state = runtime.initialState();
  const out: ScenarioResult = { state, intents: [], fills: [], events: [] };
  const intentsById = new Map<string, OrderIntent>();

  const apply = async (input: RuntimeInput) => {
    const r = await runtime.step(state, input);
    state = r.state;
    out.events.push(...r.events);
    for (const i of r.intents) {
      out.intents.push(i);
      intentsById.set(i.id, i);
    }
    return r.intents;
  };
  const answer = async (reports: Awaited<ReturnType<PaperBroker['poll']>>) => {
    for (const rep of reports) {
      if (rep.kind === 'fill') {
        out.fills.push({ ...rep.fill, intent: intentsById.get(rep.fill.intentId) as OrderIntent });
        await submit(await apply({ kind: 'fill', fill: rep.fill }));
      } else {
        const d = applyRiskDecision(state, {
          kind: 'deny',
          intentId: rep.intentId,
          ts: rep.ts,
          reason: rep.reason,
        });
        state = d.state;
        out.events.push(...d.events);
      }
    }
  };
  const submit = async (intents: OrderIntent[]) => {
    for (const i of intents) await answer(await broker.submit(i));
  };

  for (const input of inputs) {
    if (input.kind === 'snapshot') {
      await broker.onSnapshot(input.snapshot);
      await answer(await broker.poll());
    }
    await submit(await apply(input));
  }
  out.state = state;
  return out;
}

import { describe, expect, it } from 'vitest';
import example from '../dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { parseDsl } from '../dsl/index.ts';
import { simulateSession } from '../market/simulator.ts';
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import { noCosts } from '../broker/costs/cost-model.ts';
import { getInstrument } from '../market/instruments.ts';
import { Session } from '../session/driver.ts';
import { at, basket, leg, snap, strategy } from './golden-fixtures.ts';
import { likelyToAct, NEAR } from './likely-to-act.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';
import type { Basket } from '../dsl/basket.ts';
import type { RuntimeState } from './types.ts';

const sl = (type: string, value: number) => ({ typeVersion: 1, type, value });
const q = (ce: number, pe = 100) => ({ '24300CE': ce, '24300PE': pe, '24250CE': 140, '24350PE': 130 }); // prettier-ignore
const straddle = (over: Record<string, unknown> = {}) =>
  basket([
    strategy({
      legs: [
        leg('CE', { stopLoss: sl('pct', 30), ...over }),
        leg('PE', { instrument: 'option', right: 'PE', stopLoss: sl('pct', 30), ...over }),
      ],
    }),
  ]);
const likely = async (b: Basket, before: ReturnType<typeof snap>[], next: ReturnType<typeof snap>) => {
  const { state } = await runScenario(b, before.map(at));
  return likelyToAct(createRuntime(b, { deploymentId: 'dep' }).plan, state, next);
}; // prettier-ignore

describe('likelyToAct: a hint of which deployments a tick moves', () => {
  it('the first entry is likely from its minute on, not before', async () => {
    const b = straddle();
    expect(await likely(b, [snap('09:15', 24300, q(100))], snap('09:19', 24300, q(100)))).toBe(false); // prettier-ignore
    expect(await likely(b, [snap('09:15', 24300, q(100))], snap('09:20', 24300, q(100)))).toBe(true); // prettier-ignore
  });

  it('an open leg is likely within NEAR of its stop or past it, not when far from it', async () => {
    const b = straddle(); // sold at 100, stop 130
    const entered = [snap('09:20', 24300, q(100))];
    expect(await likely(b, entered, snap('09:21', 24300, q(120, 90)))).toBe(false);
    expect(await likely(b, entered, snap('09:21', 24300, q(130 * (1 - NEAR) + 0.05, 90)))).toBe(true); // prettier-ignore
    expect(await likely(b, entered, snap('09:21', 24300, q(131, 90)))).toBe(true);
    // A target below a short leg's entry: reached going down.
    const t = straddle({ target: sl('pct', 40) }); // target 60
    expect(await likely(t, entered, snap('09:21', 24300, q(80, 90)))).toBe(false);
    expect(await likely(t, entered, snap('09:21', 24300, q(60.5, 90)))).toBe(true);
  });

  it('a leg waiting to re-enter, exit time and a new session are likely', async () => {
    const b = straddle({ reEntryOnStopLoss: { typeVersion: 1, type: 'cost', count: 2 } });
    const stopped = [snap('09:20', 24300, q(100)), snap('09:21', 24300, q(131, 90))];
    expect(await likely(b, stopped, snap('09:22', 24300, q(125, 90)))).toBe(true);
    const entered = [snap('09:20', 24300, q(100))];
    expect(await likely(b, entered, snap('15:15', 24300, q(100, 90)))).toBe(true);
    expect(await likely(b, entered, snap('09:16', 24300, q(100, 90), { day: '2026-11-23' }))).toBe(true); // prettier-ignore
  });

  it('over a simulated day, every tick that made the deployment order was hinted, and most ticks were not', async () => {
    const parsed = parseDsl(example);
    if (!parsed.ok) throw new Error('the example no longer parses');
    // Tight stops re-entering at cost: a day with stops, waits and re-entries, not only an entry.
    const doc = structuredClone(parsed.value.basket);
    for (const l of doc.strategies[0].legs) {
      l.stopLoss = { typeVersion: 1, type: 'pct', value: 6 };
      l.reEntryOnStopLoss = { typeVersion: 1, type: 'cost', count: 3 };
    }
    const runtime = createRuntime(doc, { deploymentId: 'day' });
    const broker = new PaperBroker({ slippage: { kind: 'none' }, latency: 'none', costModel: noCosts, tickSize: (u) => getInstrument(u).tickSize }); // prettier-ignore
    let before: RuntimeState = runtime.initialState();
    let ticks = 0;
    let hinted = 0;
    const acted: { ts: string; hinted: boolean }[] = [];
    const session = new Session({
      runtime,
      broker,
      onStep: (input, r) => {
        if (input.kind === 'snapshot') {
          const hint = likelyToAct(runtime.plan, before, input.snapshot);
          ticks++;
          if (hint) hinted++;
          if (r.intents.length || r.cancels.length) acted.push({ ts: input.snapshot.ts, hinted: hint }); // prettier-ignore
        }
        before = r.state;
      },
    });
    for (const s of simulateSession({
      underlying: 'NIFTY',
      seed: 4,
      date: '2026-08-18',
      intervalSeconds: 60,
      strikesEachSide: 10,
    }))
      // prettier-ignore
      await session.feed(at(s));
    // The entry, at least one stop and its re-entry, and the exit.
    expect(acted.length).toBeGreaterThanOrEqual(4);
    expect(acted.filter((a) => !a.hinted)).toEqual([]);
    expect(hinted / ticks).toBeLessThan(0.5);
  });
});

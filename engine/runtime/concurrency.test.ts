import { describe, expect, it } from 'vitest';
import { at, basket, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { NO_MARKET } from '../session/market-memory.ts';

// A worker may step many deployments of one basket at once through one runtime (one Engine per
// rule group). json-rules-engine issue #303 (concurrent run() with several priority levels skips
// rules) is avoided by giving every rule and condition one priority level (plan.ts, reference.ts);
// this checks the observable promise: concurrent steps decide exactly as sequential ones.
describe('concurrent steps through one runtime with the json-rules-engine evaluator', () => {
  it('decide exactly as sequential steps, with rule priorities 1..3 in the DSL', async () => {
    const rules = [1, 2, 3].map((priority, i) => ({
      name: `r${i}`,
      priority,
      conditions: {
        all: [
          { fact: 'spot', operator: 'greaterThan', value: 24200 + 10 * i, priority },
          {
            any: [
              { fact: 'vix', operator: 'lessThan', value: 20 },
              { fact: 'timeOfDay', operator: 'greaterThan', value: '09:00' },
            ],
            priority: 3 - i,
          },
        ],
      },
      event: { type: `e${i}` },
    }));
    const b = basket([strategy({ conditions: { typeVersion: 1, entry: rules } })]);
    const rt = createRuntime(b, {
      deploymentId: 'c',
      settings: { evaluator: 'json-rules-engine' },
    });
    const q = { '24300CE': 100, '24300PE': 100 };
    const spots = Array.from({ length: 40 }, (_, i) => 24180 + i * 2);
    const inputs = spots.map((spot, i) => at(snap('09:30', spot, q, { vix: 15 + (i % 10) })));
    const sequential = [];
    for (const input of inputs) sequential.push(await rt.step(rt.initialState(), input, NO_MARKET));
    const concurrent = await Promise.all(
      inputs.map((input) => rt.step(rt.initialState(), input, NO_MARKET)),
    );
    expect(JSON.stringify(concurrent)).toBe(JSON.stringify(sequential));
    // Both outcomes happen: the gate stays shut at low spots and opens above 24220.
    const entered = sequential.map((r) => r.intents.length > 0);
    expect(entered.filter(Boolean).length).toBeGreaterThan(5);
    expect(entered.filter((x) => !x).length).toBeGreaterThan(5);
  });
});

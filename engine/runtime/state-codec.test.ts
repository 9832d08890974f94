import { describe, expect, it } from 'vitest';
import { Stepper } from '@/tests/support/stepper';
import { basket, DAY, leg, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { decodeState, encodeState } from './state-codec.ts';

describe('stored state', () => {
  it('decodes to exactly the state it encoded, at every step of a busy day, and is smaller', async () => {
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({
            legs: [
              leg('CE', {
                stopLoss: { typeVersion: 1, type: 'pct', value: 20 },
                trailingStop: { typeVersion: 1, every: 5, by: 5, unit: 'points' },
                reEntryOnStopLoss: { typeVersion: 1, type: 'cost', count: 2 },
              }),
              leg('PE', { kind: 'PE', hedge: true, side: 'BUY' }),
            ],
          }),
        ]),
        { deploymentId: '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b' },
      ),
    );
    const prices = [100, 90, 80, 104, 130, 100, 95, 125];
    let checked = 0;
    for (const [k, p] of prices.entries()) {
      const r = await st.at(snap(`09:${20 + k}`, 24300, { '24300CE': p, '24300PE': 60 }));
      for (const s of [r.state]) {
        const text = encodeState(s);
        expect(decodeState(text)).toEqual(s);
        expect(text.length).toBeLessThan(JSON.stringify(s).length);
        checked++;
      }
      for (const o of r.intents) {
        const f = await st.fill(o, o.legId === 'PE' ? 60 : p);
        expect(decodeState(encodeState(f.state))).toEqual(f.state);
        checked++;
      }
    }
    await st.step({ kind: 'command', command: 'KILL', ts: `${DAY}T10:00:00+05:30` });
    expect(decodeState(encodeState(st.state))).toEqual(st.state);
    expect(checked).toBeGreaterThan(prices.length + 4);
  });

  it("writes the deployment's own ids short and reads them back, sliced orders and states stored before included", async () => {
    const dep = '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b';
    const st = new Stepper(
      createRuntime(basket([strategy({ legs: [leg('CE', { lots: 40 })] })]), { deploymentId: dep }),
    );
    const r = await st.at(snap('09:20', 24300, { '24300CE': 100, '24300PE': 100 }));
    // 40 lots of 65 is above NIFTY's freeze limit: the entry goes out in slices.
    expect(r.intents.length).toBeGreaterThan(1);
    expect(r.intents[1].id).toMatch(new RegExp(`^${dep}:1/2$`));
    const text = encodeState(st.state);
    expect(text).not.toContain(`${dep}:`);
    expect(decodeState(text)).toEqual(st.state);
    await st.fill(r.intents[0], 100);
    expect(decodeState(encodeState(st.state))).toEqual(st.state);

    // The earlier form: full ids as keys, in the intent and in the leg.
    const before = JSON.parse(encodeState(st.state));
    const full = (x: string) => (x.startsWith(':') ? `${dep}${x}` : x);
    before.orders = Object.fromEntries(
      Object.entries(before.orders as Record<string, Record<string, Record<string, unknown>>>).map(
        ([k, o]) => [full(k), { ...o, intent: { id: full(k), ...o.intent } }],
      ),
    );
    for (const l of before.strategies.s1.legs)
      if (l.pendingIntentId) l.pendingIntentId = full(l.pendingIntentId);
    expect(decodeState(JSON.stringify(before))).toEqual(st.state);
  });
});

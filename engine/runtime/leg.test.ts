import { describe, expect, it } from 'vitest';
import { FUTURE_TERMS } from '@/engine/market/snapshot';
import { blankInstance, FRESH_INSTANCE } from './leg.ts';
import { decodeState, encodeState } from './state-codec.ts';
import { Stepper } from '@/tests/support/stepper';
import { basket, leg, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';

const option = {
  instanceId: 'CE#1',
  legId: 'CE',
  cycle: 1,
  hedge: false,
  status: 'WAITING' as const,
  origin: 'ENTRY' as const,
  side: 'SELL' as const,
  instrument: 'option' as const,
  right: 'CE' as const,
  expiry: '2026-11-24',
  strike: 24300,
  lots: 1,
  qty: 65,
};

describe('a leg instance', () => {
  it('starts as its identity with every blank field, whatever order the identity came in', () => {
    // The literal in legFrom must name every field: a field added to FRESH_INSTANCE and not
    // there would be missing from new legs (and undefined, not its default).
    expect(blankInstance(option)).toStrictEqual({ ...option, ...FRESH_INSTANCE });
    const hedge = { ...option, instanceId: 'HEDGE#2', hedge: true, origin: 'HEDGE' as const, ...FUTURE_TERMS, lots: 0, qty: 0 }; // prettier-ignore
    expect(blankInstance(hedge)).toStrictEqual({ ...hedge, ...FRESH_INSTANCE });
  });

  it('has one order of fields however it was made: new, copied or read back from storage', async () => {
    const fields = Object.keys(blankInstance(option));
    const st = new Stepper(
      createRuntime(basket([strategy({ legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 20 } })] })]), { deploymentId: '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b' }), // prettier-ignore
    );
    const r = await st.at(snap('09:20', 24300, { '24300CE': 100, '24300PE': 60 }));
    await st.fill(r.intents[0], 100);
    const stepped = Object.values(st.state.strategies)[0].legs[0];
    const read = Object.values(decodeState(encodeState(st.state)).strategies)[0].legs[0];
    expect(Object.keys(stepped)).toEqual(fields);
    expect(Object.keys(read)).toEqual(fields);
    expect(read).toStrictEqual(stepped);
  });
});

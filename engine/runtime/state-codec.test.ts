import { describe, expect, it } from 'vitest';
import { Stepper } from '@/tests/support/stepper';
import { basket, DAY, leg, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import {
  decodeState,
  decodeStateApart,
  encodeState,
  encodeStateApart,
  type ApartLegs,
  type KeptLegs,
} from './state-codec.ts';
import type { RuntimeState } from './types.ts';

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
              leg('PE', { instrument: 'option', right: 'PE', hedge: true, side: 'BUY' }),
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

  it('stores closed legs apart once, and reads the state back exactly with them', async () => {
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({
            legs: [
              leg('CE', {
                stopLoss: { typeVersion: 1, type: 'pct', value: 10 },
                target: { typeVersion: 1, type: 'pct', value: 10 },
                reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 20 },
                reEntryOnTarget: { typeVersion: 1, type: 'asap', count: 20 },
              }),
              leg('PE', { instrument: 'option', right: 'PE', hedge: true, side: 'BUY' }),
            ],
          }),
        ]),
        { deploymentId: '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b' },
      ),
    );
    const apart: ApartLegs = {};
    let kept: KeptLegs | undefined;
    const written: string[] = [];
    const store = (s: RuntimeState) => {
      const out = encodeStateApart(s, kept);
      for (const r of out.rows) {
        (apart[r.strategyId] ??= {})[r.position] = r.leg;
        written.push(`${r.strategyId}/${r.position}`);
      }
      const back = decodeStateApart(out.text, apart);
      expect(back.state).toEqual(s);
      kept = back.kept;
      return out;
    };
    let last = { text: '', rows: [] as unknown[] };
    for (let k = 0; k < 24; k++) {
      const p = k % 2 ? 100 : 120; // every other minute a 20 % move: a stop or a target, then a re-entry
      const r = await st.at(snap(`09:${20 + k}`, 24300, { '24300CE': p, '24300PE': 60 }));
      store(r.state);
      // Re-entries are decided on the exit's fill: they are filled too, at the same price.
      for (const queue = [...r.intents]; queue.length;) {
        const o = queue.shift()!;
        const f = await st.fill(o, o.legId === 'PE' ? 60 : p);
        last = store(f.state);
        queue.push(...f.intents);
      }
    }
    const legs = st.state.strategies.s1.legs;
    const closed = legs.filter((l) => l.status === 'CLOSED').length;
    expect(closed).toBeGreaterThan(8);
    // Each closed leg was written once, when it closed; the state names it by position.
    expect(written.length).toBe(new Set(written).size);
    expect(written.length).toBe(closed);
    // Stored again unchanged, nothing more is written; and the state is the open position's size.
    expect(encodeStateApart(st.state, kept).rows).toEqual([]);
    expect(last.text.length).toBeLessThan(encodeState(st.state).length / 3);
    // A state written before legs were stored apart still reads, and its closed legs go apart on the next write.
    const whole = encodeState(st.state);
    expect(decodeState(whole)).toEqual(st.state);
    expect(encodeStateApart(decodeStateApart(whole).state, decodeStateApart(whole).kept).rows).toHaveLength(closed); // prettier-ignore
  });

  it('rewrites a position whose closed leg is not the one stored there (a new day), and names a missing one', async () => {
    const st = new Stepper(
      createRuntime(
        basket([strategy({ legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 10 } })] })]), // prettier-ignore
        { deploymentId: '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b' },
      ),
    );
    const r = await st.at(snap('09:20', 24300, { '24300CE': 100 }));
    await st.fill(r.intents[0], 100);
    const stop = await st.at(snap('09:21', 24300, { '24300CE': 120 }));
    const done = (await st.fill(stop.intents[0], 120)).state;
    const first = encodeStateApart(done, undefined);
    expect(first.rows.map((x) => x.position)).toEqual([0]);
    // The store holds another leg at that position: it is written again, with this one.
    const other = { ...done.strategies.s1.legs[0], exitPrice: 99 };
    expect(encodeStateApart(done, { s1: [other] }).rows).toEqual(first.rows);
    expect(() => decodeState(first.text, {})).toThrow(/names closed leg 0 of strategy s1.*deployment_closed_legs/); // prettier-ignore
  });

  it('reads a state stored before ids were kept short, exactly as the state it was', async () => {
    // Written by the codec of November 2026: full intent ids, the intent's time, lots and contract.
    const stored = OLD_FORMAT;
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({
            legs: [
              leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 20 } }),
              leg('PE', { instrument: 'option', right: 'PE', hedge: true, side: 'BUY' }),
            ],
          }),
        ]),
        { deploymentId: '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b' },
      ),
    );
    const r = await st.at(snap('09:20', 24300, { '24300CE': 100, '24300PE': 60 }));
    await st.fill(r.intents[0], 60);
    expect(decodeState(stored)).toEqual(st.state);
    const now = encodeState(st.state);
    expect(decodeState(now)).toEqual(st.state);
    // The intent's id, time, lots and contract, and the deployment id in every id, are not repeated.
    expect(now.length).toBeLessThan(stored.length - 150);
  });
});

const OLD_FORMAT =
  '{"version":2,"deploymentId":"3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b","seq":2,"lastTs":"2026-11-20T09:20:00+05:30","lastSnapshotTs":{"NIFTY":"2026-11-20T09:20:00+05:30"},"lastSpot":{"NIFTY":24300},"basket":{"day":"2026-11-20","grossBeforeToday":0,"costsBeforeToday":0,"equityPeak":1000000},"strategies":{"s1":{"strategyId":"s1","status":"ENTERED","day":"2026-11-20","eligible":true,"filtered":false,"gateOpen":true,"triggered":true,"nextInstance":2,"strategyReentries":{"stopLoss":0,"target":0},"cycles":1,"cyclePremium":3900,"dayOpenSpot":24300,"notes":{"sessionStart":"2026-11-20T09:20:00+05:30","entryChecked":"09:20"},"legs":[{"instanceId":"CE#1","legId":"CE","cycle":1,"status":"PENDING_ENTRY","side":"SELL","right":"CE","expiry":"2026-11-24","strike":24300,"lots":1,"qty":65,"lastPrice":100,"lastPriceTs":"2026-11-20T09:20:00+05:30","pendingIntentId":"3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b:2"},{"instanceId":"PE#2","legId":"PE","cycle":1,"hedge":true,"status":"OPEN","side":"BUY","right":"PE","expiry":"2026-11-24","strike":24300,"lots":1,"qty":65,"held":65,"entryPrice":60,"entrySpot":24300,"entryTs":"2026-11-20T09:20:00+05:30","lastPrice":60,"lastPriceTs":"2026-11-20T09:20:00+05:30","bestPrice":60,"bestSpot":24300}]}},"orders":{"3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b:2":{"intent":{"id":"3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b:2","ts":"2026-11-20T09:20:00+05:30","strategyId":"s1","legId":"CE","underlying":"NIFTY","expiry":"2026-11-24","strike":24300,"right":"CE","side":"SELL","qty":65,"lots":1,"lotSize":65,"price":100,"reason":"ENTRY"},"slices":[{}]}}}';

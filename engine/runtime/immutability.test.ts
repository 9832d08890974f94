import { describe, expect, it } from 'vitest';
import { at, basket, DAY, leg, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { MarketMemory } from '../session/market-memory.ts';
import { sessionDayOf } from '../session/driver.ts';
import { deepFreeze, fillOf, Stepper } from '@/tests/support/stepper';
import { runBacktest } from '../backtest/backtest.ts';
import { backtestSettingsFor } from '../backtest/settings.ts';
import type { RuntimeInput, RuntimeState } from './types.ts';

describe('step never changes the state it was given', () => {
  it('every input state is unchanged after its step, through entries, stops, re-entries, waits, ranges and limits', async () => {
    const b = basket(
      [
        strategy({
          id: 'a',
          stopLoss: { typeVersion: 1, type: 'mtm', value: 3000 },
          reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 1 },
          lockAndTrail: {
            typeVersion: 1,
            reachProfit: 500,
            lockProfit: 100,
            everyIncrease: 100,
            trailBy: 50,
          },
          conditions: {
            typeVersion: 1,
            entry: [
              {
                conditions: { all: [{ fact: 'spot', operator: 'crossesAbove', value: 24290 }] },
                event: { type: 'x' },
              },
            ],
          },
          legs: [
            leg('CE', {
              stopLoss: { typeVersion: 1, type: 'pct', value: 10 },
              trailingStop: { typeVersion: 1, unit: 'points', every: 5, by: 2 },
              reEntryOnStopLoss: { typeVersion: 1, type: 'cost', count: 3 },
            }),
            leg('PE', {
              instrument: 'option',
              right: 'PE',
              momentum: { typeVersion: 1, type: 'points', direction: 'up', value: 2 },
            }),
          ],
        }),
        strategy({
          id: 'r',
          rangeBreakout: {
            typeVersion: 1,
            start: '09:20',
            end: '09:25',
            side: 'high',
            on: 'strike',
          },
          legs: [leg('CE')],
        }),
      ],
      {
        maxDailyLoss: { type: 'amount', value: 20000 },
        execution: { typeVersion: 1, trigger: 'candleClose', candleMinutes: 1 },
      },
    );
    const rt = createRuntime(b, { deploymentId: 'i' });
    const prices = [100, 96, 103, 112, 99, 95, 118, 90, 100, 130, 85];
    const inputs: RuntimeInput[] = prices.map((p, k) =>
      at(
        snap(`09:${String(20 + k).padStart(2, '0')}`, 24280 + 3 * k, {
          '24300CE': p,
          '24300PE': 200 - p,
          '24350CE': p - 20,
        }),
      ),
    );
    inputs.push(
      { kind: 'command', command: 'SQUARE_OFF', ts: `${DAY}T09:40:00+05:30`, strategyId: 'r' },
      { kind: 'clock', ts: `${DAY}T15:20:00+05:30` },
    );
    const market = new MarketMemory(sessionDayOf);
    let s: RuntimeState = rt.initialState();
    let steps = 0;
    const check = async (input: RuntimeInput) => {
      if (input.kind === 'snapshot') market.observe(input.snapshot);
      const before = JSON.stringify(s);
      // Frozen: a write to anything the input state holds throws here instead of passing unseen.
      const r = await rt.step(deepFreeze(s), input, market);
      expect(JSON.stringify(s)).toBe(before);
      steps++;
      s = r.state;
      return r.intents;
    };
    for (const input of inputs) {
      const price = input.kind === 'snapshot' ? input.snapshot.expiries[0].options : [];
      for (const i of await check(input)) {
        const q = price.find((o) => o.strike === i.strike && o.right === i.right);
        const more = await check({ kind: 'report', report: { ...fillOf(i, q?.ltp ?? 100), costs: 1 } }); // prettier-ignore
        for (const j of more)
          await check({ kind: 'report', report: { ...fillOf(j, 100), costs: 1 } });
      }
    }
    expect(steps).toBeGreaterThan(inputs.length + 4);
  });

  it('a fill of one strategy copies that strategy and its order only; the rest of the basket is shared', async () => {
    const b = basket(['a', 'b', 'c'].map((id) => strategy({ id, legs: [leg('CE')] })));
    const st = new Stepper(createRuntime(b, { deploymentId: 'share' }));
    const entry = await st.at(snap('09:20', 24300, { '24300CE': 100, '24300PE': 100 }));
    expect(entry.intents.map((i) => i.strategyId)).toEqual(['a', 'b', 'c']);
    const before = st.state;
    const [toA, toB, toC] = entry.intents;
    await st.fill(toA, 100);
    const after = st.state;
    expect(after.strategies.a.legs[0].status).toBe('OPEN');
    expect(after.strategies.a).not.toBe(before.strategies.a);
    expect(after.strategies.b).toBe(before.strategies.b);
    expect(after.strategies.c).toBe(before.strategies.c);
    expect(after.orders[toA.intentId]).toBeUndefined();
    expect(after.orders[toB.intentId]).toBe(before.orders[toB.intentId]);
    expect(after.orders[toC.intentId]).toBe(before.orders[toC.intentId]);
    // The earlier state still tells the earlier story.
    expect(before.strategies.a.legs[0].status).toBe('PENDING_ENTRY');
  });

  it('a backtest whose every state is frozen after its step gives the same report as one that is not', async () => {
    const b = basket(
      ['a', 'b'].map((id, k) =>
        strategy({
          id,
          entry: { time: `09:2${k}` },
          legs: [
            leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 10 } }),
            leg('PE', { instrument: 'option', right: 'PE' }),
          ],
        }),
      ),
      { maxDailyLoss: { type: 'amount', value: 50_000 } },
    );
    const doc = { dslVersion: 1 as const, basket: b };
    const prices = [100, 104, 111, 96, 120, 90, 100];
    const snaps = prices.map((p, k) =>
      snap(`09:${String(20 + k).padStart(2, '0')}`, 24300 + k, {
        '24300CE': p,
        '24300PE': 200 - p,
      }),
    );
    const run = async (freeze: boolean) => {
      const runtime = createRuntime(b, { deploymentId: 'bt' });
      const frozen = freeze
        ? {
            ...runtime,
            step: async (...a: Parameters<typeof runtime.step>) => {
              const r = await runtime.step(deepFreeze(a[0]), a[1], a[2]);
              deepFreeze(r.state);
              return r;
            },
          }
        : runtime;
      return runBacktest(snaps, {
        strategy: 'x',
        runtime: frozen,
        settings: backtestSettingsFor(doc),
      });
    };
    const plain = await run(false);
    expect(plain.orders.length).toBeGreaterThan(4);
    expect(await run(true)).toEqual(plain);
  });
});

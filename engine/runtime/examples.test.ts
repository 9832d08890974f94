import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDsl } from '../dsl/parse.ts';
import { isTradingDay, nextTradingDay } from '../market/calendar.ts';
import { getInstrument } from '../market/instruments.ts';
import { simulateSession } from '../market/simulator.ts';
import { sideSign } from './levels.ts';
import { pnlOf } from './runtime.ts';
import { runScenario } from './scenario.ts';
import type { ChainSnapshot, RuntimeInput } from './types.ts';

const dir = path.resolve(import.meta.dirname, '../dsl/examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('every DSL example runs a simulated session through step and the paper broker', () => {
  it('has examples to run', () => expect(files.length).toBeGreaterThanOrEqual(10));

  for (const file of files) {
    it(file, async () => {
      const parsed = parseDsl(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
      const b = parsed.value.basket;
      const underlyings = [...new Set(b.strategies.map((s) => s.underlying))];
      const snapshots: ChainSnapshot[] = [];
      for (const u of underlyings) {
        const inst = getInstrument(u);
        const date = isTradingDay(inst, '2026-11-25')
          ? '2026-11-25'
          : nextTradingDay(inst, '2026-11-25');
        // Crypto trades around the clock: one 5-minute session keeps the test quick.
        for (const s of simulateSession({
          underlying: u,
          seed: 7,
          date,
          intervalSeconds: inst.calendar === 'CRYPTO' ? 300 : 60,
        }))
          snapshots.push(s);
      }
      snapshots.sort((a, c) => Date.parse(a.ts) - Date.parse(c.ts));
      const bySnapshot = new Map(snapshots.map((s) => [`${s.underlying}@${s.ts}`, s]));
      const inputs: RuntimeInput[] = snapshots.map((s) => ({ kind: 'snapshot', snapshot: s }));
      const r = await runScenario(b, inputs);

      // Orders only at contracts present in the snapshot they were decided on.
      for (const i of r.intents) {
        const s = bySnapshot.get(`${i.underlying}@${i.ts}`)!;
        const e = s.expiries.find((x) => x.expiry === i.expiry);
        expect(e, `${file}: ${i.id} expiry ${i.expiry}`).toBeTruthy();
        if (i.instrument === 'option')
          expect(
            e!.options.some((o) => o.strike === i.strike && o.right === i.right),
            `${file}: ${i.id} ${i.strike}${i.right}`,
          ).toBe(true);
      }
      // Realised P&L equals the cash flows of the fills plus settlements.
      let cash = 0;
      for (const f of r.fills) cash += -sideSign(f.intent.side) * f.price * f.qty;
      for (const e of r.events)
        if (e.type === 'SETTLEMENT')
          cash +=
            sideSign(e.data!.side as 'BUY' | 'SELL') *
            (e.data!.price as number) *
            (e.data!.qty as number);
      const legs = Object.values(r.state.strategies).flatMap((s) => s.legs);
      const stillOpen = legs.filter(
        (l) => l.status === 'OPEN' || l.status === 'PENDING_EXIT' || l.status === 'PENDING_ENTRY',
      );
      expect(
        stillOpen.map((l) => l.instanceId),
        `${file}: legs open after exit time`,
      ).toEqual([]);
      // A session that ends past midnight rolls the day: earlier P&L is in the basket's running totals.
      expect(pnlOf(r.state).gross).toBeCloseTo(cash, 6);
      // A strategy that did not trade says why (not eligible, filtered, waiting on conditions, sizing).
      if (r.fills.length === 0)
        expect(
          r.events.some((e) =>
            [
              'NOT_ELIGIBLE',
              'FILTERED',
              'ENTRY_WAIT',
              'SIZING_ZERO',
              'RANGE_EMPTY',
              'MOMENTUM_EXPIRED',
              'STRIKE_NOT_FOUND',
            ].includes(e.type),
          ),
          `${file}: no trade and no reason`,
        ).toBe(true);
      // Every decision came with an event.
      expect(r.events.length).toBeGreaterThan(0);
      // Conditions through json-rules-engine itself decide exactly the same.
      if (b.strategies.some((s) => s.conditions)) {
        const ref = await runScenario(b, inputs, { settings: { evaluator: 'json-rules-engine' } });
        expect(JSON.stringify({ i: ref.intents, e: ref.events })).toBe(
          JSON.stringify({ i: r.intents, e: r.events }),
        );
      }
    });
  }
});

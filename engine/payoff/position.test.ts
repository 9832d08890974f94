import { describe, expect, it } from 'vitest';
import { parseDsl, type DslDocument } from '../dsl/index.ts';
import straddleJson from '../dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import condorJson from '../dsl/examples/nifty-iron-condor-delta.json' with { type: 'json' };
import lazyJson from '../dsl/examples/nifty-lazy-legs.json' with { type: 'json' };
import { zonedInstant } from '../market/calendar.ts';
import { getInstrument } from '../market/instruments.ts';
import { SimulatedMarket } from '../market/simulator.ts';
import { expiryChain } from '../market/atm.ts';
import { selectStrike } from '../runtime/strike.ts';
import { pnlToday, summarize } from './payoff.ts';
import { openingPosition } from './position.ts';

function dsl(json: unknown): DslDocument {
  const r = parseDsl(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const nifty = getInstrument('NIFTY');
const snapshot = new SimulatedMarket({ underlying: 'NIFTY', seed: 7 }).advanceTo(
  zonedInstant('2026-11-19', '09:20', nifty.timezone),
);

describe('opening position', () => {
  it('sells the ATM call and put the runtime would pick, a lot each', () => {
    const strategy = dsl(straddleJson).basket.strategies[0];
    const p = openingPosition(strategy, snapshot);
    expect(p.skipped).toEqual([]);
    expect(p.legs.map((l) => [l.id, l.right, l.side, l.qty])).toEqual([
      ['ce', 'CE', 'SELL', nifty.lotSize],
      ['pe', 'PE', 'SELL', nifty.lotSize],
    ]);
    const chain = expiryChain(snapshot, p.legs[0].expiry)!;
    const ce = selectStrike(snapshot, chain, 'CE', 'SELL', strategy.legs[0].strike!);
    expect(p.legs[0]).toMatchObject({
      strike: ce.strike,
      entry: ce.strike === null ? NaN : ce.premium,
    });
    expect(p.legs[1].strike).toBe(p.legs[0].strike);
    expect(Math.abs((p.legs[0].strike ?? NaN) - snapshot.spot)).toBeLessThanOrEqual(
      nifty.strikeStep / 2,
    );
    expect(p.legs[0].expiry >= '2026-11-19').toBe(true);

    // Priced with their own IVs, the legs are worth about what they were sold for.
    const credit = p.legs.reduce((a, l) => a + l.entry * l.qty, 0);
    expect(Math.abs(pnlToday(p.legs, p.market, p.spot))).toBeLessThan(0.05 * credit);
    const s = summarize(p.legs, p.market);
    expect(s.maxProfit).toBeCloseTo(credit, 6);
    expect(s.maxLoss).toBe(-Infinity);
    expect(s.breakevens).toHaveLength(2);
  });

  it('an iron condor picked by delta has bounded profit and loss', () => {
    const p = openingPosition(dsl(condorJson).basket.strategies[0], snapshot);
    expect(p.legs).toHaveLength(4);
    const s = summarize(p.legs, p.market);
    expect(Number.isFinite(s.maxProfit)).toBe(true);
    expect(Number.isFinite(s.maxLoss)).toBe(true);
    expect(s.maxProfit).toBeGreaterThan(0);
    expect(s.maxLoss).toBeLessThan(0);
  });

  it('leaves lazy legs out of the opening position and says so', () => {
    const strategy = dsl(lazyJson).basket.strategies[0];
    const p = openingPosition(strategy, snapshot);
    const lazy = strategy.legs.filter((l) => l.lazy).map((l) => l.id);
    expect(lazy.length).toBeGreaterThan(0);
    expect(p.legs.map((l) => l.id)).not.toContain(lazy[0]);
    expect(p.notes.join(' ')).toContain(`lazy leg ${lazy[0]}`);
  });

  it('refuses a chain of another underlying', () => {
    const strategy = { ...dsl(straddleJson).basket.strategies[0], underlying: 'BANKNIFTY' };
    expect(() => openingPosition(strategy, snapshot)).toThrow(/load a BANKNIFTY chain/);
  });
});

import { describe, expect, it } from 'vitest';
import { getInstrument } from '../market/instruments.ts';
import { localTime } from './clock.ts';
import { classifyRegime, factResolver, type FactInputs } from './facts.ts';
import { snap } from './golden-fixtures.ts';
import { freshStrategy } from './runtime.ts';

const nifty = getInstrument('NIFTY');

function inputs(over: Partial<FactInputs> = {}): FactInputs {
  const s = snap(
    '10:30',
    102,
    { '100CE': { ltp: 3, iv: 0.2 }, '100PE': { ltp: 1, iv: 0.2 } },
    { vix: 17.5 },
  );
  const st = freshStrategy('s1');
  st.dayOpenSpot = 100;
  return {
    snapshot: s,
    spot: 102,
    time: localTime(s.ts, nifty),
    instrument: nifty,
    history: [
      { day: '2026-11-16', spot: 100, vix: 10 },
      { day: '2026-11-17', spot: 101, vix: 20 },
      { day: '2026-11-18', spot: 99, vix: 15 },
      { day: '2026-11-19', spot: 100 },
    ],
    strategy: st,
    strategyMtm: -1234,
    legPnl: (id) => (id === 'CE' ? 500 : 0),
    overrides: {},
    ...over,
  };
}

describe('condition facts (docs/dsl.md#facts)', () => {
  it('time, weekday, days to expiry, spot change', () => {
    const f = factResolver(inputs(), 'entry');
    expect(f('timeOfDay', undefined)).toBe(630);
    expect(f('weekday', undefined)).toBe('FRI');
    expect(f('daysToExpiry', undefined)).toBe(4);
    expect(f('spotChangePct', undefined)).toBeCloseTo(2, 10);
    expect(f('strategyMtm', undefined)).toBe(-1234);
    expect(f('legPnl', { leg: 'CE' })).toBe(500);
  });

  it("VIX rank over the daily closes with today's value included: (17.5 - 10) / (20 - 10) = 75", () => {
    expect(factResolver(inputs(), 'entry')('vixRank', undefined)).toBeCloseTo(75, 10);
    // A 2-session lookback sees only yesterday (no VIX) and today: max = min -> 50.
    expect(factResolver(inputs(), 'entry')('vixRank', { lookbackDays: 2 })).toBe(50);
  });

  it('HV: sample stdev of daily log returns x sqrt(252) x 100 (closes 100, 101, 99, 100, today 102)', () => {
    expect(factResolver(inputs(), 'entry')('hv', undefined)).toBeCloseTo(27.41, 1);
  });

  it('regime: VIX rank extremes first, then HV against ATM IV', () => {
    expect(classifyRegime(85, 10, 20)).toBe('high_vol');
    expect(classifyRegime(15, 30, 20)).toBe('low_vol');
    expect(classifyRegime(50, 25, 20)).toBe('iv_expansion');
    expect(classifyRegime(50, 15, 20)).toBe('iv_contraction');
    expect(classifyRegime(50, 20, 20)).toBe('neutral');
    expect(classifyRegime(undefined, undefined, 20)).toBeUndefined();
    // 75 VIX rank, HV 27.4 over ATM IV 20 -> 1.37 -> iv_expansion
    expect(factResolver(inputs(), 'entry')('regime', undefined)).toBe('iv_expansion');
  });

  it('missing VIX makes vix and vixRank unavailable', () => {
    const s = snap('10:30', 102, {});
    const f = factResolver(inputs({ snapshot: s }), 'entry');
    expect(f('vix', undefined)).toBeUndefined();
    expect(f('vixRank', undefined)).toBeUndefined();
  });

  it("a crossing fact hands {previous, current}, previous from the strategy's memory of this rule group", () => {
    const inp = inputs();
    inp.strategy.crossings['entry|spot||'] = 99;
    expect(factResolver(inp, 'entry')('spot', { crossing: 1 })).toEqual({
      previous: 99,
      current: 102,
    });
    expect(factResolver(inp, 'exit')('spot', { crossing: 1 })).toEqual({
      previous: undefined,
      current: 102,
    });
  });
});

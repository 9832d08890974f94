import { describe, expect, it } from 'vitest';
import sensex from './examples/sensex-overall-momentum-reentry.json' with { type: 'json' };
import straddle from './examples/nifty-short-straddle-recost.json' with { type: 'json' };
import {
  describeCondition,
  describeExpiry,
  describeLeg,
  describeLegInFull,
  describeLevel,
  describeReEntry,
  describeSchedule,
  describeStrategyRules,
  describeStrike,
  describeTradedLeg,
  describeWeekdays,
  legLabels,
  marketOf,
} from './describe.ts';
import { parseDsl } from './parse.ts';

const parsed = (json: unknown) => {
  const r = parseDsl(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
};

describe('legs in words', () => {
  it('says side, strike rule and right the way a trader does', () => {
    expect(
      describeLeg({
        side: 'SELL',
        instrument: 'option',
        right: 'CE',
        strike: { typeVersion: 1, type: 'atm' },
      }),
    ).toBe('SELL ATM CE');
    expect(
      describeLeg({
        side: 'BUY',
        instrument: 'option',
        right: 'PE',
        strike: { typeVersion: 1, type: 'otm', steps: 2 },
      }),
    ).toBe('BUY OTM 2 PE');
    expect(describeLeg({ side: 'SELL', instrument: 'future' })).toBe('SELL FUT');
    expect(describeStrike({ type: 'closestDelta', delta: 0.2 })).toBe('Δ 0.20');
    expect(describeStrike({ type: 'premiumRange', min: 40, max: 60 })).toBe('premium 40–60');
    expect(describeStrike({ type: 'straddleWidth', width: -0.5, atmFrom: 'futures' })).toBe(
      'ATM − 0.5 × straddle (futures)',
    );
    expect(describeStrike({ type: 'pctOfAtm', factor: 1.03 })).toBe('103 % of ATM');
  });

  it('reads a half-filled draft block without throwing', () => {
    expect(describeLeg({ side: 'SELL' })).toBe('SELL ? ?');
    expect(describeStrike(undefined)).toBe('?');
    expect(describeStrike({ type: 'otm' })).toBe('OTM ?');
    expect(describeExpiry({ kind: 'weekly' })).toBe('this week');
  });

  it('describes levels, re-entries and a whole leg', () => {
    expect(describeLevel({ type: 'pct', value: 30 })).toBe('30 %');
    expect(describeLevel({ type: 'underlyingPoints', value: 150 })).toBe(
      '150 pts of the underlying',
    );
    expect(describeReEntry({ type: 'cost', count: 2 })).toBe('re-enter at cost ×2');
    expect(describeReEntry({ type: 'lazy', leg: 'far' })).toBe('opens leg far');
    const leg = parsed(straddle).basket.strategies[0].legs[0];
    expect(describeLegInFull(leg)).toBe(
      'SELL ATM CE, 1 lot, this week · SL 25 % · after SL: re-enter at cost ×2',
    );
  });

  it('labels every leg of a basket and a traded leg by what it is', () => {
    const doc = parsed(straddle);
    const labels = legLabels(doc.basket);
    expect([...labels.values()]).toEqual(['SELL ATM CE', 'SELL ATM PE']);
    const s = doc.basket.strategies[0];
    expect(
      describeTradedLeg(doc.basket, { strategyId: s.id, legId: 'pe', side: 'SELL', right: 'PE' }),
    ).toBe('SELL ATM PE');
    // A reversed re-entry trades the other side: the label follows the trade.
    expect(
      describeTradedLeg(doc.basket, { strategyId: s.id, legId: 'pe', side: 'BUY', right: 'PE' }),
    ).toBe('BUY ATM PE');
    expect(describeTradedLeg(null, { legId: 'x1', side: 'SELL', right: 'CE' })).toBe(
      'SELL CE (x1)',
    );
  });
});

describe('schedules and rules in words', () => {
  it('names the underlying, times with their exchange zone and the weekdays', () => {
    const s = parsed(sensex).basket.strategies[0];
    expect(describeSchedule(s)).toBe('SENSEX · enters 09:30 IST Mon–Fri · exits 15:15 IST');
    expect(describeWeekdays(['MON', 'WED'])).toBe('Mon, Wed');
    expect(describeWeekdays(['MON', 'TUE', 'THU'])).toBe('Mon, Tue, Thu');
    expect(describeWeekdays(['TUE', 'WED', 'THU', 'SAT'])).toBe('Tue–Thu, Sat');
    expect(
      describeSchedule({ underlying: 'SPY', entry: { time: '10:00' }, exit: { time: '15:45' } }),
    ).toBe('SPY · enters 10:00 ET Mon–Fri · exits 15:45 ET');
  });

  it('puts a condition tree into words with and/or and parentheses', () => {
    expect(
      describeCondition({
        all: [
          { fact: 'vix', operator: 'between', value: [12, 20] },
          { fact: 'timeOfDay', operator: 'greaterThan', value: '09:30' },
        ],
      }),
    ).toBe('VIX between 12 and 20 and time after 09:30');
    expect(
      describeCondition({
        any: [
          { fact: 'weekday', operator: 'in', value: ['MON', 'TUE'] },
          {
            all: [
              {
                fact: 'ivRank',
                operator: 'greaterThanInclusive',
                value: 50,
                params: { lookbackDays: 120 },
              },
              { not: { fact: 'regime', operator: 'equal', value: 'high_vol' } },
            ],
          },
        ],
      }),
    ).toBe(
      'weekday is one of Mon, Tue or (IV rank (120 d) at least 50 and not (regime is high_vol))',
    );
    expect(
      describeCondition({ all: [{ fact: 'timeOfDay', operator: 'lessThan', value: 600 }] }),
    ).toBe('time before 10:00');
  });

  it('lists the strategy-level rules an example has', () => {
    const s = parsed(sensex).basket.strategies[0];
    const rules = describeStrategyRules(s);
    expect(rules.some((r) => r.startsWith('overall stop-loss'))).toBe(true);
    expect(rules).toContain('waits for the underlying to move 0.3 % up');
    expect(rules).toContain('every 10 in favour move the overall SL 5');
  });
});

describe('markets', () => {
  it('names the market and the cost model its brokers charge by', () => {
    expect(marketOf('SENSEX')).toMatchObject({ costModel: 'india-index-options', currency: 'INR' });
    expect(marketOf('SPX')).toMatchObject({ label: 'US options', costModel: 'us-options' });
    expect(marketOf('ETH')).toMatchObject({ costModel: 'deribit-options', currency: 'USD' });
    expect(marketOf('XYZ')).toBeUndefined();
  });
});

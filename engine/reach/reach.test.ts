import { describe, expect, it } from 'vitest';
import { parseDsl } from '../dsl/index.ts';
import type { Basket } from '../dsl/basket.ts';
import { baseDocument, rule } from '../../tests/support/dsl/fixtures.ts';
import { UNCLASSIFIED_FACTS, chainReach } from './reach.ts';
import { bandFor, dayWindows, type DayListing } from './window.ts';

function basket(edit: (doc: ReturnType<typeof baseDocument>) => void): Basket {
  const doc = baseDocument();
  edit(doc);
  const r = parseDsl(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value.basket;
}

describe('chainReach: what a basket can touch', () => {
  it('knows every fact of the DSL, so a new fact cannot slip past the projection', () => {
    expect(UNCLASSIFIED_FACTS).toEqual([]);
  });

  it('ATM/OTM from spot reads a band; delta and premium selectors read the whole expiry', () => {
    const b = basket((doc) => {
      const legs = doc.basket.strategies[0].legs;
      legs[0].strike = { typeVersion: 1, type: 'otm', steps: 3 };
      legs[0].expiry = { kind: 'weekly', offset: 1 };
      legs[1].strike = { typeVersion: 1, type: 'closestDelta', delta: 0.25 };
      legs[1].expiry = { kind: 'monthly', offset: 0 };
    });
    const needs = chainReach(b).underlyings.NIFTY;
    expect(needs.map((n) => [n.pick, n.strikes])).toEqual([
      [
        { kind: 'weekly', offset: 1 },
        { kind: 'aroundSpot', steps: 3 },
      ],
      [{ kind: 'monthly', offset: 0 }, { kind: 'all' }],
    ]);
    expect(chainReach(b).openInterest).toBe(false);
  });

  it('a delta hedge reads its futures expiry (the forward, or the synthetic future of every strike)', () => {
    const b = basket((doc) => {
      const legs = doc.basket.strategies[0].legs;
      legs[0].strike = legs[1].strike = { typeVersion: 1, type: 'atm', atmFrom: 'spot' };
      legs[0].expiry = legs[1].expiry = { kind: 'weekly', offset: 0 };
      (doc.basket.strategies[0] as Record<string, unknown>).deltaHedge = {
        typeVersion: 1,
        expiry: { kind: 'monthly', offset: 0 },
        targetDelta: 0,
        band: 50,
        minTradeLots: 1,
      };
    });
    const needs = chainReach(b).underlyings.NIFTY;
    expect(needs.map((n) => [n.pick, n.strikes])).toEqual([
      [
        { kind: 'weekly', offset: 0 },
        { kind: 'aroundSpot', steps: 0 },
      ],
      [{ kind: 'monthly', offset: 0 }, { kind: 'all' }],
    ]);
    expect(needs[1].why).toBe('delta hedge (monthly +0 futures)');
  });

  it('legs on one expiry merge to the widest need; IV facts add the nearest ATM', () => {
    const b = basket((doc) => {
      const legs = doc.basket.strategies[0].legs;
      legs[0].strike = { typeVersion: 1, type: 'otm', steps: 2 };
      legs[1].strike = { typeVersion: 1, type: 'itm', steps: 5 };
      legs[0].expiry = legs[1].expiry = { kind: 'weekly', offset: 0 };
      doc.basket.strategies[0].conditions = {
        typeVersion: 1,
        filters: [],
        entry: [
          rule({ all: [{ fact: 'ivRank', operator: 'greaterThan', value: 40 }] }, { name: 'iv' }),
        ],
        exit: [],
      };
    });
    const needs = chainReach(b).underlyings.NIFTY;
    expect(needs.map((n) => [n.pick, n.strikes])).toEqual([
      [
        { kind: 'weekly', offset: 0 },
        { kind: 'aroundSpot', steps: 5 },
      ],
      [{ kind: 'nearest' }, { kind: 'aroundSpot', steps: 0 }],
    ]);
  });
});

const listing = (over: Partial<DayListing> = {}): DayListing => {
  const strikes = Array.from({ length: 41 }, (_, i) => 24000 + 50 * i);
  return {
    underlying: 'NIFTY',
    day: '2026-11-20',
    spotLow: 24480,
    spotHigh: 24620,
    listings: [['2026-11-20', '2026-11-24', '2026-12-29']],
    strikes: {
      '2026-11-24': { listed: strikes, steady: new Set(strikes) },
      '2026-12-29': { listed: strikes, steady: new Set(strikes) },
    },
    ...over,
  };
};

describe('strike windows of a day', () => {
  it('covers ATM at every spot of the day plus the steps and one strike for ties', () => {
    // Spot 24480..24620: ATM is 24450..24650; OTM/ITM 2 and one more: 24300..24800.
    expect(bandFor({ kind: 'aroundSpot', steps: 2 }, listing(), '2026-11-24')).toEqual({
      lo: 24300,
      hi: 24800,
    });
  });

  it('falls back to every strike when a band strike is not quoted all day or the band runs off the listing', () => {
    const l = listing();
    const strikes = l.strikes['2026-11-24'].listed;
    const gap = new Set(strikes.filter((k) => k !== 24700));
    expect(
      bandFor(
        { kind: 'aroundSpot', steps: 2 },
        listing({ strikes: { '2026-11-24': { listed: strikes, steady: gap } } }),
        '2026-11-24',
      ),
    ).toBe('all');
    expect(bandFor({ kind: 'aroundSpot', steps: 20 }, l, '2026-11-24')).toBe('all');
    expect(
      bandFor({ kind: 'aroundSpot', steps: 0 }, listing({ spotLow: 23000 }), '2026-11-24'),
    ).toBe('all');
  });

  it('picks expiries as the runtime does (on or after the session date) and carries held windows', () => {
    const needs = [
      { pick: { kind: 'weekly', offset: 1 } as const, strikes: { kind: 'all' } as const, why: '' },
    ];
    // weekly +1 on 2026-11-20 is the second listed expiry on or after the day: 2026-11-24.
    const today = dayWindows(needs, listing());
    expect([...today]).toEqual([['2026-11-24', 'all']]);
    const carried = new Map([['2026-11-24', { lo: 24000, hi: 24100 } as const]]);
    const next = dayWindows(
      [{ pick: { kind: 'weekly', offset: 0 }, strikes: { kind: 'aroundSpot', steps: 0 }, why: '' }],
      listing({ day: '2026-11-21', listings: [['2026-11-24', '2026-12-29']] }),
      carried,
    );
    expect(next.get('2026-11-24')).toEqual({ lo: 24000, hi: 24700 });
  });
});

// migrate lifts older documents step by step and refuses versions it cannot read, naming the path.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_TYPE_VERSIONS,
  MIGRATIONS,
  migrate,
  parseDsl,
  type MigrationTables,
} from './index.ts';
import { baseDocument } from '@/tests/support/dsl/fixtures';

/**
 * A hypothetical history, to prove the walk: document v1 called the root "portfolio", and leg
 * v1 spelled stop-loss "sl" and v2 called lots "quantity". The current build is document v2,
 * leg v3 (in this test only).
 */
const history: MigrationTables = {
  document: { 1: ({ portfolio, ...rest }) => ({ ...rest, basket: portfolio }) },
  blocks: {
    leg: {
      1: ({ sl, ...rest }) => (sl === undefined ? rest : { ...rest, stopLoss: sl }),
      2: ({ quantity, ...rest }) => ({ ...rest, lots: quantity }),
    },
  },
  current: { dslVersion: 2, blocks: { ...BLOCK_TYPE_VERSIONS, leg: 3 } },
};

describe('migrate', () => {
  it('leaves a current document untouched (same object)', () => {
    const doc = baseDocument();
    const r = migrate(doc);
    expect(r).toEqual({ ok: true, value: doc, migrated: false });
    if (r.ok) expect(r.value).toBe(doc);
  });

  it('has one published step: leg 1 -> 2, the contract named by instrument and right', () => {
    expect(MIGRATIONS.document).toEqual({});
    expect(Object.keys(MIGRATIONS.blocks)).toEqual(['leg']);
  });

  it('lifts a version-1 leg: kind CE/PE becomes an option with that right, FUT a future with neither', () => {
    const old = baseDocument();
    const [ce, pe] = old.basket.strategies[0].legs;
    for (const [leg, kind] of [
      [ce, 'CE'],
      [pe, 'PE'],
    ] as const) {
      leg.typeVersion = 1;
      delete leg.instrument;
      delete leg.right;
      leg.kind = kind;
    }
    old.basket.strategies[0].legs.push({ typeVersion: 1, id: 'fut', kind: 'FUT', side: 'BUY', lots: 1, expiry: { kind: 'monthly', offset: 0 } }); // prettier-ignore
    const r = parseDsl(old);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const legs = r.value.basket.strategies[0].legs;
    expect(
      legs.map((l) => [l.id, l.typeVersion, l.instrument, l.right ?? null, !!l.strike]),
    ).toEqual([
      ['ce', 2, 'option', 'CE', true],
      ['pe', 2, 'option', 'PE', true],
      ['fut', 2, 'future', null, false],
    ]);
    expect(legs.some((l) => 'kind' in l)).toBe(false);
  });

  it('names a version-1 leg whose kind is not CE, PE or FUT at its path', () => {
    const old = baseDocument();
    const leg = old.basket.strategies[0].legs[0];
    leg.typeVersion = 1;
    delete leg.instrument;
    delete leg.right;
    leg.kind = 'CALL';
    const r = parseDsl(old);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain('/basket/strategies/0/legs/0/kind');
  });

  it('lifts the document, then every block top-down through each step', () => {
    const old = baseDocument();
    old.portfolio = old.basket;
    delete old.basket;
    for (const leg of old.portfolio.strategies[0].legs) {
      leg.typeVersion = 1;
      leg.sl = leg.stopLoss;
      delete leg.stopLoss;
      leg.quantity = leg.lots;
      delete leg.lots;
    }
    const r = migrate(old, history);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as ReturnType<typeof baseDocument>;
    expect(v.dslVersion).toBe(2);
    expect(v.portfolio).toBeUndefined();
    expect(v.basket.strategies[0].legs[0]).toMatchObject({
      typeVersion: 3,
      lots: 1,
      stopLoss: { type: 'pct', value: 25 },
    });
    expect(v.basket.strategies[0].legs[0].sl).toBeUndefined();
    expect(r.migrated).toBe(true);
    expect(old.portfolio.strategies[0].legs[0].quantity).toBe(1); // the input is not modified
  });

  it('starts a block from its own version (a leg already at v2 takes only the v2 step)', () => {
    const doc = baseDocument();
    doc.dslVersion = 2;
    doc.basket.strategies[0].legs[1].typeVersion = 2;
    doc.basket.strategies[0].legs[1].quantity = 4;
    delete doc.basket.strategies[0].legs[1].lots;
    doc.basket.strategies[0].legs[0].typeVersion = 3;
    const r = migrate(doc, history);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const legs = (r.value as ReturnType<typeof baseDocument>).basket.strategies[0].legs;
    expect(legs[1]).toMatchObject({ typeVersion: 3, lots: 4 });
    expect(legs[0]).toBe(doc.basket.strategies[0].legs[0]);
  });

  it('refuses a newer version with a message to upgrade, at the path of the version', () => {
    const doc = baseDocument();
    doc.basket.strategies[0].legs[1].stopLoss.typeVersion = 9;
    expect(migrate(doc)).toEqual({
      ok: false,
      errors: [
        {
          path: '/basket/strategies/0/legs/1/stopLoss/typeVersion',
          message: expect.stringMatching(
            /newer than this Strikeflow understands \(1\); upgrade Strikeflow/,
          ),
        },
      ],
    });
  });

  it('refuses a missing dslVersion and non-objects without throwing', () => {
    expect(migrate({ basket: {} })).toMatchObject({ ok: false, errors: [{ path: '/dslVersion' }] });
    for (const v of [null, 1, 'x', [], undefined]) expect(migrate(v).ok).toBe(false);
  });

  it('parseDsl runs migrate first, so version errors come back as validation errors', () => {
    const doc = baseDocument();
    doc.dslVersion = 5;
    expect(parseDsl(doc)).toMatchObject({ ok: false, errors: [{ path: '/dslVersion' }] });
  });
});

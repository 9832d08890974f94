import { describe, expect, it } from 'vitest';
import { diffDsl } from './dsl-diff';

const leg = (id: string, sl: number) => ({
  id,
  instrument: 'option',
  right: 'CE',
  side: 'SELL',
  stopLoss: { type: 'pct', value: sl },
});
const doc = (legs: unknown[], name = 'Straddle') => ({
  dslVersion: 1,
  basket: { name, strategies: [{ id: 's', legs }] },
});

describe('diffDsl', () => {
  it('reports nothing for equal documents', () => {
    expect(diffDsl(doc([leg('ce', 25)]), doc([leg('ce', 25)]))).toEqual([]);
  });

  it('names the changed field by its path', () => {
    expect(diffDsl(doc([leg('ce', 25)]), doc([leg('ce', 30)], 'Straddle v2'))).toEqual([
      { kind: 'changed', path: '/basket/name', before: 'Straddle', after: 'Straddle v2' },
      {
        kind: 'changed',
        path: '/basket/strategies/0/legs/0/stopLoss/value',
        before: 25,
        after: 30,
      },
    ]);
  });

  it('matches legs by id, so an inserted leg is one addition', () => {
    const changes = diffDsl(
      doc([leg('ce', 25), leg('pe', 25)]),
      doc([leg('hedge', 50), leg('ce', 25), leg('pe', 25)]),
    );
    expect(changes).toEqual([
      { kind: 'added', path: '/basket/strategies/0/legs/0', after: leg('hedge', 50) },
    ]);
  });

  it('reports removed blocks and fields', () => {
    const before = doc([leg('ce', 25), leg('pe', 25)]);
    const after = doc([{ id: 'ce', instrument: 'option', right: 'CE', side: 'SELL' }]);
    expect(diffDsl(before, after)).toEqual([
      { kind: 'removed', path: '/basket/strategies/0/legs/1', before: leg('pe', 25) },
      {
        kind: 'removed',
        path: '/basket/strategies/0/legs/0/stopLoss',
        before: { type: 'pct', value: 25 },
      },
    ]);
  });

  it('compares arrays without ids by position', () => {
    expect(diffDsl({ w: ['MON', 'TUE'] }, { w: ['MON', 'WED', 'FRI'] })).toEqual([
      { kind: 'changed', path: '/w/1', before: 'TUE', after: 'WED' },
      { kind: 'added', path: '/w/2', after: 'FRI' },
    ]);
  });
});

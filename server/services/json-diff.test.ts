import { describe, expect, it } from 'vitest';
import { diffJson } from './json-diff';

describe('DSL diff between template versions', () => {
  it('lists changed, added and removed values by path', () => {
    const v1 = { basket: { capital: 500000, strategies: [{ legs: [{ id: 'ce', lots: 1 }, { id: 'pe', lots: 1 }] }] } };
    const v2 = { basket: { capital: 750000, strategies: [{ legs: [{ id: 'ce', lots: 2 }], target: { value: 50 } }] } };
    expect(diffJson(v1, v2)).toEqual([
      { path: '/basket/capital', before: 500000, after: 750000 },
      { path: '/basket/strategies/0/legs/0/lots', before: 1, after: 2 },
      { path: '/basket/strategies/0/legs/1', before: { id: 'pe', lots: 1 }, after: undefined },
      { path: '/basket/strategies/0/target', before: undefined, after: { value: 50 } },
    ]);
  });

  it('finds nothing between equal documents', () => {
    expect(diffJson({ a: [1, { b: 'x/y' }] }, { a: [1, { b: 'x/y' }] })).toEqual([]);
  });
});

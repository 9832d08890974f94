// An imported file is recognised as DSL or graph, and each mistake comes back with its path.
import { describe, expect, it } from 'vitest';
import { baseDocument } from '@/tests/support/dsl/fixtures';
import { decompile, readStrategyFile } from './index.ts';
import { parseDsl } from '../dsl/index.ts';

describe('readStrategyFile', () => {
  it('lays out a DSL document as a graph and keeps the DSL it read', () => {
    const r = readStrategyFile(baseDocument());
    expect(r).toMatchObject({ ok: true, kind: 'dsl' });
    if (!r.ok || r.kind !== 'dsl') throw new Error('expected a DSL document');
    expect(r.dsl.basket.name).toBe('Test basket');
    expect(r.doc.nodes.some((n) => n.type === 'basket')).toBe(true);
  });

  it('accepts a well-formed graph document as it is', () => {
    const parsed = parseDsl(baseDocument());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const graph = decompile(parsed.value);
    expect(readStrategyFile(graph)).toEqual({ ok: true, kind: 'graph', doc: graph });
  });

  it('reports each error with its path', () => {
    const bad = baseDocument();
    bad.basket.capital = -5;
    expect(readStrategyFile(bad)).toMatchObject({
      ok: false,
      kind: 'dsl',
      errors: [expect.objectContaining({ path: '/basket/capital' })],
    });
    expect(readStrategyFile({ graphVersion: 1, nodes: 'x', edges: [] })).toMatchObject({
      ok: false,
      kind: 'graph',
      errors: [expect.objectContaining({ path: '/nodes' })],
    });
  });

  it('names both accepted shapes when the file is neither', () => {
    for (const v of ['hello', [], null, { name: 'x' }]) {
      const r = readStrategyFile(v);
      expect(r).toMatchObject({ ok: false, kind: 'unknown', errors: [{ path: '' }] });
      if (!r.ok) expect(r.errors[0].message).toMatch(/dslVersion.*graphVersion/);
    }
  });
});

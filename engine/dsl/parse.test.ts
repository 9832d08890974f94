// parseDsl / parseDslText refuse junk cleanly: not JSON, too large, too deep, wrong root; never throw.
import { describe, expect, it } from 'vitest';
import {
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_DEPTH,
  jsonDepth,
  parseDsl,
  parseDslText,
  pointer,
  parsePointer,
} from './index.ts';
import { baseDocument } from '@/tests/support/dsl/fixtures';

describe('parseDslText', () => {
  it('accepts a valid document', () => {
    expect(parseDslText(JSON.stringify(baseDocument())).ok).toBe(true);
  });

  it('accepts a file saved with a byte-order mark', () => {
    expect(parseDslText('\uFEFF' + JSON.stringify(baseDocument())).ok).toBe(true);
  });

  it('reports text that is not JSON at the root path', () => {
    const r = parseDslText('{"dslVersion": 1,');
    expect(r).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringMatching(/^not JSON: /) }],
    });
  });

  it('refuses documents over the size limit before parsing them', () => {
    const r = parseDslText(
      JSON.stringify({ ...baseDocument(), pad: 'x'.repeat(MAX_DOCUMENT_BYTES) }),
    );
    expect(r).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringMatching(/bytes; the limit is/) }],
    });
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    const r = parseDslText(deep);
    expect(r).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringMatching(/nests deeper than 64/) }],
    });
  });

  it('refuses a document nested just past the limit inside a valid one', () => {
    const doc = baseDocument();
    let c: Record<string, unknown> = { fact: 'vix', operator: 'lessThan', value: 20 };
    for (let i = 0; i < MAX_DOCUMENT_DEPTH; i++) c = { not: c };
    doc.basket.strategies[0].conditions = {
      typeVersion: 1,
      entry: [{ conditions: c, event: { type: 'x' } }],
    };
    expect(parseDsl(doc)).toMatchObject({ ok: false, errors: [{ path: '' }] });
  });
});

describe('parseDsl', () => {
  it('names the shape expected when the root is wrong', () => {
    for (const v of [null, 42, 'doc', [], true]) {
      expect(parseDsl(v)).toMatchObject({
        ok: false,
        errors: [{ path: '', message: expect.stringContaining('dslVersion') }],
      });
    }
  });

  it('reports every unknown key with its own path', () => {
    const doc = baseDocument();
    doc.basket.strategies[0].legs[0].strike.offset = 1;
    doc.basket.strategies[0].legs[0].strike.shift = 2;
    const r = parseDsl(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual([
      '/basket/strategies/0/legs/0/strike/offset',
      '/basket/strategies/0/legs/0/strike/shift',
    ]);
  });

  it('does not modify its input', () => {
    const doc = baseDocument();
    const copy = structuredClone(doc);
    parseDsl(doc);
    expect(doc).toEqual(copy);
  });
});

describe('JSON Pointer paths', () => {
  it('escape "/" and "~" and round-trip', () => {
    const p = pointer(['a/b', 'c~d', 0]);
    expect(p).toBe('/a~1b/c~0d/0');
    expect(parsePointer(p)).toEqual(['a/b', 'c~d', '0']);
    expect(parsePointer('')).toEqual([]);
  });

  it('jsonDepth counts containers only', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
  });
});

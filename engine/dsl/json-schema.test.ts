// The JSON Schema is generated from the zod schemas: strict objects, every block, every enum value.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_TYPES,
  DSL_SCHEMA_ID,
  STRIKE_SELECTOR_TYPES,
  UNDERLYING_SYMBOLS,
  dslJsonSchema,
} from './index.ts';

type Schema = { [k: string]: unknown };

function all(node: unknown, out: Schema[] = []): Schema[] {
  if (node && typeof node === 'object') {
    if (!Array.isArray(node)) out.push(node as Schema);
    for (const v of Object.values(node)) all(v, out);
  }
  return out;
}

describe('dslJsonSchema', () => {
  const schema = dslJsonSchema();
  const text = JSON.stringify(schema);

  it('is a 2020-12 schema with its $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(DSL_SCHEMA_ID);
  });

  it('forbids unknown keys everywhere except the free-form maps', () => {
    const objects = all(schema).filter((s) => s.type === 'object' && s.properties);
    expect(objects.length).toBeGreaterThan(30);
    for (const o of objects)
      expect(o.additionalProperties, JSON.stringify(o).slice(0, 120)).toBe(false);
  });

  it('names every block as a definition', () => {
    const defs = Object.keys(schema.$defs as Record<string, unknown>).sort();
    expect(defs).toEqual([...BLOCK_TYPES, 'rule', 'condition'].sort());
    expect((schema.properties as Record<string, Schema>).basket).toEqual({
      $ref: '#/$defs/basket',
    });
  });

  it('lists every underlying and every strike selector type', () => {
    for (const u of UNDERLYING_SYMBOLS) expect(text).toContain(`"${u}"`);
    for (const t of STRIKE_SELECTOR_TYPES) expect(text).toContain(`"const":"${t}"`);
  });

  it("offers every cost model a basket can name, with each model's own overrides", () => {
    const execution = (schema.$defs as Record<string, Schema>).execution;
    const costModel = (execution.properties as Record<string, Schema>).costModel;
    const options = ((costModel.anyOf ?? costModel.oneOf) as Schema[]).map((o) => {
      const props = o.properties as Record<string, Schema>;
      return [
        props.type.const,
        Object.keys(props)
          .filter((k) => k !== 'type')
          .sort(),
      ];
    });
    expect(options).toEqual([
      ['none', []],
      ['fixed', ['pctOfTurnover', 'perLot', 'perOrder']],
      ['india-index-options', ['brokeragePerOrder']],
      ['us-options', ['commissionPerContract']],
      ['deribit-options', []],
    ]);
  });

  it('marks defaulted fields optional and records the default', () => {
    const basket = (schema.$defs as Record<string, Schema>).basket;
    expect(basket.required).toEqual(
      expect.arrayContaining(['typeVersion', 'name', 'capital', 'strategies']),
    );
    expect(basket.required).not.toContain('deployablePct');
    expect((basket.properties as Record<string, Schema>).deployablePct.default).toBe(100);
  });

  it('returns a fresh copy each time (callers may modify it)', () => {
    const a = dslJsonSchema();
    (a as Schema).title = 'changed';
    expect(dslJsonSchema().title).not.toBe('changed');
  });
});

// docs/dsl.md is the runtime's specification: it must name every field, enum value, fact and operator the schema accepts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SCHEMAS,
  BLOCK_TYPES,
  DslDocumentSchema,
  FACTS,
  OPERATORS,
  REGIMES,
} from './index.ts';

const docs = readFileSync(path.resolve(import.meta.dirname, '../../docs/dsl.md'), 'utf8');

/** Every property name and every string enum/const value anywhere in a JSON Schema. */
function vocabulary(schema: unknown, names = new Set<string>(), values = new Set<string>()) {
  if (Array.isArray(schema)) schema.forEach((s) => vocabulary(s, names, values));
  else if (schema && typeof schema === 'object') {
    const s = schema as Record<string, unknown>;
    if (s.properties && typeof s.properties === 'object')
      for (const k of Object.keys(s.properties)) names.add(k);
    if (typeof s.const === 'string') values.add(s.const);
    if (Array.isArray(s.enum)) for (const v of s.enum) if (typeof v === 'string') values.add(v);
    for (const v of Object.values(s)) vocabulary(v, names, values);
  }
  return { names, values };
}

describe('docs/dsl.md', () => {
  const { names, values } = vocabulary(
    z.toJSONSchema(DslDocumentSchema, { io: 'input', unrepresentable: 'any' }),
  );

  it('documents every field name', () => {
    const missing = [...names].filter(
      (n) => !docs.includes(`\`${n}\``) && !docs.includes(`"${n}"`),
    );
    expect(missing).toEqual([]);
  });

  it('documents every enum value', () => {
    const missing = [...values].filter(
      (v) => !docs.includes(`\`${v}\``) && !docs.includes(`"${v}"`) && !docs.includes(v),
    );
    expect(missing).toEqual([]);
  });

  it('documents every fact, operator, regime and block type', () => {
    for (const f of FACTS) expect(docs, f.name).toContain(`\`${f.name}\``);
    for (const o of OPERATORS) expect(docs, o.name).toContain(`\`${o.name}\``);
    for (const r of REGIMES) expect(docs, r).toContain(`\`${r}\``);
    for (const b of BLOCK_TYPES) expect(docs, b).toContain(`\`${b}\``);
    expect(Object.keys(BLOCK_SCHEMAS).sort()).toEqual([...BLOCK_TYPES].sort());
  });
});

/** JSON Schema of the DSL, generated from the zod schemas (served at /schema/dsl-v1.json and by `cli schema`). */
import { z } from 'zod';
import { DslDocumentSchema } from './basket.ts';
import { DSL_VERSION } from './version.ts';

export const DSL_SCHEMA_ID = `https://strikeflow.dev/schema/dsl-v${DSL_VERSION}.json`;

let cached: Record<string, unknown> | null = null;

/**
 * The input shape (fields with defaults are optional). Cross-field rules (exit after entry,
 * lazy-leg links, ...) are not expressible in JSON Schema; `validate` checks them.
 */
export function dslJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...(z.toJSONSchema(DslDocumentSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>),
    $id: DSL_SCHEMA_ID,
    title: `Strikeflow strategy DSL v${DSL_VERSION}`,
  };
  return structuredClone(cached);
}

/** JSON Schema of the DSL, generated from the zod schemas (served at /schema/dsl-v1.json and by `cli schema`). */
import { z } from 'zod';
import { DslDocumentSchema } from './basket.ts';
import { BLOCK_SCHEMAS } from './blocks.ts';
import { ConditionSchema, RuleSchema } from './conditions.ts';
import { BLOCK_TYPES, DSL_VERSION } from './version.ts';

export const DSL_SCHEMA_ID = `https://strikeflow.dev/schema/dsl-v${DSL_VERSION}.json`;

let cached: Record<string, unknown> | null = null;

/** Each block becomes a named definition ($defs/leg, $defs/strike, ...), so editors show block names. */
function blockRegistry() {
  const registry = z.registry<{ id: string; title?: string }>();
  for (const type of BLOCK_TYPES) registry.add(BLOCK_SCHEMAS[type], { id: type, title: type });
  registry.add(RuleSchema, { id: 'rule', title: 'json-rules-engine rule' });
  registry.add(ConditionSchema, {
    id: 'condition',
    title: 'condition: all / any / not / fact condition',
  });
  return registry;
}

/**
 * The input shape (fields with defaults are optional). Cross-field rules (exit after entry,
 * lazy-leg links, ...) are not expressible in JSON Schema; `validate` checks them.
 */
export function dslJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...(z.toJSONSchema(DslDocumentSchema, {
      io: 'input',
      target: 'draft-2020-12',
      unrepresentable: 'any',
      metadata: blockRegistry(),
    }) as Record<string, unknown>),
    $id: DSL_SCHEMA_ID,
    title: `Strikeflow strategy DSL v${DSL_VERSION}`,
  };
  return structuredClone(cached);
}

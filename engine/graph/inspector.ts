/** JSON Schema of each node's `data` (its block without typeVersion and edge-fed fields), for the generic inspector form. */
import { z } from 'zod';
import { BLOCK_SCHEMAS, type BlockType } from '../dsl/index.ts';
import { NODE_TYPES } from './registry.ts';

type Schema = Record<string, unknown>;
const cache = new Map<BlockType, Schema>();

function strip(schema: Schema, drop: Set<string>): Schema {
  const out: Schema = { ...schema };
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Schema).filter(([k]) => !drop.has(k)),
    );
    if (Array.isArray(out.required))
      out.required = (out.required as string[]).filter((k) => !drop.has(k));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(out[key])) out[key] = (out[key] as Schema[]).map((s) => strip(s, drop));
  }
  return out;
}

export function nodeDataJsonSchema(type: BlockType): Schema {
  let s = cache.get(type);
  if (!s) {
    const full = z.toJSONSchema(BLOCK_SCHEMAS[type], {
      io: 'input',
      unrepresentable: 'any',
    }) as Schema;
    s = {
      ...strip(full, new Set(['typeVersion', ...NODE_TYPES[type].inputs.map((i) => i.handle)])),
      title: NODE_TYPES[type].label,
    };
    cache.set(type, s);
  }
  return structuredClone(s);
}

/**
 * Lifts documents written by older Strikeflow versions to the current DSL: first the document
 * (dslVersion n -> n+1), then every block (typeVersion n -> n+1), top-down. Version 1 is the
 * first public version; each later bump adds its step here, and stored documents are lifted when
 * they are read, so a strategy saved by any published version still opens.
 */
import { BLOCK_CHILDREN } from './blocks.ts';
import type { DslError } from './errors.ts';
import { pointer } from './errors.ts';
import { BLOCK_TYPE_VERSIONS, DSL_VERSION, type BlockType } from './version.ts';

export type Json = Record<string, unknown>;
/** Turns a version-n object into a version-(n+1) object; keyed by n. */
export type MigrationSteps = Record<number, (from: Json) => Json>;
export type MigrationTables = {
  document: MigrationSteps;
  blocks: Partial<Record<BlockType, MigrationSteps>>;
  current: { dslVersion: number; blocks: Record<BlockType, number> };
};

/** leg 1 -> 2: the option right and the instrument were one field (`kind: CE|PE|FUT`). */
function legKindToInstrument({ kind, ...rest }: Json): Json {
  if (kind === 'FUT') return { ...rest, instrument: 'future' };
  if (kind === 'CE' || kind === 'PE') return { ...rest, instrument: 'option', right: kind };
  return { ...rest, ...(kind === undefined ? {} : { kind }) }; // the schema names the bad value
}

export const MIGRATIONS: MigrationTables = {
  document: {},
  blocks: { leg: { 1: legKindToInstrument } },
  current: { dslVersion: DSL_VERSION, blocks: BLOCK_TYPE_VERSIONS },
};

export type MigrateResult =
  { ok: true; value: unknown; migrated: boolean } | { ok: false; errors: DslError[] };

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function lift(
  obj: Json,
  key: 'dslVersion' | 'typeVersion',
  steps: MigrationSteps,
  target: number,
  what: string,
  path: PropertyKey[],
  errors: DslError[],
): Json {
  let v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) return obj; // the schema reports the bad version
  if (v > target) {
    errors.push({
      path: pointer([...path, key]),
      message: `${what} ${key} ${v} is newer than this Strikeflow understands (${target}); upgrade Strikeflow`,
    });
    return obj;
  }
  let cur = obj;
  while (v < target) {
    const step = steps[v];
    if (!step) {
      errors.push({
        path: pointer([...path, key]),
        message: `no migration for ${what} from ${key} ${v}; this version was never published`,
      });
      return cur;
    }
    cur = step(cur);
    v += 1;
    cur = { ...cur, [key]: v };
  }
  return cur;
}

function walk(
  block: Json,
  type: BlockType,
  tables: MigrationTables,
  path: PropertyKey[],
  errors: DslError[],
): Json {
  const lifted = lift(
    block,
    'typeVersion',
    tables.blocks[type] ?? {},
    tables.current.blocks[type],
    `${type} block`,
    path,
    errors,
  );
  let out: Json | null = null;
  for (const child of BLOCK_CHILDREN[type]) {
    const v = lifted[child.field];
    if (child.many) {
      if (!Array.isArray(v)) continue;
      const next = v.map((item, i) =>
        isObject(item) ? walk(item, child.block, tables, [...path, child.field, i], errors) : item,
      );
      if (next.some((n, i) => n !== v[i])) (out ??= { ...lifted })[child.field] = next;
    } else if (isObject(v)) {
      const next = walk(v, child.block, tables, [...path, child.field], errors);
      if (next !== v) (out ??= { ...lifted })[child.field] = next;
    }
  }
  return out ?? lifted;
}

/** Never throws; returns the input itself when nothing needed lifting. */
export function migrate(doc: unknown, tables: MigrationTables = MIGRATIONS): MigrateResult {
  if (!isObject(doc))
    return {
      ok: false,
      errors: [
        { path: '', message: 'a DSL document is a JSON object {"dslVersion": 1, "basket": {...}}' },
      ],
    };
  const errors: DslError[] = [];
  if (!('dslVersion' in doc))
    return {
      ok: false,
      errors: [
        {
          path: '/dslVersion',
          message: `required: the document's dslVersion (current: ${tables.current.dslVersion})`,
        },
      ],
    };
  let out = lift(
    doc,
    'dslVersion',
    tables.document,
    tables.current.dslVersion,
    'document',
    [],
    errors,
  );
  if (isObject(out.basket)) {
    const basket = walk(out.basket, 'basket', tables, ['basket'], errors);
    if (basket !== out.basket) out = { ...out, basket };
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: out, migrated: out !== doc };
}

/** The DSL's front door: size and depth guards, migration, then the strict schema. Never throws. */
import { DslDocumentSchema, type DslDocument } from './basket.ts';
import { toDslErrors, type DslError } from './errors.ts';
import { migrate } from './migrate.ts';

/** Far above any real strategy (a 100-strategy basket is ~1 MB), low enough to refuse junk fast. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** Real documents nest ~12 deep (conditions add a few); deeper input is refused before zod recurses. */
export const MAX_DOCUMENT_DEPTH = 64;

export type ParseResult = { ok: true; value: DslDocument } | { ok: false; errors: DslError[] };

/** Depth of a JSON value, iteratively (so hostile nesting cannot overflow the stack); stops past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_DOCUMENT_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export function parseDsl(json: unknown): ParseResult {
  const depth = jsonDepth(json);
  if (depth > MAX_DOCUMENT_DEPTH) return { ok: false, errors: [{ path: '', message: `document nests deeper than ${MAX_DOCUMENT_DEPTH} levels; a DSL document never needs that` }] };
  const migrated = migrate(json);
  if (!migrated.ok) return migrated;
  try {
    const r = DslDocumentSchema.safeParse(migrated.value);
    if (r.success) return { ok: true, value: r.data };
    return { ok: false, errors: toDslErrors(r.error.issues, migrated.value) };
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `validation failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` }] };
  }
}

/** parseDsl for text (files, request bodies): refuses oversized input and reports JSON syntax errors with a position. */
export function parseDslText(text: string): ParseResult {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_DOCUMENT_BYTES) return { ok: false, errors: [{ path: '', message: `document is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES}` }] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `not JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  return parseDsl(json);
}

/** The DSL's front door: size and depth guards, migration, then the strict schema. Never throws. */
import { DslDocumentSchema, type DslDocument } from './basket.ts';
import { toDslErrors, type DslError } from './errors.ts';
import { migrate } from './migrate.ts';

/** Far above any real strategy (a 100-strategy basket is ~1 MB), low enough to refuse junk fast. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** Real documents nest ~12 deep (conditions add a few); deeper input is refused before zod recurses. */
export const MAX_DOCUMENT_DEPTH = 64;

export type ParseResult = { ok: true; value: DslDocument } | { ok: false; errors: DslError[] };

/** Depth of a JSON value; stops descending past `limit`, so hostile nesting cannot overflow the stack. */
export function jsonDepth(value: unknown, limit = MAX_DOCUMENT_DEPTH): number {
  const depth = (v: unknown, d: number): number => {
    if (v === null || typeof v !== 'object') return d - 1;
    if (d > limit) return d;
    let max = d;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c = v[i];
        if (c !== null && typeof c === 'object') max = Math.max(max, depth(c, d + 1));
        if (max > limit) return max;
      }
    } else {
      for (const k in v) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') max = Math.max(max, depth(c, d + 1));
        if (max > limit) return max;
      }
    }
    return max;
  };
  return Math.max(0, depth(value, 1));
}

export function parseDsl(json: unknown): ParseResult {
  const depth = jsonDepth(json);
  if (depth > MAX_DOCUMENT_DEPTH)
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `document nests deeper than ${MAX_DOCUMENT_DEPTH} levels; a DSL document never needs that`,
        },
      ],
    };
  try {
    // A document valid as the current version needs no migration (every typeVersion matched), so
    // the common case skips the migration walk; anything else is migrated and validated again.
    const direct = DslDocumentSchema.safeParse(json);
    if (direct.success) return { ok: true, value: direct.data };
    const migrated = migrate(json);
    if (!migrated.ok) return migrated;
    if (!migrated.migrated) return { ok: false, errors: toDslErrors(direct.error.issues, json) };
    const r = DslDocumentSchema.safeParse(migrated.value);
    if (r.success) return { ok: true, value: r.data };
    return { ok: false, errors: toDslErrors(r.error.issues, migrated.value) };
  } catch (err) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `validation failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
    };
  }
}

/** parseDsl for text (files, request bodies): refuses oversized input and reports JSON syntax errors with a position. */
export function parseDslText(text: string): ParseResult {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_DOCUMENT_BYTES)
    return {
      ok: false,
      errors: [
        { path: '', message: `document is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES}` },
      ],
    };
  let json: unknown;
  try {
    // Editors on Windows save a byte-order mark that JSON.parse rejects; it carries no content.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return {
      ok: false,
      errors: [
        { path: '', message: `not JSON: ${err instanceof Error ? err.message : String(err)}` },
      ],
    };
  }
  return parseDsl(json);
}

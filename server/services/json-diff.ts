/** What changed between two versions of a strategy's DSL, as JSON Pointer paths a trader can read next to the values. */
export type JsonChange = { path: string; before: unknown; after: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Leaf-level changes in document order; a key present on one side only is one change at that key. */
export function diffJson(before: unknown, after: unknown, path = ''): JsonChange[] {
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diffJson(i < before.length ? before[i] : undefined, i < after.length ? after[i] : undefined, `${path}/${i}`));
    }
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    return keys.flatMap((k) => diffJson(before[k], after[k], `${path}/${escape(k)}`));
  }
  if (before === undefined && after === undefined) return [];
  return [{ path, before, after }];
}

/**
 * What changed between two DSL documents, as a list of JSON-pointer paths a trader can read
 * ("/basket/strategies/0/legs/1/stopLoss/value: 25 -> 30"). Arrays of blocks with an `id` are
 * matched by id, so inserting a leg reads as one added leg, not every later leg changed.
 */
export type DslChange =
  | { kind: 'added'; path: string; after: unknown }
  | { kind: 'removed'; path: string; before: unknown }
  | { kind: 'changed'; path: string; before: unknown; after: unknown };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function idOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.id === 'string' ? v.id : undefined;
}

function byId(items: unknown[]): Map<string, number> | undefined {
  const m = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const id = idOf(items[i]);
    if (id === undefined || m.has(id)) return undefined;
    m.set(id, i);
  }
  return m;
}

function walk(before: unknown, after: unknown, path: string, out: DslChange[]): void {
  if (Object.is(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) {
      const p = `${path}/${escape(k)}`;
      if (!(k in after)) out.push({ kind: 'removed', path: p, before: before[k] });
      else if (!(k in before)) out.push({ kind: 'added', path: p, after: after[k] });
      else walk(before[k], after[k], p, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const bIds = byId(before);
    const aIds = byId(after);
    if (bIds && aIds && bIds.size > 0) {
      // Paths name the position in the newer document; removed blocks keep their old position.
      for (const [id, i] of bIds)
        if (!aIds.has(id)) out.push({ kind: 'removed', path: `${path}/${i}`, before: before[i] });
      for (const [id, j] of aIds) {
        const i = bIds.get(id);
        if (i === undefined) out.push({ kind: 'added', path: `${path}/${j}`, after: after[j] });
        else walk(before[i], after[j], `${path}/${j}`, out);
      }
      return;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= after.length) out.push({ kind: 'removed', path: `${path}/${i}`, before: before[i] });
      else if (i >= before.length)
        out.push({ kind: 'added', path: `${path}/${i}`, after: after[i] });
      else walk(before[i], after[i], `${path}/${i}`, out);
    }
    return;
  }
  out.push({ kind: 'changed', path, before, after });
}

export function diffDsl(before: unknown, after: unknown): DslChange[] {
  const out: DslChange[] = [];
  walk(before, after, '', out);
  return out;
}

/** Validation errors as the CLI, the API and the canvas show them: a JSON Pointer and a message. */
import type { z } from 'zod';

export type DslError = { path: string; message: string };

/** RFC 6901 JSON Pointer ("" is the whole document). */
export function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"` : String(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** zod issues to DslErrors: one per unknown key, union failures explained by the discriminator. */
export function toDslErrors(issues: readonly z.core.$ZodIssue[], input: unknown): DslError[] {
  const out: DslError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pointer([...issue.path, key]), message: `unknown key "${key}" (remove it or fix its spelling)` });
      continue;
    }
    if (issue.code === 'invalid_union') {
      if (issue.errors.length === 0 && 'options' in issue && issue.options) {
        const given = valueAt(input, issue.path);
        const what = issue.discriminator ?? String(issue.path[issue.path.length - 1] ?? 'type');
        out.push({ path: pointer(issue.path), message: `${given === undefined ? `missing ${what}` : `unknown ${what} ${describe(given)}`}; expected one of ${issue.options.map(String).join(', ')}` });
        continue;
      }
      if (issue.errors.length > 0) {
        // A plain union (conditions): report the branch the input meant, i.e. the one missing the fewest required keys.
        const branches = issue.errors.map((errs) => errs.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[]);
        const missing = (errs: z.core.$ZodIssue[]) => errs.filter((i) => i.code === 'invalid_type' && valueAt(input, i.path) === undefined).length;
        const best = branches.reduce((a, b) => (missing(b) < missing(a) || (missing(b) === missing(a) && deepest(b) > deepest(a)) ? b : a));
        out.push(...toDslErrors(best, input));
        continue;
      }
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined && issue.path.length > 0) {
      out.push({ path: pointer(issue.path), message: `required: ${issue.message.replace(/^Invalid input: /, '')}` });
      continue;
    }
    out.push({ path: pointer(issue.path), message: issue.message });
  }
  return out;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

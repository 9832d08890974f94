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
  return typeof v === 'object'
    ? 'an object'
    : typeof v === 'string'
      ? `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`
      : String(v);
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
      for (const key of issue.keys)
        out.push({
          path: pointer([...issue.path, key]),
          message: `unknown key "${key}" (remove it or fix its spelling)`,
        });
      continue;
    }
    if (issue.code === 'invalid_union') {
      if (issue.errors.length === 0 && 'options' in issue && issue.options) {
        const given = valueAt(input, issue.path);
        const what = issue.discriminator ?? String(issue.path[issue.path.length - 1] ?? 'type');
        out.push({
          path: pointer(issue.path),
          message: `${given === undefined ? `missing ${what}` : `unknown ${what} ${describe(given)}`}; expected one of ${issue.options.map(String).join(', ')}`,
        });
        continue;
      }
      if (issue.errors.length > 0) {
        // A plain union (conditions): report the branch the input meant, i.e. the one whose keys it uses.
        const here = issue.path.length;
        const branches = issue.errors.map(
          (errs) =>
            errs.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[],
        );
        const unknownKeys = (errs: z.core.$ZodIssue[]) =>
          errs.reduce(
            (n, i) =>
              n + (i.code === 'unrecognized_keys' && i.path.length === here ? i.keys.length : 0),
            0,
          );
        const missingKeys = (errs: z.core.$ZodIssue[]) =>
          errs
            .filter((i) => i.path.length === here + 1 && valueAt(input, i.path) === undefined)
            .map((i) => String(i.path[here]));
        if (branches.every((errs) => unknownKeys(errs) > 0)) {
          const shapes = branches.map((errs) => missingKeys(errs).join(', ')).filter(Boolean);
          out.push({
            path: pointer(issue.path),
            message: `expected an object with ${shapes.length ? `the key(s) ${shapes.map((x) => `{${x}}`).join(' or ')}` : 'a different shape'}`,
          });
          continue;
        }
        const score = (errs: z.core.$ZodIssue[]) =>
          unknownKeys(errs) * 1000 + missingKeys(errs).length * 10 - deepest(errs);
        const best = branches.reduce((x, y) => (score(y) < score(x) ? y : x));
        out.push(...toDslErrors(best, input));
        continue;
      }
    }
    if (
      (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
      valueAt(input, issue.path) === undefined &&
      issue.path.length > 0
    ) {
      const expected =
        issue.code === 'invalid_type' && issue.expected !== 'nonoptional'
          ? ` (${issue.expected})`
          : '';
      out.push({
        path: pointer(issue.path),
        message: `required: "${String(issue.path[issue.path.length - 1])}" is missing${expected}`,
      });
      continue;
    }
    out.push({ path: pointer(issue.path), message: issue.message });
  }
  return out;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

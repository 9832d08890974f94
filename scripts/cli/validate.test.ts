// `npm run -s cli -- validate FILE` and `schema` as DESIGN.md's CLI contract says, run as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'strikeflow-validate-'));

function cli(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/cli.ts'), ...args],
    { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: r.stdout.split('\n').filter(Boolean),
  };
}

function file(name: string, content: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const errorLines = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as { path: string; message: string });

describe('cli validate', { timeout: 120_000 }, () => {
  it('exits 0 and prints nothing on stdout for a valid example', () => {
    const r = cli(
      'validate',
      path.join(root, 'engine/dsl/examples/nifty-short-straddle-recost.json'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/valid/);
  });

  it('exits 1 with one {"path","message"} line per error, unknown keys included', () => {
    const doc = JSON.parse(
      JSON.stringify({
        dslVersion: 1,
        basket: { typeVersion: 1, name: 'x', capital: 1, strategies: [], colour: 'red' },
      }),
    );
    const r = cli('validate', file('bad.json', JSON.stringify(doc)));
    expect(r.code).toBe(1);
    const errs = errorLines(r.lines);
    expect(errs).toContainEqual({
      path: '/basket/colour',
      message: 'unknown key "colour" (remove it or fix its spelling)',
    });
    expect(errs).toContainEqual({
      path: '/basket/strategies',
      message: 'a basket needs at least one strategy',
    });
    for (const e of errs) expect(Object.keys(e).sort()).toEqual(['message', 'path']);
  });

  it('a file that is not JSON, too deep, too large or missing: exit 1 with a path error, never a crash', () => {
    const notJson = cli('validate', file('text.json', 'name: straddle'));
    const deep = cli('validate', file('deep.json', '['.repeat(200_000) + ']'.repeat(200_000)));
    const large = cli(
      'validate',
      file('large.json', JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) })),
    );
    const missing = cli('validate', path.join(tmp, 'nope.json'));
    const none = cli('validate');
    for (const [r, re] of [
      [notJson, /^not JSON/],
      [deep, /nests deeper than 64/],
      [large, /the limit is 2097152/],
      [missing, /cannot read .*nope\.json/],
      [none, /usage: validate/],
    ] as const) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      const errs = errorLines(r.lines);
      expect(errs).toHaveLength(1);
      expect(errs[0].path).toBe('');
      expect(errs[0].message).toMatch(re);
    }
  });
});

describe('cli schema', { timeout: 60_000 }, () => {
  it('prints the JSON Schema of DSL v1', () => {
    const r = cli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$id).toBe('https://strikeflow.dev/schema/dsl-v1.json');
    expect(schema.properties.dslVersion).toMatchObject({ const: 1 });
    expect(schema.additionalProperties).toBe(false);
  });
});

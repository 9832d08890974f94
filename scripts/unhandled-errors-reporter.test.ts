// The reporter `npm test` names unhandled errors with: vitest run on a test that passes but leaks
// a rejected promise fails, and the reporter's file names the error and the test it came from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UnhandledError } from './unhandled-errors-reporter';

const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-unhandled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs vitest with the reporter on one test file written to a temporary folder. */
function run(name: string, body: string) {
  const project = mkdtempSync(path.join(dir, 'run-'));
  // globals: the folder has no node_modules to import vitest from.
  writeFileSync(path.join(project, 'vitest.config.mjs'), `export default { test: { globals: true, include: ['*.check.js'] } };\n`); // prettier-ignore
  writeFileSync(path.join(project, `${name}.check.js`), body);
  const file = path.join(project, 'unhandled.json');
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      project,
      '--config',
      path.join(project, 'vitest.config.mjs'),
      '--reporter=dot',
      `--reporter=${path.join(root, 'scripts', 'unhandled-errors-reporter.ts')}`,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, STRIKEFLOW_UNHANDLED_FILE: file }, timeout: 60_000 }, // prettier-ignore
  );
  const errors = JSON.parse(readFileSync(file, 'utf8')) as UnhandledError[];
  return { status: r.status, errors };
}

describe('the unhandled-errors reporter', () => {
  it('names a rejection a passing test leaked, with the test, and the run fails', () => {
    const { status, errors } = run(
      'leaks',
      `it('passes but leaks a rejection', async () => {
        void Promise.reject(new Error('boom from a leaked promise'));
        await new Promise((r) => setTimeout(r, 50));
        expect(1).toBe(1);
      });\n`,
    );
    expect(status).not.toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('boom from a leaked promise');
    expect(errors[0].origin).toContain('passes but leaks a rejection');
  }, 60_000);

  it('writes an empty list for a clean run, which passes', () => {
    const { status, errors } = run('clean', `it('passes', () => { expect(2).toBe(2); });\n`);
    expect(status).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNeeded, sourceFingerprint } from './next-build';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project() {
  root = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-build-check-'));
  mkdirSync(path.join(root, 'app'), { recursive: true });
  mkdirSync(path.join(root, '.next'), { recursive: true });
  writeFileSync(
    path.join(root, 'app', 'page.tsx'),
    'export default function Page() { return null; }',
  );
  writeFileSync(path.join(root, 'app', 'page.test.tsx'), '// tests never force a build');
  writeFileSync(path.join(root, 'package.json'), '{}');
}

function markBuilt() {
  writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'x');
  writeFileSync(path.join(root, '.next', 'strikeflow-sources'), sourceFingerprint(root));
}

describe('when npm start rebuilds the web app', () => {
  it('builds a fresh clone, then not again until a source changes', () => {
    project();
    expect(buildNeeded(root)).toBe('no build yet');
    markBuilt();
    expect(buildNeeded(root)).toBeNull();
  });

  it('rebuilds after an edit, even to an older timestamp (a branch switch)', () => {
    project();
    markBuilt();
    const page = path.join(root, 'app', 'page.tsx');
    writeFileSync(page, 'export default function Page() { return "changed"; }');
    utimesSync(page, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(buildNeeded(root)).toBe('sources changed since the last build');
  });

  it('rebuilds after a file is added or deleted, but not for a test file', () => {
    project();
    markBuilt();
    writeFileSync(path.join(root, 'app', 'other.test.tsx'), '// new test');
    expect(buildNeeded(root)).toBeNull();
    rmSync(path.join(root, 'app', 'page.tsx'));
    expect(buildNeeded(root)).toBe('sources changed since the last build');
  });

  it('rebuilds a build that npm start did not make (plain next build leaves no record)', () => {
    project();
    writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'x');
    expect(buildNeeded(root)).toBe('the build was not made by npm start');
  });
});

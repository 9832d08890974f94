// The lock file in git is what `npm ci` installs, so it must be the one a fresh `npm install` would
// write: every platform's optional binary listed (npm adds the missing ones, and `npm ci` refuses
// a lock without them), and the root's install-script flag in step with package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
type Entry = {
  version?: string;
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, Entry>;
};
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts?: Record<string, string>;
};

/** Where npm would resolve `name` from the package at `at` (its own node_modules, then upwards). */
function resolves(at: string, name: string): boolean {
  let dir = at;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

describe('package-lock.json', () => {
  it('lists every optional dependency for every platform, as `npm install` writes it', () => {
    expect(lock.lockfileVersion).toBe(3);
    const missing: string[] = [];
    for (const [at, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {}))
        if (!resolves(at, name)) missing.push(`${at || '(root)'} -> ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('marks the root as having an install script exactly when package.json has one', () => {
    const s = pkg.scripts ?? {};
    const has = ['preinstall', 'install', 'postinstall'].some((k) => k in s);
    expect(lock.packages[''].hasInstallScript ?? false).toBe(has);
  });
});

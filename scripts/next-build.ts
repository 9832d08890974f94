/**
 * Builds the Next app when there is no build yet or the sources differ from the last build's
 * (a fingerprint of every source file's path, size and mtime, so added, edited and deleted files
 * all count, and so does switching branches).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const sourceDirs = ['app', 'components', 'server', 'db', 'datasets', 'engine', 'workers', 'public'];
const sourceFiles = [
  'next.config.mjs',
  'package.json',
  'package-lock.json',
  'postcss.config.mjs',
  'tsconfig.json',
  'proxy.ts',
  'middleware.ts',
  'instrumentation.ts',
];
const stampFile = (root: string) => path.join(root, '.next', 'strikeflow-sources');

function walk(dir: string, out: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (!/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
}

export function sourceFingerprint(root: string): string {
  const files: string[] = [];
  for (const d of sourceDirs) walk(path.join(root, d), files);
  for (const f of sourceFiles) if (existsSync(path.join(root, f))) files.push(path.join(root, f));
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    const s = statSync(f);
    hash.update(`${path.relative(root, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Why a build is needed, or null when the current one is up to date. */
export function buildNeeded(root: string): string | null {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) return 'no build yet';
  const stamp = stampFile(root);
  if (!existsSync(stamp)) return 'the build was not made by npm start';
  return readFileSync(stamp, 'utf8').trim() === sourceFingerprint(root)
    ? null
    : 'sources changed since the last build';
}

/** Runs `next build`, showing its output only when it fails, and records what it built. */
export function runNextBuild(root: string): Promise<void> {
  // Taken before the build: a file edited (or a branch merged) while next build runs must count
  // as changed at the next start, not be stamped as built.
  const built = sourceFingerprint(root);
  return new Promise((resolve, reject) => {
    const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`next build failed (exit ${code}):\n${out.trim()}`));
      writeFileSync(stampFile(root), built);
      resolve();
    });
  });
}

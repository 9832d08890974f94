/** Builds the Next app when there is no build yet or a source file changed since the last one. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const sourceDirs = ['app', 'components', 'server', 'db', 'engine', 'workers', 'public'];
const sourceFiles = ['next.config.mjs', 'package.json', 'postcss.config.mjs', 'tsconfig.json'];

function newestIn(dir: string): number {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestIn(p));
    else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Why a build is needed, or null when the current one is up to date. */
export function buildNeeded(root: string): string | null {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'no build yet';
  const built = statSync(buildId).mtimeMs;
  const newest = Math.max(
    ...sourceDirs.map((d) => newestIn(path.join(root, d))),
    ...sourceFiles.map((f) =>
      existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0,
    ),
  );
  return newest > built ? 'sources changed since the last build' : null;
}

/** Runs `next build`, showing its output only when it fails. */
export function runNextBuild(root: string): Promise<void> {
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
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`next build failed (exit ${code}):\n${out.trim()}`)),
    );
  });
}

/**
 * `npm run bench [name ...] [-- --out DIR]`: runs every bench/<name>.bench.ts (or the ones
 * named) in its own process, one after another so they do not compete for the two cores, and
 * prints one JSON document {benches: {name: figures}} on stdout. Nothing is written into the
 * repository: with --out DIR each bench's JSON is also saved as DIR/<name>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;
if (outAt >= 0 && !out) {
  console.error('--out needs a folder: npm run bench -- --out /tmp/bench');
  process.exit(1);
}
const wanted = args.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
if (wanted.length && names.length !== wanted.length) {
  console.error(
    `unknown benchmark(s): ${wanted.filter((w) => !all.includes(w)).join(', ')}; have: ${all.join(', ')}`,
  );
  process.exit(1);
}
if (out) mkdirSync(out, { recursive: true });
const benches: Record<string, unknown> = {};
let failed = 0;
for (const name of names) {
  console.error(`bench ${name} ...`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.bench.ts`)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    // A bench's stdout is its JSON: the product's log (pino, on stdout) stays out of it.
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  });
  if (res.status !== 0) {
    failed++;
    benches[name] = { failed: `exit ${res.status}` };
    console.error(`bench ${name} failed with exit ${res.status}`);
    continue;
  }
  benches[name] = JSON.parse(res.stdout);
  if (out) writeFileSync(path.join(out, `${name}.json`), res.stdout);
}
process.stdout.write(JSON.stringify({ benches }, null, 2) + '\n');
process.exit(failed ? 1 : 0);

/**
 * `npm run bench`: runs every bench/<name>.bench.ts (or the ones named on the command line)
 * in its own process, one after another so they do not compete for the two cores, and
 * writes each one's JSON to bench/results/<name>.json as well as stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
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
mkdirSync(path.join(dir, 'results'), { recursive: true });
let failed = 0;
for (const name of names) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.bench.ts`)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    failed++;
    console.error(`bench ${name} failed with exit ${res.status}`);
    continue;
  }
  writeFileSync(path.join(dir, 'results', `${name}.json`), res.stdout);
  process.stdout.write(res.stdout);
}
process.exit(failed ? 1 : 0);

// The layer table of docs/architecture.md, enforced: imports point down the table, engine/ is
// pure, and the web server reaches the workers only through their queue producers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const allowed: Record<string, string[]> = {
  engine: ['engine'],
  db: ['engine', 'db'],
  datasets: ['engine', 'datasets'],
  workers: ['engine', 'db', 'datasets', 'workers'],
  server: ['engine', 'db', 'datasets', 'workers', 'server'],
  components: ['engine', 'components'],
  app: ['server', 'components', 'app', 'engine'],
};
/** The only worker modules the web server may import: queue names, payloads and producers. */
const serverMayImportFromWorkers = ['workers/queues.ts'];
const nodeIo = /^(node:)?(fs|net|http|https|child_process|worker_threads|dgram|tls|os)(\/|$)/;
const infra = /^(ioredis|bullmq|postgres|drizzle-orm|next|pino)(\/|$)/;

function files(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(e) && !/\.test\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

// Type-only imports carry no code at run time (e.g. the tRPC router type in components/).
function importsOf(src: string): string[] {
  const re =
    /(import|export)(\s+type\b)?[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (const m of src.matchAll(re)) if (!m[2]) out.push(m[3] ?? m[4]);
  return out;
}

function targetOf(spec: string, from: string): string | null {
  let target: string;
  if (spec.startsWith('@/')) target = path.join(root, spec.slice(2));
  else if (spec.startsWith('.')) target = path.resolve(path.dirname(from), spec);
  else return null;
  return path.relative(root, target);
}

const layerOf = (spec: string, from: string) => targetOf(spec, from)?.split(path.sep)[0] ?? null;

describe('layer rules', () => {
  for (const [layer, may] of Object.entries(allowed)) {
    it(`${layer}/ imports only ${may.join(', ')}`, () => {
      const violations: string[] = [];
      for (const f of files(path.join(root, layer))) {
        for (const spec of importsOf(readFileSync(f, 'utf8'))) {
          const target = layerOf(spec, f);
          if (target && target in allowed && !may.includes(target))
            violations.push(`${path.relative(root, f)} -> ${spec}`);
          if (layer === 'engine' && (nodeIo.test(spec) || infra.test(spec)))
            violations.push(`${path.relative(root, f)} -> ${spec}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('server/ imports from workers/ only the queue producers', () => {
    const violations: string[] = [];
    for (const f of files(path.join(root, 'server'))) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        const target = targetOf(spec, f);
        if (!target?.startsWith(`workers${path.sep}`)) continue;
        const file = /\.tsx?$/.test(target) ? target : `${target}.ts`;
        if (!serverMayImportFromWorkers.includes(file.split(path.sep).join('/')))
          violations.push(`${path.relative(root, f)} -> ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('engine/ reads no clock and no unseeded randomness', () => {
    const bad = files(path.join(root, 'engine')).filter((f) =>
      /Date\.now\(|new Date\(\)|Math\.random\(/.test(readFileSync(f, 'utf8')),
    );
    expect(bad.map((f) => path.relative(root, f))).toEqual([]);
  });
});

/**
 * The API under load (issue 15): the production app (`npm start`, the built Next server) on
 * loopback against a real Postgres server started here (bench/_postgres.ts), with
 * its workers as separate processes (WORKER_PROCESSES=2), driven by autocannon.
 *  1. `strategies.list` (a tRPC batch GET, signed in, 30 strategies) at 200 connections:
 *     p95 latency (target <= 100 ms) and errors (target: none). The API keeps a served list
 *     while the owner's strategies are unchanged (server/http/list-cache.ts), so this is the
 *     trader reopening an unchanged list; the same load with a different search on every
 *     request (nothing kept can answer it: the list query, mapping and serialisation each time)
 *     is measured beside it and reported, outside the pass/fail.
 *  2. `/api/health` req/s (target >= 3,000), beside a plain Node http server answering the same
 *     JSON in this process (the reference, measured in interleaved rounds).
 * CPU time of the app's processes per request is reported beside; figures are medians of the
 * rounds. Postgres is stopped with pg_ctl: a signal to the `runuser` in front of it never reached
 * the server, and the bench waited for it forever after printing its figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startApp, type RunningApp } from '@/tests/e2e/app-process';
import { signUpAndIn } from '@/tests/support/app-client';
import { childPids, emit, median, processCpuSeconds, round } from './_harness';
import { startPrivatePostgres, type PrivatePostgres } from './_postgres';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);

/** CPU seconds of a process and all its descendants (the app, Next, the workers), from /proc. */
function treeCpu(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    try {
      total += processCpuSeconds(p);
      for (const c of childPids(p)) visit(c);
    } catch {
      // gone
    }
  };
  visit(pid);
  return total;
}

/**
 * Waits until the server answers a single request within 100 ms again: requests autocannon gave
 * up on may still be in the server's queue, and must not slow the next run down.
 */
async function drained(url: string): Promise<void> {
  const health = new URL('/api/health', url).toString();
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    await fetch(health).catch(() => null);
    if (performance.now() - t0 < 100) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

type Run = { reqPerSec: number; p95Ms: number; p50Ms: number; errors: number; non2xx: number; requests: number; cpuMsPerRequest: number | null }; // prettier-ignore

async function cannon(opts: autocannon.Options, cpuOf: (() => number) | null): Promise<Run> {
  const latencies: number[] = [];
  const c0 = cpuOf?.() ?? 0;
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    // A request still unanswered after 30 s counts as an error (autocannon's default is 10 s).
    const instance = autocannon({ timeout: 30, ...opts, duration: SECONDS }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  });
  const cpu = cpuOf ? cpuOf() - c0 : null;
  await drained(opts.url as string);
  latencies.sort((a, b) => a - b);
  return {
    reqPerSec: round(r.requests.average, 0),
    p95Ms: round(latencies[Math.floor(latencies.length * 0.95)] ?? NaN, 1),
    p50Ms: round(latencies[Math.floor(latencies.length * 0.5)] ?? NaN, 1),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
    cpuMsPerRequest: cpu === null ? null : round((cpu * 1000) / Math.max(1, r.requests.total), 3),
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-api-bench-'));
let pg: PrivatePostgres | undefined;
let app: RunningApp | undefined;
const plain = http.createServer((_req, res) => {
  const body = JSON.stringify({ status: 'ok', db: 'ok', redis: 'ok', workers: 'ok', version: '0.1.0' }); // prettier-ignore
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
});
try {
  pg = await startPrivatePostgres();
  app = await startApp({
    dataDir: path.join(tmp, 'app'),
    databaseUrl: pg.url,
    env: { WORKER_PROCESSES: '2', LOG_LEVEL: 'error' },
    timeoutMs: 600_000,
  });
  const who = await signUpAndIn(app.url, { email: 'load@example.test', password: 'two-hundred-conns' }); // prettier-ignore
  const document = JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples/nifty-short-straddle-recost.json'), 'utf8'),
  );
  for (let i = 0; i < 30; i++) {
    const r = await who.api.strategies.import.mutate({ name: `Straddle ${i + 1}`, document });
    if (!r.ok) throw new Error('import failed');
  }
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as { port: number }).port}/api/health`;
  const input = encodeURIComponent(JSON.stringify({ 0: { json: {} } }));
  const listUrl = `${app.url}/api/trpc/strategies.list?batch=1&input=${input}`;
  const check = await fetch(listUrl, { headers: { cookie: who.cookie } });
  const body = (await check.json()) as { result: { data: { json: unknown[] } } }[];
  if (!check.ok || body[0].result.data.json.length !== 30)
    throw new Error(`strategies.list answered ${check.status}: ${JSON.stringify(body).slice(0, 300)}`); // prettier-ignore
  const appPid = app.pid;
  const cpu = () => treeCpu(appPid);

  // Warm-up: Next compiles routes and fills its caches on first use.
  await cannon({ url: listUrl, connections: 20, headers: { cookie: who.cookie } }, null);
  await cannon({ url: `${app.url}/api/health`, connections: 20 }, null);
  const list: Run[] = [];
  const uncached: Run[] = [];
  let searches = 0;
  // A search no strategy matches ("Straddle 1" would match), a new one every request.
  const uncachedPath = () =>
    `/api/trpc/strategies.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { search: `none ${searches++}` } } }))}`; // prettier-ignore
  const health: Run[] = [];
  const reference: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    list.push(await cannon({ url: listUrl, connections: 200, headers: { cookie: who.cookie } }, cpu)); // prettier-ignore
    uncached.push(await cannon({ url: listUrl, connections: 200, headers: { cookie: who.cookie }, requests: [{ setupRequest: (req) => ({ ...req, path: uncachedPath() }) }] }, cpu)); // prettier-ignore
    const pair = [
      async () => health.push(await cannon({ url: `${app!.url}/api/health`, connections: 50 }, cpu)), // prettier-ignore
      async () => reference.push(await cannon({ url: plainUrl, connections: 50 }, null)),
    ];
    for (const f of r % 2 ? pair.reverse() : pair) await f();
  }
  const med = (xs: Run[], k: keyof Run) => round(median(xs.map((x) => Number(x[k]))), 3);
  const listP95 = med(list, 'p95Ms');
  const listErrors = list.reduce((s, x) => s + x.errors + x.non2xx, 0);
  const healthRps = med(health, 'reqPerSec');
  emit({
    bench: 'api',
    setup: `npm start (production build) on 127.0.0.1, Postgres ${spawnSync('postgres', ['--version'], { encoding: 'utf8' }).stdout.trim()} started here, 2 worker processes, ${SECONDS} s per run, ${ROUNDS} rounds`, // prettier-ignore
    strategiesList: {
      connections: 200,
      strategies: 30,
      medianP95Ms: listP95,
      medianP50Ms: med(list, 'p50Ms'),
      medianReqPerSec: med(list, 'reqPerSec'),
      errorsAndNon2xx: listErrors,
      medianCpuMsPerRequest: med(list, 'cpuMsPerRequest'),
      rounds: list,
    },
    strategiesListUncached: {
      what: 'the same load, a different search every request: no kept answer applies',
      connections: 200,
      medianP95Ms: med(uncached, 'p95Ms'),
      medianP50Ms: med(uncached, 'p50Ms'),
      medianReqPerSec: med(uncached, 'reqPerSec'),
      errorsAndNon2xx: uncached.reduce((s, x) => s + x.errors + x.non2xx, 0),
      medianCpuMsPerRequest: med(uncached, 'cpuMsPerRequest'),
    },
    health: {
      connections: 50,
      medianReqPerSec: healthRps,
      medianP95Ms: med(health, 'p95Ms'),
      medianCpuMsPerRequest: med(health, 'cpuMsPerRequest'),
      errorsAndNon2xx: health.reduce((s, x) => s + x.errors + x.non2xx, 0),
    },
    reference: {
      what: 'a plain Node http server in this process answering the same JSON',
      medianReqPerSec: med(reference, 'reqPerSec'),
      healthOverReference: round(healthRps / med(reference, 'reqPerSec'), 3),
    },
    targets: { strategiesListP95Ms: 100, strategiesListErrors: 0, healthReqPerSec: 3000 },
    meetsTargets: listP95 <= 100 && listErrors === 0 && healthRps >= 3000,
  });
} finally {
  plain.close();
  await app?.stop();
  pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

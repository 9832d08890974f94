/**
 * The worker fleet's figures (issue 15), on simulated 1-minute NIFTY chains imported once into a
 * chain store, with the product's own path: backtest and sweep rows in a database (PGlite), jobs
 * on a private redis-server, the backtests worker in this process (the parent), and 2 worker
 * processes started as `npm run workers -- --compute-only` computing the children.
 *  1. The simulated year (BENCH_FLEET_TO shortens it), 4-leg iron condor: one run in a process
 *     of its own (the reference, measured here, never a constant) against the same backtest split
 *     by days across the 2 worker processes; interleaved rounds; wall time gives the speed-up,
 *     CPU time (this process + both workers, threads included) what the split costs; the joined
 *     report must equal the one run (net P&L, orders).
 *  2. A 100-combination sweep (10 stop-loss % x 10 entry times) over the first month: time to
 *     finish on the 2 worker processes, CPU, and its heat map (net P&L per combination).
 * Everything lives in a temporary folder removed at the end; results go to stdout only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowProducer, Queue, Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { closeClient, migrateDb, openClient, wrap } from '@/db/client';
import { backtests, strategyVersions, sweeps, user } from '@/db/schema';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import type { BacktestReport } from '@/engine/backtest/backtest';
import { simulateDays } from '@/engine/market/simulator';
import { ChainStoreWriter, storeRoot } from '@/datasets/store';
import { backtestProcessor } from '@/workers/backtests';
import { computeBacktest } from '@/workers/backtests/compute';
import { createConnection, enqueueBacktest, enqueueSweep, QUEUES } from '@/workers/queues';
import { startRedisServer } from '@/workers/redis-server';
import { cpuSeconds, emit, median, peakRssMb, processCpuSeconds, round } from './_harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const FROM = '2026-01-01';
const TO = process.env.BENCH_FLEET_TO ?? '2026-12-31';
const MONTH_TO = '2026-01-31';
const overrides = { costModel: 'india-index-options' as const, latency: 'none' as const, riskLimits: {} }; // prettier-ignore

function condor(): DslDocument {
  const json = JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples/nifty-iron-condor-delta.json'), 'utf8'),
  );
  const s = json.basket.strategies[0];
  delete s.daysToExpiry;
  delete s.conditions;
  const r = parseDsl(json);
  if (!r.ok) throw new Error(`bench strategy does not validate: ${JSON.stringify(r.errors)}`);
  return r.value;
}

// ---- Child mode: the reference, one run of the whole range in a process of its own.
if (process.argv[2] === '--one-run') {
  const [, , , dataDir, to] = process.argv;
  const c0 = cpuSeconds();
  const w0 = performance.now();
  const report = await computeBacktest({
    document: condor(),
    source: { kind: 'store', underlying: 'NIFTY', from: FROM, to },
    overrides,
    dataDir,
    sharedData: null,
  });
  process.stdout.write(
    JSON.stringify({
      wallSeconds: (performance.now() - w0) / 1000,
      cpuSeconds: cpuSeconds() - c0,
      netPnl: report.summary.netPnl,
      orders: report.orders.length,
      snapshots: report.data.snapshots,
      peakRssMb: peakRssMb(),
    }),
  );
  process.exit(0);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-fleet-bench-'));
const children: ChildProcess[] = [];
const redis = await startRedisServer({ dataDir: path.join(tmp, 'redis'), persist: false });
const client = createConnection('client', redis.url);
const flows = new FlowProducer({ connection: client });
const compute = new Queue(QUEUES.compute, { connection: client });
const queue = new Queue(QUEUES.backtests, { connection: client });
const dbClient = await openClient({ pgliteDir: path.join(tmp, 'pglite') });
let parent: Worker | undefined;

try {
  // ---- The store: the simulated range, imported once.
  const c0 = cpuSeconds();
  const writer = new ChainStoreWriter(storeRoot(tmp), { source: 'simulator NIFTY seed 2026' });
  let snapshots = 0;
  for (const s of simulateDays({ underlying: 'NIFTY', seed: 2026, from: FROM, to: TO })) {
    snapshots++;
    await writer.add(s);
  }
  const days = await writer.finish();
  const importCpu = cpuSeconds() - c0;

  await migrateDb(dbClient);
  const db = wrap(dbClient);
  await db.insert(user).values({ id: 'bench', name: 'bench', email: 'bench@example.test' });
  const doc = condor();
  const [version] = await db
    .insert(strategyVersions)
    .values({ ownerId: 'bench', version: 1, name: doc.basket.name, dsl: doc, graph: {} })
    .returning({ id: strategyVersions.id });

  // ---- The fleet: 2 compute-only worker processes, the backtests worker here.
  const { DATABASE_URL: _none, ...inherited } = process.env;
  for (let i = 0; i < 2; i++) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts/workers.ts'), '--compute-only'],
      {
        cwd: root,
        env: { ...inherited, REDIS_URL: redis.url, DATA_DIR: tmp, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'error', NODE_ENV: 'production' }, // prettier-ignore
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(child);
  }
  while ((await compute.getWorkers()).length < 2) await new Promise((r) => setTimeout(r, 200));
  parent = new Worker(
    QUEUES.backtests,
    backtestProcessor({
      db: async () => db,
      dataDir: tmp,
      sharedData: null,
      fleet: { redis: client, flows, queue: compute },
    }),
    { connection: createConnection('worker', redis.url), concurrency: 2 },
  );
  await parent.waitUntilReady();
  const fleetCpu = () => cpuSeconds() + children.reduce((s, c) => s + processCpuSeconds(c.pid!), 0);

  const oneRun = () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--one-run', tmp, TO],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`one-run reference exited ${r.status}`);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const split = async () => {
    const [row] = await db
      .insert(backtests)
      .values({
        ownerId: 'bench',
        strategyVersionId: version.id,
        dataSource: { kind: 'store', underlying: 'NIFTY', from: FROM, to: TO },
        settings: overrides,
      })
      .returning({ id: backtests.id });
    const c = fleetCpu();
    const w0 = performance.now();
    await enqueueBacktest(queue, row.id, 1);
    for (;;) {
      const [r] = await db.select().from(backtests).where(eq(backtests.id, row.id));
      if (r.status === 'failed') throw new Error(`split backtest failed: ${r.error}`);
      if (r.status === 'succeeded') {
        const report = r.report as BacktestReport;
        return {
          wallSeconds: (performance.now() - w0) / 1000,
          cpuSeconds: fleetCpu() - c,
          netPnl: report.summary.netPnl,
          orders: report.orders.length,
          parts: report.data.run?.parts ?? 1,
        };
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  const rounds = Number(process.env.BENCH_FLEET_ROUNDS ?? 2);
  const one: Record<string, number>[] = [];
  const two: Awaited<ReturnType<typeof split>>[] = [];
  await split(); // warm-up: the workers' first run loads the engine
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      one.push(oneRun());
      two.push(await split());
    } else {
      two.push(await split());
      one.push(oneRun());
    }
  }
  const med = <T extends Record<string, number>>(xs: T[], k: keyof T) => round(median(xs.map((x) => x[k]))); // prettier-ignore
  const oneWall = med(one, 'wallSeconds');
  const twoWall = med(two, 'wallSeconds');
  const year = {
    range: `${FROM}..${TO}`,
    sessions: days.length,
    snapshots,
    storeImportCpuSecondsIncludingSimulation: round(importCpu, 1),
    strategy: `${doc.basket.name}, any day (4 legs)`,
    oneRunInOneProcess: {
      medianWallSeconds: oneWall,
      medianCpuSeconds: med(one, 'cpuSeconds'),
      peakRssMb: Math.max(...one.map((x) => x.peakRssMb)),
    },
    splitOn2WorkerProcesses: {
      parts: two[0].parts,
      medianWallSeconds: twoWall,
      medianCpuSecondsAllProcesses: med(two, 'cpuSeconds'),
    },
    speedUp: round(oneWall / twoWall, 2),
    cpuCostOfSplitting: round(med(two, 'cpuSeconds') / med(one, 'cpuSeconds'), 2),
    sameReport: two.every((t) => t.netPnl === one[0].netPnl && t.orders === one[0].orders),
    rounds,
  };

  // ---- A 100-combination sweep over the first month.
  const spec = {
    axes: [
      { field: 'stopLossPct' as const, values: [20, 25, 30, 35, 40, 45, 50, 55, 60, 65] },
      { field: 'entryTime' as const, values: ['09:20', '09:30', '09:40', '09:50', '10:00', '10:10', '10:20', '10:30', '10:40', '10:50'] }, // prettier-ignore
    ],
    outOfSamplePct: 30,
  };
  const [sw] = await db
    .insert(sweeps)
    .values({
      ownerId: 'bench',
      strategyVersionId: version.id,
      dataSource: { kind: 'store', underlying: 'NIFTY', from: FROM, to: MONTH_TO },
      settings: overrides,
      spec,
      combinations: 100,
    })
    .returning({ id: sweeps.id });
  const sc = fleetCpu();
  const sw0 = performance.now();
  await enqueueSweep(queue, sw.id);
  let done;
  for (;;) {
    [done] = await db.select().from(sweeps).where(eq(sweeps.id, sw.id));
    if (done.status === 'failed') throw new Error(`sweep failed: ${done.error}`);
    if (done.status === 'succeeded') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const sweepWall = (performance.now() - sw0) / 1000;
  const heat = spec.axes[0].values.map(
    (sl) =>
    spec.axes[1].values.map((t) => done.results.find((r) => r.combo[0] === sl && r.combo[1] === t)?.whole.netPnl ?? null), // prettier-ignore
  );
  emit({
    bench: 'fleet',
    workerProcesses: 2,
    year,
    sweep: {
      combinations: done.results.length,
      range: `${FROM}..${MONTH_TO}`,
      wallSecondsToFinish: round(sweepWall, 1),
      cpuSecondsAllProcesses: round(fleetCpu() - sc, 1),
      heatMap: {
        metric: 'net P&L over the whole month',
        rows: `stopLossPct ${spec.axes[0].values.join(', ')}`,
        columns: `entryTime ${spec.axes[1].values.join(', ')}`,
        cells: heat,
      },
      chosenInSample: done.analysis?.chosen?.label ?? null,
      rankCorrelation: done.analysis?.rankCorrelation ?? null,
      warnings: done.analysis?.warnings ?? [],
    },
  });
} finally {
  await parent?.close(true);
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))); // prettier-ignore
  await Promise.all([flows.close(), compute.close(), queue.close()]);
  client.disconnect();
  await closeClient(dbClient);
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
}
// Something the bench opened (a queue's or worker's connection to the stopped Redis) kept the
// process alive after the figures were written, and `npm run bench` waited for it forever.
process.exit(0);

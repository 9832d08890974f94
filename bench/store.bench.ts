/**
 * The chain store's figures (issue 15), CPU time of the process (DuckDB's thread included):
 *  1. The real 2026-08-18 NIFTY day (288 snapshots, 154k quotes): import of its parquet file
 *     into the store (target <= 1 s), then import + a 4-leg backtest from the store (target
 *     <= 1 s); reference in the same process, interleaved: reading the file straight into the
 *     backtest as before the store (readSnapshots), and an in-memory gunzip+split of its CSV.
 *  2. A simulated year of 1-minute NIFTY chains (~245 sessions x 376 snapshots x ~540 options):
 *     imported once, then the 4-leg iron condor backtested from the store in a fresh process
 *     (target <= 10 s CPU on one core, peak RSS <= 500 MB), beside the same backtest reading
 *     every stored option (no projection) as the reference, and the read alone, to show where
 *     the time goes. BENCH_YEAR_TO=2026-03-31 shortens the year while iterating.
 * Everything is written to a temporary folder that is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { backtestDocument } from '@/engine/backtest/basket';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import { simulateDays } from '@/engine/market/simulator';
import { chainReach, describeReach } from '@/engine/reach/reach';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { ChainStoreWriter, importToStore, readStore } from '@/datasets/store';
import { cpuSeconds, emit, interleaved, peakRssMb, round } from './_harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** The iron condor example, traded every day: its days-to-expiry filter and conditions lifted. */
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
const overrides = { costModel: 'india-index-options' as const };

// ---- Child mode: one year backtest in a fresh process, so its peak RSS is its own.
if (process.argv[2] === '--year-backtest') {
  const [, , , store, mode] = process.argv;
  const doc = condor();
  const reach = mode === 'full' ? undefined : chainReach(doc.basket);
  const c0 = cpuSeconds();
  let read = 0;
  let stored = 0;
  const snapshots = readStore(store, {
    underlying: 'NIFTY',
    reach,
    onDay: (d) => {
      read += d.read;
      stored += d.stored;
    },
  });
  let result: Record<string, unknown>;
  if (mode === 'read') {
    let n = 0;
    for await (const _ of snapshots) n++;
    result = { snapshots: n };
  } else {
    const report = await backtestDocument(doc, snapshots, { overrides });
    result = {
      snapshots: report.data.snapshots,
      orders: report.orders.length,
      netPnl: report.summary.netPnl,
    };
  }
  process.stdout.write(
    JSON.stringify({
      ...result,
      cpuSeconds: round(cpuSeconds() - c0),
      peakRssMb: peakRssMb(),
      optionsRead: read,
      optionsStored: stored,
    }),
  );
  process.exit(0);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-store-bench-'));
let sink = 0;

async function realDay() {
  const dir = sharedDataDir();
  if (!dir) return { skipped: 'shared data not found (set STRIKEFLOW_SHARED_DATA)' };
  const base = path.join(dir, 'chiragaibooks-Option-chain-Parquet', 'option_chain_20260818');
  const doc = condor();
  const reach = chainReach(doc.basket);
  let n = 0;
  const fresh = () => path.join(tmp, `day-${n++}`);
  const importParquet = async () => {
    const store = fresh();
    await importToStore(store, `${base}.parquet`);
    return store;
  };
  const t = await interleaved(
    [
      { name: 'parquetImport', run: importParquet },
      {
        name: 'importAndBacktest',
        run: async () => {
          const store = await importParquet();
          const r = await backtestDocument(doc, readStore(store, { underlying: 'NIFTY', reach }), {
            overrides,
          });
          sink += r.orders.length;
        },
      },
      {
        name: 'fileStraightIntoBacktest',
        run: async () => {
          const r = await backtestDocument(doc, readSnapshots(`${base}.parquet`), { overrides });
          sink += r.orders.length;
        },
      },
      {
        name: 'csvGunzipSplitInMemory',
        run: () => {
          const lines = gunzipSync(readFileSync(`${base}.csv.gz`))
            .toString('utf8')
            .split('\n');
          const header = lines[0].split(',');
          const rows: Record<string, string>[] = [];
          for (let i = 1; i < lines.length; i++) {
            if (!lines[i]) continue;
            const v = lines[i].split(',');
            const o: Record<string, string> = {};
            for (let c = 0; c < header.length; c++) o[header[c]] = v[c];
            rows.push(o);
          }
          sink += rows.length;
        },
      },
    ],
    { rounds: 5, warmup: 1 },
  );
  const backtestAlone = await interleaved(
    [
      {
        name: 'fromStore',
        run: async () => {
          const r = await backtestDocument(
            doc,
            readStore(path.join(tmp, 'day-0'), { underlying: 'NIFTY', reach }),
            { overrides },
          );
          sink += r.orders.length;
        },
      },
    ],
    { rounds: 5, warmup: 1 },
  );
  return {
    data: 'chiragaibooks-Option-chain-Parquet/option_chain_20260818 (NIFTY, 288 snapshots, 153,990 quotes)',
    strategy: `${doc.basket.name}, any day (4 legs)`,
    ...t,
    backtestFromStoreAlone: backtestAlone.fromStore,
    targets: { parquetImportCpuSeconds: 1, importAndBacktestCpuSeconds: 1 },
    meetsTargets:
      t.parquetImport.medianCpuSeconds <= 1 && t.importAndBacktest.medianCpuSeconds <= 1,
    references: {
      fileStraightIntoBacktest:
        'the parquet file read and backtested without the store (as before it)',
      csvGunzipSplitInMemory:
        'gunzip + split of the CSV copy into row objects, no checks: a floor for any import',
    },
  };
}

async function year() {
  const store = path.join(tmp, 'year');
  const to = process.env.BENCH_YEAR_TO ?? '2026-12-31';
  const c0 = cpuSeconds();
  const writer = new ChainStoreWriter(store, { source: 'simulator NIFTY seed 2026' });
  let snapshots = 0;
  let options = 0;
  for (const s of simulateDays({ underlying: 'NIFTY', seed: 2026, from: '2026-01-01', to })) {
    snapshots++;
    for (const e of s.expiries) options += e.options.length;
    await writer.add(s);
  }
  const days = await writer.finish();
  const importCpu = cpuSeconds() - c0;
  const child = (mode: string) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--year-backtest', store, mode],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`year backtest (${mode}) exited ${r.status}`);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  // Interleaved: projected, full, projected, full; the read alone once.
  const rounds = Number(process.env.BENCH_YEAR_ROUNDS ?? 2);
  const projected: Record<string, number>[] = [];
  const full: Record<string, number>[] = [];
  for (let r = 0; r < rounds; r++) {
    projected.push(child('projected'));
    full.push(child('full'));
  }
  const readOnly = child('read');
  const med = (xs: Record<string, number>[], k: string) =>
    round([...xs.map((x) => x[k])].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  const p = projected[0];
  const backtestCpu = med(projected, 'cpuSeconds');
  const peak = Math.max(...projected.map((x) => x.peakRssMb));
  return {
    sessions: days.length,
    snapshots,
    optionsPerSnapshot: round(options / snapshots, 1),
    stored: {
      bytes: days.reduce((a, d) => a + d.bytes, 0),
      importCpuSecondsIncludingSimulation: round(importCpu, 1),
      importPeakRssMb: peakRssMb(),
    },
    reach: describeReach(chainReach(condor().basket)),
    backtest: {
      medianCpuSeconds: backtestCpu,
      peakRssMb: peak,
      orders: p.orders,
      optionsRead: p.optionsRead,
      optionsStored: p.optionsStored,
      rounds,
    },
    whereTheTimeGoes: {
      readingTheStoreCpuSeconds: readOnly.cpuSeconds,
      engineSteppingCpuSeconds: round(backtestCpu - readOnly.cpuSeconds),
    },
    reference: {
      what: 'the same backtest reading every stored option (no projection)',
      medianCpuSeconds: med(full, 'cpuSeconds'),
      peakRssMb: Math.max(...full.map((x) => x.peakRssMb)),
      sameResult: full.every((f) => f.netPnl === p.netPnl && f.orders === p.orders),
    },
    targets: { backtestCpuSeconds: 10, peakRssMb: 500 },
    meetsTargets: backtestCpu <= 10 && peak <= 500,
  };
}

try {
  const day = await realDay();
  const y = process.env.BENCH_SKIP_YEAR ? { skipped: 'BENCH_SKIP_YEAR is set' } : await year();
  emit({ bench: 'store', realDay: day, simulatedYear: y, sink: sink === -1 ? 1 : 0 });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

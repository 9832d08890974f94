/**
 * One user floods backtests; how quickly does the app still answer /api/health, and how long does
 * another user's small backtest take? Measured on the production app (`npm start`, its own
 * private Redis and embedded database), in interleaved rounds of:
 *  - before: BACKTEST_EXECUTION=inline and BACKTEST_USER_CONCURRENCY=0, the old behaviour (every
 *    backtest computes on the server's event loop; one user may take every worker slot);
 *  - after: the defaults (backtests on worker threads at a lower priority, two runs per user).
 * Each round: 8 backtests of 60 simulated days by the flooder, then a 2-day backtest by another
 * user, while a sampler asks for health 5 times a second for WINDOW_MS. Prints one JSON document:
 * per round figures, the median of each side and the ratios. Needs a build (`npm run build`).
 * Latency is wall time by nature (what a monitor waits); the sides alternate round by round so
 * the machine's other load falls on both alike.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  removeDataDir,
  startApp,
  tempDataDir,
  type RunningApp,
} from '../tests/e2e/app-process.ts';
import { signUpAndIn } from '../tests/support/app-client.ts';
import { HealthSampler } from '../tests/support/health-sampler.ts';
import { median } from './_harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.ABUSE_ROUNDS ?? 2);
const WINDOW_MS = Number(process.env.ABUSE_WINDOW_MS ?? 40_000);
const FLOOD = 8;
const document = JSON.parse(
  readFileSync(path.join(root, 'engine/dsl/examples/nifty-short-straddle-recost.json'), 'utf8'),
) as unknown;

type Side = 'before' | 'after';
const SETTINGS: Record<Side, Record<string, string>> = {
  before: { BACKTEST_EXECUTION: 'inline', BACKTEST_USER_CONCURRENCY: '0' },
  after: { BACKTEST_EXECUTION: 'thread', BACKTEST_USER_CONCURRENCY: '2' },
};

const sim = (from: string, days: number, seed: number) => ({
  kind: 'simulator' as const,
  underlying: 'NIFTY',
  from,
  to: new Date(Date.parse(`${from}T00:00:00Z`) + (days - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10),
  seed,
});

async function round(side: Side) {
  const dataDir = tempDataDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let app: RunningApp | undefined;
  try {
    app = await startApp({
      dataDir,
      port,
      env: { ...SETTINGS[side], REDIS_URL: undefined, DATABASE_URL: undefined, LOG_LEVEL: 'error' },
    });
    const flooder = await signUpAndIn(base, {
      email: 'flood@bench.test',
      password: 'flood-the-queue-now',
    });
    const other = await signUpAndIn(base, {
      email: 'other@bench.test',
      password: 'just-one-small-run',
    });
    const ids = new Map<typeof flooder, string>();
    for (const who of [flooder, other]) {
      const r = await who.api.strategies.import.mutate({ name: 'Straddle', document });
      if (!r.ok) throw new Error('import failed');
      ids.set(who, r.strategy.id);
    }
    const sampler = new HealthSampler(base, { everyMs: 200, timeoutMs: 15_000 }).start();
    const began = Date.now();
    await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        flooder.api.backtests.create.mutate({
          strategyId: ids.get(flooder)!,
          dataSource: sim('2025-01-06', 60, i + 1),
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const asked = Date.now();
    const mine = await other.api.backtests.create.mutate({
      strategyId: ids.get(other)!,
      dataSource: sim('2025-03-03', 2, 99),
    });
    let otherMs: number | null = null;
    while (Date.now() - began < WINDOW_MS) {
      if (otherMs === null) {
        const b = await other.api.backtests.get.query({ id: mine.id }).catch(() => null);
        if (b?.status === 'succeeded') otherMs = Date.now() - asked;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await sampler.stop();
    const f = sampler.figures(began);
    return {
      side,
      healthAnswered: f.answered,
      healthP50Ms: f.p50,
      healthP99Ms: f.p99,
      healthMaxMs: f.max,
      /** null: the other user's 2-day backtest had not finished within the window. */
      otherUsersBacktestMs: otherMs,
    };
  } finally {
    await app?.stop();
    removeDataDir(dataDir);
  }
}

async function main() {
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  for (let i = 0; i < ROUNDS; i++)
    for (const side of ['before', 'after'] as const) rounds.push(await round(side));
  const of = (side: Side) => rounds.filter((r) => r.side === side);
  const summary = (side: Side) => ({
    settings: SETTINGS[side],
    healthP99Ms: median(of(side).map((r) => r.healthP99Ms)),
    healthMaxMs: median(of(side).map((r) => r.healthMaxMs)),
    otherUsersBacktestMs: median(of(side).map((r) => r.otherUsersBacktestMs ?? WINDOW_MS)),
    otherUsersBacktestFinished: of(side).filter((r) => r.otherUsersBacktestMs !== null).length,
  });
  const before = summary('before');
  const after = summary('after');
  console.log(
    JSON.stringify(
      {
        benchmark: 'abuse',
        what: `health latency while one user floods ${FLOOD} backtests of 60 simulated days, and another user's 2-day backtest`,
        machine: {
          cpus: os.availableParallelism(),
          loadAverage: os.loadavg().map((l) => +l.toFixed(1)),
        },
        windowMs: WINDOW_MS,
        rounds,
        before,
        after,
        healthP99Ratio: +(before.healthP99Ms / Math.max(1, after.healthP99Ms)).toFixed(1),
        otherUsersBacktestRatio: +(
          before.otherUsersBacktestMs / Math.max(1, after.otherUsersBacktestMs)
        ).toFixed(1),
      },
      null,
      2,
    ),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

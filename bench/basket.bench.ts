/**
 * A basket's cost against its size (issue 15): baskets of 1, 10, 50 and 100 iron condors
 * backtested through step + risk gate + paper broker on the real 2026-08-18 NIFTY day, snapshots
 * in memory, CPU time, interleaved rounds. Each condor enters at its own minute with its own
 * premium stops, so fills arrive all day long and every fill is a step of the whole basket.
 * The cost must grow linearly with the basket (a step touches only the strategy that changes):
 * target 100 strategies <= 2.2 x 50. The reference is measured in the same run: the 50-strategy
 * basket, and the cost per strategy of the 1-strategy basket.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { backtestDocument } from '../engine/backtest/basket.ts';
import { parseDsl, type DslDocument } from '../engine/dsl/index.ts';
import type { ChainSnapshot } from '../engine/runtime/types.ts';
import { readSnapshots } from '../datasets/read-snapshots.ts';
import { sharedDataDir } from '../datasets/shared-data.ts';
import { emit, interleaved, round } from './_harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const shared = sharedDataDir() ?? path.resolve(root, '../shared/data');
const dayFile = path.join(
  shared,
  'chiragaibooks-Option-chain-Parquet',
  'option_chain_20260818.parquet',
);
const SIZES = [1, 10, 50, 100] as const;

/** n condors (the iron condor example, any day), strategy k entering at 09:30 + k minutes. */
export function condorBasket(n: number): DslDocument {
  const json = JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples/nifty-iron-condor-delta.json'), 'utf8'),
  );
  const base = json.basket.strategies[0];
  delete base.daysToExpiry;
  delete base.conditions;
  delete base.entry.weekdays;
  json.basket.strategies = Array.from({ length: n }, (_, k) => {
    const s = structuredClone(base);
    s.id = `condor-${k + 1}`;
    s.name = `Iron condor ${k + 1}`;
    const minute = 30 + (k % 150);
    s.entry.time = `${String(9 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    // Stops from 20 to 60 premium points: some legs stop out early, some late, some never.
    for (const leg of s.legs) if (leg.stopLoss) leg.stopLoss.value = 20 + (k % 9) * 5;
    return s;
  });
  json.basket.capital = 800_000 * n;
  const r = parseDsl(json);
  if (!r.ok) throw new Error(`bench basket does not validate: ${JSON.stringify(r.errors)}`);
  return r.value;
}

const overrides = { costModel: 'india-index-options' as const };

async function main() {
  if (!existsSync(dayFile)) return { skipped: `${dayFile} is absent (set STRIKEFLOW_SHARED_DATA)` };
  const snaps: ChainSnapshot[] = [];
  for await (const s of readSnapshots(dayFile)) snaps.push(s);
  const docs = new Map(SIZES.map((n) => [n, condorBasket(n)]));
  const orders = new Map<number, number>();
  const t = await interleaved(
    SIZES.map((n) => ({
      name: String(n),
      run: async () => {
        const r = await backtestDocument(docs.get(n)!, snaps, { overrides });
        orders.set(n, r.orders.length);
      },
    })),
    { rounds: 5, warmup: 1 },
  );
  const cpu = (n: number) => t[String(n)].medianCpuSeconds;
  const ratio = cpu(100) / cpu(50);
  const perStrategyMs = (n: number) => round((cpu(n) * 1000) / n, 2);
  return {
    data: path.relative(shared, dayFile),
    snapshots: snaps.length,
    baskets: Object.fromEntries(
      SIZES.map((n) => [
        n,
        {
          strategies: n,
          orders: orders.get(n),
          medianCpuMs: round(cpu(n) * 1000, 1),
          cpuMsPerStrategy: perStrategyMs(n),
          rounds: t[String(n)].rounds,
        },
      ]),
    ),
    ratio100to50: round(ratio, 3),
    target: { ratio100to50AtMost: 2.2 },
    meetsTarget: ratio <= 2.2,
    reference:
      'the 50-strategy basket in the same run (linear growth doubles it); cpuMsPerStrategy beside the 1-strategy basket',
  };
}

emit({ bench: 'basket', ...(await main()) });

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { parseDsl, type DslDocument } from '../dsl/index.ts';
import { simulateDays } from '../market/simulator.ts';
import type { ChainSnapshot } from '../runtime/types.ts';
import { sessionDayOf } from '../session/driver.ts';
import { backtestDocument, backtestDocumentPart, documentReportOfParts } from './basket.ts';
import { dayRanges, whyInOrder } from './split.ts';

const examples = path.resolve(import.meta.dirname, '../dsl/examples');
const overrides = { costModel: 'india-index-options' as const };

function doc(json: unknown): DslDocument {
  const r = parseDsl(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- example JSON edited in place, checked by parseDsl
const example = (name: string, edit?: (basket: Record<string, any>) => void) => {
  const json = JSON.parse(readFileSync(path.join(examples, name), 'utf8'));
  edit?.(json.basket);
  return doc(json);
};

/** Three strategies on one underlying, busy every session: re-entries, waits, lazy legs, a band, a per-minute limit. */
function busyBasket(): DslDocument {
  return example('nifty-short-straddle-recost.json', (b) => {
    const base = b.strategies[0];
    delete base.daysToExpiry;
    const other = JSON.parse(readFileSync(path.join(examples, 'nifty-lazy-legs.json'), 'utf8'))
      .basket.strategies[0];
    delete other.daysToExpiry;
    const condor = JSON.parse(
      readFileSync(path.join(examples, 'nifty-iron-condor-delta.json'), 'utf8'),
    ).basket.strategies[0];
    delete condor.daysToExpiry;
    delete condor.conditions;
    condor.entry = { time: '10:05' };
    b.strategies = [base, { ...other, id: 'lazy' }, { ...condor, id: 'condor' }];
    b.execution = { ...b.execution, slippage: { type: 'pct', value: 0.5 } };
  });
}

/** The sessions of the snapshots, in order, and the snapshots of a day range. */
const daysOf = (snaps: ChainSnapshot[]) => [...new Set(snaps.map(sessionDayOf))];
const within = (snaps: ChainSnapshot[], from: string, to: string) =>
  snaps.filter((s) => {
    const d = sessionDayOf(s);
    return d >= from && d <= to;
  });

/** The report of the whole run beside the report joined from `n` day ranges run apart. */
async function oneRunAndSplit(d: DslDocument, snaps: ChainSnapshot[], n: number) {
  const whole = await backtestDocument(d, snaps, { overrides });
  const ranges = dayRanges(daysOf(snaps), n);
  const parts = await Promise.all(
    ranges.map((r) => backtestDocumentPart(d, within(snaps, r.from, r.to), { overrides })),
  );
  return { whole, joined: documentReportOfParts(d, parts, { overrides }), ranges, parts };
}

const shared = sharedDataDir();
const realFiles = ['18', '19', '20', '21'].map((d) =>
  path.join(shared ?? '', 'chiragaibooks-Option-chain-Parquet', `option_chain_202608${d}.parquet`),
);

(shared && realFiles.every((f) => existsSync(f)) ? describe : describe.skip)(
  'the real 4-day NIFTY folder (2026-08-18 .. 21), split by days',
  () => {
    let snaps: ChainSnapshot[];
    beforeAll(async () => {
      snaps = [];
      for (const f of realFiles) for await (const s of readSnapshots(f)) snaps.push(s);
    }, 120_000);

    const cases: [string, () => DslDocument][] = [
      ...readdirSync(examples)
        .filter((n) => n.startsWith('nifty-'))
        .map((n) => [n, () => example(n)] as [string, () => DslDocument]),
      ['the iron condor by delta, any day', () => example('nifty-iron-condor-delta.json', (b) => {
        delete b.strategies[0].daysToExpiry;
        delete b.strategies[0].conditions;
      })], // prettier-ignore
      ['three strategies with re-entries, lazy legs and slippage', busyBasket],
    ];
    it.each(cases)(
      '%s: one run and 2, 3 and 4 ranges joined give the same report',
      async (_n, make) => {
        const d = make();
        expect(whyInOrder(d.basket)).toBeNull();
        for (const n of [2, 3, 4]) {
          const { whole, joined, ranges } = await oneRunAndSplit(d, snaps, n);
          expect(ranges).toHaveLength(n);
          expect(JSON.stringify(joined)).toBe(JSON.stringify(whole));
        }
      },
      120_000,
    );

    it('the busy basket trades in every range and the ids of later ranges continue the first', async () => {
      const { whole, parts } = await oneRunAndSplit(busyBasket(), snaps, 4);
      expect(parts.every((p) => p.fills.length > 0)).toBe(true);
      expect(whole.orders.length).toBeGreaterThan(20);
      // Each range numbered its orders from 1; the joined report numbers them as one run.
      expect(parts[3].fills[0].id).toMatch(/^backtest:[0-9]+$/);
      expect(Number(whole.orders.at(-1)!.id.split(':')[1])).toBeGreaterThan(parts[3].ids);
    }, 120_000);
  },
);

describe('simulated NIFTY sessions, split by days', () => {
  const snaps = [
    ...simulateDays({
      underlying: 'NIFTY',
      seed: 5,
      from: '2026-11-09',
      to: '2026-11-20',
      intervalSeconds: 300,
    }),
  ];

  it('two weeks of sessions in 2, 3, 5 and 9 ranges join into the report of one run', async () => {
    const d = busyBasket();
    expect(daysOf(snaps).length).toBeGreaterThanOrEqual(9);
    for (const n of [2, 3, 5, 9]) {
      const { whole, joined } = await oneRunAndSplit(d, snaps, n);
      expect(whole.orders.length).toBeGreaterThan(30);
      expect(JSON.stringify(joined)).toBe(JSON.stringify(whole));
    }
  }, 120_000);

  it('a range that ends halted by the daily loss limit cannot be followed: the join refuses', async () => {
    const d = example('nifty-short-straddle-recost.json', (b) => {
      delete b.strategies[0].daysToExpiry;
      b.maxDailyLoss = { type: 'amount', value: 1 };
    });
    expect(whyInOrder(d.basket)).toBeNull();
    const ranges = dayRanges(daysOf(snaps), 2);
    const first = await backtestDocumentPart(d, within(snaps, ranges[0].from, ranges[0].to), { overrides }); // prettier-ignore
    expect(first.carries).toMatch(/trading state REDUCING \(basket day P&L .*maxDailyLoss/);
    const second = await backtestDocumentPart(d, within(snaps, ranges[1].from, ranges[1].to), { overrides }); // prettier-ignore
    expect(() => documentReportOfParts(d, [first, second], { overrides })).toThrow(
      /part 1 of 2 .* cannot be followed: the trading state REDUCING/,
    );
  }, 120_000);
});

describe('which baskets run in order', () => {
  it('names what crosses sessions: positional legs, a drawdown limit, history facts, regime sizing, two underlyings', () => {
    const positional = example('nifty-short-straddle-recost.json', (b) => {
      const s = b.strategies[0];
      s.positional = { typeVersion: 1, entryDaysBefore: 2, exitDaysBefore: 0 };
      s.exit = { time: '15:15' };
      s.entry = { time: '15:00' };
    });
    expect(whyInOrder(positional.basket)).toMatch(/is positional: it holds legs/);
    const drawdown = example('nifty-short-straddle-recost.json', (b) => (b.maxDrawdownPct = 5));
    expect(whyInOrder(drawdown.basket)).toMatch(/drawdown limit \(5%\) is measured from the equity peak/); // prettier-ignore
    const ivRank = example('spy-ivrank-credit-spread.json', (b) => delete b.maxDrawdownPct);
    expect(whyInOrder(ivRank.basket)).toMatch(/reads ivRank.* computed from the closes of earlier sessions/); // prettier-ignore
    const regime = example('nifty-short-straddle-recost.json', (b) => {
      b.strategies[0].sizing = {
        typeVersion: 1,
        method: 'fixed',
        multiplier: 1,
        regimeMultipliers: { low_vol: 2 },
      };
    });
    expect(whyInOrder(regime.basket)).toMatch(/sizes by regime/);
    const two = example('nifty-short-straddle-recost.json', (b) => {
      const bank = JSON.parse(readFileSync(path.join(examples, 'banknifty-straddle-width-momentum.json'), 'utf8')).basket.strategies[0]; // prettier-ignore
      b.strategies.push({ ...bank, id: 'bank' });
    });
    expect(whyInOrder(two.basket)).toMatch(/trades NIFTY and BANKNIFTY, whose sessions roll/);
    expect(whyInOrder(busyBasket().basket)).toBeNull();
  });

  it('cuts sessions into nearly equal consecutive ranges', () => {
    const days = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
    expect(dayRanges(days, 3)).toEqual([
      { from: '2026-01-01', to: '2026-01-04' },
      { from: '2026-01-05', to: '2026-01-07' },
      { from: '2026-01-08', to: '2026-01-10' },
    ]);
    expect(dayRanges(days, 30)).toHaveLength(10);
    expect(dayRanges(days, 4, 5)).toHaveLength(2);
    expect(dayRanges([], 4)).toEqual([]);
  });
});

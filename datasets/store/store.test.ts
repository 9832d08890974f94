import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestDocument } from '@/engine/backtest/basket';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import { simulateDays } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { chainReach } from '@/engine/reach/reach';
import { readSnapshots } from '../read-snapshots';
import { sharedDataDir } from '../shared-data';
import {
  ChainStoreWriter,
  importToStore,
  listDays,
  listImports,
  listStored,
  readStore,
  snapshotsNear,
} from './index';

const root = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const examplesDir = path.resolve(import.meta.dirname, '../../engine/dsl/examples');
function example(name: string, edit?: (s: Record<string, unknown>) => void): DslDocument {
  const json = JSON.parse(readFileSync(path.join(examplesDir, name), 'utf8'));
  if (edit) edit(json.basket.strategies[0]);
  const r = parseDsl(json);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  return r.value;
}

async function all<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The same backtest on the full chains and on what the store reads for the basket. */
async function sameReport(
  doc: DslDocument,
  full: ChainSnapshot[],
  underlying: string,
  store = root,
) {
  const opts = { overrides: { costModel: 'india-index-options' as const } };
  const expected = await backtestDocument(doc, full, opts);
  let read = 0;
  let stored = 0;
  const projected = readStore(store, {
    underlying,
    reach: chainReach(doc.basket),
    onDay: (d) => {
      read += d.read;
      stored += d.stored;
    },
  });
  const got = await backtestDocument(doc, projected, opts);
  expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
  return { report: got, read, stored };
}

describe('the chain store on simulated NIFTY days', () => {
  let full: ChainSnapshot[];
  beforeAll(async () => {
    full = [
      ...simulateDays({
        underlying: 'NIFTY',
        seed: 11,
        from: '2026-11-16',
        to: '2026-11-20',
        intervalSeconds: 300,
      }),
    ];
    const w = new ChainStoreWriter(root, { source: 'simulator seed 11' });
    for (const s of full) await w.add(s);
    const days = await w.finish();
    expect(days.map((d) => d.day)).toEqual([
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
    ]);
  });

  it('gives every snapshot back exactly as it was written, and says what is stored', async () => {
    const back = await all(readStore(root, { underlying: 'NIFTY' }));
    expect(back.map((s) => JSON.stringify(s))).toEqual(full.map((s) => JSON.stringify(s)));
    const [nifty] = listStored(root);
    expect(nifty).toMatchObject({
      underlying: 'NIFTY',
      days: 5,
      first: '2026-11-16',
      last: '2026-11-20',
      snapshots: full.length,
    });
    // Compact: a fraction of the canonical NDJSON.
    const ndjson = full.reduce((a, s) => a + JSON.stringify(s).length + 1, 0);
    expect(nifty.bytes).toBeLessThan(ndjson / 4);
    expect(listDays(root, 'NIFTY')[2]).toMatchObject({
      day: '2026-11-18',
      source: 'simulator seed 11',
    });
  });

  it('the snapshot nearest a time of a day, whole', async () => {
    const [s] = await snapshotsNear(root, 'NIFTY', '2026-11-18', '11:02');
    expect(s.ts).toBe('2026-11-18T11:00:00+05:30');
    expect(JSON.stringify(s)).toBe(JSON.stringify(full.find((x) => x.ts === s.ts)));
    await expect(snapshotsNear(root, 'NIFTY', '2026-11-22', '11:00')).rejects.toThrow(
      /no NIFTY chains stored for 2026-11-22: import them first/,
    );
  });

  it.each([
    [
      'the iron condor by delta (any day)',
      (s: Record<string, unknown>) => {
        delete s.daysToExpiry;
        s.conditions = undefined;
      },
    ],
    ['nifty-short-straddle-recost.json', undefined],
    ['nifty-lazy-legs.json', undefined],
    ['nifty-strangle-premium-range-lock-and-trail.json', undefined],
    [
      'an iron fly by ATM and OTM steps with an ATM-IV entry',
      (s: Record<string, unknown>) => {
        const legs = s.legs as Record<string, unknown>[];
        legs.forEach(
          (l, i) => (l.strike = { typeVersion: 1, type: i < 2 ? 'atm' : 'otm', steps: 4 }),
        );
        legs.forEach(
          (l) =>
            (l.strike as Record<string, unknown>).type === 'atm' &&
            delete (l.strike as Record<string, unknown>).steps,
        );
        delete s.daysToExpiry;
        s.entry = { time: '09:30' };
        s.conditions = {
          typeVersion: 1,
          filters: [],
          entry: [
            {
              name: 'iv',
              conditions: { all: [{ fact: 'atmIv', operator: 'greaterThan', value: 1 }] },
              event: { type: 'enter' },
            },
          ],
          exit: [],
        };
      },
    ],
  ])(
    'a backtest reading only what %s touches reports exactly as on the full chains',
    async (name, edit) => {
      const doc = example(edit ? 'nifty-iron-condor-delta.json' : name, edit);
      const { report, read, stored } = await sameReport(doc, full, 'NIFTY');
      expect(report.data.snapshots).toBe(full.length);
      expect(read).toBeLessThan(stored);
    },
  );
});

const shared = sharedDataDir();
(shared ? describe : describe.skip)('the real NIFTY day of 2026-08-18', () => {
  it('imports once with progress, and every NIFTY example backtests the same from the store', async () => {
    const file = path.join(
      shared!,
      'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet',
    );
    const store = path.join(root, 'real');
    const outcome = await importToStore(store, file);
    expect(outcome.days.map((d) => [d.underlying, d.day, d.snapshots])).toEqual([
      ['NIFTY', '2026-08-18', 288],
    ]);
    expect(listImports(store)[0]).toMatchObject({
      id: outcome.id,
      state: 'done',
      days: 1,
      snapshots: 288,
      source: 'option_chain_20260818.parquet',
    });
    const full = await all(readSnapshots(file));
    for (const name of readdirSync(examplesDir).filter((n) => n.startsWith('nifty-'))) {
      const { report } = await sameReport(example(name), full, 'NIFTY', store);
      expect(report.data.snapshots).toBe(288);
      expect(report.orders.length).toBeGreaterThan(0);
    }
  }, 120_000);
});

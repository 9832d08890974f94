import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atmStrike, straddlePremium } from '@/engine/market/atm';
import { ChainSnapshotSchema, type ChainSnapshot } from '@/engine/market/snapshot';
import type { BadRow } from '@/engine/market/import';
import { readSnapshots, timeFromFileName } from './read-snapshots';
import { sharedDataDir } from './shared-data';

const shared = sharedDataDir();
const data = (p: string) => path.join(shared ?? '', p);
if (!shared)
  console.warn(
    'SKIPPED real-data importer tests: ../shared/data not found (set STRIKEFLOW_DATA_DIR to the folder)',
  );
const withData = shared ? describe : describe.skip;

async function all(p: string, opts: Parameters<typeof readSnapshots>[1] = {}) {
  const bad: BadRow[] = [];
  const stream = readSnapshots(p, opts.report ? opts : { ...opts, onBadRow: (b) => bad.push(b) });
  const snaps: ChainSnapshot[] = [];
  for await (const s of stream) snaps.push(s);
  return { snaps, bad, report: stream.report };
}

const optionCount = (s: ChainSnapshot) => s.expiries.reduce((a, e) => a + e.options.length, 0);

withData('real data sets in ../shared/data', () => {
  it('NSE one-minute NIFTY day (chiragaibooks), CSV.gz and parquet give the same 288 snapshots', async () => {
    const csv = await all(data('chiragaibooks-Option-chain-Parquet/option_chain_20260818.csv.gz'));
    const pq = await all(data('chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet'));
    expect(csv.bad).toEqual([]);
    expect(csv.snaps).toHaveLength(288);
    expect(csv.snaps.reduce((a, s) => a + optionCount(s), 0)).toBe(153990);
    expect(csv.snaps[0].ts).toBe('2026-08-18T10:43:00+05:30');
    expect(csv.snaps.at(-1)!.ts).toBe('2026-08-18T15:30:00+05:30');
    expect(csv.snaps[0].expiries.map((e) => e.expiry)).toEqual([
      '2026-08-18',
      '2026-08-25',
      '2026-09-01',
      '2026-09-08',
    ]);
    expect(JSON.stringify(pq.snaps)).toBe(JSON.stringify(csv.snaps));
    ChainSnapshotSchema.parse(csv.snaps[100]);
    // A trader's first look: the ATM straddle on the 25-Aug weekly is a sane number of points.
    const s = csv.snaps[100];
    const straddle = straddlePremium(s, '2026-08-25');
    expect(straddle!.premium).toBeGreaterThan(50);
    expect(straddle!.premium).toBeLessThan(600);
  });

  it('a directory of the dataset is read once per day, in time order', async () => {
    const { snaps, report } = await all(data('chiragaibooks-Option-chain-Parquet'));
    expect(snaps).toHaveLength(288 + 102 + 9 + 1);
    for (let i = 1; i < snaps.length; i++)
      expect(Date.parse(snaps[i].ts)).toBeGreaterThan(Date.parse(snaps[i - 1].ts));
    expect(report.notes.join('\n')).toMatch(
      /option_chain_20260819.parquet and option_chain_20260819.csv.gz hold the same data/,
    );
  });

  it.each([
    [
      'ashok-kollipara-multistrike-oi/option_chain.json',
      'NIFTY',
      '2022-03-28T10:47:19+05:30',
      17022.5,
      21,
    ],
    [
      'lamba-manish-Option_Open_Interest/option_chain.json',
      'BANKNIFTY',
      '2023-05-03T15:30:00+05:30',
      43312.7,
      10,
    ],
    [
      'ethanelliott50-NSE/nifty_option_chain.json',
      'NIFTY',
      '2025-07-17T15:30:00+05:30',
      25111.45,
      18,
    ],
    [
      'ethanelliott50-NSE/banknifty_option_chain.json',
      'BANKNIFTY',
      '2025-07-17T15:30:00+05:30',
      56828.8,
      6,
    ],
    ['lakk1-optionchain/NIFTY.json', 'NIFTY', '2022-03-24T15:30:00+05:30', 17222.75, undefined],
    [
      'lakk1-optionchain/BANKNIFTY-27APR.json',
      'BANKNIFTY',
      '2022-04-27T15:30:00+05:30',
      36028.85,
      undefined,
    ],
  ])('NSE option-chain response %s', async (file, underlying, ts, spot, expiries) => {
    const { snaps, bad } = await all(data(file));
    expect(bad).toEqual([]);
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatchObject({ underlying, ts, spot });
    if (expiries) expect(snaps[0].expiries).toHaveLength(expiries);
    ChainSnapshotSchema.parse(snaps[0]);
  });

  it('the NSE response rows count matches records.data (ashok: 957 strikes × sides present)', async () => {
    const { snaps, report } = await all(data('ashok-kollipara-multistrike-oi/option_chain.json'));
    expect(report.rows).toBe(optionCount(snaps[0]));
    expect(atmStrike(snaps[0], '2022-03-31')).toBe(17000);
  });

  it('Yahoo SPY chain (owenyi2): 7,011 contracts, spot from parity near 645.7', async () => {
    const { snaps, bad, report } = await all(data('owenyi2-financial_data/SPY_options.csv'));
    expect(bad).toEqual([]);
    expect(snaps).toHaveLength(1);
    expect(optionCount(snaps[0])).toBe(7011);
    expect(snaps[0].expiries).toHaveLength(30);
    expect(snaps[0].spot).toBeGreaterThan(644);
    expect(snaps[0].spot).toBeLessThan(647);
    expect(report.notes.join(' ')).toMatch(/put-call parity/);
  });

  it('Deribit BTC and ETH sweeps (bottama): two sweeps each, USD prices, forwards kept', async () => {
    const { snaps, bad } = await all(data('bottama-Deribit-Option-Data'));
    expect(bad).toEqual([]);
    expect(snaps.map((s) => s.underlying).sort()).toEqual(['BTC', 'BTC', 'ETH', 'ETH']);
    const btc = snaps.find((s) => s.underlying === 'BTC')!;
    expect(btc.spot).toBeGreaterThan(40000);
    expect(btc.expiries.every((e) => e.forward! > 40000)).toBe(true);
    // First row of the file: BTC-13FEB21-37500-C, no bid, ask 0.221 BTC, underlying (forward) 45671.64, mark IV 124.25 %.
    const first = snaps
      .find((x) => x.underlying === 'BTC')!
      .expiries.find((e) => e.expiry === '2021-02-13')!;
    expect(first.options.find((q) => q.strike === 37500 && q.right === 'CE')).toMatchObject({
      ask: 10093.43,
      iv: 1.2425,
    }); // 0.221 × 45671.64;
    expect(first.options.find((q) => q.strike === 37500 && q.right === 'CE')!.bid).toBeUndefined();
  });

  it('NSE 2019 page scrape (rohmhatre): 140 NIFTY snapshots in time order, expiry rolling to the weekly on 30-Aug', async () => {
    const { snaps, bad } = await all(data('rohmhatre-optionchaindata/NIFTY'));
    expect(bad).toEqual([]);
    expect(snaps).toHaveLength(140);
    expect(snaps[0].ts).toBe('2019-08-26T09:00:00+05:30');
    expect(snaps.find((s) => s.ts.startsWith('2019-08-29'))!.expiries[0].expiry).toBe('2019-08-29');
    expect(snaps.at(-1)!.expiries[0].expiry).toBe('2019-09-05');
  });
});

describe('readSnapshots on our own files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory of mixed formats in time order and reports bad rows with their file', async () => {
    writeFileSync(
      path.join(dir, 'b-20261120.csv'),
      'ts,underlying,spot,expiry,strike,right,bid,ask,ltp,iv,oi,volume\n2026-11-20T10:00:00+05:30,NIFTY,24300,2026-11-23,24300,CE,100,99,,,,\n2026-11-20T10:00:00+05:30,NIFTY,24300,2026-11-23,24300,PE,90,91,,,,\n',
    );
    writeFileSync(
      path.join(dir, 'a-20261119.ndjson'),
      JSON.stringify({
        ts: '2026-11-19T10:00:00+05:30',
        underlying: 'NIFTY',
        spot: 24200,
        expiries: [],
      }) + '\n',
    );
    const { snaps, bad } = await all(dir);
    expect(snaps.map((s) => s.ts)).toEqual([
      '2026-11-19T10:00:00+05:30',
      '2026-11-20T10:00:00+05:30',
    ]);
    expect(bad).toEqual([
      {
        source: path.join(dir, 'b-20261120.csv'),
        line: 2,
        reason: 'bid-above-ask',
        message: 'bid 100 is above ask 99 for NIFTY 2026-11-23 24300 CE',
      },
    ]);
  });

  it('says what to give when the path is wrong or the columns are unknown', async () => {
    await expect(all(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope.csv does not exist/);
    writeFileSync(path.join(dir, 'odd.csv'), 'a,b\n1,2\n');
    await expect(all(path.join(dir, 'odd.csv'))).rejects.toThrow(
      /odd.csv: unrecognised CSV columns \(a, b\)/,
    );
  });

  it('orders files by the time in their names', () => {
    expect(timeFromFileName('NIFTY_29-08-2019_15-30.csv')).toBe(Date.UTC(2019, 7, 29, 15, 30));
    expect(timeFromFileName('option_chain_20260818.parquet')).toBe(Date.UTC(2026, 7, 18));
  });
});

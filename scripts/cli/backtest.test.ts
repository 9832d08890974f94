import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { straddleDay, straddleJson } from '@/engine/backtest/golden-straddle';
import { run } from './backtest';

let dir: string;
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-cli-backtest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]) {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(console, 'error').mockImplementation((...a) => void (err += a.join(' ') + '\n'));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

const ndjson = straddleDay.map((s) => JSON.stringify(s)).join('\n') + '\n';
const csv = [
  'ts,underlying,spot,expiry,strike,right,bid,ask,ltp,iv,oi,volume',
  ...straddleDay.flatMap((s) =>
    s.expiries.flatMap((e) =>
      e.options.map((o) =>
        [
          s.ts,
          s.underlying,
          s.spot,
          e.expiry,
          o.strike,
          o.right,
          o.bid,
          o.ask,
          o.ltp,
          '',
          '',
          '',
        ].join(','),
      ),
    ),
  ),
].join('\n');

describe('cli backtest', () => {
  it('prints the report JSON for a strategy and NDJSON ticks', async () => {
    const r = await cli([
      file('s.json', JSON.stringify(straddleJson)),
      '--ticks',
      file('day.ndjson', ndjson),
      '--costs',
      'none',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.summary).toMatchObject({ netPnl: 221, trades: 2 });
    expect(report.settings.costModel.id).toBe('none');
  });

  it('reads the long CSV to the same result', async () => {
    const r = await cli([
      file('s.json', JSON.stringify(straddleJson)),
      '--ticks',
      file('day.csv', csv),
      '--costs',
      'none',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.netPnl).toBe(221);
  });

  it('applies slippage and latency flags and states them in the report', async () => {
    const r = await cli([
      file('s.json', JSON.stringify(straddleJson)),
      '--ticks',
      file('day.ndjson', ndjson),
      '--costs',
      'none',
      '--slippage-ticks',
      '1',
      '--latency',
      'next-snapshot',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).settings).toMatchObject({
      slippage: { kind: 'ticks', ticks: 1 },
      latency: 'next-snapshot',
    });
  });

  it('lists DSL errors with their paths for a bad strategy file, and prints no report', async () => {
    const bad = { ...straddleJson, basket: { ...straddleJson.basket, capital: -5 } };
    const r = await cli([
      file('bad.json', JSON.stringify(bad)),
      '--ticks',
      file('day.ndjson', ndjson),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/bad\.json is not a valid strategy/);
    expect(r.err).toContain('"path":"/basket/capital"');
  });

  it('says so when the strategy file is not JSON or the ticks are missing', async () => {
    expect(
      (await cli([file('x.json', '{nope'), '--ticks', file('day.ndjson', ndjson)])).err,
    ).toMatch(/not JSON/);
    const r = await cli([file('s.json', JSON.stringify(straddleJson))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--ticks <file\|dir> is required/);
    expect(
      (
        await cli([
          file('s.json', JSON.stringify(straddleJson)),
          '--ticks',
          path.join(dir, 'nowhere.ndjson'),
        ])
      ).err,
    ).toMatch(/nowhere\.ndjson" does not exist/);
  });

  it('fails on data with no usable snapshot, naming the first bad row', async () => {
    const r = await cli([
      file('s.json', JSON.stringify(straddleJson)),
      '--ticks',
      file('bad.ndjson', '{"ts":"yesterday","underlying":"NIFTY"}\n'),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no usable chain snapshot: 1 bad row\(s\), the first at line 1/);
  });

  it('refuses an unknown cost model, listing the known ones', async () => {
    const r = await cli([
      file('s.json', JSON.stringify(straddleJson)),
      '--ticks',
      file('day.ndjson', ndjson),
      '--costs',
      'zerodah',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/costModel: .*india-index-options/);
  });
});

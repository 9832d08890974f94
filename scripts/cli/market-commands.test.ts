import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-cli-data-'));

function cli(args: string[], input?: string) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/cli.ts'), ...args],
    {
      cwd: root,
      input,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      env: { ...process.env, DATA_DIR: dataDir },
    },
  );
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    lines: r.stdout.split('\n').filter(Boolean),
  };
}

describe('market-data commands (DESIGN.md command line)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-cli-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('price prints price and the five greeks; iv inverts it', () => {
    const p = cli([
      'price',
      '--right',
      'CE',
      '--spot',
      '49',
      '--strike',
      '50',
      '--t',
      '0.3846',
      '--rate',
      '0.05',
      '--vol',
      '0.2',
    ]);
    expect(p.code).toBe(0);
    const g = JSON.parse(p.out);
    expect(Object.keys(g)).toEqual(['price', 'delta', 'gamma', 'theta', 'vega', 'rho']);
    expect(g.price).toBeCloseTo(2.4005, 4);
    const iv = cli([
      'iv',
      '--right',
      'CE',
      '--spot',
      '49',
      '--strike',
      '50',
      '--t',
      '0.3846',
      '--rate',
      '0.05',
      '--price',
      String(g.price),
    ]);
    expect(JSON.parse(iv.out).iv).toBeCloseTo(0.2, 9);
  });

  it('price and iv read NDJSON from stdin with -, one result line per input line', () => {
    const p = cli(
      ['price', '-'],
      '{"right":"PE","spot":100,"strike":95,"t":0.5,"rate":0.05,"vol":0.3,"div":0.01}\n{"right":"CE","spot":100}\n',
    );
    expect(p.lines).toHaveLength(2);
    expect(JSON.parse(p.lines[0]).price).toBeGreaterThan(0);
    expect(JSON.parse(p.lines[1]).error).toMatch(/line 2: "strike" is missing/);
    expect(p.code).toBe(1);
    const iv = cli(
      ['iv', '-'],
      '{"right":"PE","spot":100,"strike":95,"t":0.5,"rate":0.05,"price":5.5}\n{"right":"PE","spot":100,"strike":95,"t":0.5,"rate":0.05,"price":200}\n',
    );
    expect(iv.lines.map((l) => JSON.parse(l))).toMatchObject([
      { iv: expect.any(Number) },
      { iv: null, reason: 'above-bound' },
    ]);
  });

  it('iv says why no volatility fits and exits 1', () => {
    const r = cli([
      'iv',
      '--right',
      'CE',
      '--spot',
      '49',
      '--strike',
      '40',
      '--t',
      '0.3846',
      '--rate',
      '0.05',
      '--price',
      '0.1',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ iv: null, reason: 'below-intrinsic' });
    expect(r.err).toMatch(/below the option's discounted intrinsic value/);
  });

  it('simulate prints a session of snapshots; import --ndjson reads them back unchanged; import stores them and export gives them back', () => {
    const sim = cli([
      'simulate',
      '--underlying',
      'NIFTY',
      '--date',
      '2026-11-20',
      '--seed',
      '7',
      '--interval',
      '30m',
    ]);
    expect(sim.code).toBe(0);
    expect(sim.lines).toHaveLength(13);
    expect(JSON.parse(sim.lines[0]).ts).toBe('2026-11-20T09:15:00+05:30');
    const file = path.join(dir, 'sim.ndjson');
    writeFileSync(file, sim.out);
    const back = cli(['import', file, '--ndjson']);
    expect(back.code).toBe(0);
    expect(back.out).toBe(sim.out);
    expect(back.err).toMatch(/imported 13 snapshots/);

    const stored = cli(['import', file]);
    expect(stored.code).toBe(0);
    expect(stored.out).toBe('');
    expect(stored.err).toMatch(/stored NIFTY 2026-11-20: 13 snapshots/);
    const exported = cli(['export', '--underlying', 'NIFTY']);
    expect(exported.code).toBe(0);
    expect(exported.out).toBe(sim.out);
    // The user's market data is theirs alone: folders 0700, files 0600.
    const dayDir = path.join(dataDir, 'chains', 'NIFTY', '2026-11-20');
    expect(statSync(path.join(dataDir, 'chains')).mode & 0o777).toBe(0o700);
    expect(statSync(dayDir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dayDir))
      expect(statSync(path.join(dayDir, f)).mode & 0o777).toBe(0o600);
    const none = cli(['export', '--underlying', 'BANKNIFTY']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no BANKNIFTY days stored.*import some/);
    // Six command-line processes, each starting tsx: slow on a busy two-core machine.
  }, 180_000);

  it('import reports bad rows on stderr by file and line, and converts a long CSV', () => {
    const file = path.join(dir, 'chain.csv');
    writeFileSync(
      file,
      'ts,underlying,spot,expiry,strike,right,bid,ask,ltp,iv,oi,volume\n2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24300,CE,120.1,121,120.5,0.128,123450,1234\n2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24350,CE,130,121,,,,\n',
    );
    const r = cli(['import', file, '--ndjson']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).expiries[0].options).toEqual([
      {
        strike: 24300,
        right: 'CE',
        bid: 120.1,
        ask: 121,
        ltp: 120.5,
        iv: 0.128,
        oi: 123450,
        volume: 1234,
      },
    ]);
    expect(r.err).toContain(`${file}:3: bid-above-ask: bid 130 is above ask 121`);
  });

  it('a holiday or a missing flag is an error that says what to do', () => {
    const h = cli(['simulate', '--underlying', 'NIFTY', '--date', '2026-11-24', '--seed', '1']);
    expect(h.code).not.toBe(0);
    expect(h.err).toMatch(/not a trading day.*next one is 2026-11-25/);
    const m = cli(['price', '--right', 'CE', '--spot', '49']);
    expect(m.err).toMatch(/--strike is required/);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { useTestApi } from '@/server/testing/api';
import { resetEnv } from '@/db/env';
import { ChainStoreWriter, storeRoot } from '@/datasets/store';
import { simulateSession } from '@/engine/market/simulator';
import { readFileSync } from 'node:fs';

const bankStraddle = JSON.parse(
  readFileSync(
    path.resolve(
      import.meta.dirname,
      '../../../engine/dsl/examples/banknifty-straddle-width-momentum.json',
    ),
    'utf8',
  ),
) as Record<string, unknown>;

const api = useTestApi();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-datasets-api-'));
const before = process.env.DATA_DIR;

beforeAll(() => {
  process.env.DATA_DIR = dataDir;
  resetEnv();
});
afterAll(() => {
  if (before === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = before;
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

async function caller() {
  return (await api.callerFor(`d${Math.random().toString(36).slice(2)}@example.test`)).caller;
}

describe('datasets router: the chain store of this server', () => {
  it('lists nothing before an import, then the stored underlying and its days with sizes', async () => {
    const c = await caller();
    expect(await c.datasets.stored()).toEqual([]);
    const w = new ChainStoreWriter(storeRoot(dataDir), { source: 'simulator seed 3' });
    for (const s of simulateSession({
      underlying: 'BANKNIFTY',
      seed: 3,
      date: '2026-11-20',
      intervalSeconds: 900,
    }))
      await w.add(s);
    await w.finish();
    const [bank] = await c.datasets.stored();
    expect(bank).toMatchObject({
      underlying: 'BANKNIFTY',
      days: 1,
      first: '2026-11-20',
      last: '2026-11-20',
      snapshots: 26,
    });
    expect(bank.bytes).toBeGreaterThan(0);
    const [day] = await c.datasets.days({ underlying: 'BANKNIFTY' });
    expect(day).toMatchObject({ day: '2026-11-20', snapshots: 26, source: 'simulator seed 3' });
    expect(day.from).toBe('2026-11-20T09:15:00+05:30');

    // The payoff panel on a stored day: the snapshot nearest the time asked for.
    const [payoff] = await c.market.openingPosition({
      dsl: bankStraddle,
      source: { kind: 'store', day: '2026-11-20', time: '10:20' },
    });
    expect(payoff.error).toBeNull();
    expect(payoff.source).toBe('stored BANKNIFTY 2026-11-20T10:15:00+05:30');
    expect(payoff.position?.legs.length).toBeGreaterThan(0);
    const [missing] = await c.market.openingPosition({
      dsl: bankStraddle,
      source: { kind: 'store', day: '2026-11-23', time: '10:20' },
    });
    expect(missing.error).toMatch(/No BANKNIFTY chains are stored for 2026-11-23/);
  });

  it('refuses paths outside the shared folder and bad names, and callers who are not signed in', async () => {
    const c = await caller();
    await expect(c.datasets.importShared({ dataset: '../../etc' })).rejects.toThrow();
    await expect(c.datasets.days({ underlying: 'nifty; rm' })).rejects.toThrow(
      /Underlying as its symbol/,
    );
    const anon = appRouter.createCaller(await api.context(new Headers()));
    await expect(anon.datasets.stored()).rejects.toThrow();
  });
});

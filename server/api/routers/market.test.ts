import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import condor from '@/engine/dsl/examples/nifty-iron-condor-delta.json' with { type: 'json' };
import { getInstrument } from '@/engine/market/instruments';
import { zonedInstant } from '@/engine/market/calendar';
import { latestSessionInstant, latestSimulatedChain } from '@/server/services/market';
import { sharedDataDir } from '@/server/services/datasets';

const api = useTestApi();

async function caller() {
  return (await api.callerFor(`m${Math.random().toString(36).slice(2)}@example.test`)).caller;
}

const nifty = getInstrument('NIFTY');

describe('latest simulated chain', () => {
  it('is taken now during a session and at the last close outside it', () => {
    const during = zonedInstant('2026-11-20', '11:07', nifty.timezone);
    expect(latestSessionInstant('NIFTY', during)).toBe(during);
    // Saturday: Friday's close.
    const saturday = zonedInstant('2026-11-21', '10:00', nifty.timezone);
    expect(latestSessionInstant('NIFTY', saturday)).toBe(
      zonedInstant('2026-11-20', nifty.session.close, nifty.timezone),
    );
    // Before Monday's open: still Friday's close.
    const early = zonedInstant('2026-11-23', '08:00', nifty.timezone);
    expect(latestSessionInstant('NIFTY', early)).toBe(
      zonedInstant('2026-11-20', nifty.session.close, nifty.timezone),
    );
  });

  it('is the same chain for the same seed and minute, and another for another seed', () => {
    const at = zonedInstant('2026-11-20', '11:07', nifty.timezone);
    const a = latestSimulatedChain('NIFTY', 7, at);
    expect(a.ts.startsWith('2026-11-20T11:07')).toBe(true);
    expect(latestSimulatedChain('NIFTY', 7, at + 20_000)).toEqual(a);
    expect(latestSimulatedChain('NIFTY', 8, at).spot).not.toBe(a.spot);
  });
});

describe('market.openingPosition', () => {
  it("resolves each strategy's legs on a simulated chain at a chosen time", async () => {
    const c = await caller();
    const [s] = await c.market.openingPosition({
      dsl: condor as Record<string, unknown>,
      source: { kind: 'simulator', seed: 3, date: '2026-11-19', time: '10:00' },
    });
    expect(s.error).toBeNull();
    expect(s.position?.ts.startsWith('2026-11-19T10:00')).toBe(true);
    expect(s.position?.legs).toHaveLength(4);
    expect(s.source).toBe('simulator seed 3');
  });

  it('names the first DSL problem instead of guessing a position', async () => {
    const c = await caller();
    const bad = structuredClone(condor) as { basket: { strategies: { legs: unknown[] }[] } };
    bad.basket.strategies[0].legs = [];
    await expect(
      c.market.openingPosition({ dsl: bad as unknown as Record<string, unknown> }),
    ).rejects.toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      message: expect.stringMatching(/not valid yet.*legs/),
    });
  });

  it.skipIf(!sharedDataDir())(
    'reads a snapshot of a real dataset when the shared data is present',
    async () => {
      const c = await caller();
      const sets = await c.market.datasets();
      const parquet = sets.find(
        (d) => d.id.startsWith('chiragaibooks-Option-chain-Parquet/') && d.id.endsWith('.parquet'),
      );
      if (!parquet)
        throw new Error('expected the chiragaibooks NIFTY parquet files in the shared data');
      const straddle = { ...(condor as Record<string, unknown>) };
      const [s] = await c.market.openingPosition({
        dsl: straddle,
        source: { kind: 'dataset', dataset: parquet.id, index: 0 },
      });
      expect(s.source).toContain(parquet.id);
      expect(s.position?.underlying).toBe('NIFTY');
    },
  );
});

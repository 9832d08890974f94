import { describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { sharedDataDir } from '@/server/services/datasets';
import { useTestApi } from '@/server/testing/api';

const api = useTestApi();
const FOLDER = 'chiragaibooks-Option-chain-Parquet';

async function caller() {
  return (await api.callerFor(`a${Math.random().toString(36).slice(2)}@example.test`)).caller;
}

describe('analysis API', () => {
  it('is for signed-in users only', async () => {
    const anon = appRouter.createCaller(await api.context(new Headers()));
    await expect(anon.analysis.sessions({ dataset: FOLDER })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('refuses datasets outside the shared data folder and out-of-range lookbacks', async () => {
    const c = await caller();
    await expect(c.analysis.sessions({ dataset: '../../etc/passwd' })).rejects.toMatchObject({
      code: expect.stringMatching(/NOT_FOUND|SERVICE_UNAVAILABLE/),
    });
    await expect(
      c.analysis.volLab({
        source: { kind: 'dataset', dataset: FOLDER, underlying: 'NIFTY', index: 0 },
        lookbackDays: 2,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  describe.skipIf(!sharedDataDir())('on the real NIFTY days of August 2026', () => {
    it('lists the underlying and the time of each of its 400 snapshots', async () => {
      const c = await caller();
      const s = await c.analysis.sessions({ dataset: FOLDER });
      expect(s.underlyings.map((u) => u.underlying)).toEqual(['NIFTY']);
      const ts = s.underlyings[0].timestamps;
      expect(ts).toHaveLength(400);
      expect(ts[0]).toBe('2026-08-18T10:43:00+05:30');
      expect(ts.filter((t) => t.startsWith('2026-08-18'))).toHaveLength(288);
      expect(s.truncated).toBe(false);
    });

    it('analyses one snapshot as of its time: nothing later in the intraday series or the closes', async () => {
      const c = await caller();
      const { underlyings } = await c.analysis.sessions({ dataset: FOLDER });
      const ts = underlyings[0].timestamps;
      const index = ts.indexOf('2026-08-19T12:30:00+05:30');
      expect(index).toBeGreaterThan(288);
      const v = await c.analysis.volLab({
        source: { kind: 'dataset', dataset: FOLDER, underlying: 'NIFTY', index },
      });
      expect(v.lab.ts).toBe(ts[index]);
      expect(v.lab.expiries.map((e) => e.expiry)).toEqual([
        '2026-08-25',
        '2026-09-01',
        '2026-09-08',
        '2026-09-15',
      ]);
      expect(v.intraday.at(-1)!.ts).toBe(ts[index]);
      expect(v.intraday[0].ts.startsWith('2026-08-19')).toBe(true);
      expect(v.closes.map((x) => x.day)).toEqual(['2026-08-18']);
      expect(v.reading.sessions).toBe(1);
      expect(v.reading.atmIv).toBeCloseTo(v.lab.term[0].atmIv! * 100, 9);
      expect(v.sessionRealised).toBeGreaterThan(0);
      expect(v.intraday.at(-1)!.atmIv['2026-08-25']).toBeCloseTo(v.lab.term[0].atmIv!, 12);
    });

    it('says which snapshots exist when asked for one past the end', async () => {
      const c = await caller();
      await expect(
        c.analysis.volLab({
          source: { kind: 'dataset', dataset: FOLDER, underlying: 'NIFTY', index: 400 },
        }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringMatching(/has 400 NIFTY snapshots/),
      });
      await expect(
        c.analysis.volLab({
          source: { kind: 'dataset', dataset: FOLDER, underlying: 'BANKNIFTY', index: 0 },
        }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/holds no BANKNIFTY snapshots; it has NIFTY/),
      });
    });

    it('gives the regime at every snapshot with the facts behind it, and the daily closes', async () => {
      const c = await caller();
      const r = await c.analysis.regime({ dataset: FOLDER, underlying: 'NIFTY' });
      expect(r.points).toHaveLength(400);
      expect(r.thinned).toBe(false);
      expect(r.closes.map((x) => x.day)).toEqual([
        '2026-08-18',
        '2026-08-19',
        '2026-08-20',
        '2026-08-21',
      ]);
      const last = r.points.at(-1)!;
      expect(last.rankFrom).toBe('iv');
      expect(last.sessions).toBe(3);
      expect(last.hv).toBeGreaterThan(0);
      expect(last.regime).toBeDefined();
    });
  });
});

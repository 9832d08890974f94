// The regime view reads the runtime's regime: checked here against IV rank, HV and the
// classifier's thresholds worked out by hand on a four-session path, and on the real NIFTY days.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { MarketTimeline, regimeAt } from './regime.ts';
import { realisedVol, rollingRealisedVol, tradingMinutesPerYear } from './realised.ts';
import { getInstrument } from '../market/instruments.ts';

const EXPIRY = '2026-11-24';

function snap(
  day: string,
  time: string,
  spot: number,
  atmIvPct: number,
  vix?: number,
): ChainSnapshot {
  const iv = atmIvPct / 100;
  const atm = Math.round(spot / 50) * 50;
  return {
    ts: `${day}T${time}:00+05:30`,
    underlying: 'NIFTY',
    spot,
    ...(vix === undefined ? {} : { vix }),
    expiries: [
      {
        expiry: EXPIRY,
        options: [atm - 50, atm, atm + 50].flatMap((k) => [
          { strike: k, right: 'CE' as const, ltp: 100, iv: k === atm ? iv - 0.002 : iv + 0.01 },
          { strike: k, right: 'PE' as const, ltp: 100, iv: k === atm ? iv + 0.002 : iv + 0.01 },
        ]),
      },
    ],
  };
}

// Four sessions; an early snapshot each day that the close must not take.
const path4 = [
  snap('2026-11-16', '10:00', 24000, 30),
  snap('2026-11-16', '15:25', 24100, 12),
  snap('2026-11-17', '10:00', 24500, 30),
  snap('2026-11-17', '15:25', 24300, 14),
  snap('2026-11-18', '10:00', 24400, 30),
  snap('2026-11-18', '15:25', 24050, 10),
  snap('2026-11-19', '11:00', 24250, 13),
];

/** Sample standard deviation of daily log returns x sqrt(252) x 100, as docs/dsl.md defines hv. */
function hvByHand(closes: number[]): number {
  const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return (
    Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1)) * Math.sqrt(252) * 100
  );
}

describe('regime timeline', () => {
  it('keeps the last snapshot of each session as its close, as a deployment does', () => {
    const tl = new MarketTimeline('NIFTY');
    for (const s of path4) tl.push(s);
    expect(tl.closes.map((c) => [c.day, c.spot, Math.round(c.atmIv! * 1e9) / 1e9])).toEqual([
      ['2026-11-16', 24100, 12],
      ['2026-11-17', 24300, 14],
      ['2026-11-18', 24050, 10],
      ['2026-11-19', 24250, 13],
    ]);
    expect(tl.points).toHaveLength(7);
  });

  it('reads IV rank, percentile, HV and the regime the way the conditions define them', () => {
    const tl = new MarketTimeline('NIFTY');
    const points = path4.map((s) => tl.push(s));
    // Day 1: nothing to rank against (rank 50 by definition), no HV: neutral.
    expect(points[1]).toMatchObject({ ivRank: 50, rankFrom: 'iv', regime: 'neutral', sessions: 0 });
    expect(points[1].hv).toBeUndefined();
    // Day 3's close: ATM IV 10 under the past closes 12 and 14: rank 0, low_vol.
    expect(points[5].ivRank).toBeCloseTo(0, 9);
    expect(points[5].regime).toBe('low_vol');
    expect(points[5].ivPercentile).toBe(0);
    // Day 4 at 11:00: IV 13 between 10 and 14 -> rank 75; HV of 24100, 24300, 24050, 24250.
    const p = points[6];
    expect(p.ivRank).toBeCloseTo(75, 9);
    expect(p.ivPercentile).toBeCloseTo((2 / 3) * 100, 9);
    expect(p.sessions).toBe(3);
    const hv = hvByHand([24100, 24300, 24050, 24250]);
    expect(p.hv).toBeCloseTo(hv, 9);
    expect(p.atmIv).toBeCloseTo(13, 9);
    expect(p.hvIvRatio).toBeCloseTo(hv / 13, 9);
    expect(hv / 13).toBeGreaterThanOrEqual(1.2);
    expect(p.regime).toBe('iv_expansion');
  });

  it('ranks the VIX when snapshots carry one, and a shorter lookback narrows the IV window', () => {
    const withVix = [12, 15, 11, 14];
    const closes = path4.filter((_, i) => i % 2 === 1 || i === 6);
    const tl = new MarketTimeline('NIFTY');
    let last;
    for (const [i, s] of closes.entries()) last = tl.push({ ...s, vix: withVix[i] });
    expect(last!.rankFrom).toBe('vix');
    expect(last!.vixRank).toBeCloseTo(75, 9);
    // lookbackDays 3 = today and the two sessions before it: IVs 14 and 10 against 13.
    const r = regimeAt(path4[6], tl.closes, { lookbackDays: 3 });
    expect(r.sessions).toBe(2);
    expect(r.ivRank).toBeCloseTo(75, 9);
    expect(r.ivPercentile).toBe(50);
  });

  it('refuses snapshots out of time order or of another underlying', () => {
    const tl = new MarketTimeline('NIFTY');
    tl.push(path4[3]);
    expect(() => tl.push(path4[1])).toThrow(/time order/);
    expect(() => tl.push({ ...path4[5], underlying: 'BANKNIFTY' })).toThrow(
      /one timeline per underlying/,
    );
  });
});

describe('intraday realised volatility', () => {
  const nifty = getInstrument('NIFTY');
  const at = (day: string, min: number, spot: number) => ({
    ms: Date.parse(`${day}T09:15:00+05:30`) + min * 60_000,
    day,
    spot,
  });

  it('annualises squared returns over the trading time they span, leaving out overnight gaps', () => {
    expect(tradingMinutesPerYear(nifty)).toBe(375 * 252);
    const pts = [
      at('2026-11-16', 0, 100),
      at('2026-11-16', 1, 101),
      at('2026-11-16', 3, 100),
      at('2026-11-17', 0, 120),
    ];
    const sumSq = Math.log(1.01) ** 2 + Math.log(100 / 101) ** 2;
    expect(realisedVol(pts, nifty)).toBeCloseTo(Math.sqrt((sumSq / 3) * 375 * 252), 12);
    expect(realisedVol([pts[0]], nifty)).toBeUndefined();
  });

  it('rolls over a trailing window within each session', () => {
    const pts = Array.from({ length: 12 }, (_, i) =>
      at('2026-11-16', i, 100 * Math.exp(0.001 * (i % 2 ? 1 : -1) * i)),
    );
    const roll = rollingRealisedVol(pts, nifty, 5, 3);
    expect(roll.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    for (let i = 5; i < 12; i++)
      expect(roll[i]).toBeCloseTo(realisedVol(pts.slice(i - 5, i + 1), nifty)!, 9);
  });
});

const shared = sharedDataDir() ?? path.resolve(import.meta.dirname, '../../../shared/data');
const folder = path.join(shared, 'chiragaibooks-Option-chain-Parquet');

describe.skipIf(!existsSync(folder))('regime over the real NIFTY days of August 2026', () => {
  it('walks 400 one-minute snapshots over four sessions, with HV from their closes on the last day', async () => {
    const tl = new MarketTimeline('NIFTY');
    for await (const s of readSnapshots(folder)) tl.push(s);
    expect(tl.points).toHaveLength(400);
    expect(tl.closes.map((c) => c.day)).toEqual([
      '2026-08-18',
      '2026-08-19',
      '2026-08-20',
      '2026-08-21',
    ]);
    // 2026-08-18's close is its 15:30 snapshot.
    expect(tl.points.filter((p) => p.day === '2026-08-18').at(-1)!.ts).toBe(
      '2026-08-18T15:30:00+05:30',
    );
    expect(tl.closes[0].spot).toBe(tl.points.filter((p) => p.day === '2026-08-18').at(-1)!.spot);
    const last = tl.points.at(-1)!;
    expect(last.hv).toBeCloseTo(hvByHand(tl.closes.map((c) => c.spot)), 9);
    const ivs = tl.closes.slice(0, 3).map((c) => c.atmIv!);
    const lo = Math.min(...ivs, last.atmIv!);
    const hi = Math.max(...ivs, last.atmIv!);
    expect(last.ivRank).toBeCloseTo(((last.atmIv! - lo) / (hi - lo)) * 100, 9);
    for (const p of tl.points)
      expect(['low_vol', 'high_vol', 'iv_expansion', 'iv_contraction', 'neutral']).toContain(
        p.regime,
      );
  });
});

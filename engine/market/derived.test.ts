import { describe, expect, it } from 'vitest';
import { bsPrice } from '../pricing';
import { atmStrike, straddlePremium, strikeFromAtm, syntheticFuture } from './atm';
import { expiryPricing } from './pricing-context';
import { maxPain, pcr } from './open-interest';
import { settlementValue } from './settlement';
import type { ChainSnapshot, OptionQuote } from './snapshot';
import {
  atmIv,
  deltas,
  ivRank,
  ivRankOverLookback,
  optionGreeks,
  smile,
  termStructure,
  withSolvedIvs,
} from './volatility';

// A NIFTY chain priced off a known smile, so every derived value has a known answer.
const TS = '2026-11-20T10:00:00+05:30';
const SPOT = 24310;
const smileVol = (k: number) => 0.13 + 0.00000004 * (k - 24300) ** 2 - 0.00001 * (k - 24300);

function chain(expiry: string, withIv: boolean): OptionQuote[] {
  const base: ChainSnapshot = {
    ts: TS,
    underlying: 'NIFTY',
    spot: SPOT,
    expiries: [{ expiry, options: [] }],
  };
  const p = expiryPricing(base, expiry);
  const out: OptionQuote[] = [];
  for (let k = 24000; k <= 24600; k += 50) {
    for (const right of ['CE', 'PE'] as const) {
      const price = bsPrice(right, SPOT, k, p.t, p.rate, smileVol(k), p.div);
      const q: OptionQuote = {
        strike: k,
        right,
        bid: Math.round((price - 0.5) * 100) / 100,
        ask: Math.round((price + 0.5) * 100) / 100,
        oi: right === 'CE' ? (k >= 24400 ? 1000 : 100) : k <= 24200 ? 1500 : 200,
        volume: 10,
      };
      if (withIv) q.iv = smileVol(k);
      out.push(q);
    }
  }
  return out;
}

const snap: ChainSnapshot = {
  ts: TS,
  underlying: 'NIFTY',
  spot: SPOT,
  vix: 13.2,
  futures: 24420,
  expiries: [
    { expiry: '2026-11-23', options: chain('2026-11-23', false) },
    { expiry: '2026-12-29', options: chain('2026-12-29', true) },
  ],
};

describe('ATM and the straddle', () => {
  it('takes ATM from spot, futures or the synthetic future', () => {
    expect(atmStrike(snap, '2026-11-23', 'spot')).toBe(24300);
    // Without a futures quote for the expiry, "futures" is its synthetic future (docs/dsl.md).
    expect(atmStrike(snap, '2026-11-23', 'futures')).toBe(24300);
    const withForward = {
      ...snap,
      expiries: snap.expiries.map((e) =>
        e.expiry === '2026-11-23' ? { ...e, forward: 24420 } : e,
      ),
    };
    expect(atmStrike(withForward, '2026-11-23', 'futures')).toBe(24400);
    // docs/dsl.md: K* + P_CE(K*) - P_PE(K*) at the strike nearest spot with both prices (24300),
    // P the mid here (no LTP); close to the model's forward S·e^{(r−q)T} up to the discount of C − P.
    const dec = snap.expiries[1].options.filter((o) => o.strike === 24300);
    const mid = (r: string) => {
      const o = dec.find((x) => x.right === r)!;
      return (o.bid! + o.ask!) / 2;
    };
    expect(syntheticFuture(snap, '2026-12-29')).toBeCloseTo(24300 + mid('CE') - mid('PE'), 9);
    const p = expiryPricing(snap, '2026-12-29');
    expect(Math.abs(syntheticFuture(snap, '2026-12-29')! - SPOT * Math.exp((p.rate - p.div) * p.t))).toBeLessThan(2); // prettier-ignore
    expect(atmStrike(snap, '2026-12-29', 'syntheticFuture')).toBe(24450); // forward ≈ 24448
    expect(strikeFromAtm(snap, '2026-11-23', 2)).toBe(24400);
    expect(() => strikeFromAtm(snap, '2026-11-23', 40)).toThrow(/outside the 13 listed strikes/);
  });

  it('prices the ATM straddle from mids', () => {
    const s = straddlePremium(snap, '2026-11-23')!;
    const p = expiryPricing(snap, '2026-11-23');
    const want =
      bsPrice('CE', SPOT, 24300, p.t, p.rate, smileVol(24300), p.div) +
      bsPrice('PE', SPOT, 24300, p.t, p.rate, smileVol(24300), p.div);
    expect(s.strike).toBe(24300);
    expect(s.premium).toBeCloseTo(want, 1);
  });

  it('says which expiry is missing', () => {
    expect(() => atmStrike(snap, '2026-11-30')).toThrow(
      /expiry 2026-11-30 is not in the NIFTY snapshot.*2026-11-23, 2026-12-29/,
    );
    const noPair = { ...snap, expiries: [{ expiry: '2026-11-23', options: chain('2026-11-23', false).filter((q) => q.right === 'CE') }] }; // prettier-ignore
    expect(() => atmStrike(noPair, '2026-11-23', 'futures')).toThrow(/no futures price/);
  });
});

describe('volatility read off the chain', () => {
  it('solves IVs the source left out, from mid prices', () => {
    const filled = withSolvedIvs(snap);
    for (const q of filled.expiries[0].options) expect(q.iv!).toBeCloseTo(smileVol(q.strike), 2);
    expect(filled.expiries[1].options[0].iv).toBe(smileVol(24000)); // quoted IVs are kept
  });

  it('gives greeks per option and deltas for strike-by-delta selection', () => {
    const g = optionGreeks(snap, '2026-11-23', 24300, 'CE')!;
    expect(g.delta).toBeGreaterThan(0.45);
    expect(g.delta).toBeLessThan(0.6);
    const d = deltas(snap, '2026-11-23', 'PE');
    expect(d).toHaveLength(13);
    for (let i = 1; i < d.length; i++) expect(d[i].delta).toBeLessThan(d[i - 1].delta); // higher strike, more negative put delta
    expect(d[0].delta).toBeGreaterThan(-0.2);
    expect(d[d.length - 1].delta).toBeLessThan(-0.8);
  });

  it('draws the smile (OTM side) and the ATM term structure', () => {
    const s = smile(snap, '2026-12-29');
    expect(s.map((p) => p.iv)).toEqual(s.map((p) => smileVol(p.strike)));
    expect(s[0].logMoneyness).toBeLessThan(0);
    const ts = termStructure(snap);
    expect(ts.map((p) => p.expiry)).toEqual(['2026-11-23', '2026-12-29']);
    expect(ts[1].atmIv).toBeCloseTo(smileVol(24300), 10);
    expect(atmIv(snap, '2026-11-23')).toBeCloseTo(smileVol(24300), 2);
  });

  it('ranks IV within its lookback', () => {
    expect(ivRank([0.1, 0.2, 0.3], 0.25)).toEqual({ rank: 75, percentile: (2 / 3) * 100 });
    expect(ivRank([0.1, 0.2], 0.5).rank).toBe(100);
    expect(() => ivRank([], 0.2)).toThrow(/at least one past IV/);
    const series = [
      { date: '2026-01-01', iv: 0.5 }, // outside a 30-day lookback
      { date: '2026-11-01', iv: 0.1 },
      { date: '2026-11-10', iv: 0.2 },
      { date: '2026-11-20', iv: 0.15 },
    ];
    expect(ivRankOverLookback(series, 30).rank).toBeCloseTo(50, 10);
  });
});

describe('positioning and settlement', () => {
  it('computes the put-call ratio by OI and by volume', () => {
    // Per expiry: calls 5×1000 + 8×100 = 5800, puts 5×1500 + 8×200 = 9100.
    expect(pcr(snap, 'oi', '2026-11-23')).toBeCloseTo(9100 / 5800, 12);
    expect(pcr(snap, 'volume')).toBe(1);
  });

  it('finds max pain where holders are paid least', () => {
    const tiny: ChainSnapshot = {
      ts: TS,
      underlying: 'NIFTY',
      spot: 100,
      expiries: [
        {
          expiry: '2026-11-23',
          options: [
            { strike: 90, right: 'PE', oi: 100 },
            { strike: 100, right: 'CE', oi: 50 },
            { strike: 100, right: 'PE', oi: 50 },
            { strike: 110, right: 'CE', oi: 100 },
          ],
        },
      ],
    };
    // Settle 90: calls 0, puts 50×10 = 500. Settle 100: 0. Settle 110: calls 50×10 = 500.
    expect(maxPain(tiny, '2026-11-23')).toEqual({ strike: 100, payout: 0 });
  });

  it('settles at intrinsic value', () => {
    expect(settlementValue('CE', 24300, 24412.5)).toBe(112.5);
    expect(settlementValue('PE', 24300, 24412.5)).toBe(0);
  });
});

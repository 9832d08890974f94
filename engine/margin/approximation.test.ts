import { terms, type TermsSpec } from '@/tests/support/contract-terms';
import { describe, expect, it } from 'vitest';
import { bsPrice } from '../pricing/index.ts';
import type { PayoffLeg, PayoffMarket } from '../payoff/payoff.ts';
import { approximateMargin, indiaScanPct, scanRisk, INDIA_SPAN } from './approximation.ts';
import { returnOnMargin } from './margin.ts';

const week = 7 / 365;

/** A leg priced at its own IV, so the position is worth exactly its entry at the snapshot. */
function leg(
  m: PayoffMarket,
  p: TermsSpec & Pick<PayoffLeg, 'side' | 'qty'> & { iv?: number; t?: number },
): PayoffLeg {
  const iv = p.iv ?? 0.13;
  const t = p.t ?? week;
  const { instrument, right, strike, ...rest } = p;
  const c = terms({ instrument, right, strike });
  const entry =
    c.instrument === 'future' ? m.spot : bsPrice(c.right, m.spot, c.strike, t, m.rate, iv, m.div);
  return {
    id: `${p.side}${right ?? 'FUT'}${strike ?? ''}`,
    expiry: '2026-11-24',
    t,
    iv,
    entry,
    ...rest,
    ...c,
  };
}

describe('NSE index options: SPAN-like', () => {
  const m: PayoffMarket = { spot: 24300, rate: 0.065, div: 0.012, model: 'black-scholes' };
  const lot = 65;

  it('charges a naked short straddle its worst scan loss plus 2 % exposure on both shorts, less the premium', () => {
    const legs = [
      leg(m, { instrument: 'option', right: 'CE', side: 'SELL', strike: 24300, qty: lot }),
      leg(m, { instrument: 'option', right: 'PE', side: 'SELL', strike: 24300, qty: lot }),
    ];
    const position = { underlying: 'NIFTY', spot: m.spot, legs, market: m };
    const e = approximateMargin(position);
    const scan = indiaScanPct(legs, 0.13);
    // 6√2 daily sigmas of 13 % annual vol: 6 x 1.414 x 0.13 / √252 = 6.95 %.
    expect(scan).toBeCloseTo(((6 * Math.SQRT2 * 0.13) / Math.sqrt(252)) * 100, 9);
    const risk = scanRisk(position, scan, INDIA_SPAN.volScanPoints);
    const exposure = 2 * 0.02 * m.spot * lot;
    const received = (legs[0].entry + legs[1].entry) * lot;
    expect(e.method).toBe('india-span-like');
    expect(e.definedRisk).toBe(false);
    expect(e.total).toBeCloseTo(risk + exposure - received, 1);
    // The straddle loses most when the index moves the full scan range: about 1 360 a unit.
    expect(risk / lot).toBeGreaterThan(1200);
    expect(risk / lot).toBeLessThan(1600);
    // About 1.3 lakh for a NIFTY straddle lot: the order of what Indian brokers ask.
    expect(e.total).toBeGreaterThan(120_000);
    expect(e.total).toBeLessThan(190_000);
    expect(e.methodText).toMatch(/SPAN-like/);
  });

  it('gives the hedge benefit: an iron condor needs far less than its short strangle', () => {
    const strangle = [
      leg(m, { instrument: 'option', right: 'CE', side: 'SELL', strike: 24600, qty: lot }),
      leg(m, { instrument: 'option', right: 'PE', side: 'SELL', strike: 24000, qty: lot }),
    ];
    const wings = [
      leg(m, { instrument: 'option', right: 'CE', side: 'BUY', strike: 24800, qty: lot }),
      leg(m, { instrument: 'option', right: 'PE', side: 'BUY', strike: 23800, qty: lot }),
    ];
    const naked = approximateMargin({
      underlying: 'NIFTY',
      spot: m.spot,
      legs: strangle,
      market: m,
    });
    const condor = approximateMargin({
      underlying: 'NIFTY',
      spot: m.spot,
      legs: [...strangle, ...wings],
      market: m,
    });
    expect(condor.definedRisk).toBe(true);
    // The scan risk is capped at the condor's maximum loss: 200 points wide less the net credit.
    const credit =
      strangle.reduce((a, l) => a + l.entry, 0) - wings.reduce((a, l) => a + l.entry, 0);
    const scanLine = condor.components[0];
    expect(scanLine.label).toMatch(/capped at the max loss/);
    expect(scanLine.amount).toBeGreaterThan(0);
    expect(scanLine.amount).toBeLessThanOrEqual((200 - credit) * lot + 0.01);
    expect(condor.total).toBeLessThan(naked.total / 2);
  });

  it('asks only the premium for long options', () => {
    const legs = [
      leg(m, { instrument: 'option', right: 'CE', side: 'BUY', strike: 24300, qty: lot }),
    ];
    const e = approximateMargin({ underlying: 'NIFTY', spot: m.spot, legs, market: m });
    expect(e.method).toBe('long-premium');
    expect(e.total).toBeCloseTo(legs[0].entry * lot, 1);
  });

  it('adds the expiry-day exposure margin on shorts that expire today', () => {
    const legs = [
      leg(m, {
        instrument: 'option',
        right: 'CE',
        side: 'SELL',
        strike: 24300,
        qty: lot,
        t: 0.5 / 365,
      }),
    ];
    const e = approximateMargin({ underlying: 'NIFTY', spot: m.spot, legs, market: m });
    expect(e.components.some((c) => /Expiry-day/.test(c.label))).toBe(true);
  });
});

describe('US options: Reg-T', () => {
  const m: PayoffMarket = { spot: 660, rate: 0.04, div: 0.012, model: 'black-scholes' };

  it('charges a naked short put 20 % of the underlying less the OTM amount', () => {
    const put = leg(m, {
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      strike: 640,
      qty: 100,
      iv: 0.16,
    });
    const e = approximateMargin({ underlying: 'SPY', spot: m.spot, legs: [put], market: m });
    // max(20 % x 660 - 20, 10 % x 640) = max(112, 64) = 112 a share.
    expect(e.method).toBe('us-reg-t');
    expect(e.total).toBeCloseTo(112 * 100, 1);
  });

  it('uses 15 % for a broad-based index and only the greater side of a strangle', () => {
    const sm: PayoffMarket = { spot: 6600, rate: 0.04, div: 0.013, model: 'black-scholes' };
    const legs = [
      leg(sm, {
        instrument: 'option',
        right: 'CE',
        side: 'SELL',
        strike: 6700,
        qty: 100,
        iv: 0.15,
      }),
      leg(sm, {
        instrument: 'option',
        right: 'PE',
        side: 'SELL',
        strike: 6450,
        qty: 100,
        iv: 0.15,
      }),
    ];
    const e = approximateMargin({ underlying: 'SPX', spot: sm.spot, legs, market: sm });
    // call: 990 - 100 = 890; put: 990 - 150 = 840: the call side counts.
    expect(e.total).toBeCloseTo(890 * 100, 1);
  });

  it('never asks a short put for more than its cash-secured amount', () => {
    const deep = leg(m, {
      instrument: 'option',
      right: 'PE',
      side: 'SELL',
      strike: 900,
      qty: 100,
      iv: 0.3,
      t: 0.5,
    });
    const e = approximateMargin({ underlying: 'SPY', spot: m.spot, legs: [deep], market: m });
    expect(e.total).toBeLessThanOrEqual((900 - deep.entry) * 100 + 0.01);
  });

  it('needs the maximum loss of a credit spread', () => {
    const legs = [
      leg(m, { instrument: 'option', right: 'PE', side: 'SELL', strike: 650, qty: 100, iv: 0.16 }),
      leg(m, { instrument: 'option', right: 'PE', side: 'BUY', strike: 645, qty: 100, iv: 0.17 }),
    ];
    const e = approximateMargin({ underlying: 'SPY', spot: m.spot, legs, market: m });
    const credit = (legs[0].entry - legs[1].entry) * 100;
    expect(e.definedRisk).toBe(true);
    expect(e.total).toBeCloseTo(500 - credit, 1);
  });
});

describe('Deribit options: standard margin', () => {
  const m: PayoffMarket = { spot: 95000, rate: 0, div: 0, model: 'black-76' };

  it('charges each short max(15 % − OTM, 10 %) of the index plus its mark, credits the premium, and never offsets', () => {
    const call = leg(m, {
      instrument: 'option',
      right: 'CE',
      side: 'SELL',
      strike: 105000,
      qty: 1,
      iv: 0.5,
    });
    const wing = leg(m, {
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      strike: 110000,
      qty: 1,
      iv: 0.5,
    });
    const e = approximateMargin({ underlying: 'BTC', spot: m.spot, legs: [call, wing], market: m });
    // max(14 250 - 10 000, 9 500) = 9 500, + mark, - mark received, + wing paid.
    expect(e.method).toBe('deribit-standard');
    expect(e.total).toBeCloseTo(9500 + wing.entry, 1);
  });
});

describe('return on margin', () => {
  it('is P&L over margin in percent, or null without a margin', () => {
    expect(returnOnMargin(12_500, 125_000)).toBe(10);
    expect(returnOnMargin(100, 0)).toBeNull();
    expect(returnOnMargin(100, null)).toBeNull();
  });
});

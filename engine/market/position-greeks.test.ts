import { describe, expect, it } from 'vitest';
import { legGreeks } from './position-greeks';
import type { ChainSnapshot } from './snapshot';

const snap: ChainSnapshot = {
  ts: '2026-11-20T10:00:00+05:30',
  underlying: 'NIFTY',
  spot: 24_300,
  futures: 24_350,
  expiries: [
    {
      expiry: '2026-11-26',
      options: [
        { strike: 24_300, right: 'CE', ltp: 150, iv: 0.13 },
        { strike: 24_300, right: 'PE', bid: 139, ask: 141, iv: 0.13 },
      ],
    },
  ],
};

describe('legGreeks', () => {
  it('signs greeks by side and scales them by the quantity held', () => {
    const long = legGreeks({ instrument: 'option', right: 'CE', strike: 24_300, expiry: '2026-11-26', side: 'BUY', qty: 75 }, snap)!; // prettier-ignore
    const short = legGreeks({ instrument: 'option', right: 'CE', strike: 24_300, expiry: '2026-11-26', side: 'SELL', qty: 75 }, snap)!; // prettier-ignore
    expect(long.ltp).toBe(150);
    expect(long.delta).toBeGreaterThan(0.4 * 75);
    expect(long.delta).toBeLessThan(0.7 * 75);
    expect(short.delta).toBeCloseTo(-long.delta, 9);
    expect(long.theta).toBeLessThan(0);
    expect(short.theta).toBeGreaterThan(0);
    expect(short.gamma).toBeLessThan(0);
  });

  it('marks at mid when there is no LTP, and a put has negative delta', () => {
    const put = legGreeks({ instrument: 'option', right: 'PE', strike: 24_300, expiry: '2026-11-26', side: 'BUY', qty: 1 }, snap)!; // prettier-ignore
    expect(put.ltp).toBe(140);
    expect(put.delta).toBeLessThan(0);
  });

  it('has no greeks for a contract the chain does not list', () => {
    expect(legGreeks({ instrument: 'option', right: 'CE', strike: 30_000, expiry: '2026-11-26', side: 'BUY', qty: 1 }, snap)).toBeNull(); // prettier-ignore
  });

  it('counts a future as delta one per unit', () => {
    expect(legGreeks({ instrument: 'future', right: null, strike: null, expiry: '2026-11-26', side: 'SELL', qty: 50 }, snap)).toMatchObject({ delta: -50, ltp: 24_350 }); // prettier-ignore
  });
});

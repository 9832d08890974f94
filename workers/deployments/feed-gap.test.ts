import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { feedGap } from './feed-gap';

const tick = (ts: string): ChainSnapshot => ({ ts, underlying: 'NIFTY', spot: 24_350, expiries: [] }); // prettier-ignore
const market = { kind: 'market', underlyings: ['NIFTY'], seed: 7, intervalSeconds: 60 };
const recorded = { kind: 'recorded', underlyings: ['NIFTY'], source: 'day.ndjson' };

describe('feedGap', () => {
  it('says nothing when the tick is the one after the last seen', () => {
    expect(feedGap(market, '2026-08-18T10:01:00+05:30', tick('2026-08-18T10:02:00+05:30'), 0)).toBeNull(); // prettier-ignore
  });

  it('counts the ticks nobody recorded while the feed or the workers were down', () => {
    const gap = feedGap(market, '2026-08-18T10:01:00+05:30', tick('2026-08-18T10:09:00+05:30'), 0);
    expect(gap?.data).toMatchObject({ missed: 7, seconds: 480 });
    expect(gap?.message).toMatch(
      /^Missed 7 ticks of NIFTY between 10:01:00 and 10:09:00 \(480 s\)/,
    );
  });

  it('counts the recorded ticks the evaluator passed over on a feed without a cadence', () => {
    const gap = feedGap(
      recorded,
      '2026-08-18T10:01:00+05:30',
      tick('2026-08-18T10:09:00+05:30'),
      1,
    );
    expect(gap?.message).toMatch(/^Missed 1 tick of NIFTY/);
    expect(feedGap(recorded, '2026-08-18T10:01:00+05:30', tick('2026-08-18T10:09:00+05:30'), 0)).toBeNull(); // prettier-ignore
  });

  it('does not count the night between two sessions as missed', () => {
    expect(feedGap(market, '2026-08-18T15:30:00+05:30', tick('2026-08-19T09:15:00+05:30'), 0)).toBeNull(); // prettier-ignore
  });
});

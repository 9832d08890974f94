// The words of the regime view must reach the classifier's own verdict on every reading.
import { describe, expect, it } from 'vitest';
import { classifyRegime } from '@/engine/runtime/facts';
import { explainRegime } from './regime-explain';

describe('explainRegime', () => {
  it('concludes what classifyRegime concludes, over ranks, HVs and IVs on and around every threshold', () => {
    const ranks = [undefined, 0, 19.9, 20, 20.1, 50, 79.9, 80, 100];
    const hvs = [undefined, 5, 7.99, 8, 8.01, 10, 11.99, 12, 12.01, 30];
    let n = 0;
    for (const rank of ranks)
      for (const hv of hvs)
        for (const atmIv of [undefined, 10]) {
          for (const rankFrom of ['vix', 'iv'] as const) {
            const reading = {
              rankFrom: rank === undefined ? null : rankFrom,
              vixRank: rankFrom === 'vix' ? rank : undefined,
              ivRank: rankFrom === 'iv' ? rank : undefined,
              hv,
              atmIv,
              hvIvRatio: hv !== undefined && atmIv !== undefined ? hv / atmIv : undefined,
              sessions: 3,
            };
            const e = explainRegime(reading);
            expect(e.regime, JSON.stringify(reading)).toBe(classifyRegime(rank, hv, atmIv));
            expect(e.steps.length).toBeGreaterThan(0);
            n++;
          }
        }
    expect(n).toBe(9 * 10 * 2 * 2);
  });
});

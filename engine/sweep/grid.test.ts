import { describe, expect, it } from 'vitest';
import { straddle } from '../backtest/golden-straddle.ts';
import { spearman, splitDays } from './analysis.ts';
import { applyCombination, combinations, SweepSpecSchema } from './grid.ts';

describe('sweep grids', () => {
  it('lists every combination, the last field fastest, and refuses more than 400', () => {
    const spec = SweepSpecSchema.parse({
      axes: [
        { field: 'lots', values: [1, 2] },
        { field: 'entryTime', values: ['09:20', '09:30', '09:40'] },
      ],
    });
    expect(combinations(spec)).toEqual([
      [1, '09:20'], [1, '09:30'], [1, '09:40'], [2, '09:20'], [2, '09:30'], [2, '09:40'],
    ]); // prettier-ignore
    expect(() => combinations(spec, 5)).toThrow(/the grid has 6 combinations \(2 Lots x 3 Entry time\); a sweep runs at most 5/); // prettier-ignore
  });

  it('moves ATM legs by strike offset: +n out of the money, -n in the money, 0 back to ATM', () => {
    const spec = SweepSpecSchema.parse({ axes: [{ field: 'strikeOffset', values: [2, -1, 0] }] });
    const legs = (n: number) => applyCombination(straddle(), spec, [n]).basket.strategies[0].legs;
    expect(legs(2).map((l) => l.strike)).toEqual([
      expect.objectContaining({ type: 'otm', steps: 2 }),
      expect.objectContaining({ type: 'otm', steps: 2 }),
    ]);
    expect(legs(-1)[0].strike).toMatchObject({ type: 'itm', steps: 1 });
    expect(legs(0)[0].strike).toMatchObject({ type: 'atm' });
    const sl = SweepSpecSchema.parse({ axes: [{ field: 'stopLossPct', values: [35] }] });
    expect(applyCombination(straddle(), sl, [35]).basket.strategies[0].legs[1].stopLoss).toEqual({
      typeVersion: 1,
      type: 'pct',
      value: 35,
    });
    const other = SweepSpecSchema.parse({ axes: [{ field: 'lots', strategyId: 'x', values: [2] }] }); // prettier-ignore
    expect(() => applyCombination(straddle(), other, [2])).toThrow(/the basket has no strategy "x" \(it has s\)/); // prettier-ignore
  });

  it('splits sessions in and out of sample and ranks them', () => {
    expect(splitDays(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 30)).toEqual({
      inSample: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      outOfSample: ['h', 'i', 'j'],
    });
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

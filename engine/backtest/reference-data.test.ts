// Reference data with dates, on real 2019 NSE data: the lot size, the tax and every assumption
// are those of 2019, and the report says what it had to assume (issue: 2026 rates on 2019 data).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { indiaIndexOptions } from '../broker/costs/cost-model.ts';
import { lotSizeOf } from '../reference/contracts.ts';
import { backtestDocument } from './basket.ts';
import { straddle } from './golden-straddle.ts';
import type { ChainSnapshot } from '../runtime/types.ts';

const dir = path.join(sharedDataDir() ?? '', 'rohmhatre-optionchaindata', 'NIFTY');
const have = existsSync(dir);

describe('dated reference data', () => {
  it('takes the lot size of the contract by its expiry, from the NSE circulars', () => {
    expect(lotSizeOf('NIFTY', '2019-08-29')).toMatchObject({ lotSize: 75, assumed: false });
    expect(lotSizeOf('NIFTY', '2022-03-31')).toMatchObject({ lotSize: 50, assumed: false });
    expect(lotSizeOf('NIFTY', '2024-06-27')).toMatchObject({ lotSize: 25, assumed: false });
    expect(lotSizeOf('NIFTY', '2025-12-30')).toMatchObject({ lotSize: 75, assumed: false });
    expect(lotSizeOf('NIFTY', '2026-01-06')).toMatchObject({ lotSize: 65, assumed: false });
    expect(lotSizeOf('BANKNIFTY', '2023-07-27')).toMatchObject({ lotSize: 15 });
    expect(lotSizeOf('FINNIFTY', '2024-01-02')).toMatchObject({ lotSize: 60, assumed: true });
  });

  it('charges the STT in force on the trade date', () => {
    const sell = (date: string) =>
      indiaIndexOptions.cost({ side: 'SELL', qty: 100, contracts: 1, price: 100, spot: 0, date })
        .items.stt;
    expect(sell('2019-08-26')).toBe(5); // 0.05 % of 10,000
    expect(sell('2023-06-01')).toBe(6.25);
    expect(sell('2025-01-10')).toBe(10);
    expect(sell('2026-08-18')).toBe(15);
    expect(indiaIndexOptions.assumptions!('2019-08-26')).toEqual([
      expect.stringMatching(
        /NSE transaction charge for 2019-08-26 is not in the reference table \(covered from 2024-10-01\)/,
      ),
    ]);
  });

  it.skipIf(!have)(
    'a 2019 NIFTY backtest uses 2019 lots and taxes, and says what it assumed',
    async () => {
      const snaps: ChainSnapshot[] = [];
      for await (const s of readSnapshots(dir)) if (s.ts.startsWith('2019-08-26')) snaps.push(s);
      expect(snaps.length).toBeGreaterThan(20);
      const r = await backtestDocument(straddle(), snaps, { overrides: { costModel: 'india-index-options' } }); // prettier-ignore
      expect(r.orders.length).toBeGreaterThanOrEqual(2);
      for (const o of r.orders) expect(o.qty % 75).toBe(0);
      // The first snapshot at or after 09:20 is 09:30 on this 15-minute data: the entry is late, and said.
      expect(r.orders[0].ts.slice(11, 16)).toBe('09:30');
      expect(r.notes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Entries were late on 1 day\(s\): 2019-08-26: entry time 09:20, but no snapshot between 09:20 and 09:30/), // prettier-ignore
          expect.stringMatching(/^Calendar: the NSE holiday list covers 2025–2026; for 2019/),
          expect.stringMatching(
            /^Costs: the NSE transaction charge for 2019-08-26 is not in the reference table/,
          ),
          expect.stringMatching(/^Freeze limits: none is on record before 2025-08-01/),
        ]),
      );
      expect(r.notes.some((n) => n.startsWith('Lot size'))).toBe(false);
    },
  );
});

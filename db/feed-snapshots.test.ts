/**
 * How a feed's chains are stored: every chain comes back exactly as JSON would have given it (the
 * same numbers, the same absent quotes, the same keys), from the columnar layout or from JSON, and
 * rows written as JSON before the columnar layout still read.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { simulateSession } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { decodeSnapshot, encodeSnapshot } from './feed-snapshots';

/** What storing a chain as JSON gives back: the reference every layout must equal. */
const viaJson = (s: ChainSnapshot) => JSON.parse(JSON.stringify(s)) as ChainSnapshot;
const layoutOf = (b: Buffer) => gunzipSync(b).toString('latin1', 0, 4);

function expectStoredExactly(s: ChainSnapshot) {
  const back = decodeSnapshot(encodeSnapshot(s));
  expect(back).toStrictEqual(viaJson(s));
  // Key order too: a chain read back serialises as it did before it was stored.
  expect(JSON.stringify(back)).toBe(JSON.stringify(s));
}

describe('storing a chain snapshot', () => {
  it('stores a simulated chain columnar and reads it back exactly', () => {
    const chains = [...simulateSession({ underlying: 'BANKNIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60 })].slice(0, 20); // prettier-ignore
    for (const s of chains) {
      expect(layoutOf(encodeSnapshot(s))).toBe('SFC1');
      expectStoredExactly(s);
    }
  });

  it('keeps absent quotes absent and optional chain fields as given', () => {
    const s: ChainSnapshot = {
      ts: '2026-08-18T09:15:00+05:30',
      underlying: 'NIFTY',
      spot: 24_811.35,
      expiries: [
        {
          expiry: '2026-08-21',
          forward: 24_830.1,
          options: [
            { strike: 24_800, right: 'CE', bid: 0, ask: 0.05, ltp: 0.1 + 0.2, iv: 0.1234567891234 },
            { strike: 24_800, right: 'PE', ltp: 101.45 },
            { strike: 24_850, right: 'PE', oi: 1_234_567_890_123, volume: 0 },
            { strike: 24_900, right: 'CE' },
          ],
        },
        { expiry: '2026-08-28', options: [] },
      ],
    };
    expect(layoutOf(encodeSnapshot(s))).toBe('SFC1');
    expectStoredExactly(s);
    expectStoredExactly({ ...s, vix: 13.2, futures: 24_850.5 });
  });

  it('stores a chain with a quote field the columnar layout has no place for as JSON, whole', () => {
    const s = {
      ts: '2026-08-18T09:15:00+05:30',
      underlying: 'NIFTY',
      spot: 24_811.35,
      expiries: [
        { expiry: '2026-08-21', options: [{ strike: 24_800, right: 'CE', ltp: 12, delta: 0.5 }] },
      ],
    } as unknown as ChainSnapshot;
    const body = encodeSnapshot(s);
    expect(layoutOf(body)).toBe('{"ts');
    expect(decodeSnapshot(body)).toStrictEqual(viaJson(s));
  });

  it('stores a chain whose quotes list their fields in another order as JSON, keys in their order', () => {
    const s = {
      ts: '2026-08-18T09:15:00+05:30',
      underlying: 'NIFTY',
      spot: 24_811.35,
      expiries: [{ expiry: '2026-08-21', options: [{ right: 'CE', strike: 24_800, ltp: 12 }] }],
    } as ChainSnapshot;
    const body = encodeSnapshot(s);
    expect(layoutOf(body)).toBe('{"ts');
    expectStoredExactly(s);
  });

  it('reads a row written as JSON before the columnar layout', () => {
    const [s] = simulateSession({ underlying: 'NIFTY', seed: 6, date: '2026-08-18', intervalSeconds: 60 }); // prettier-ignore
    const old = gzipSync(Buffer.from(JSON.stringify(s)), { level: 1 });
    expect(decodeSnapshot(old)).toStrictEqual(viaJson(s));
  });

  const day = path.join(
    sharedDataDir() ?? path.resolve(import.meta.dirname, '../../shared/data'),
    'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet',
  );
  it.skipIf(!existsSync(day))(
    'reads back every chain of the real NIFTY 2026-08-18 day exactly',
    async () => {
      let n = 0;
      for await (const s of readSnapshots(day)) {
        expectStoredExactly(s);
        n++;
      }
      expect(n).toBeGreaterThan(200);
    },
    120_000,
  );
});

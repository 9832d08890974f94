import { describe, expect, it } from 'vitest';
import { decodeKiteFrame } from './kite-ticker.ts';

// Packets built by hand from the byte table of Kite's WebSocket docs (big-endian, paise).
function packet(len: number, fields: [offset: number, value: number, bytes?: 2 | 4][]): Uint8Array {
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  for (const [off, value, bytes = 4] of fields) {
    if (bytes === 2) v.setUint16(off, value);
    else v.setInt32(off, value);
  }
  return b;
}
function frame(...packets: Uint8Array[]): Uint8Array {
  const size = 2 + packets.reduce((n, p) => n + 2 + p.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint16(0, packets.length);
  let at = 2;
  for (const p of packets) {
    v.setUint16(at, p.length);
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

const NFO_TOKEN = (12345 << 8) | 2; // segment 2 = NFO
const NIFTY_50 = 256265; // segment 9 = indices

describe('Kite ticker binary frames', () => {
  it('decodes a full option packet with depth, and an index packet whose levels run H, L, O, C', () => {
    const depth: [number, number, (2 | 4)?][] = [];
    for (let k = 0; k < 5; k++) {
      depth.push([64 + 12 * k, 100 + k], [68 + 12 * k, 12000 - 5 * k], [72 + 12 * k, 1 + k, 2]);
      depth.push([124 + 12 * k, 200 + k], [128 + 12 * k, 12100 + 5 * k], [132 + 12 * k, 2 + k, 2]);
    }
    const option = packet(184, [
      [0, NFO_TOKEN],
      [4, 12050],
      [8, 75],
      [12, 12010],
      [16, 987654],
      [20, 5000],
      [24, 6000],
      [28, 11000],
      [32, 13000],
      [36, 10500],
      [40, 11900],
      [44, 1795150800],
      [48, 123450],
      [52, 130000],
      [56, 120000],
      [60, 1795150801],
      ...depth,
    ]);
    const index = packet(32, [
      [0, NIFTY_50],
      [4, 2435050],
      [8, 2440000],
      [12, 2420000],
      [16, 2425000],
      [20, 2430000],
      [24, -3600],
      [28, 1795150802],
    ]);
    const [o, i] = decodeKiteFrame(frame(option, index));
    expect(o).toMatchObject({
      instrumentToken: NFO_TOKEN,
      mode: 'full',
      tradable: true,
      lastPrice: 120.5,
      lastQuantity: 75,
      volume: 987654,
      ohlc: { open: 110, high: 130, low: 105, close: 119 },
      oi: 123450,
      exchangeTimestamp: 1795150801,
    });
    expect(o.depth?.buy[0]).toEqual({ quantity: 100, price: 120, orders: 1 });
    expect(o.depth?.sell[4]).toEqual({ quantity: 204, price: 121.2, orders: 6 });
    expect(i).toMatchObject({
      instrumentToken: NIFTY_50,
      tradable: false,
      mode: 'full',
      lastPrice: 24350.5,
      ohlc: { high: 24400, low: 24200, open: 24250, close: 24300 },
      change: -36,
      exchangeTimestamp: 1795150802,
    });
  });

  it('reads ltp and quote packets, treats one byte as a heartbeat, and rejects a frame that lies', () => {
    const ltp = packet(8, [
      [0, NFO_TOKEN],
      [4, 9995],
    ]);
    const quote = packet(44, [
      [0, NFO_TOKEN],
      [4, 10000],
      [16, 42],
    ]);
    expect(decodeKiteFrame(frame(ltp, quote)).map((t) => [t.mode, t.lastPrice])).toEqual([
      ['ltp', 99.95],
      ['quote', 100],
    ]);
    expect(decodeKiteFrame(new Uint8Array([0]))).toEqual([]);
    const bad = frame(quote).slice(0, 30);
    expect(() => decodeKiteFrame(bad)).toThrow(/packet 1 says 44 bytes but only 26 remain/);
  });
});

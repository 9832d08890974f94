/**
 * Decodes the binary market-data frames of Kite's WebSocket ticker (Kite Connect v3 "WebSocket
 * streaming", as read by Zerodha's own clients): a frame is an int16 packet count, then for each
 * packet an int16 length and that many bytes; every integer is big-endian; prices are integer
 * paise (divided by 10^7 for currency derivatives). Frames shorter than two bytes are the
 * server's heartbeat. Pure: bytes in, ticks out; the WebSocket itself lives in workers/brokers.
 */

export type KiteTickMode = 'ltp' | 'quote' | 'full';

export type KiteDepthLevel = { quantity: number; price: number; orders: number };

export type KiteTick = {
  instrumentToken: number;
  mode: KiteTickMode;
  /** False for index packets (NIFTY 50, INDIA VIX): they carry levels, not trades. */
  tradable: boolean;
  lastPrice: number;
  lastQuantity?: number;
  averagePrice?: number;
  volume?: number;
  buyQuantity?: number;
  sellQuantity?: number;
  ohlc?: { open: number; high: number; low: number; close: number };
  /** Index packets only: the signed change field at bytes 24-28, scaled like a price. */
  change?: number;
  /** Unix epoch seconds. */
  lastTradeTime?: number;
  oi?: number;
  oiDayHigh?: number;
  oiDayLow?: number;
  /** Unix epoch seconds. */
  exchangeTimestamp?: number;
  depth?: { buy: KiteDepthLevel[]; sell: KiteDepthLevel[] };
};

/** Segment codes in the low byte of an instrument token (pykiteconnect's table). */
const SEGMENT_CDS = 3;
const SEGMENT_BCD = 6;
const SEGMENT_INDICES = 9;

function divisorFor(token: number): number {
  const segment = token & 0xff;
  if (segment === SEGMENT_CDS) return 10_000_000;
  if (segment === SEGMENT_BCD) return 10_000;
  return 100;
}

export class KiteTickerFormatError extends Error {
  constructor(message: string) {
    super(`Kite ticker frame: ${message}`);
    this.name = 'KiteTickerFormatError';
  }
}

/** Every tick in one binary frame; [] for a heartbeat. Throws on a frame that lies about its lengths. */
export function decodeKiteFrame(frame: Uint8Array): KiteTick[] {
  if (frame.byteLength < 2) return [];
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint16(0);
  const ticks: KiteTick[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > frame.byteLength)
      throw new KiteTickerFormatError(`packet ${i + 1} of ${count} has no length (frame ends)`);
    const length = view.getUint16(at);
    at += 2;
    if (at + length > frame.byteLength)
      throw new KiteTickerFormatError(
        `packet ${i + 1} says ${length} bytes but only ${frame.byteLength - at} remain`,
      );
    const tick = decodePacket(new DataView(frame.buffer, frame.byteOffset + at, length));
    if (tick) ticks.push(tick);
    at += length;
  }
  return ticks;
}

/** One packet (no frame header), by its length; null for a length no client knows. */
export function decodePacket(p: DataView): KiteTick | null {
  const len = p.byteLength;
  if (len < 8) return null;
  const token = p.getUint32(0);
  const div = divisorFor(token);
  const price = (off: number) => p.getInt32(off) / div;
  const int = (off: number) => p.getUint32(off);
  const lastPrice = price(4);
  if (len === 8)
    return {
      instrumentToken: token,
      mode: 'ltp',
      tradable: (token & 0xff) !== SEGMENT_INDICES,
      lastPrice,
    };

  if ((token & 0xff) === SEGMENT_INDICES || len === 28 || len === 32) {
    if (len !== 28 && len !== 32) return null;
    // Index packets order their levels high, low, open, close (not open, high, low, close).
    const tick: KiteTick = {
      instrumentToken: token,
      mode: len === 28 ? 'quote' : 'full',
      tradable: false,
      lastPrice,
      ohlc: { high: price(8), low: price(12), open: price(16), close: price(20) },
      change: price(24),
    };
    if (len === 32) tick.exchangeTimestamp = int(28);
    return tick;
  }

  if (len !== 44 && len !== 184) return null;
  const tick: KiteTick = {
    instrumentToken: token,
    mode: len === 44 ? 'quote' : 'full',
    tradable: true,
    lastPrice,
    lastQuantity: int(8),
    averagePrice: price(12),
    volume: int(16),
    buyQuantity: int(20),
    sellQuantity: int(24),
    ohlc: { open: price(28), high: price(32), low: price(36), close: price(40) },
  };
  if (len === 184) {
    tick.lastTradeTime = int(44);
    tick.oi = int(48);
    tick.oiDayHigh = int(52);
    tick.oiDayLow = int(56);
    tick.exchangeTimestamp = int(60);
    const level = (off: number): KiteDepthLevel => ({
      quantity: int(off),
      price: price(off + 4),
      orders: p.getUint16(off + 8),
    });
    const buy: KiteDepthLevel[] = [];
    const sell: KiteDepthLevel[] = [];
    for (let k = 0; k < 5; k++) {
      buy.push(level(64 + 12 * k));
      sell.push(level(124 + 12 * k));
    }
    tick.depth = { buy, sell };
  }
  return tick;
}

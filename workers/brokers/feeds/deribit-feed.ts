/**
 * Deribit's ticker subscriptions as a chain feed: the underlying's options of the nearest
 * expiries (public/get_instruments), `ticker.<name>.100ms` for each, prices converted from coin
 * to USD at the expiry's underlying (forward) price as the Deribit importer does, IV from
 * mark_iv percent, spot from the index price.
 */
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { fromDeribitName } from '@/engine/broker/symbols/deribit';
import { DeribitRpc } from '../deribit/rpc';
import { assemble, positive, setQuote, stamp, type ChainFeed, type QuoteBook } from './feed';

export type DeribitFeedOptions = { wsUrl: string; expiries?: number; intervalMs?: number };

type Ticker = {
  instrument_name: string;
  best_bid_price?: number;
  best_ask_price?: number;
  last_price?: number | null;
  mark_iv?: number;
  underlying_price?: number;
  index_price?: number;
  open_interest?: number;
  stats?: { volume?: number };
};

export class DeribitChainFeed implements ChainFeed {
  private rpc: DeribitRpc | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: DeribitFeedOptions) {}

  async start(underlying: string, onSnapshot: (s: ChainSnapshot) => void): Promise<void> {
    const quotes: QuoteBook = new Map();
    const forwards = new Map<string, number>();
    let spot: number | undefined;
    this.rpc = new DeribitRpc(this.o.wsUrl, null, (channel, data) => {
      if (!channel.startsWith('ticker.')) return;
      const t = data as Ticker;
      const c = fromDeribitName(t.instrument_name);
      if (!c || c.instrument === 'future') return;
      const fwd = positive(t.underlying_price) ?? positive(t.index_price);
      spot = positive(t.index_price) ?? spot;
      if (!fwd) return;
      forwards.set(c.expiry, fwd);
      const usd = (x: unknown) => (positive(x) ? (x as number) * fwd : undefined);
      setQuote(quotes, c.expiry, {
        strike: c.strike,
        right: c.right,
        ...(usd(t.best_bid_price) ? { bid: usd(t.best_bid_price) } : {}),
        ...(usd(t.best_ask_price) ? { ask: usd(t.best_ask_price) } : {}),
        ...(usd(t.last_price) ? { ltp: usd(t.last_price) } : {}),
        ...(positive(t.mark_iv) ? { iv: t.mark_iv! / 100 } : {}),
        ...(t.open_interest !== undefined ? { oi: t.open_interest } : {}),
        ...(t.stats?.volume !== undefined ? { volume: t.stats.volume } : {}),
      });
    });
    const instruments = await this.rpc.call<
      { instrument_name: string; expiration_timestamp: number; is_active: boolean }[]
    >('public/get_instruments', { currency: underlying, kind: 'option', expired: false });
    const active = instruments.filter((i) => i.is_active);
    const expiries = [...new Set(active.map((i) => i.expiration_timestamp))]
      .sort((a, b) => a - b)
      .slice(0, this.o.expiries ?? 2);
    const names = active
      .filter((i) => expiries.includes(i.expiration_timestamp))
      .map((i) => i.instrument_name);
    if (names.length === 0) throw new Error(`Deribit lists no active ${underlying} options`);
    await this.rpc.subscribe(names.map((n) => `ticker.${n}.100ms`));
    this.timer = setInterval(() => {
      const s = assemble(underlying, stamp(Date.now(), 0), spot, quotes, { forwards });
      if (s) onSnapshot(s);
    }, this.o.intervalMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.rpc?.close();
  }
}

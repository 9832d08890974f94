/**
 * Kite's WebSocket ticker as a chain feed: the underlying's options of the nearest expiries from
 * the instrument dump, subscribed in full mode (best bid and ask from the depth), the index in
 * full mode for the spot, INDIA VIX for the vix. Kite allows 3000 instruments a connection.
 */
import type { ChainSnapshot } from '@/engine/market/snapshot';
import type { KiteTick } from '@/engine/broker/kite-ticker';
import { KiteInstrumentBook } from '@/engine/broker/symbols/kite';
import { KiteClient } from '../kite/client';
import { KiteTicker } from '../kite/ticker';
import { assemble, positive, setQuote, stamp, type ChainFeed, type QuoteBook } from './feed';

const MAX_TOKENS = 3000;

export type KiteFeedOptions = {
  apiUrl: string;
  wsUrl: string;
  apiKey: string;
  accessToken: string;
  /** How many of the nearest expiries to stream. */
  expiries?: number;
  intervalMs?: number;
  /** Today as YYYY-MM-DD (IST), to skip expired series; the feed reads the clock when omitted. */
  today?: string;
  instruments?: KiteInstrumentBook;
};

export class KiteChainFeed implements ChainFeed {
  private ticker: KiteTicker | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: KiteFeedOptions) {}

  async start(underlying: string, onSnapshot: (s: ChainSnapshot) => void): Promise<void> {
    const book =
      this.o.instruments ??
      KiteInstrumentBook.fromCsv(
        await new KiteClient(this.o.apiUrl, {
          apiKey: this.o.apiKey,
          accessToken: this.o.accessToken,
        }).instruments(),
      );
    const today = this.o.today ?? stamp(Date.now(), 330).slice(0, 10);
    const contracts = book
      .contractsOf(underlying)
      .filter((c) => c.contract.expiry >= today && c.contract.instrument === 'option');
    const expiries = [...new Set(contracts.map((c) => c.contract.expiry))]
      .sort()
      .slice(0, this.o.expiries ?? 2);
    const chosen = contracts
      .filter((c) => expiries.includes(c.contract.expiry))
      .slice(0, MAX_TOKENS - 2);
    const index = book.index(underlying);
    const vix = book.index('INDIAVIX');
    if (!index)
      throw new Error(`Kite lists no index for ${underlying}: the feed has no spot price`);
    const byToken = new Map(chosen.map((c) => [c.row.instrumentToken, c.contract]));
    const quotes: QuoteBook = new Map();
    let spot: number | undefined;
    let vixLevel: number | undefined;
    const onTicks = (ticks: KiteTick[]) => {
      for (const t of ticks) {
        if (t.instrumentToken === index.instrumentToken) spot = positive(t.lastPrice) ?? spot;
        else if (vix && t.instrumentToken === vix.instrumentToken)
          vixLevel = positive(t.lastPrice) ?? vixLevel;
        const c = byToken.get(t.instrumentToken);
        if (!c || c.instrument === 'future') continue;
        setQuote(quotes, c.expiry, {
          strike: c.strike,
          right: c.right,
          ...(positive(t.depth?.buy[0]?.price) ? { bid: t.depth!.buy[0].price } : {}),
          ...(positive(t.depth?.sell[0]?.price) ? { ask: t.depth!.sell[0].price } : {}),
          ...(positive(t.lastPrice) ? { ltp: t.lastPrice } : {}),
          ...(t.oi !== undefined ? { oi: t.oi } : {}),
          ...(t.volume !== undefined ? { volume: t.volume } : {}),
        });
      }
    };
    this.ticker = new KiteTicker({
      url: this.o.wsUrl,
      apiKey: this.o.apiKey,
      accessToken: this.o.accessToken,
      onTicks,
    });
    this.ticker.subscribe(
      [index.instrumentToken, ...(vix ? [vix.instrumentToken] : []), ...byToken.keys()],
      'full',
    );
    await this.ticker.start();
    this.timer = setInterval(() => {
      const s = assemble(underlying, stamp(Date.now(), 330), spot, quotes, { vix: vixLevel });
      if (s) onSnapshot(s);
    }, this.o.intervalMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ticker?.close();
  }
}

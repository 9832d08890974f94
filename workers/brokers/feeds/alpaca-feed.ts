/**
 * Alpaca's option data as a chain feed: the chain snapshot endpoint (paged) every
 * `refreshMs` for the whole chain, the MessagePack quote stream for the contracts in between,
 * and the underlying's latest trade for the spot.
 */
import { pack, unpack } from 'msgpackr';
import WebSocket from 'ws';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { fromOccSymbol } from '@/engine/broker/symbols/occ';
import { logger } from '@/db/logger';
import type { AlpacaCredentials } from '../alpaca/client';
import { jsonOf, venueFetch } from '../http';
import { assemble, positive, setQuote, stamp, type ChainFeed, type QuoteBook } from './feed';

export type AlpacaFeedOptions = {
  dataUrl: string;
  dataStreamUrl: string;
  credentials: AlpacaCredentials;
  feed?: 'indicative' | 'opra';
  intervalMs?: number;
  refreshMs?: number;
};

type Snap = {
  latestQuote?: { bp?: number; ap?: number };
  latestTrade?: { p?: number };
  impliedVolatility?: number;
};

export class AlpacaChainFeed implements ChainFeed {
  private ws: WebSocket | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly quotes: QuoteBook = new Map();
  private spot: number | undefined;

  constructor(private readonly o: AlpacaFeedOptions) {}

  private headers() {
    return {
      'APCA-API-KEY-ID': this.o.credentials.keyId,
      'APCA-API-SECRET-KEY': this.o.credentials.secretKey,
    };
  }

  private async get(path: string): Promise<unknown> {
    const r = await venueFetch('alpaca data', `${this.o.dataUrl}${path}`, {
      headers: this.headers(),
      timeoutMs: 10_000,
    });
    if (r.status !== 200)
      throw new Error(`alpaca data: HTTP ${r.status} on ${path}: ${r.body.slice(0, 200)}`);
    return jsonOf('alpaca data', r);
  }

  /** Reads the whole chain, page by page; returns the symbols seen. */
  private async refresh(underlying: string): Promise<string[]> {
    const symbols: string[] = [];
    let token: string | null = null;
    do {
      const q = new URLSearchParams({ feed: this.o.feed ?? 'indicative', limit: '1000' });
      if (token) q.set('page_token', token);
      const page = (await this.get(`/v1beta1/options/snapshots/${underlying}?${q}`)) as {
        snapshots: Record<string, Snap>;
        next_page_token: string | null;
      };
      for (const [sym, s] of Object.entries(page.snapshots)) {
        const c = fromOccSymbol(sym);
        if (!c || c.instrument === 'future') continue;
        symbols.push(sym);
        setQuote(this.quotes, c.expiry, {
          strike: c.strike,
          right: c.right,
          ...(positive(s.latestQuote?.bp) ? { bid: s.latestQuote!.bp } : {}),
          ...(positive(s.latestQuote?.ap) ? { ask: s.latestQuote!.ap } : {}),
          ...(positive(s.latestTrade?.p) ? { ltp: s.latestTrade!.p } : {}),
          ...(positive(s.impliedVolatility) ? { iv: s.impliedVolatility } : {}),
        });
      }
      token = page.next_page_token;
    } while (token);
    const last = (await this.get(`/v2/stocks/${underlying}/trades/latest`)) as {
      trade?: { p?: number };
    };
    this.spot = positive(last.trade?.p) ?? this.spot;
    return symbols;
  }

  async start(underlying: string, onSnapshot: (s: ChainSnapshot) => void): Promise<void> {
    const symbols = await this.refresh(underlying);
    this.stream(symbols);
    this.timers.push(
      setInterval(
        () =>
          void this.refresh(underlying).catch((e) =>
            logger.warn({ err: (e as Error).message }, 'alpaca feed refresh failed'),
          ),
        this.o.refreshMs ?? 60_000,
      ),
      setInterval(() => {
        const s = assemble(underlying, stamp(Date.now(), 0), this.spot, this.quotes);
        if (s) onSnapshot(s);
      }, this.o.intervalMs ?? 1000),
    );
  }

  private stream(symbols: string[]) {
    const ws = new WebSocket(`${this.o.dataStreamUrl}/${this.o.feed ?? 'indicative'}`, {
      headers: { 'Content-Type': 'application/msgpack' },
    });
    this.ws = ws;
    ws.on('message', (raw) => {
      let msgs: Record<string, unknown>[];
      try {
        msgs = unpack(raw as Buffer);
      } catch {
        return;
      }
      for (const m of msgs) {
        if (m.T === 'success' && m.msg === 'connected')
          ws.send(
            pack({
              action: 'auth',
              key: this.o.credentials.keyId,
              secret: this.o.credentials.secretKey,
            }),
          );
        else if (m.T === 'success' && m.msg === 'authenticated')
          ws.send(pack({ action: 'subscribe', quotes: symbols }));
        else if (m.T === 'q') {
          const c = fromOccSymbol(String(m.S));
          if (!c || c.instrument === 'future') continue;
          const prev = this.quotes.get(c.expiry)?.get(`${c.strike}|${c.right}`);
          setQuote(this.quotes, c.expiry, {
            ...prev,
            strike: c.strike,
            right: c.right,
            ...(positive(m.bp) ? { bid: m.bp as number } : {}),
            ...(positive(m.ap) ? { ask: m.ap as number } : {}),
          });
        } else if (m.T === 'error')
          logger.warn({ code: m.code, msg: m.msg }, 'alpaca option stream error');
      }
    });
    ws.on('error', (e) => logger.debug({ err: e.message }, 'alpaca option stream'));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.ws?.terminate();
  }
}

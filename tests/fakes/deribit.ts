/**
 * A local Deribit API v2 server for tests, from Deribit's documents (../shared/reference): JSON-RPC
 * 2.0 over one WebSocket, `public/auth` (client_credentials), `private/buy|sell` with `label`
 * and `advanced: "usd"`, `private/cancel`, `private/get_order_state`,
 * `private/get_order_state_by_label`, `private/get_user_trades_by_order`, `private/get_positions`,
 * `public/subscribe` to `user.orders.*`, `user.trades.*` and `ticker.*` channels, heartbeats, and
 * the error codes of the official table (10009 not_enough_funds, 10005/10007 price band, 10020
 * invalid instrument, 10028 too_many_requests which also ends the session, 13009 unauthorized).
 * Option prices are in BTC on the wire; the book keeps USD (the snapshots' currency) and converts
 * with the index price. It never imports the adapter.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { FakeExchange, type FakeOrder } from './exchange';

export type DeribitListing = { currency: string; expiry: string; strike: number };

export type DeribitFakeOptions = {
  clientId: string;
  clientSecret: string;
  listings: DeribitListing[];
  /** Index price per currency (USD). */
  index: Record<string, number>;
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function instrumentName(currency: string, expiry: string, strike: number, right: 'C' | 'P') {
  const [y, m, d] = expiry.split('-').map(Number);
  return `${currency}-${d}${MONTHS[m - 1]}${String(y % 100).padStart(2, '0')}-${strike}-${right}`;
}

export type DeribitFault =
  { error: number; message: string } | { stallMs: number } | { drop: true } | { silence: true };

export type DeribitFake = {
  url: string;
  exchange: FakeExchange;
  /** Faults per method, consumed one call at a time. */
  fault(method: string, f: DeribitFault, times?: number): void;
  calls: string[];
  scramble: boolean;
  name(currency: string, expiry: string, strike: number, right: 'CE' | 'PE'): string;
  publish(s: ChainSnapshot): void;
  dropConnections(): void;
  close(): Promise<void>;
};

const ERRORS: Record<number, string> = {
  10004: 'order_not_found',
  10005: 'price_too_low',
  10007: 'price_too_high',
  10009: 'not_enough_funds',
  10020: 'invalid_or_unsupported_instrument',
  10021: 'invalid_amount',
  10028: 'too_many_requests',
  11029: 'invalid_arguments',
  11044: 'not_open_order',
  13004: 'invalid_credentials',
  13009: 'unauthorized',
  13778: 'raw_subscriptions_not_available_for_unauthorized',
  [-32601]: 'Method not found',
  [-32602]: 'Invalid params',
};

export async function startDeribitFake(opts: DeribitFakeOptions): Promise<DeribitFake> {
  const listed = new Map<string, DeribitListing & { right: 'C' | 'P' }>();
  for (const l of opts.listings)
    for (const r of ['C', 'P'] as const)
      listed.set(instrumentName(l.currency, l.expiry, l.strike, r), { ...l, right: r });
  let orderSeq = 0;
  const exchange = new FakeExchange({
    order: () => `${++orderSeq + 9_000_000_000}`,
    trade: (n) => String(300_000_000 + n),
  });
  const index = new Map(Object.entries(opts.index));
  const tokens = new Set<string>();
  const faults = new Map<string, DeribitFault[]>();
  const calls: string[] = [];
  const fake = { scramble: false } as DeribitFake;
  const currencyOf = (name: string) => name.split('-')[0];
  const indexOf = (name: string) => index.get(currencyOf(name)) ?? 1;

  function orderObject(o: FakeOrder): Record<string, unknown> {
    const idx = indexOf(o.symbol);
    return {
      order_id: o.id,
      label: o.clientId ?? '',
      instrument_name: o.symbol,
      direction: o.side === 'BUY' ? 'buy' : 'sell',
      amount: o.qty,
      contracts: o.qty,
      filled_amount: o.filled,
      average_price: o.filled ? exchange.averagePrice(o) / idx : 0,
      price:
        o.limit === null ? (o.side === 'BUY' ? 'market_price' : 'market_price') : o.limit / idx,
      order_state: { OPEN: 'open', FILLED: 'filled', CANCELLED: 'cancelled', REJECTED: 'rejected' }[
        o.status
      ],
      order_type: o.type === 'MARKET' ? 'market' : 'limit',
      original_order_type: o.type === 'MARKET' ? 'market' : 'limit',
      time_in_force: 'good_til_cancelled',
      post_only: false,
      reject_post_only: false,
      reduce_only: false,
      creation_timestamp: o.placedAt.getTime(),
      last_update_timestamp: o.updatedAt.getTime(),
      ...(o.status === 'CANCELLED' ? { cancel_reason: 'user_request' } : {}),
      api: true,
      web: false,
      replaced: false,
      is_liquidation: false,
      ...(o.meta.usd ? { advanced: 'usd', usd: o.limit } : {}),
    };
  }

  function tradeObjects(o: FakeOrder): Record<string, unknown>[] {
    const idx = indexOf(o.symbol);
    return o.trades.map((t, i) => ({
      trade_id: `${currencyOf(o.symbol)}-${t.tradeId}`,
      trade_seq: Number(t.tradeId) - 300_000_000,
      order_id: o.id,
      order_type: o.type === 'MARKET' ? 'market' : 'limit',
      label: o.clientId ?? '',
      instrument_name: o.symbol,
      direction: o.side === 'BUY' ? 'buy' : 'sell',
      amount: t.qty,
      contracts: t.qty,
      price: t.price / idx,
      fee: 0.0003 * t.qty,
      fee_currency: currencyOf(o.symbol),
      liquidity: 'T',
      index_price: idx,
      mark_price: t.price / idx,
      iv: 50,
      underlying_price: idx,
      state: o.filled >= o.qty && i === o.trades.length - 1 ? 'filled' : 'open',
      timestamp: t.at.getTime(),
      tick_direction: 0,
      post_only: false,
      reduce_only: false,
      profit_loss: 0,
      api: true,
    }));
  }

  type Conn = { ws: WebSocket; authed: boolean; channels: Set<string>; held: string | null };
  const conns = new Set<Conn>();
  const reportedTrades = new Map<string, number>();

  function notify(conn: Conn, channel: string, data: unknown) {
    const text = JSON.stringify({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel, data },
    });
    if (!fake.scramble) return conn.ws.send(text);
    if (conn.held === null) conn.held = text;
    else {
      conn.ws.send(text);
      conn.ws.send(conn.held);
      conn.ws.send(text);
      conn.ws.send(conn.held);
      conn.held = null;
    }
  }

  exchange.onChange((o) => {
    const before = reportedTrades.get(o.id) ?? 0;
    reportedTrades.set(o.id, o.trades.length);
    const fresh = tradeObjects(o).slice(before);
    const cur = currencyOf(o.symbol);
    for (const c of conns) {
      if (!c.authed || c.ws.readyState !== c.ws.OPEN) continue;
      for (const ch of [`user.orders.option.${cur}.raw`, `user.orders.option.any.raw`])
        if (c.channels.has(ch)) notify(c, ch, orderObject(o));
      for (const ch of [`user.trades.option.${cur}.100ms`, `user.trades.option.any.100ms`])
        if (c.channels.has(ch) && fresh.length > 0) notify(c, ch, fresh);
    }
  });

  function ticker(name: string): Record<string, unknown> | null {
    const q = exchange.quotes.get(name);
    if (!q) return null;
    const idx = indexOf(name);
    const btc = (x: number | undefined) => (x === undefined ? null : x / idx);
    return {
      instrument_name: name,
      timestamp: Date.now(),
      state: 'open',
      best_bid_price: btc(q.bid) ?? 0,
      best_bid_amount: q.bid ? 10 : 0,
      best_ask_price: btc(q.ask) ?? 0,
      best_ask_amount: q.ask ? 10 : 0,
      last_price: btc(q.ltp),
      mark_price: btc(q.ltp ?? ((q.bid ?? 0) + (q.ask ?? 0)) / 2),
      index_price: idx,
      underlying_price: idx,
      underlying_index: `SYN.${name.split('-').slice(0, 2).join('-')}`,
      mark_iv: 50,
      bid_iv: 49,
      ask_iv: 51,
      interest_rate: 0,
      open_interest: q.oi ?? 0,
      settlement_price: 0,
      min_price: 0.0001,
      max_price: btc(exchange.reference(name)! * (1 + exchange.band)),
      greeks: { delta: 0.5, gamma: 0.00001, vega: 10, theta: -20, rho: 1 },
      stats: { volume: q.volume ?? 0, volume_usd: 0, price_change: 0, high: null, low: null },
    };
  }

  const server = http.createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://fake').pathname !== '/ws/api/v2') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, authed: false, channels: new Set(), held: null };
      conns.add(conn);
      ws.on('close', () => conns.delete(conn));
      ws.on('message', (raw) => void onMessage(conn, String(raw)));
    });
  });

  async function onMessage(conn: Conn, raw: string) {
    const usIn = Date.now() * 1000;
    let msg: { jsonrpc?: string; id?: number; method?: string; params?: Record<string, unknown> };
    try {
      msg = JSON.parse(raw);
    } catch {
      return conn.ws.send(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }),
      );
    }
    const id = msg.id;
    const method = msg.method ?? '';
    calls.push(method);
    const envelope = (body: Record<string, unknown>) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id,
        ...body,
        usIn,
        usOut: Date.now() * 1000,
        usDiff: Date.now() * 1000 - usIn,
        testnet: true,
      });
    const fail = (code: number, data?: unknown) =>
      conn.ws.send(
        envelope({ error: { code, message: ERRORS[code] ?? 'error', ...(data ? { data } : {}) } }),
      );
    let stall = 0;
    const f = faults.get(method)?.shift();
    if (f && 'drop' in f) return conn.ws.terminate();
    if (f && 'silence' in f) return;
    if (f && 'error' in f) {
      conn.ws.send(envelope({ error: { code: f.error, message: f.message } }));
      if (f.error === 10028) conn.ws.close(); // Deribit ends the session when credits run out
      return;
    }
    if (f && 'stallMs' in f) stall = f.stallMs;
    const result = (r: unknown) => {
      const go = () => conn.ws.readyState === conn.ws.OPEN && conn.ws.send(envelope({ result: r }));
      if (stall) setTimeout(go, stall);
      else go();
    };
    const p = msg.params ?? {};
    if (method === 'public/auth') {
      if (
        p.grant_type !== 'client_credentials' ||
        p.client_id !== opts.clientId ||
        p.client_secret !== opts.clientSecret
      )
        return fail(13004);
      const token = randomBytes(12).toString('hex');
      tokens.add(token);
      conn.authed = true;
      return result({
        access_token: token,
        token_type: 'bearer',
        expires_in: 900,
        refresh_token: randomBytes(12).toString('hex'),
        scope: 'connection mainaccount trade:read_write',
        enabled_features: [],
      });
    }
    if (method === 'public/test') return result({ version: '2.1.1' });
    if (method === 'public/get_instruments') {
      const list = [...listed]
        .filter(([, l]) => l.currency === p.currency)
        .map(([name, l]) => ({
          instrument_name: name,
          kind: 'option',
          base_currency: l.currency,
          quote_currency: l.currency,
          strike: l.strike,
          option_type: l.right === 'C' ? 'call' : 'put',
          expiration_timestamp: Date.parse(`${l.expiry}T08:00:00Z`),
          tick_size: 0.0005,
          min_trade_amount: 0.1,
          contract_size: 1,
          settlement_period: 'month',
          is_active: true,
        }));
      return result(list);
    }
    if (method === 'public/set_heartbeat') return result('ok');
    if (method === 'public/subscribe' || method === 'private/subscribe') {
      const channels = (p.channels as string[]) ?? [];
      for (const ch of channels) {
        if (ch.startsWith('user.') && !conn.authed) return fail(13778);
        conn.channels.add(ch);
      }
      result(channels);
      for (const ch of channels) {
        const t = /^ticker\.(.+)\.(100ms|agg2|raw)$/.exec(ch);
        const d = t && ticker(t[1]);
        if (d) notify(conn, ch, d);
      }
      return;
    }
    if (method.startsWith('private/')) {
      const token = p.access_token as string | undefined;
      if (!(conn.authed || (token && tokens.has(token)))) return fail(13009);
    }
    switch (method) {
      case 'private/buy':
      case 'private/sell': {
        const name = String(p.instrument_name ?? '');
        if (!listed.has(name)) return fail(10020, { param: 'instrument_name', reason: name });
        const label = p.label === undefined ? null : String(p.label);
        if (label !== null && label.length > 64)
          return fail(11029, { param: 'label', reason: 'must be at most 64 characters' });
        const amount = Number(p.amount);
        if (!(amount > 0) || Math.abs(amount * 10 - Math.round(amount * 10)) > 1e-9)
          return fail(10021);
        const type = String(p.type ?? 'limit');
        if (!['limit', 'market'].includes(type))
          return fail(11029, {
            param: 'type',
            reason: `${type} is not accepted for this instrument in the fake`,
          });
        const idx = indexOf(name);
        const usd = p.advanced === 'usd';
        const limit = type === 'limit' ? (usd ? Number(p.price) : Number(p.price) * idx) : null;
        if (type === 'limit' && !(limit! > 0)) return fail(10023);
        const ref = exchange.reference(name);
        if (limit !== null && ref !== null) {
          if (limit > ref * (1 + exchange.band))
            return fail(10007, { reason: `price_too_high ${(ref * (1 + exchange.band)) / idx}` });
          if (limit < ref * (1 - exchange.band))
            return fail(10005, { reason: `price_too_low ${(ref * (1 - exchange.band)) / idx}` });
        }
        const side = method === 'private/buy' ? 'BUY' : 'SELL';
        const q = exchange.quotes.get(name);
        const px = limit ?? (side === 'BUY' ? q?.ask : q?.bid) ?? ref ?? 0;
        const need = px * amount * (side === 'SELL' ? 5 : 1);
        if (exchange.funds !== null && need > exchange.funds) return fail(10009);
        const o = exchange.submit({
          symbol: name,
          side,
          qty: amount,
          type: type === 'market' ? 'MARKET' : 'LIMIT',
          limit,
          clientId: label,
          lot: 0.1,
          meta: { usd },
        });
        return result({ order: orderObject(o), trades: tradeObjects(o) });
      }
      case 'private/cancel': {
        const r = exchange.cancel(String(p.order_id));
        if (r === 'not-found') return fail(10004);
        if (r === 'not-open') return fail(11044);
        return result(orderObject(r));
      }
      case 'private/get_order_state': {
        const o = exchange.orders.get(String(p.order_id));
        return o ? result(orderObject(o)) : fail(10004);
      }
      case 'private/get_order_state_by_label': {
        const list = [...exchange.orders.values()].filter(
          (o) => o.clientId === p.label && currencyOf(o.symbol) === p.currency,
        );
        return result(list.map(orderObject));
      }
      case 'private/get_user_trades_by_order': {
        const o = exchange.orders.get(String(p.order_id));
        return result(o ? tradeObjects(o) : []);
      }
      case 'private/get_positions': {
        const out = [...exchange.positions()]
          .filter(
            ([name, pos]) =>
              pos.qty !== 0 && (p.currency === 'any' || currencyOf(name) === p.currency),
          )
          .map(([name, pos]) => {
            const idx = indexOf(name);
            const avg = pos.qty > 0 ? pos.buyValue / pos.buyQty : pos.sellValue / pos.sellQty;
            return {
              instrument_name: name,
              kind: 'option',
              direction: pos.qty > 0 ? 'buy' : 'sell',
              size: pos.qty,
              average_price: avg / idx,
              average_price_usd: avg,
              mark_price: (exchange.reference(name) ?? avg) / idx,
              index_price: idx,
              floating_profit_loss: 0,
              realized_profit_loss: 0,
              total_profit_loss: 0,
              delta: 0.5 * pos.qty,
              gamma: 0,
              vega: 0,
              theta: 0,
              initial_margin: 0,
              maintenance_margin: 0,
            };
          });
        return result(out);
      }
      case 'private/get_account_summary':
        return result({
          currency: p.currency ?? 'BTC',
          equity: (exchange.funds ?? 1e6) / (index.get(String(p.currency ?? 'BTC')) ?? 1),
          available_funds: exchange.funds ?? 1e6,
          limits: {
            non_matching_engine: { rate: 20, burst: 100 },
            matching_engine: { trading: { total: { rate: 5, burst: 20 } } },
          },
        });
      default:
        return fail(-32601);
    }
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `ws://127.0.0.1:${port}/ws/api/v2`,
    exchange,
    calls,
    fault(method: string, f: DeribitFault, times = 1) {
      const q = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) q.push(f);
      faults.set(method, q);
    },
    name(currency: string, expiry: string, strike: number, right: 'CE' | 'PE') {
      return instrumentName(currency, expiry, strike, right === 'CE' ? 'C' : 'P');
    },
    publish(s: ChainSnapshot) {
      index.set(s.underlying, s.spot);
      for (const e of s.expiries)
        for (const o of e.options) {
          const name = instrumentName(
            s.underlying,
            e.expiry,
            o.strike,
            o.right === 'CE' ? 'C' : 'P',
          );
          if (!listed.has(name)) continue;
          exchange.setQuote(name, {
            bid: o.bid,
            ask: o.ask,
            ltp: o.ltp,
            oi: o.oi,
            volume: o.volume,
          });
          for (const c of conns)
            for (const ch of c.channels)
              if (ch.startsWith(`ticker.${name}.`) && c.ws.readyState === c.ws.OPEN)
                c.ws.send(
                  JSON.stringify({
                    jsonrpc: '2.0',
                    method: 'subscription',
                    params: { channel: ch, data: ticker(name) },
                  }),
                );
        }
    },
    dropConnections() {
      for (const c of conns) c.ws.terminate();
    },
    async close() {
      exchange.close();
      for (const c of conns) c.ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}

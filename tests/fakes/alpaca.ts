/**
 * A local Alpaca server for tests, built from Alpaca's documents (../shared/reference): the
 * Trading API v2 for options (JSON bodies with numbers as strings, `APCA-API-KEY-ID` /
 * `APCA-API-SECRET-KEY`, `client_order_id`, `{"code","message"}` errors), positions, fill
 * activities, the `trade_updates` WebSocket stream (sent as binary frames, as Alpaca's paper
 * stream does), option chain snapshots (REST, paged) and the MessagePack-only option data stream.
 * It never imports the adapter.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pack, unpack } from 'msgpackr';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { FakeExchange, FaultPlan, type FakeOrder } from './exchange';

export type AlpacaListing = { underlying: string; expiry: string; strike: number };

export type AlpacaFakeOptions = { keyId: string; secretKey: string; listings: AlpacaListing[] };

/** OCC symbol as Alpaca prints it, written here from the OCC layout (not the adapter's code). */
function occ(l: AlpacaListing, right: 'C' | 'P'): string {
  const [y, m, d] = l.expiry.split('-');
  return `${l.underlying}${y.slice(2)}${m}${d}${right}${String(Math.round(l.strike * 1000)).padStart(8, '0')}`;
}

export type AlpacaFake = {
  url: string;
  dataUrl: string;
  streamUrl: string;
  dataStreamUrl: string;
  exchange: FakeExchange;
  faults: FaultPlan;
  log: string[];
  placed: Record<string, unknown>[];
  scramble: boolean;
  symbol(underlying: string, expiry: string, strike: number, right: 'CE' | 'PE'): string;
  publish(s: ChainSnapshot): void;
  dropConnections(): void;
  close(): Promise<void>;
};

export async function startAlpacaFake(opts: AlpacaFakeOptions): Promise<AlpacaFake> {
  const listed = new Map<string, AlpacaListing & { right: 'C' | 'P' }>();
  for (const l of opts.listings)
    for (const r of ['C', 'P'] as const) listed.set(occ(l, r), { ...l, right: r });
  const exchange = new FakeExchange({ order: () => randomUUID(), trade: () => randomUUID() });
  const faults = new FaultPlan();
  const log: string[] = [];
  const placed: Record<string, unknown>[] = [];
  const spot = new Map<string, number>();
  const fills: Record<string, unknown>[] = [];
  const fake = { scramble: false } as AlpacaFake;

  const num = (x: number | null | undefined) => (x === null || x === undefined ? null : String(x));
  const time = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  const statusOf = (o: FakeOrder) =>
    o.status === 'OPEN'
      ? o.filled > 0
        ? 'partially_filled'
        : 'new'
      : { FILLED: 'filled', CANCELLED: 'canceled', REJECTED: 'rejected' }[o.status];

  function orderObject(o: FakeOrder): Record<string, unknown> {
    return {
      id: o.id,
      client_order_id: o.clientId,
      created_at: time(o.placedAt),
      updated_at: time(o.updatedAt),
      submitted_at: time(o.placedAt),
      filled_at: o.status === 'FILLED' ? time(o.updatedAt) : null,
      expired_at: null,
      canceled_at: o.status === 'CANCELLED' ? time(o.updatedAt) : null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
      asset_id: `asset-${o.symbol}`,
      symbol: o.symbol,
      asset_class: 'us_option',
      notional: null,
      qty: String(o.qty),
      filled_qty: String(o.filled),
      filled_avg_price: o.filled > 0 ? String(exchange.averagePrice(o)) : null,
      order_class: 'simple',
      order_type: o.type.toLowerCase(),
      type: o.type.toLowerCase(),
      side: o.side.toLowerCase(),
      position_intent: o.meta.positionIntent ?? null,
      time_in_force: 'day',
      limit_price: num(o.limit),
      stop_price: null,
      status: statusOf(o),
      extended_hours: false,
      legs: null,
      trail_percent: null,
      trail_price: null,
      hwm: null,
    };
  }

  // trade_updates: one event per change; fills also become account activities.
  const tradeSockets = new Set<WebSocket>();
  let held: Buffer | null = null;
  const reported = new Map<string, number>();
  exchange.onChange((o) => {
    const before = reported.get(o.id) ?? 0;
    reported.set(o.id, o.trades.length);
    const events: Record<string, unknown>[] = [];
    if (o.trades.length === 0 && o.status === 'OPEN') events.push({ event: 'new' });
    for (const t of o.trades.slice(before)) {
      const cum = o.trades.slice(0, o.trades.indexOf(t) + 1).reduce((a, x) => a + x.qty, 0);
      const pos = exchange.positions().get(o.symbol)?.qty ?? 0;
      fills.push({
        id: `${t.at.toISOString().replace(/\D/g, '').slice(0, 17)}::${t.tradeId}`,
        activity_type: 'FILL',
        transaction_time: t.at.toISOString(),
        type: cum >= o.qty ? 'fill' : 'partial_fill',
        price: String(t.price),
        qty: String(t.qty),
        side: o.side.toLowerCase(),
        symbol: o.symbol,
        leaves_qty: String(o.qty - cum),
        order_id: o.id,
        cum_qty: String(cum),
        order_status: cum >= o.qty ? 'filled' : 'partially_filled',
      });
      events.push({
        event: cum >= o.qty ? 'fill' : 'partial_fill',
        timestamp: t.at.toISOString(),
        execution_id: t.tradeId,
        price: String(t.price),
        qty: String(t.qty),
        position_qty: String(pos),
      });
    }
    if (o.status === 'CANCELLED') events.push({ event: 'canceled', timestamp: time(o.updatedAt) });
    if (o.status === 'REJECTED') events.push({ event: 'rejected', timestamp: time(o.updatedAt) });
    for (const e of events) {
      const frame = Buffer.from(
        JSON.stringify({ stream: 'trade_updates', data: { ...e, order: orderObject(o) } }),
      );
      if (!fake.scramble) send(frame);
      else if (held === null) held = frame;
      else {
        send(frame);
        send(held);
        send(frame);
        send(held);
        held = null;
      }
    }
  });
  function send(frame: Buffer) {
    for (const ws of tradeSockets) if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
  }

  // ---- HTTP --------------------------------------------------------------------------------
  const open = new Set<Socket>();
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e) => reply(res, 500, { code: 50010000, message: String(e) }));
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });

  function reply(res: http.ServerResponse, status: number, body?: unknown, stallMs = 0) {
    const go = () => {
      if (res.headersSent) return;
      if (body === undefined) {
        res.writeHead(status);
        return res.end();
      }
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-ratelimit-limit': '200',
        'x-ratelimit-remaining': '199',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      });
      res.end(JSON.stringify(body));
    };
    if (stallMs) setTimeout(go, stallMs);
    else go();
  }

  async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return null;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname.replace(/[0-9a-f-]{36}/g, ':id').replace(/\/v1beta1\/options\/snapshots\/[A-Z]+/, '/v1beta1/options/snapshots/:underlying')}`;
    log.push(route);
    const fault = faults.take(route);
    if (fault && 'drop' in fault) return req.socket.destroy();
    if (fault && 'status' in fault)
      return reply(res, fault.status, {
        code: fault.status === 429 ? 42910000 : 50010000,
        message: fault.status === 429 ? 'rate limit exceeded' : 'internal server error',
      });
    const stall = fault && 'stallMs' in fault ? fault.stallMs : 0;
    if (
      req.headers['apca-api-key-id'] !== opts.keyId ||
      req.headers['apca-api-secret-key'] !== opts.secretKey
    )
      return reply(res, 401, { code: 40110000, message: 'request is not authorized' });

    if (req.method === 'GET' && url.pathname === '/v2/account')
      return reply(res, 200, {
        id: 'acct-1',
        account_number: 'PA0000001',
        status: 'ACTIVE',
        currency: 'USD',
        options_trading_level: 2,
        options_buying_power: String(exchange.funds ?? 100000),
        buying_power: String(exchange.funds ?? 100000),
      });
    if (req.method === 'POST' && url.pathname === '/v2/orders') {
      const b = await readJson(req);
      if (!b) return reply(res, 400, { code: 40010000, message: 'request body format is invalid' });
      placed.push(b);
      const symbol = String(b.symbol ?? '');
      const type = String(b.type ?? '');
      const qty = Number(b.qty);
      if (!listed.has(symbol))
        return reply(res, 422, { code: 40010001, message: `asset ${symbol} not found` }, stall);
      if (!['market', 'limit', 'stop', 'stop_limit'].includes(type))
        return reply(res, 422, { code: 40010001, message: `invalid order type ${type}` }, stall);
      if (b.time_in_force !== 'day')
        return reply(
          res,
          422,
          { code: 40010001, message: 'options orders must be day orders' },
          stall,
        );
      if (!Number.isInteger(qty) || qty <= 0)
        return reply(
          res,
          422,
          { code: 40010001, message: 'qty must be a positive whole number of contracts' },
          stall,
        );
      const cid = b.client_order_id === undefined ? null : String(b.client_order_id);
      if (cid !== null && cid.length > 128)
        return reply(
          res,
          422,
          { code: 40010001, message: 'client_order_id must be at most 128 characters' },
          stall,
        );
      if (cid !== null && [...exchange.orders.values()].some((o) => o.clientId === cid))
        return reply(
          res,
          422,
          { code: 40010001, message: 'client_order_id must be unique' },
          stall,
        );
      if (type === 'stop' || type === 'stop_limit')
        return reply(res, 422, { code: 40010001, message: 'stop price is required' }, stall);
      const limit = type === 'limit' ? Number(b.limit_price) : null;
      const ref = exchange.reference(symbol);
      if (limit !== null && ref !== null && Math.abs(limit - ref) > exchange.band * ref)
        return reply(
          res,
          422,
          {
            code: 40010001,
            message: `limit price ${limit} is too far from the market price ${ref}`,
          },
          stall,
        );
      const side = b.side === 'sell' ? 'SELL' : 'BUY';
      const touch =
        side === 'BUY' ? exchange.quotes.get(symbol)?.ask : exchange.quotes.get(symbol)?.bid;
      const cost = (limit ?? touch ?? ref ?? 0) * qty * 100 * (side === 'SELL' ? 5 : 1);
      if (exchange.funds !== null && cost > exchange.funds)
        return reply(
          res,
          403,
          {
            code: 40310000,
            message: `insufficient options buying power (required ${cost.toFixed(2)}, available ${exchange.funds.toFixed(2)})`,
          },
          stall,
        );
      const o = exchange.submit({
        symbol,
        side,
        qty,
        type: type === 'market' ? 'MARKET' : 'LIMIT',
        limit,
        clientId: cid,
        lot: 1,
        multiplier: 100,
        meta: { positionIntent: b.position_intent ?? null },
      });
      return reply(res, 200, orderObject(o), stall);
    }
    if (req.method === 'GET' && url.pathname === '/v2/orders:by_client_order_id') {
      const cid = url.searchParams.get('client_order_id');
      const o = [...exchange.orders.values()].find((x) => x.clientId === cid);
      return o
        ? reply(res, 200, orderObject(o), stall)
        : reply(res, 404, { code: 40410000, message: 'order not found' }, stall);
    }
    const one = /^\/v2\/orders\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const o = exchange.orders.get(one[1]);
      return o
        ? reply(res, 200, orderObject(o))
        : reply(res, 404, { code: 40410000, message: 'order not found' });
    }
    if (one && req.method === 'DELETE') {
      const r = exchange.cancel(one[1]);
      if (r === 'not-found') return reply(res, 404, { code: 40410000, message: 'order not found' });
      if (r === 'not-open')
        return reply(res, 422, { code: 42210000, message: 'order is not cancelable' });
      return reply(res, 204);
    }
    if (req.method === 'GET' && url.pathname === '/v2/positions') {
      const out = [...exchange.positions()]
        .filter(([, p]) => p.qty !== 0)
        .map(([symbol, p]) => {
          const avg = p.qty > 0 ? p.buyValue / p.buyQty : p.sellValue / p.sellQty;
          const last = exchange.reference(symbol) ?? avg;
          return {
            asset_id: `asset-${symbol}`,
            symbol,
            exchange: '',
            asset_class: 'us_option',
            qty: String(p.qty),
            qty_available: String(p.qty),
            side: p.qty > 0 ? 'long' : 'short',
            avg_entry_price: String(avg),
            market_value: String(p.qty * last * 100),
            cost_basis: String(p.qty * avg * 100),
            unrealized_pl: String(p.qty * (last - avg) * 100),
            unrealized_plpc: '0',
            unrealized_intraday_pl: '0',
            unrealized_intraday_plpc: '0',
            current_price: String(last),
            lastday_price: String(last),
            change_today: '0',
          };
        });
      return reply(res, 200, out);
    }
    if (req.method === 'GET' && url.pathname === '/v2/account/activities/FILL') {
      const after = url.searchParams.get('after');
      const list = fills.filter((f) => !after || String(f.transaction_time) > after);
      return reply(
        res,
        200,
        url.searchParams.get('direction') === 'asc' ? list : [...list].reverse(),
      );
    }
    const snap = /^\/v1beta1\/options\/snapshots\/([A-Z]+)$/.exec(url.pathname);
    if (req.method === 'GET' && snap) {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100)));
      const all = [...listed.keys()]
        .filter((s) => s.startsWith(snap[1]) && exchange.quotes.has(s))
        .sort();
      const start = url.searchParams.get('page_token')
        ? all.indexOf(url.searchParams.get('page_token')!)
        : 0;
      const page = all.slice(start, start + limit);
      const snapshots: Record<string, unknown> = {};
      for (const s of page) {
        const q = exchange.quotes.get(s)!;
        const t = new Date().toISOString();
        snapshots[s] = {
          latestQuote: {
            t,
            bx: 'C',
            bp: q.bid ?? 0,
            bs: 10,
            ax: 'C',
            ap: q.ask ?? 0,
            as: 10,
            c: 'A',
          },
          ...(q.ltp ? { latestTrade: { t, x: 'C', p: q.ltp, s: 1, c: 'I' } } : {}),
          impliedVolatility: 0.2,
          greeks: { delta: 0.5, gamma: 0.01, rho: 0.01, theta: -0.05, vega: 0.1 },
        };
      }
      return reply(res, 200, { snapshots, next_page_token: all[start + limit] ?? null });
    }
    if (
      req.method === 'GET' &&
      url.pathname.startsWith('/v2/stocks/') &&
      url.pathname.endsWith('/trades/latest')
    ) {
      const sym = url.pathname.split('/')[3];
      return reply(res, 200, {
        symbol: sym,
        trade: { t: new Date().toISOString(), p: spot.get(sym) ?? 0, s: 100, x: 'V' },
      });
    }
    return reply(res, 404, {
      code: 40410000,
      message: `route not found: ${req.method} ${url.pathname}`,
    });
  }

  // ---- WebSockets: trade_updates (JSON in binary frames) and option data (msgpack only) ---
  const tradeWss = new WebSocketServer({ noServer: true });
  const dataWss = new WebSocketServer({ noServer: true });
  const dataSockets = new Map<WebSocket, { quotes: Set<string>; trades: Set<string> }>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/stream')
      return tradeWss.handleUpgrade(req, socket, head, (ws) => {
        let authed = false;
        ws.on('close', () => tradeSockets.delete(ws));
        ws.on('message', (raw) => {
          let m: { action?: string; data?: Record<string, unknown> };
          try {
            m = JSON.parse(String(raw));
          } catch {
            return;
          }
          const out = (x: unknown) => ws.send(Buffer.from(JSON.stringify(x)), { binary: true });
          if (m.action === 'authenticate') {
            authed = m.data?.key_id === opts.keyId && m.data?.secret_key === opts.secretKey;
            out({
              stream: 'authorization',
              data: { status: authed ? 'authorized' : 'unauthorized', action: 'authenticate' },
            });
          } else if (m.action === 'listen') {
            if (!authed)
              return out({
                stream: 'authorization',
                data: { status: 'unauthorized', action: 'listen' },
              });
            const streams = (m.data?.streams as string[]) ?? [];
            if (streams.includes('trade_updates')) tradeSockets.add(ws);
            else tradeSockets.delete(ws);
            out({ stream: 'listening', data: { streams } });
          }
        });
      });
    if (/^\/v1beta1\/(indicative|opra)$/.test(url.pathname))
      return dataWss.handleUpgrade(req, socket, head, (ws) => {
        if (req.headers['content-type'] !== 'application/msgpack') {
          ws.send(
            JSON.stringify([
              {
                T: 'error',
                code: 412,
                msg: 'option messages are only available in MsgPack format',
              },
            ]),
          );
          return ws.close();
        }
        const subs = { quotes: new Set<string>(), trades: new Set<string>() };
        let authed = false;
        ws.send(pack([{ T: 'success', msg: 'connected' }]));
        ws.on('close', () => dataSockets.delete(ws));
        ws.on('message', (raw) => {
          let m: {
            action?: string;
            key?: string;
            secret?: string;
            quotes?: string[];
            trades?: string[];
          };
          try {
            m = unpack(raw as Buffer);
          } catch {
            return ws.send(pack([{ T: 'error', code: 400, msg: 'invalid syntax' }]));
          }
          if (m.action === 'auth') {
            if (authed)
              return ws.send(pack([{ T: 'error', code: 403, msg: 'already authenticated' }]));
            authed = m.key === opts.keyId && m.secret === opts.secretKey;
            ws.send(
              pack([
                authed
                  ? { T: 'success', msg: 'authenticated' }
                  : { T: 'error', code: 402, msg: 'auth failed' },
              ]),
            );
            if (authed) dataSockets.set(ws, subs);
          } else if (m.action === 'subscribe' || m.action === 'unsubscribe') {
            if (!authed)
              return ws.send(pack([{ T: 'error', code: 401, msg: 'not authenticated' }]));
            if (m.quotes?.includes('*'))
              return ws.send(
                pack([
                  {
                    T: 'error',
                    code: 413,
                    msg: 'star subscription is not allowed for option quotes',
                  },
                ]),
              );
            for (const k of ['quotes', 'trades'] as const)
              for (const s of m[k] ?? []) {
                if (m.action === 'subscribe') subs[k].add(s);
                else subs[k].delete(s);
              }
            ws.send(
              pack([{ T: 'subscription', quotes: [...subs.quotes], trades: [...subs.trades] }]),
            );
            if (m.action === 'subscribe') sendQuotes(ws, m.quotes ?? []);
          }
        });
      });
    socket.destroy();
  });

  function sendQuotes(ws: WebSocket, symbols: string[]) {
    const msgs = symbols
      .filter((s) => exchange.quotes.has(s))
      .map((s) => {
        const q = exchange.quotes.get(s)!;
        // msgpackr writes a Date as the MessagePack timestamp extension, as Alpaca sends `t`.
        return {
          T: 'q',
          S: s,
          t: new Date(),
          bx: 'C',
          bp: q.bid ?? 0,
          bs: 10,
          ax: 'C',
          ap: q.ask ?? 0,
          as: 10,
          c: 'A',
        };
      });
    if (msgs.length > 0 && ws.readyState === ws.OPEN) ws.send(pack(msgs));
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url: base,
    dataUrl: base,
    streamUrl: `ws://127.0.0.1:${port}/stream`,
    dataStreamUrl: `ws://127.0.0.1:${port}/v1beta1`,
    exchange,
    faults,
    log,
    placed,
    symbol(underlying: string, expiry: string, strike: number, right: 'CE' | 'PE') {
      return occ({ underlying, expiry, strike }, right === 'CE' ? 'C' : 'P');
    },
    publish(s: ChainSnapshot) {
      spot.set(s.underlying, s.spot);
      for (const e of s.expiries)
        for (const o of e.options) {
          const sym = occ(
            { underlying: s.underlying, expiry: e.expiry, strike: o.strike },
            o.right === 'CE' ? 'C' : 'P',
          );
          if (!listed.has(sym)) continue;
          exchange.setQuote(sym, { bid: o.bid, ask: o.ask, ltp: o.ltp });
          for (const [ws, subs] of dataSockets) if (subs.quotes.has(sym)) sendQuotes(ws, [sym]);
        }
    },
    dropConnections() {
      for (const ws of [...tradeWss.clients, ...dataWss.clients]) ws.terminate();
      for (const s of open) s.destroy();
    },
    async close() {
      exchange.close();
      for (const ws of [...tradeWss.clients, ...dataWss.clients]) ws.terminate();
      tradeWss.close();
      dataWss.close();
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}

/**
 * A local Kite Connect v3 server for tests, built from Zerodha's documents
 * (../shared/reference/broker_apis*.md) and answering in the shapes of Zerodha's official mocks,
 * which it reads from ../shared/data/zerodha-kiteconnect-mocks at start (never copied here):
 * form-encoded requests, `X-Kite-Version: 3`, `Authorization: token api_key:access_token`, the
 * `{"status":"error","message","error_type"}` envelope with the real HTTP status, the order
 * lifecycle with per-state history and trades, positions, margins, the gzipped instrument dump,
 * the login flow (`/connect/login` redirect, `/session/token` with its SHA-256 checksum),
 * postbacks with their checksum, and the WebSocket ticker: binary quote/full packets as the docs
 * lay them out, a one-byte heartbeat, and order updates as text messages.
 * It never imports the adapter: it is what the adapter is tested against.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';
import { sharedDataDir } from '@/datasets/shared-data';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { FakeExchange, FaultPlan, type FakeOrder } from './exchange';

const MOCKS = 'zerodha-kiteconnect-mocks';

function mocksDir(): string {
  const dir = sharedDataDir();
  if (!dir)
    throw new Error(
      '../shared/data is missing: the Kite fake serves the official mocks from there',
    );
  return path.join(dir, MOCKS);
}
const mock = (file: string) => JSON.parse(readFileSync(path.join(mocksDir(), file), 'utf8'));

export type KiteListing = {
  underlying: string;
  expiry: string;
  strike: number;
  lotSize: number;
  tickSize?: number;
  /** Force the symbol form; by default the last expiry of its month is monthly, others weekly. */
  form?: 'weekly' | 'monthly';
};

export type KiteFakeOptions = {
  apiKey: string;
  apiSecret: string;
  /** Options the fake lists besides the official mock dump's rows. */
  listings: KiteListing[];
  /** Where `/connect/login` sends the browser back with a request_token. */
  redirectUrl?: string;
  /** Where postbacks are POSTed. */
  postbackUrl?: string;
  userId?: string;
  /** Index levels by underlying (NIFTY -> NIFTY 50). */
  spot?: Record<string, number>;
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKLY_MONTH = '123456789OND';
const INDEX_NAMES: Record<string, string> = {
  NIFTY: 'NIFTY 50',
  BANKNIFTY: 'NIFTY BANK',
  FINNIFTY: 'NIFTY FIN SERVICE',
  MIDCPNIFTY: 'NIFTY MID SELECT',
};

type Instrument = {
  token: number;
  exchangeToken: number;
  tradingsymbol: string;
  name: string;
  expiry: string;
  strike: number;
  tickSize: number;
  lotSize: number;
  type: string;
  segment: string;
  exchange: string;
};

/** Zerodha's symbol formats as their forum answers describe them (monthly YYMMM, weekly YYMDD). */
function tradingsymbol(l: KiteListing, right: 'CE' | 'PE', monthly: boolean): string {
  const [y, m, d] = l.expiry.split('-').map(Number);
  const yy = String(y % 100).padStart(2, '0');
  const k = String(l.strike);
  return monthly
    ? `${l.underlying}${yy}${MONTHS[m - 1]}${k}${right}`
    : `${l.underlying}${yy}${WEEKLY_MONTH[m - 1]}${String(d).padStart(2, '0')}${k}${right}`;
}

/** "YYYY-MM-DD HH:MM:SS" in IST, as Kite writes every timestamp. */
function ist(d: Date): string {
  return new Date(d.getTime() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export type KiteFake = {
  url: string;
  wsUrl: string;
  loginUrl: string;
  exchange: FakeExchange;
  faults: FaultPlan;
  /** Request tokens handed out by the login page, and access tokens that are valid. */
  accessTokens: Set<string>;
  /** Every request the fake served, in order ("POST /orders/regular"). */
  log: string[];
  /** Every order the fake received through the API, with the form it was sent with. */
  placed: { orderId: string; form: Record<string, string> }[];
  postbacks: { body: string; status: number }[];
  instrument(underlying: string, expiry: string, strike: number, right: 'CE' | 'PE'): Instrument;
  publish(snapshot: ChainSnapshot): void;
  /** Closes every WebSocket and every open HTTP connection (a network blip). */
  dropConnections(): void;
  /** Repeat every order update twice and swap neighbouring ones. */
  scramble: boolean;
  /** Every POST /margins/basket: its query string and raw body. */
  basketRequests: { query: string; body: string }[];
  /** When set, /margins/basket answers this error envelope (a refusal Kite might send). */
  basketRejection: { status: number; errorType: string; message: string } | null;
  /** Expire every access token, as 06:00 IST does. */
  expireSessions(): void;
  /** The app's registered redirect URL (settable once the app's port is known). */
  redirectUrl: string | undefined;
  close(): Promise<void>;
};

export async function startKiteFake(opts: KiteFakeOptions): Promise<KiteFake> {
  const userId = opts.userId ?? 'AB1234';
  const ordersMock = mock('orders.json').data as Record<string, unknown>[];
  const orderTemplate = ordersMock[0];
  const tradeTemplate = (mock('order_trades.json').data as Record<string, unknown>[])[0];
  const positionTemplate = (mock('positions.json').data as { net: Record<string, unknown>[] })
    .net[0];
  const marginsMock = mock('margins.json');
  const basketTemplate = mock('basket_margins.json');
  const dumpCsv = readFileSync(path.join(mocksDir(), 'instruments_all.csv'), 'utf8').trimEnd();

  // ---- instruments: the official dump plus the test's listings ---------------------------
  const instruments: Instrument[] = [];
  let nextToken = 0x3a0000;
  const lastExpiryOfMonth = new Map<string, string>();
  for (const l of opts.listings) {
    const key = `${l.underlying}|${l.expiry.slice(0, 7)}`;
    if ((lastExpiryOfMonth.get(key) ?? '') < l.expiry) lastExpiryOfMonth.set(key, l.expiry);
  }
  const listed = new Set<string>();
  for (const l of opts.listings) {
    for (const right of ['CE', 'PE'] as const) {
      const id = `${l.underlying}|${l.expiry}|${l.strike}|${right}`;
      if (listed.has(id)) continue;
      listed.add(id);
      const monthly =
        l.form === 'monthly' ||
        (l.form === undefined &&
          lastExpiryOfMonth.get(`${l.underlying}|${l.expiry.slice(0, 7)}`) === l.expiry);
      const token = ((nextToken++ << 8) | 2) >>> 0; // segment 2: NFO
      instruments.push({
        token,
        exchangeToken: token >>> 8,
        tradingsymbol: tradingsymbol(l, right, monthly),
        name: l.underlying,
        expiry: l.expiry,
        strike: l.strike,
        tickSize: l.tickSize ?? 0.05,
        lotSize: l.lotSize,
        type: right,
        segment: 'NFO-OPT',
        exchange: 'NFO',
      });
    }
  }
  const indices = new Map<string, Instrument>();
  for (const u of new Set(opts.listings.map((l) => l.underlying))) {
    const name = INDEX_NAMES[u];
    if (!name) continue;
    const token = ((nextToken++ << 8) | 9) >>> 0; // segment 9: indices
    const row: Instrument = {
      token,
      exchangeToken: token >>> 8,
      tradingsymbol: name,
      name,
      expiry: '',
      strike: 0,
      tickSize: 0,
      lotSize: 0,
      type: 'EQ',
      segment: 'INDICES',
      exchange: 'NSE',
    };
    indices.set(u, row);
  }
  const bySymbol = new Map(instruments.map((i) => [i.tradingsymbol, i]));
  const byToken = new Map([...instruments, ...indices.values()].map((i) => [i.token, i]));
  const dump =
    dumpCsv +
    '\n' +
    [...instruments, ...indices.values()]
      .map((i) =>
        [
          i.token,
          i.exchangeToken,
          i.tradingsymbol,
          i.name,
          0,
          i.expiry,
          i.strike,
          i.tickSize,
          i.lotSize,
          i.type,
          i.segment,
          i.exchange,
        ].join(','),
      )
      .join('\n') +
    '\n';

  // ---- the exchange and its order ids (Kite order ids are 15+ digit strings) -----------------
  const day = ist(new Date()).slice(2, 10).replaceAll('-', '');
  const exchange = new FakeExchange({
    order: (n) => `${day}${String(n).padStart(9, '0')}`,
    trade: (n) => String(50_000_000 + n),
  });
  const faults = new FaultPlan();
  const accessTokens = new Set<string>();
  const requestTokens = new Set<string>();
  const log: string[] = [];
  const placed: KiteFake['placed'] = [];
  const postbacks: KiteFake['postbacks'] = [];
  /** Per order: every state it passed through (GET /orders/:id answers the list). */
  const history = new Map<string, Record<string, unknown>[]>();
  const spot = new Map(Object.entries(opts.spot ?? {}));
  const basketRequests: KiteFake['basketRequests'] = [];

  /**
   * Kite's basket answer in the official mock's shape. The figures follow a simple stand-in for
   * SPAN (a short option: 10 % of its strike notional, plus 2 % exposure; a long one: its
   * premium), and the hedge benefit the docs describe: in `final`, a short covered by a long of
   * the same right and expiry is charged the strike gap instead, and premium received is netted.
   * With consider_positions the account's open positions join the hedge.
   */
  function basketMargins(list: Record<string, unknown>[], considerPositions: boolean) {
    const data = structuredClone(basketTemplate.data);
    const blank = (m: Record<string, unknown>) => ({ ...m, span: 0, exposure: 0, option_premium: 0, additional: 0, total: 0 }); // prettier-ignore
    type Leg = { inst: Instrument; qty: number; sell: boolean; price: number };
    const legOf = (symbol: string, qty: number, sell: boolean, price?: number): Leg => {
      const inst = bySymbol.get(symbol)!;
      return { inst, qty, sell, price: price || exchange.reference(symbol) || 0 };
    };
    const legs = list.map((o) =>
      legOf(
        String(o.tradingsymbol),
        Number(o.quantity),
        o.transaction_type === 'SELL',
        Number(o.price),
      ),
    );
    const [sellCharges, buyCharges] = [data.orders[0].charges, data.orders[1].charges];
    data.orders = legs.map((l) => {
      const span = l.sell ? 0.1 * l.inst.strike * l.qty : 0;
      const exposure = l.sell ? 0.02 * l.inst.strike * l.qty : 0;
      const premium = l.sell ? 0 : l.price * l.qty;
      return {
        ...blank(data.orders[0]),
        tradingsymbol: l.inst.tradingsymbol,
        exchange: 'NFO',
        span,
        exposure,
        option_premium: premium,
        charges: structuredClone(l.sell ? sellCharges : buyCharges),
        total: span + exposure + premium,
      };
    });
    const sum = (k: string) =>
      data.orders.reduce((a: number, o: Record<string, number>) => a + o[k], 0);
    data.initial = { ...blank(data.initial), span: sum('span'), exposure: sum('exposure'), option_premium: sum('option_premium'), total: sum('total') }; // prettier-ignore
    const book = [...legs];
    if (considerPositions)
      for (const [symbol, p] of exchange.positions())
        if (p.qty !== 0 && bySymbol.has(symbol))
          book.push(legOf(symbol, Math.abs(p.qty), p.qty < 0));
    let span = 0;
    let exposure = 0;
    let premium = 0;
    for (const l of legs) premium += (l.sell ? -1 : 1) * l.price * l.qty;
    for (const short of book.filter((l) => l.sell)) {
      exposure += 0.02 * short.inst.strike * short.qty;
      const hedges = book.filter((l) => !l.sell && l.inst.type === short.inst.type && l.inst.expiry === short.inst.expiry); // prettier-ignore
      const covered = Math.min(
        short.qty,
        hedges.reduce((a, l) => a + l.qty, 0),
      );
      const gap = hedges.length ? Math.min(...hedges.map((l) => Math.abs(l.inst.strike - short.inst.strike))) : 0; // prettier-ignore
      span +=
        Math.min(0.1 * short.inst.strike, gap) * covered +
        0.1 * short.inst.strike * (short.qty - covered);
    }
    data.final = { ...blank(data.final), span, exposure, option_premium: premium, total: span + exposure + premium }; // prettier-ignore
    return data;
  }

  function orderObject(o: FakeOrder, status?: string): Record<string, unknown> {
    const inst = bySymbol.get(o.symbol)!;
    const pending = o.status === 'OPEN' ? o.qty - o.filled : 0;
    return {
      ...orderTemplate,
      placed_by: userId,
      order_id: o.id,
      exchange_order_id: o.status === 'REJECTED' && o.rejectKind !== 'band' ? null : `13${o.id}`,
      parent_order_id: null,
      status:
        status ??
        { OPEN: 'OPEN', FILLED: 'COMPLETE', CANCELLED: 'CANCELLED', REJECTED: 'REJECTED' }[
          o.status
        ],
      status_message: o.status === 'REJECTED' ? rejectionText(o) : null,
      status_message_raw: o.status === 'REJECTED' ? rejectionText(o) : null,
      order_timestamp: ist(o.placedAt),
      exchange_update_timestamp: ist(o.updatedAt),
      exchange_timestamp: ist(o.updatedAt),
      variety: 'regular',
      modified: false,
      exchange: 'NFO',
      tradingsymbol: o.symbol,
      instrument_token: inst.token,
      order_type: o.type,
      transaction_type: o.side,
      validity: 'DAY',
      product: (o.meta.product as string) ?? 'NRML',
      quantity: o.qty,
      disclosed_quantity: 0,
      price: o.limit ?? 0,
      trigger_price: 0,
      average_price: exchange.averagePrice(o),
      filled_quantity: o.filled,
      pending_quantity: pending,
      cancelled_quantity: o.status === 'CANCELLED' ? o.qty - o.filled : 0,
      market_protection: 0,
      meta: {},
      tag: o.clientId,
      guid: `${o.id}-guid`,
    };
  }

  function rejectionText(o: FakeOrder): string {
    const ref = exchange.reference(o.symbol) ?? 0;
    switch (o.rejectKind) {
      case 'funds':
        return `Insufficient funds. Required margin is ${o.reason?.match(/required ([\d.]+)/)?.[1]} but available margin is ${o.reason?.match(/available ([\d.]+)/)?.[1]}. Check the orderbook for open orders.`;
      case 'band':
        return (o.limit ?? 0) > ref
          ? `Your order price is higher than the current upper circuit limit of ${(ref * (1 + exchange.band)).toFixed(2)}. Place an order within the daily range.`
          : `Your order price is lower than the current lower circuit limit of ${(ref * (1 - exchange.band)).toFixed(2)}. Place an order within the daily range.`;
      case 'quantity':
        return `Quantity should be a multiple of lot size (${bySymbol.get(o.symbol)?.lotSize}).`;
      default:
        return o.reason ?? 'Rejected';
    }
  }

  // Order updates: history, WebSocket text messages and postbacks, as each state change happens.
  const sockets = new Set<WebSocket>();
  let held: string | null = null;
  const fake = {} as KiteFake;
  exchange.onChange((o) => {
    const obj = orderObject(o);
    const h = history.get(o.id) ?? [];
    if (h.length === 0) {
      for (const s of ['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING'])
        h.push({ ...obj, status: s, filled_quantity: 0, average_price: 0, status_message: null });
    }
    h.push(obj);
    history.set(o.id, h);
    const update = { ...obj, user_id: userId, unfilled_quantity: o.qty - o.filled, app_id: 1234 };
    const text = JSON.stringify({ type: 'order', data: { ...update, checksum: '' } });
    if (fake.scramble) {
      // Out of order: hold this update back and send it after the next one; every one twice.
      if (held === null) held = text;
      else {
        broadcast(text);
        broadcast(held);
        broadcast(text);
        broadcast(held);
        held = null;
      }
      setTimeout(() => {
        if (held !== null) {
          broadcast(held);
          broadcast(held);
          held = null;
        }
      }, 150);
    } else broadcast(text);
    if (opts.postbackUrl && o.meta.viaApi) void postback(update);
  });

  function broadcast(text: string) {
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  async function postback(update: Record<string, unknown>) {
    const checksum = createHash('sha256')
      .update(`${update.order_id}${update.order_timestamp}${opts.apiSecret}`)
      .digest('hex');
    const body = JSON.stringify({ ...update, checksum });
    try {
      const r = await fetch(opts.postbackUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      postbacks.push({ body, status: r.status });
    } catch {
      postbacks.push({ body, status: 0 });
    }
  }

  // ---- HTTP --------------------------------------------------------------------------------
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e) => send(res, 500, error('GeneralException', String(e))));
  });
  const open = new Set<Socket>();
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });

  function send(res: http.ServerResponse, status: number, body: unknown) {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
  const ok = (data: unknown) => ({ status: 'success', data });
  const error = (type: string, message: string) => ({
    status: 'error',
    message,
    error_type: type,
    data: null,
  });

  async function body(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function authorised(req: http.IncomingMessage): string | null {
    if (req.headers['x-kite-version'] !== '3') return 'The X-Kite-Version header must be 3.';
    const auth = req.headers.authorization ?? '';
    const m = /^token ([^:]+):(.+)$/.exec(auth);
    if (!m || m[1] !== opts.apiKey || !accessTokens.has(m[2]))
      return 'Incorrect `api_key` or `access_token`.';
    return null;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname.replace(/\/\d{6,}/g, '/:id')}`;
    log.push(route);
    const fault = faults.take(route);
    if (fault && 'drop' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      const type = fault.status === 429 ? 'NetworkException' : 'GeneralException';
      const msg = fault.status === 429 ? 'Too many requests' : 'Something went wrong';
      return send(res, fault.status, error(type, msg));
    }
    const stall = fault && 'stallMs' in fault ? fault.stallMs : 0;
    const reply = async (status: number, b: unknown) => {
      if (stall) await new Promise((r) => setTimeout(r, stall));
      send(res, status, b);
    };

    // Login: the browser page that hands back a request_token, then the token exchange.
    if (req.method === 'GET' && url.pathname === '/connect/login') {
      if (url.searchParams.get('api_key') !== opts.apiKey || url.searchParams.get('v') !== '3')
        return send(res, 400, error('InputException', 'Invalid `api_key` or version.'));
      if (!fake.redirectUrl)
        return send(res, 400, error('InputException', 'No redirect URL registered for this app.'));
      const token = randomBytes(16).toString('hex');
      requestTokens.add(token);
      const back = new URL(fake.redirectUrl);
      const extra = new URLSearchParams(url.searchParams.get('redirect_params') ?? '');
      for (const [k, v] of extra) back.searchParams.set(k, v);
      back.searchParams.set('action', 'login');
      back.searchParams.set('status', 'success');
      back.searchParams.set('request_token', token);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/session/token') {
      if (req.headers['x-kite-version'] !== '3')
        return send(res, 400, error('InputException', 'The X-Kite-Version header must be 3.'));
      const f = new URLSearchParams(await body(req));
      const token = f.get('request_token') ?? '';
      const expected = createHash('sha256')
        .update(`${f.get('api_key')}${token}${opts.apiSecret}`)
        .digest('hex');
      if (
        f.get('api_key') !== opts.apiKey ||
        !requestTokens.has(token) ||
        f.get('checksum') !== expected
      )
        return send(res, 403, error('TokenException', 'Token is invalid or has expired.'));
      requestTokens.delete(token);
      const access = randomBytes(16).toString('hex');
      accessTokens.add(access);
      return send(
        res,
        200,
        ok({
          user_type: 'individual',
          email: 'trader@example.com',
          user_name: 'Test Trader',
          user_shortname: 'Trader',
          broker: 'ZERODHA',
          exchanges: ['NSE', 'NFO', 'BSE', 'BFO'],
          products: ['CNC', 'NRML', 'MIS'],
          order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
          avatar_url: null,
          user_id: userId,
          api_key: opts.apiKey,
          access_token: access,
          public_token: randomBytes(8).toString('hex'),
          enctoken: randomBytes(8).toString('hex'),
          refresh_token: '',
          silo: '',
          login_time: ist(new Date()),
          meta: { demat_consent: 'physical' },
        }),
      );
    }

    const denied = authorised(req);
    if (denied) return send(res, 403, error('TokenException', denied));

    if (req.method === 'DELETE' && url.pathname === '/session/token') {
      accessTokens.delete(url.searchParams.get('access_token') ?? '');
      return send(res, 200, ok(true));
    }
    if (
      req.method === 'GET' &&
      (url.pathname === '/instruments' || url.pathname === '/instruments/NFO')
    ) {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
      return res.end(gzipSync(dump));
    }
    if (req.method === 'GET' && url.pathname === '/user/margins') {
      const data = structuredClone(marginsMock.data);
      if (exchange.funds !== null) {
        data.equity.net = exchange.funds;
        data.equity.available.live_balance = exchange.funds;
      }
      return send(res, 200, ok(data));
    }
    if (req.method === 'POST' && url.pathname === '/margins/basket') {
      basketRequests.push({ query: url.search, body: await body(req) });
      const raw = basketRequests[basketRequests.length - 1].body;
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return reply(400, error('InputException', 'Request body must be a JSON list of orders.'));
      if (fake.basketRejection) {
        const r = fake.basketRejection;
        return reply(r.status, error(r.errorType, r.message));
      }
      let list: Record<string, unknown>[];
      try {
        list = JSON.parse(raw) as Record<string, unknown>[];
      } catch {
        return reply(400, error('InputException', 'Invalid JSON in request body.'));
      }
      if (!Array.isArray(list) || list.length === 0)
        return reply(400, error('InputException', 'Basket must have at least one order.'));
      const wanted = [
        'exchange',
        'tradingsymbol',
        'transaction_type',
        'variety',
        'product',
        'order_type',
        'quantity',
      ];
      for (const o of list) {
        for (const k of wanted)
          if (o[k] === undefined || o[k] === '')
            return reply(400, error('InputException', `Missing or empty field \`${k}\`.`));
        const inst = o.exchange === 'NFO' ? bySymbol.get(String(o.tradingsymbol)) : undefined;
        if (!inst) return reply(400, error('InputException', 'Invalid `tradingsymbol`.'));
        if (Number(o.quantity) % inst.lotSize !== 0)
          return reply(
            400,
            error('InputException', `Quantity should be a multiple of lot size (${inst.lotSize}).`),
          );
      }
      const considerPositions = url.searchParams.get('consider_positions') === 'true';
      return reply(200, ok(basketMargins(list, considerPositions)));
    }
    if (req.method === 'POST' && /^\/orders\/[a-z]+$/.test(url.pathname)) {
      const variety = url.pathname.split('/')[2];
      const f = Object.fromEntries(new URLSearchParams(await body(req)));
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return reply(400, error('InputException', 'Request body must be form-encoded.'));
      if (variety !== 'regular')
        return reply(
          400,
          error('InputException', `Variety ${variety} is not enabled for this app.`),
        );
      for (const k of [
        'tradingsymbol',
        'exchange',
        'transaction_type',
        'order_type',
        'quantity',
        'product',
      ])
        if (!f[k]) return reply(400, error('InputException', `Missing or empty field \`${k}\`.`));
      if (f.tag !== undefined && (f.tag.length > 20 || !/^[A-Za-z0-9]+$/.test(f.tag)))
        return reply(
          400,
          error('InputException', 'Tag length should be less than 20 and alphanumeric.'),
        );
      if (!['MARKET', 'LIMIT', 'SL', 'SL-M'].includes(f.order_type))
        return reply(400, error('InputException', `Invalid order_type ${f.order_type}.`));
      const inst = f.exchange === 'NFO' ? bySymbol.get(f.tradingsymbol) : undefined;
      if (!inst) return reply(400, error('InputException', 'Invalid `tradingsymbol`.'));
      const limit = f.order_type === 'LIMIT' ? Number(f.price) : null;
      if (f.order_type === 'LIMIT' && !(limit! > 0))
        return reply(400, error('InputException', 'Invalid `price`.'));
      if (
        limit !== null &&
        Math.abs(Math.round(limit / inst.tickSize) * inst.tickSize - limit) > 1e-9
      )
        return reply(
          400,
          error('InputException', `Price should be a multiple of tick size ${inst.tickSize}.`),
        );
      if (f.order_type === 'SL' || f.order_type === 'SL-M')
        return reply(400, error('InputException', 'Stop-loss orders need trigger_price.'));
      const o = exchange.submit({
        symbol: inst.tradingsymbol,
        side: f.transaction_type === 'SELL' ? 'SELL' : 'BUY',
        qty: Number(f.quantity),
        type: f.order_type as 'MARKET' | 'LIMIT',
        limit,
        clientId: f.tag ?? null,
        lot: inst.lotSize,
        meta: { viaApi: true, product: f.product },
      });
      placed.push({ orderId: o.id, form: f });
      return reply(200, ok({ order_id: o.id }));
    }
    if (req.method === 'DELETE' && /^\/orders\/[a-z]+\/[^/]+$/.test(url.pathname)) {
      const id = url.pathname.split('/')[3];
      const r = exchange.cancel(id);
      if (r === 'not-found') return reply(400, error('InputException', 'Invalid `order_id`.'));
      if (r === 'not-open') {
        const o = exchange.orders.get(id)!;
        return reply(
          400,
          error(
            'OrderException',
            `Order cannot be cancelled as it is ${o.status === 'FILLED' ? 'completed' : o.status.toLowerCase()}.`,
          ),
        );
      }
      return reply(200, ok({ order_id: id }));
    }
    if (req.method === 'GET' && url.pathname === '/orders') {
      const own = [...exchange.orders.values()].map((o) => orderObject(o));
      return reply(200, ok([...ordersMock, ...own]));
    }
    const one = /^\/orders\/([^/]+)(\/trades)?$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const o = exchange.orders.get(one[1]);
      if (!o) return reply(400, error('InputException', "Couldn't find that `order_id`."));
      if (!one[2]) return reply(200, ok(history.get(o.id) ?? []));
      const inst = bySymbol.get(o.symbol)!;
      return reply(
        200,
        ok(
          o.trades.map((t) => ({
            ...tradeTemplate,
            trade_id: t.tradeId,
            order_id: o.id,
            exchange: 'NFO',
            tradingsymbol: o.symbol,
            instrument_token: inst.token,
            product: (o.meta.product as string) ?? 'NRML',
            average_price: t.price,
            quantity: t.qty,
            exchange_order_id: `13${o.id}`,
            transaction_type: o.side,
            fill_timestamp: ist(t.at),
            order_timestamp: ist(t.at).slice(11),
            exchange_timestamp: ist(t.at),
          })),
        ),
      );
    }
    if (req.method === 'GET' && url.pathname === '/portfolio/positions') {
      const net = [...exchange.positions()].map(([symbol, p]) => {
        const inst = bySymbol.get(symbol)!;
        const last = exchange.reference(symbol) ?? 0;
        const avg =
          p.qty > 0
            ? p.buyValue / Math.max(p.buyQty, 1)
            : p.qty < 0
              ? p.sellValue / Math.max(p.sellQty, 1)
              : 0;
        return {
          ...positionTemplate,
          tradingsymbol: symbol,
          exchange: 'NFO',
          instrument_token: inst.token,
          product: 'NRML',
          quantity: p.qty,
          overnight_quantity: 0,
          multiplier: 1,
          average_price: avg,
          close_price: 0,
          last_price: last,
          value: p.sellValue - p.buyValue,
          pnl: p.sellValue - p.buyValue + p.qty * last,
          m2m: p.sellValue - p.buyValue + p.qty * last,
          unrealised: p.qty * (last - avg),
          realised: 0,
          buy_quantity: p.buyQty,
          buy_price: p.buyQty ? p.buyValue / p.buyQty : 0,
          buy_value: p.buyValue,
          buy_m2m: p.buyValue,
          sell_quantity: p.sellQty,
          sell_price: p.sellQty ? p.sellValue / p.sellQty : 0,
          sell_value: p.sellValue,
          sell_m2m: p.sellValue,
          day_buy_quantity: p.buyQty,
          day_buy_price: p.buyQty ? p.buyValue / p.buyQty : 0,
          day_buy_value: p.buyValue,
          day_sell_quantity: p.sellQty,
          day_sell_price: p.sellQty ? p.sellValue / p.sellQty : 0,
          day_sell_value: p.sellValue,
        };
      });
      return reply(200, ok({ net, day: net }));
    }
    return send(
      res,
      404,
      error('GeneralException', `Route not found: ${req.method} ${url.pathname}`),
    );
  }

  // ---- WebSocket ticker ------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/ws') return socket.destroy();
    if (
      url.searchParams.get('api_key') !== opts.apiKey ||
      !accessTokens.has(url.searchParams.get('access_token') ?? '')
    ) {
      socket.write('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return socket.destroy();
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const modes = new Map<number, 'ltp' | 'quote' | 'full'>();
      (ws as unknown as { modes: typeof modes }).modes = modes;
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (raw, binary) => {
        if (binary) return;
        let msg: { a?: string; v?: unknown };
        try {
          msg = JSON.parse(String(raw));
        } catch {
          return ws.send(JSON.stringify({ type: 'error', data: 'Invalid message' }));
        }
        if (msg.a === 'subscribe' && Array.isArray(msg.v)) {
          const fresh = (msg.v as unknown[]).filter((t): t is number => typeof t === 'number');
          for (const t of fresh) if (!modes.has(t)) modes.set(t, 'quote');
          sendTicks(ws, fresh);
        } else if (msg.a === 'unsubscribe' && Array.isArray(msg.v)) {
          for (const t of msg.v as number[]) modes.delete(t);
        } else if (msg.a === 'mode' && Array.isArray(msg.v)) {
          const [mode, tokens] = msg.v as [string, number[]];
          if (mode === 'ltp' || mode === 'quote' || mode === 'full')
            for (const t of tokens) if (typeof t === 'number' && modes.has(t)) modes.set(t, mode);
          sendTicks(ws, tokens);
        }
      });
    });
  });
  const heartbeat = setInterval(() => {
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(Buffer.from([0]));
  }, 1000);

  /** Packets laid out per the byte tables of Kite's WebSocket docs. */
  function packetFor(token: number, mode: 'ltp' | 'quote' | 'full'): Buffer | null {
    const inst = byToken.get(token);
    if (!inst) return null;
    const paise = (x: number) => Math.round(x * 100);
    const now = Math.floor(Date.now() / 1000);
    if (inst.segment === 'INDICES') {
      const level = spot.get([...indices].find(([, i]) => i.token === token)?.[0] ?? '') ?? 0;
      const len = mode === 'ltp' ? 8 : mode === 'quote' ? 28 : 32;
      const b = Buffer.alloc(len);
      b.writeUInt32BE(token, 0);
      b.writeInt32BE(paise(level), 4);
      if (len > 8) {
        b.writeInt32BE(paise(level * 1.004), 8);
        b.writeInt32BE(paise(level * 0.996), 12);
        b.writeInt32BE(paise(level * 0.999), 16);
        b.writeInt32BE(paise(level * 0.998), 20);
        b.writeInt32BE(paise(level * 0.002), 24);
      }
      if (len === 32) b.writeUInt32BE(now, 28);
      return b;
    }
    const q = exchange.quotes.get(inst.tradingsymbol);
    if (!q) return null;
    const len = mode === 'ltp' ? 8 : mode === 'quote' ? 44 : 184;
    const b = Buffer.alloc(len);
    b.writeUInt32BE(token, 0);
    b.writeInt32BE(paise(q.ltp ?? 0), 4);
    if (len === 8) return b;
    b.writeUInt32BE(25, 8);
    b.writeInt32BE(paise(q.ltp ?? 0), 12);
    b.writeUInt32BE(q.volume ?? 0, 16);
    b.writeUInt32BE(1000, 20);
    b.writeUInt32BE(1200, 24);
    for (const off of [28, 32, 36, 40]) b.writeInt32BE(paise(q.ltp ?? 0), off);
    if (len === 44) return b;
    b.writeUInt32BE(now, 44);
    b.writeUInt32BE(q.oi ?? 0, 48);
    b.writeUInt32BE(q.oi ?? 0, 52);
    b.writeUInt32BE(q.oi ?? 0, 56);
    b.writeUInt32BE(now, 60);
    for (let k = 0; k < 5; k++) {
      const tick = inst.tickSize * k;
      if (q.bid) {
        b.writeUInt32BE(inst.lotSize * (k + 1), 64 + 12 * k);
        b.writeInt32BE(paise(q.bid - tick), 68 + 12 * k);
        b.writeUInt16BE(k + 1, 72 + 12 * k);
      }
      if (q.ask) {
        b.writeUInt32BE(inst.lotSize * (k + 1), 124 + 12 * k);
        b.writeInt32BE(paise(q.ask + tick), 128 + 12 * k);
        b.writeUInt16BE(k + 1, 132 + 12 * k);
      }
    }
    return b;
  }

  function sendTicks(ws: WebSocket, tokens: number[]) {
    const modes = (ws as unknown as { modes: Map<number, 'ltp' | 'quote' | 'full'> }).modes;
    const packets = tokens
      .filter((t) => modes.has(t))
      .map((t) => packetFor(t, modes.get(t)!))
      .filter((p): p is Buffer => p !== null);
    if (packets.length === 0 || ws.readyState !== ws.OPEN) return;
    const head = Buffer.alloc(2);
    head.writeUInt16BE(packets.length);
    ws.send(Buffer.concat([head, ...packets.flatMap((p) => [u16(p.length), p])]));
  }
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  Object.assign(fake, {
    url: base,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    loginUrl: `${base}/connect/login`,
    exchange,
    faults,
    accessTokens,
    log,
    placed,
    postbacks,
    basketRequests,
    basketRejection: null,
    scramble: false,
    redirectUrl: opts.redirectUrl,
    instrument(underlying: string, expiry: string, strike: number, right: 'CE' | 'PE') {
      const i = instruments.find(
        (x) =>
          x.name === underlying && x.expiry === expiry && x.strike === strike && x.type === right,
      );
      if (!i) throw new Error(`the Kite fake lists no ${underlying} ${expiry} ${strike} ${right}`);
      return i;
    },
    publish(s: ChainSnapshot) {
      spot.set(s.underlying, s.spot);
      for (const e of s.expiries)
        for (const o of e.options) {
          const i = instruments.find(
            (x) =>
              x.name === s.underlying &&
              x.expiry === e.expiry &&
              x.strike === o.strike &&
              x.type === o.right,
          );
          if (i)
            exchange.setQuote(i.tradingsymbol, {
              bid: o.bid,
              ask: o.ask,
              ltp: o.ltp,
              oi: o.oi,
              volume: o.volume,
            });
        }
      for (const ws of sockets) {
        const modes = (ws as unknown as { modes: Map<number, string> }).modes;
        sendTicks(ws, [...modes.keys()]);
      }
    },
    dropConnections() {
      for (const ws of sockets) ws.terminate();
      for (const s of open) s.destroy();
    },
    expireSessions() {
      accessTokens.clear();
    },
    async close() {
      clearInterval(heartbeat);
      exchange.close();
      for (const ws of sockets) ws.terminate();
      wss.close();
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  } satisfies Partial<KiteFake>);
  return fake;
}

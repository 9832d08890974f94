/**
 * Kite Connect v3 over HTTP: form-encoded requests, `X-Kite-Version: 3`, `Authorization: token
 * api_key:access_token`, answers in `{"status":"success","data"}` or the error envelope
 * `{"status":"error","message","error_type"}`. Error types become our error kinds here, once:
 * TokenException -> the session is gone (log in again), Input/Order/Margin exceptions -> a
 * refusal, NetworkException/429/5xx -> transient.
 */
import { createHash } from 'node:crypto';
import type { RejectCode } from '@/engine/broker/broker';
import { VenueAuthError, VenueRefusal, VenueUnavailable } from '../errors';
import { jsonOf, venueFetch } from '../http';

export type KiteCredentials = { apiKey: string; accessToken: string };

export type KiteOrder = {
  order_id: string;
  status: string;
  status_message: string | null;
  order_timestamp: string | null;
  exchange_update_timestamp?: string | null;
  exchange_timestamp: string | null;
  exchange: string;
  tradingsymbol: string;
  instrument_token: number;
  order_type: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  price: number;
  average_price: number;
  filled_quantity: number;
  pending_quantity: number;
  cancelled_quantity: number;
  tag: string | null;
};

export type KiteTrade = {
  trade_id: string;
  order_id: string;
  exchange: string;
  tradingsymbol: string;
  average_price: number;
  quantity: number;
  transaction_type: 'BUY' | 'SELL';
  fill_timestamp: string;
};

export type KitePosition = {
  tradingsymbol: string;
  exchange: string;
  quantity: number;
  average_price: number;
  product: string;
};

export type KiteSession = {
  user_id: string;
  user_name: string;
  access_token: string;
  login_time: string;
};

/** Lower-case hex SHA-256 of the plain concatenation: Kite's checksum for logins and postbacks. */
export const kiteChecksum = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('')).digest('hex');

/** Kite writes every time as "YYYY-MM-DD HH:MM:SS" in IST; ours carry the offset. */
export function kiteTime(s: string | null | undefined): string | null {
  if (!s || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return null;
  return `${s.replace(' ', 'T')}+05:30`;
}

/** Our reject code for words Kite (or the exchange behind it) uses in a rejection. */
export function kiteRejectCode(message: string, errorType?: string): RejectCode {
  if (errorType === 'MarginException' || /insufficient funds|margin/i.test(message))
    return 'INSUFFICIENT_MARGIN';
  if (/circuit limit|price band|price range|daily range|outside.*band/i.test(message))
    return 'PRICE_BAND';
  if (/lot size|quantity|freeze/i.test(message)) return 'INVALID_QUANTITY';
  if (/tradingsymbol|instrument|symbol/i.test(message)) return 'INVALID_INSTRUMENT';
  if (/order_type|order type|trigger/i.test(message)) return 'ORDER_TYPE';
  if (/market (is )?closed|after market|outside market hours/i.test(message))
    return 'MARKET_CLOSED';
  return 'OTHER';
}

export class KiteClient {
  constructor(
    private readonly baseUrl: string,
    private readonly creds: KiteCredentials | null,
    private readonly timeoutMs = 5_000,
  ) {}

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    form?: Record<string, string>,
    opts: { auth?: boolean; json?: unknown } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { 'X-Kite-Version': '3' };
    if (opts.auth !== false) {
      if (!this.creds) throw new VenueAuthError('kite: no access token; log in to Kite first');
      headers.Authorization = `token ${this.creds.apiKey}:${this.creds.accessToken}`;
    }
    let body: string | undefined;
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    } else if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const r = await venueFetch('kite', `${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      timeoutMs: this.timeoutMs,
    });
    const env = jsonOf('kite', r) as {
      status?: string;
      data?: T;
      message?: string;
      error_type?: string;
    };
    if (r.status < 300 && env.status === 'success') return env.data as T;
    const message = env.message ?? `HTTP ${r.status}`;
    if (env.error_type === 'TokenException' || r.status === 403)
      throw new VenueAuthError(
        `kite: ${message} The daily Kite session has ended (it expires at 06:00 IST); log in to Kite again under Settings, Brokers.`,
      );
    if (env.error_type === 'NetworkException')
      throw new VenueUnavailable('server', `kite: ${message}`, r.status);
    throw new VenueRefusal(kiteRejectCode(message, env.error_type), message, r.status);
  }

  /** The day's instrument dump as CSV text (Kite serves it gzipped). */
  async instruments(): Promise<string> {
    const headers: Record<string, string> = { 'X-Kite-Version': '3' };
    if (this.creds) headers.Authorization = `token ${this.creds.apiKey}:${this.creds.accessToken}`;
    const r = await venueFetch('kite', `${this.baseUrl}/instruments`, {
      headers,
      timeoutMs: Math.max(this.timeoutMs, 30_000),
    });
    if (r.status === 403)
      throw new VenueAuthError(
        'kite: the session has ended (it expires at 06:00 IST); log in to Kite again under Settings, Brokers.',
      );
    if (r.status !== 200)
      throw new VenueRefusal('OTHER', `kite: instrument dump answered HTTP ${r.status}`, r.status);
    // Kite gzips the dump with Content-Encoding: gzip, which fetch undoes on its own.
    return r.body;
  }

  orders(): Promise<KiteOrder[]> {
    return this.request('GET', '/orders');
  }
  orderHistory(orderId: string): Promise<KiteOrder[]> {
    return this.request('GET', `/orders/${encodeURIComponent(orderId)}`);
  }
  orderTrades(orderId: string): Promise<KiteTrade[]> {
    return this.request('GET', `/orders/${encodeURIComponent(orderId)}/trades`);
  }
  async placeOrder(variety: string, form: Record<string, string>): Promise<string> {
    const d = await this.request<{ order_id: string }>('POST', `/orders/${variety}`, form);
    return d.order_id;
  }
  async cancelOrder(variety: string, orderId: string): Promise<void> {
    await this.request('DELETE', `/orders/${variety}/${encodeURIComponent(orderId)}`);
  }
  positions(): Promise<{ net: KitePosition[]; day: KitePosition[] }> {
    return this.request('GET', '/portfolio/positions');
  }
  margins(): Promise<{ equity?: { net: number; enabled: boolean } }> {
    return this.request('GET', '/user/margins');
  }
  /**
   * Margin for a basket of orders with the hedge benefit between them (POST /margins/basket,
   * a JSON list of orders unlike every other call). With `considerPositions` Kite also offsets
   * the account's open positions. Answers the raw `data` for engine/margin/kite.ts to read.
   */
  basketMargins(orders: readonly object[], considerPositions: boolean): Promise<unknown> {
    return this.request(
      'POST',
      `/margins/basket?consider_positions=${considerPositions ? 'true' : 'false'}`,
      undefined,
      { json: orders },
    );
  }

  /** Step 3 of the login flow: the request_token from the redirect becomes an access token. */
  createSession(apiKey: string, requestToken: string, apiSecret: string): Promise<KiteSession> {
    return this.request(
      'POST',
      '/session/token',
      {
        api_key: apiKey,
        request_token: requestToken,
        checksum: kiteChecksum(apiKey, requestToken, apiSecret),
      },
      { auth: false },
    );
  }
}

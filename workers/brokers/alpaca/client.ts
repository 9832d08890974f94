/**
 * Alpaca's Trading API v2 over HTTP: JSON bodies with numbers as strings, `APCA-API-KEY-ID` /
 * `APCA-API-SECRET-KEY`, errors as `{"code","message"}` with the HTTP status. 401 means the keys
 * are wrong; 403 insufficient buying power or options level; 422 invalid parameters; 404 not found.
 */
import type { RejectCode } from '@/engine/broker/broker';
import { VenueAuthError, VenueRefusal } from '../errors';
import { jsonOf, venueFetch } from '../http';

export type AlpacaCredentials = { keyId: string; secretKey: string };

export type AlpacaOrder = {
  id: string;
  client_order_id: string | null;
  symbol: string;
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  side: 'buy' | 'sell';
  type: string;
  status: string;
  limit_price: string | null;
  created_at: string;
  updated_at: string | null;
  submitted_at: string | null;
};

export type AlpacaFill = {
  id: string;
  transaction_time: string;
  price: string;
  qty: string;
  side: string;
  symbol: string;
  order_id: string;
  cum_qty: string;
};

export type AlpacaPosition = {
  symbol: string;
  asset_class: string;
  qty: string;
  side: 'long' | 'short';
  avg_entry_price: string;
};

export function alpacaRejectCode(status: number, message: string): RejectCode {
  if (status === 403 || /buying power|insufficient/i.test(message)) return 'INSUFFICIENT_MARGIN';
  if (/asset|symbol/i.test(message) && /not found|invalid|not tradable/i.test(message))
    return 'INVALID_INSTRUMENT';
  if (/price/i.test(message) && /far|band|collar|range/i.test(message)) return 'PRICE_BAND';
  if (/qty|quantity/i.test(message)) return 'INVALID_QUANTITY';
  if (/order type|stop/i.test(message)) return 'ORDER_TYPE';
  if (/market.*closed/i.test(message)) return 'MARKET_CLOSED';
  return 'OTHER';
}

export class AlpacaClient {
  constructor(
    private readonly baseUrl: string,
    private readonly creds: AlpacaCredentials,
    private readonly timeoutMs = 5_000,
  ) {}

  /** One call; `missing` turns a 404 into null instead of an error. */
  async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    opts: { missing?: 'null' } = {},
  ): Promise<T> {
    const r = await venueFetch('alpaca', `${this.baseUrl}${path}`, {
      method,
      headers: {
        'APCA-API-KEY-ID': this.creds.keyId,
        'APCA-API-SECRET-KEY': this.creds.secretKey,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.timeoutMs,
    });
    if (r.status === 204) return undefined as T;
    const json = jsonOf('alpaca', r) as { message?: string };
    if (r.status < 300) return json as T;
    if (r.status === 404 && opts.missing === 'null') return null as T;
    const message = json.message ?? `HTTP ${r.status}`;
    if (r.status === 401)
      throw new VenueAuthError(
        `alpaca: ${message}; check the API key id and secret of this account`,
      );
    throw new VenueRefusal(alpacaRejectCode(r.status, message), message, r.status);
  }

  account(): Promise<{ account_number: string; status: string; options_buying_power?: string }> {
    return this.request('GET', '/v2/account');
  }
  placeOrder(body: Record<string, string>): Promise<AlpacaOrder> {
    return this.request('POST', '/v2/orders', body);
  }
  orderByClientId(clientOrderId: string): Promise<AlpacaOrder | null> {
    return this.request(
      'GET',
      `/v2/orders:by_client_order_id?client_order_id=${encodeURIComponent(clientOrderId)}`,
      undefined,
      { missing: 'null' },
    );
  }
  order(id: string): Promise<AlpacaOrder> {
    return this.request('GET', `/v2/orders/${encodeURIComponent(id)}`);
  }
  cancel(id: string): Promise<void> {
    return this.request('DELETE', `/v2/orders/${encodeURIComponent(id)}`);
  }
  positions(): Promise<AlpacaPosition[]> {
    return this.request('GET', '/v2/positions');
  }
  /** Fill activities since `after` (oldest first): one per execution, with the order's running total. */
  fills(after: string): Promise<AlpacaFill[]> {
    return this.request(
      'GET',
      `/v2/account/activities/FILL?after=${encodeURIComponent(after)}&direction=asc&page_size=100`,
    );
  }
}

/**
 * Deribit's JSON-RPC 2.0 over one WebSocket: requests matched to answers by id, each with a
 * deadline; `public/auth` (client_credentials) on every (re)connect so private calls and user
 * subscriptions work on the new connection; subscriptions re-sent after a reconnect;
 * heartbeats answered with `public/test`. Error codes become our error kinds here, once.
 */
import WebSocket from 'ws';
import type { RejectCode } from '@/engine/broker/broker';
import { logger } from '@/db/logger';
import { VenueAuthError, VenueRefusal, VenueUnavailable } from '../errors';

export type DeribitCredentials = { clientId: string; clientSecret: string };

/** Codes that mean "try again later" (the request did nothing or may be retried safely after a look-up). */
const TRANSIENT: Record<number, 'rate-limit' | 'server'> = {
  10028: 'rate-limit',
  10040: 'server',
  10041: 'server',
  10047: 'server',
  11051: 'server',
  13888: 'server',
};

export function deribitRejectCode(code: number): RejectCode {
  switch (code) {
    case 10009:
      return 'INSUFFICIENT_MARGIN';
    case 10005:
    case 10007:
      return 'PRICE_BAND';
    case 10020:
      return 'INVALID_INSTRUMENT';
    case 10002:
    case 10021:
      return 'INVALID_QUANTITY';
    default:
      return 'OTHER';
  }
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  method: string;
};

export class DeribitRpc {
  private ws: WebSocket | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly channels = new Set<string>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly creds: DeribitCredentials | null,
    private readonly onNotification: (channel: string, data: unknown) => void,
    private readonly timeoutMs = 5_000,
  ) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.ready !== null;
  }

  /** Connects and authenticates (once; later calls wait for the same connection). */
  connect(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      ws.on('open', async () => {
        try {
          if (this.creds)
            await this.send('public/auth', {
              grant_type: 'client_credentials',
              client_id: this.creds.clientId,
              client_secret: this.creds.clientSecret,
            });
          if (this.channels.size > 0)
            await this.send('public/subscribe', { channels: [...this.channels] });
          this.attempt = 0;
          resolve();
        } catch (e) {
          reject(e as Error);
          ws.close();
        }
      });
      ws.on('message', (raw) => this.onMessage(String(raw)));
      ws.on('error', (e) => reject(new VenueUnavailable('network', `deribit: ${e.message}`)));
      ws.on('close', () => {
        if (this.ws === ws) this.ws = null;
        this.ready = null;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(
            new VenueUnavailable('network', `deribit: connection closed during ${p.method}`),
          );
          this.pending.delete(id);
        }
        reject(new VenueUnavailable('network', 'deribit: connection closed'));
        this.scheduleReconnect();
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  // Subscriptions must come back after a drop even when no call is made in between.
  private scheduleReconnect() {
    if (this.closed || this.retry || this.channels.size === 0) return;
    const delay = Math.min(10_000, 200 * 2 ** this.attempt++);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch((e) =>
        logger.debug({ err: (e as Error).message }, 'deribit reconnect failed'),
      );
    }, delay);
    this.retry.unref();
  }

  private onMessage(raw: string) {
    let m: {
      id?: number;
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
      method?: string;
      params?: { channel?: string; data?: unknown; type?: string };
    };
    try {
      m = JSON.parse(raw);
    } catch {
      return;
    }
    if (m.method === 'heartbeat') {
      if (m.params?.type === 'test_request') void this.send('public/test', {}).catch(() => {});
      return;
    }
    if (m.method === 'subscription' && m.params?.channel) {
      this.onNotification(m.params.channel, m.params.data);
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (!m.error) return p.resolve(m.result);
    const { code, message } = m.error;
    const detail = m.error.data ? ` ${JSON.stringify(m.error.data)}` : '';
    if (TRANSIENT[code])
      return p.reject(new VenueUnavailable(TRANSIENT[code], `deribit: ${message} (${code})`));
    if (code === 13009 || code === 13004 || code === 10000)
      return p.reject(
        new VenueAuthError(
          `deribit: ${message} (${code}); check the client id and secret of this account`,
        ),
      );
    p.reject(new VenueRefusal(deribitRejectCode(code), `${message} (${code})${detail}`));
  }

  private send(method: string, params: Record<string, unknown>): Promise<unknown> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new VenueUnavailable('network', `deribit: not connected (${method})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new VenueUnavailable(
            'timeout',
            `deribit: no answer to ${method} within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** One call on the (re)connected, authenticated connection. */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    await this.connect();
    return (await this.send(method, params)) as T;
  }

  async subscribe(channels: string[]): Promise<void> {
    for (const c of channels) this.channels.add(c);
    await this.call('public/subscribe', { channels });
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.ws?.terminate();
  }
}

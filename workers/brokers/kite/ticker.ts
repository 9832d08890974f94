/**
 * One connection to Kite's WebSocket ticker: market data as binary frames (decoded by
 * engine/broker/kite-ticker), order updates and errors as JSON text. It reconnects with backoff
 * when the connection drops or goes quiet (Kite heartbeats every couple of seconds; five silent
 * seconds mean the connection is dead, as Zerodha's own clients assume), and re-sends its
 * subscriptions and modes after each reconnect.
 */
import WebSocket from 'ws';
import { decodeKiteFrame, type KiteTick, type KiteTickMode } from '@/engine/broker/kite-ticker';
import { logger } from '@/db/logger';

export type KiteTickerOptions = {
  url: string;
  apiKey: string;
  accessToken: string;
  onTicks?: (ticks: KiteTick[]) => void;
  onOrder?: (order: Record<string, unknown>) => void;
  onState?: (connected: boolean) => void;
  /** Silence after which the connection counts as dead. */
  watchdogMs?: number;
  maxBackoffMs?: number;
};

export class KiteTicker {
  private ws: WebSocket | null = null;
  private readonly modes = new Map<number, KiteTickMode>();
  private closed = false;
  private attempt = 0;
  private lastMessage = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private firstOpen: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly opts: KiteTickerOptions) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Connects; resolves on the first open, rejects if the first attempt fails (later drops reconnect). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstOpen = { resolve, reject };
      this.connect();
    });
  }

  subscribe(tokens: number[], mode: KiteTickMode): void {
    for (const t of tokens) this.modes.set(t, mode);
    this.sendSubscriptions(tokens);
  }

  private sendSubscriptions(tokens: number[]) {
    if (!this.connected || tokens.length === 0) return;
    this.ws!.send(JSON.stringify({ a: 'subscribe', v: tokens }));
    const byMode = new Map<KiteTickMode, number[]>();
    for (const t of tokens)
      byMode.set(this.modes.get(t)!, [...(byMode.get(this.modes.get(t)!) ?? []), t]);
    for (const [mode, ts] of byMode) this.ws!.send(JSON.stringify({ a: 'mode', v: [mode, ts] }));
  }

  private connect() {
    if (this.closed) return;
    const url = new URL(this.opts.url);
    url.searchParams.set('api_key', this.opts.apiKey);
    url.searchParams.set('access_token', this.opts.accessToken);
    const ws = new WebSocket(url, { headers: { 'X-Kite-Version': '3' } });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      this.attempt = 0;
      this.lastMessage = Date.now();
      this.sendSubscriptions([...this.modes.keys()]);
      this.opts.onState?.(true);
      this.firstOpen?.resolve();
      this.firstOpen = null;
      this.armWatchdog();
    });
    ws.on('message', (data, isBinary) => {
      this.lastMessage = Date.now();
      if (isBinary) {
        const buf = data as Buffer;
        try {
          const ticks = decodeKiteFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
          if (ticks.length > 0) this.opts.onTicks?.(ticks);
        } catch (e) {
          logger.warn({ err: (e as Error).message }, 'kite ticker: undecodable frame');
        }
        return;
      }
      let msg: { type?: string; data?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.type === 'order' && msg.data && typeof msg.data === 'object')
        this.opts.onOrder?.(msg.data as Record<string, unknown>);
      else if (msg.type === 'error') logger.warn({ message: msg.data }, 'kite ticker error');
    });
    ws.on('error', (e) => {
      if (this.firstOpen) {
        this.firstOpen.reject(new Error(`kite ticker: ${e.message}`));
        this.firstOpen = null;
      }
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null;
      this.opts.onState?.(false);
      this.scheduleReconnect();
    });
  }

  private armWatchdog() {
    if (this.watchdog) clearInterval(this.watchdog);
    const limit = this.opts.watchdogMs ?? 5_000;
    this.watchdog = setInterval(
      () => {
        if (this.connected && Date.now() - this.lastMessage > limit) this.ws?.terminate();
      },
      Math.max(250, limit / 2),
    );
    this.watchdog.unref();
  }

  private scheduleReconnect() {
    if (this.closed || this.retry) return;
    const delay = Math.min(this.opts.maxBackoffMs ?? 10_000, 200 * 2 ** this.attempt++);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
    this.retry.unref();
  }

  close(): void {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retry) clearTimeout(this.retry);
    this.ws?.terminate();
    this.ws = null;
  }
}

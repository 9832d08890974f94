/**
 * Alpaca's `trade_updates` stream: authenticate, listen, then one event per order change
 * (new, fill, partial_fill, canceled, ...). Alpaca's paper stream sends JSON in binary frames,
 * so both frame kinds are read as text. Reconnects with backoff and listens again.
 */
import WebSocket from 'ws';
import { logger } from '@/db/logger';
import type { AlpacaCredentials } from './client';

export class AlpacaTradeStream {
  private ws: WebSocket | null = null;
  private listening = false;
  private closed = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly creds: AlpacaCredentials,
    private readonly onEvent: (event: string, order: { id: string }) => void,
  ) {}

  get connected(): boolean {
    return this.listening && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves once listening; rejects when the first connection or its authentication fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.connect(resolve, reject));
  }

  private connect(resolve?: () => void, reject?: (e: Error) => void) {
    if (this.closed) return;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          action: 'authenticate',
          data: { key_id: this.creds.keyId, secret_key: this.creds.secretKey },
        }),
      ),
    );
    ws.on('message', (raw) => {
      let m: { stream?: string; data?: Record<string, unknown> };
      try {
        m = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (m.stream === 'authorization') {
        if (m.data?.status === 'authorized')
          ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
        else {
          reject?.(
            new Error('alpaca trade_updates: unauthorized (check the API key id and secret)'),
          );
          reject = undefined;
          resolve = undefined;
          ws.close();
        }
      } else if (m.stream === 'listening') {
        this.listening = true;
        this.attempt = 0;
        resolve?.();
        resolve = undefined;
        reject = undefined;
      } else if (m.stream === 'trade_updates') {
        const order = m.data?.order as { id?: string } | undefined;
        if (order?.id) this.onEvent(String(m.data?.event), { id: order.id });
      }
    });
    ws.on('error', (e) => {
      logger.debug({ err: e.message }, 'alpaca trade_updates error');
      reject?.(new Error(`alpaca trade_updates: ${e.message}`));
      reject = undefined;
      resolve = undefined;
    });
    ws.on('close', () => {
      this.listening = false;
      if (this.ws === ws) this.ws = null;
      if (this.closed || this.retry) return;
      const delay = Math.min(10_000, 200 * 2 ** this.attempt++);
      this.retry = setTimeout(() => {
        this.retry = null;
        this.connect();
      }, delay);
      this.retry.unref();
    });
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.ws?.terminate();
  }
}

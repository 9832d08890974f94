/** A local webhook receiver for tests: records each JSON POST with its Idempotency-Key; can fail the next calls with a status. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type WebhookReceiver = {
  url: string;
  received: { key: string | undefined; body: Record<string, unknown> }[];
  /** The next `n` POSTs answer `status` (and are not recorded as received). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  let fail = { n: 0, status: 500 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      if (fail.n > 0) {
        fail.n--;
        res.writeHead(fail.status).end();
        return;
      }
      const key = req.headers['idempotency-key'];
      received.push({ key: Array.isArray(key) ? key[0] : key, body: JSON.parse(body) as Record<string, unknown> }); // prettier-ignore
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/strikeflow`,
    received,
    failNext: (n, status) => (fail = { n, status }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A local Telegram Bot API for tests, from Telegram's documents (core.telegram.org/bots/api):
 * `POST /bot<token>/sendMessage` with a JSON body (`chat_id`, `text`) answers
 * `{ok:true, result: Message}`; errors are `{ok:false, error_code, description}`, and a flood
 * limit is 429 with `parameters.retry_after` (seconds). A wrong token is 401 "Unauthorized", an
 * unknown chat 400 "Bad Request: chat not found". It never imports our sender.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TelegramMessage = { chatId: string; text: string; messageId: number; at: number };

export type TelegramFake = {
  url: string;
  /** Messages the bot delivered. */
  messages: TelegramMessage[];
  /** Every sendMessage request, delivered or not (time and answer status). */
  requests: { at: number; status: number }[];
  /** The next `n` sendMessage calls answer 429 with this retry_after. */
  floodNext(n: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
};

export async function startTelegramFake(opts: {
  token: string;
  chats: string[];
}): Promise<TelegramFake> {
  const messages: TelegramMessage[] = [];
  const requests: { at: number; status: number }[] = [];
  let flood = { n: 0, retryAfter: 1 };
  let nextId = 100;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      const answer = (status: number, json: unknown) => {
        requests.push({ at: Date.now(), status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!m || req.method !== 'POST')
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (m[1] !== opts.token)
        return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      if (m[2] !== 'sendMessage')
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (flood.n > 0) {
        flood.n--;
        return answer(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${flood.retryAfter}`, parameters: { retry_after: flood.retryAfter } }); // prettier-ignore
      }
      let p: { chat_id?: unknown; text?: unknown };
      try {
        p = JSON.parse(body) as typeof p;
      } catch {
        return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" }); // prettier-ignore
      }
      const chat = String(p.chat_id ?? '');
      if (typeof p.text !== 'string' || p.text.length === 0)
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' }); // prettier-ignore
      if (!opts.chats.includes(chat))
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }); // prettier-ignore
      const messageId = nextId++;
      messages.push({ chatId: chat, text: p.text, messageId, at: Date.now() });
      answer(200, { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat), type: 'private' }, text: p.text } }); // prettier-ignore
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    floodNext: (n, retryAfter) => (flood = { n, retryAfter }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

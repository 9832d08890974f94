/**
 * One alert message out: Telegram's Bot API `sendMessage`, or a JSON POST to a webhook. Every
 * answer becomes an outcome the delivery job acts on: sent, retry (Telegram's 429 with its
 * retry_after, a 5xx, a refused connection: nothing was delivered), or failed for good (a wrong
 * token or chat, a 4xx, no answer in time: the message may have arrived, so it is not sent again).
 * Error texts never contain the token or the webhook URL: they are shown on the settings page.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { AlertSecret } from '@/db/alert-secrets';

export type SendOutcome =
  | { kind: 'sent'; response: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'failed'; error: string };

export type AlertMessage = {
  key: string;
  kind: string;
  title: string;
  message: string;
  deploymentId: string | null;
  at: string;
};

export type SendOptions = {
  telegramUrl: string;
  /** Whether webhooks may target loopback and private networks (ALERT_WEBHOOK_PRIVATE=allow). */
  allowPrivate: boolean;
  timeoutMs?: number;
};

/** Connection failures that happen before a request is sent: safe to try again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']); // prettier-ignore

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<Response | SendOutcome> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const code = ((e as { cause?: { code?: string } }).cause?.code ?? '') as string;
    if (NOT_SENT.has(code)) return { kind: 'retry', error: `could not reach ${what} (${code})` };
    if ((e as Error).name === 'TimeoutError')
      return { kind: 'failed', error: `${what} did not answer within ${Math.round(timeoutMs / 1000)} s; not sent again, so it cannot arrive twice` }; // prettier-ignore
    return { kind: 'failed', error: `could not send to ${what}${code ? ` (${code})` : ''}` };
  }
}

export async function sendTelegram(
  secret: { botToken: string; chatId: string },
  m: AlertMessage,
  opts: SendOptions,
): Promise<SendOutcome> {
  const base = opts.telegramUrl.replace(/\/+$/, '');
  const text = `${m.title}\n${m.message}`.slice(0, 4096);
  const r = await post(`${base}/bot${secret.botToken}/sendMessage`, { chat_id: secret.chatId, text, disable_web_page_preview: true }, {}, opts.timeoutMs ?? 10_000, 'Telegram'); // prettier-ignore
  if (!(r instanceof Response)) return r;
  const body = (await r.json().catch(() => null)) as {
    ok?: boolean;
    description?: string;
    result?: { message_id?: number };
    parameters?: { retry_after?: number };
  } | null;
  if (r.ok && body?.ok)
    return { kind: 'sent', response: `message ${body.result?.message_id ?? '?'}` };
  const why = `Telegram answered ${r.status}${body?.description ? `: ${body.description}` : ''}`;
  if (r.status === 429) {
    const s = body?.parameters?.retry_after;
    return {
      kind: 'retry',
      error: why,
      retryAfterMs: typeof s === 'number' ? s * 1000 : undefined,
    };
  }
  if (r.status >= 500) return { kind: 'retry', error: why };
  const hint =
    r.status === 401 ? ' (check the bot token)' : r.status === 400 || r.status === 403 ? ' (check the chat id, and that the chat has started the bot)' : ''; // prettier-ignore
  return { kind: 'failed', error: why + hint };
}

/** Loopback, private, link-local and unique-local addresses (where a webhook must not reach by default). */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127); // prettier-ignore
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80'); // prettier-ignore
}

export async function sendWebhook(
  secret: { url: string },
  m: AlertMessage,
  idempotencyKey: string,
  opts: SendOptions,
): Promise<SendOutcome> {
  const u = new URL(secret.url);
  const where = `the webhook at ${u.host}`;
  if (!opts.allowPrivate) {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const addrs = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address); // prettier-ignore
    if (addrs.length === 0) return { kind: 'retry', error: `could not resolve ${u.hostname}` };
    if (addrs.some(isPrivateAddress))
      return { kind: 'failed', error: `${where} is on a private or loopback network; webhooks go to public addresses (set ALERT_WEBHOOK_PRIVATE=allow on the server to permit it)` }; // prettier-ignore
  }
  const r = await post(secret.url, m, { 'idempotency-key': idempotencyKey }, opts.timeoutMs ?? 10_000, where); // prettier-ignore
  if (!(r instanceof Response)) return r;
  await r.body?.cancel().catch(() => {});
  if (r.ok) return { kind: 'sent', response: `HTTP ${r.status}` };
  const why = `${where} answered ${r.status}`;
  if (r.status === 429 || r.status >= 500) {
    const s = Number(r.headers.get('retry-after'));
    return { kind: 'retry', error: why, retryAfterMs: Number.isFinite(s) && s > 0 ? s * 1000 : undefined }; // prettier-ignore
  }
  return { kind: 'failed', error: why };
}

/** Sends to whichever kind of channel the secret is for. */
export function sendAlert(
  secret: AlertSecret,
  m: AlertMessage,
  idempotencyKey: string,
  opts: SendOptions,
): Promise<SendOutcome> {
  return secret.kind === 'telegram'
    ? sendTelegram(secret, m, opts)
    : sendWebhook(secret, m, idempotencyKey, opts);
}

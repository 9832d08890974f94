/**
 * What an alert channel's sealed `secret` holds (a Telegram bot token and chat, or a webhook URL),
 * validated on the way in, and the only two functions that seal or open it (bound to the row).
 */
import { z } from 'zod';
import { open, seal } from './secret-box';

export const TelegramSecretSchema = z.strictObject({
  // Telegram's tokens look like 123456789:AA...; the format is checked so a pasted chat id is caught.
  botToken: z
    .string()
    .trim()
    .regex(
      /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/,
      'bot token looks like 123456789:AAE… (as @BotFather gives it)',
    ),
  chatId: z
    .string()
    .trim()
    .regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, 'chat id is a number (or @channelname)'),
});
export const WebhookSecretSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'webhook URL must be an http(s) address' })
    .max(2000, 'webhook URL is longer than 2000 characters'),
});
export type TelegramSecret = z.infer<typeof TelegramSecretSchema>;
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;
export type AlertSecret =
  ({ kind: 'telegram' } & TelegramSecret) | ({ kind: 'webhook' } & WebhookSecret);

const context = (row: { id: string; ownerId: string }) => `alert_channels:${row.id}:${row.ownerId}`;

export function sealAlertSecret(row: { id: string; ownerId: string }, s: AlertSecret): string {
  return seal(JSON.stringify(s), context(row));
}

export function openAlertSecret(row: { id: string; ownerId: string; secret: string }): AlertSecret {
  const raw = JSON.parse(open(row.secret, context(row))) as { kind?: string };
  if (raw.kind === 'telegram') return { kind: 'telegram', ...TelegramSecretSchema.parse({ botToken: (raw as TelegramSecret).botToken, chatId: (raw as TelegramSecret).chatId }) }; // prettier-ignore
  return { kind: 'webhook', ...WebhookSecretSchema.parse({ url: (raw as WebhookSecret).url }) };
}

/** What the page shows instead of the secret: the chat, or the webhook's host. */
export function alertHint(s: AlertSecret): string {
  if (s.kind === 'telegram') return `chat ${s.chatId}`;
  const u = new URL(s.url);
  return `${u.protocol}//${u.host}`;
}

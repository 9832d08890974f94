// Alerts end to end on a real database and Redis: a BullMQ worker sends notifications to a local
// fake of Telegram's Bot API and a local webhook receiver (both on 127.0.0.1, port 0). One message
// per notification and channel, whatever retries; Telegram's 429 retry_after is waited for; errors
// land on the channel for the settings page, never with the token; alerts.* is owner-scoped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { alertChannels, alertDeliveries, notifications } from '@/db/schema';
import { useTestApi } from '@/server/testing/api';
import { startTelegramFake, type TelegramFake } from '@/tests/fakes/telegram';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/fakes/webhook';
import { testRedisUrl } from '@/tests/setup/redis';
import { closeQueues, createConnection, enqueueAlerts, QUEUES } from '../queues';
import { alertBackoff, alertsProcessor, deliverNotification, type AlertDeps } from '.';

const api = useTestApi();
const TOKEN = '123456789:AAEtestTokenForTheFakeBot_0123456789';
const CHAT = '4242';
let telegram: TelegramFake;
let hook: WebhookReceiver;
let worker: Worker;
let deps: AlertDeps;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-alerts-'));
  process.env.REDIS_URL = await testRedisUrl();
  process.env.DATA_DIR = dataDir;
  resetEnv();
  telegram = await startTelegramFake({ token: TOKEN, chats: [CHAT] });
  hook = await startWebhookReceiver();
  deps = { db: async () => api.db, send: { telegramUrl: telegram.url, allowPrivate: true, timeoutMs: 5_000 } }; // prettier-ignore
  worker = new Worker(QUEUES.alerts, alertsProcessor(deps), {
    connection: createConnection('worker', process.env.REDIS_URL),
    settings: { backoffStrategy: alertBackoff },
  });
  await worker.waitUntilReady();
});

afterAll(async () => {
  await worker?.close();
  await closeQueues();
  await Promise.all([telegram?.close(), hook?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function notify(userId: string, title = 'Entry · Test straddle') {
  const [n] = await api.db
    .insert(notifications)
    .values({
      userId,
      key: `test-${Math.random()}`,
      kind: 'entry',
      title,
      message: 'CE 24300 entered at 120.5',
    }) // prettier-ignore
    .returning({ id: notifications.id, key: notifications.key });
  return n;
}

async function settled(id: number, channels: number, ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const rows = await api.db.select().from(alertDeliveries).where(eq(alertDeliveries.notificationId, id)); // prettier-ignore
    if (rows.length === channels && rows.every((r) => r.status === 'sent' || r.status === 'failed')) return rows; // prettier-ignore
    if (Date.now() > until) throw new Error(`deliveries of ${id} did not settle: ${JSON.stringify(rows)}`); // prettier-ignore
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alert delivery', () => {
  it('sends one Telegram message and one webhook POST per alert, and never a second on a retried job', async () => {
    const { caller, userId } = await api.callerFor('alerts-once@example.test');
    await caller.alerts.addChannel({ kind: 'telegram', label: 'Phone', botToken: TOKEN, chatId: CHAT }); // prettier-ignore
    await caller.alerts.addChannel({ kind: 'webhook', label: 'Desk', url: hook.url });
    const before = telegram.messages.length;
    const ref = await notify(userId);
    const { id } = ref;
    await enqueueAlerts([ref]);
    await enqueueAlerts([ref]); // the same job id: BullMQ keeps one
    const rows = await settled(id, 2);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(telegram.messages.length - before).toBe(1);
    expect(telegram.messages.at(-1)).toMatchObject({ chatId: CHAT, text: 'Entry · Test straddle\nCE 24300 entered at 120.5' }); // prettier-ignore
    const posted = hook.received.filter((r) => r.body.title === 'Entry · Test straddle');
    expect(posted).toHaveLength(1);
    expect(posted[0].key).toMatch(/^test-.+:[0-9a-f-]{36}$/);

    // A job run again (a crash after sending, a sweep) finds the rows sent and sends nothing.
    const again = await deliverNotification(deps, id);
    expect(again).toEqual({ sent: 0, failed: 0, retrying: 0, skipped: 2 });
    expect(telegram.messages.length - before).toBe(1);
    expect(hook.received.filter((r) => r.body.title === 'Entry · Test straddle')).toHaveLength(1);
    await caller.alerts.removeChannel({ id: (await caller.alerts.channels())[1].id });
  });

  it("waits for Telegram's retry_after on a 429, then delivers once", async () => {
    const { caller, userId } = await api.callerFor('alerts-flood@example.test');
    await caller.alerts.addChannel({ kind: 'telegram', label: 'Phone', botToken: TOKEN, chatId: CHAT }); // prettier-ignore
    telegram.floodNext(1, 1);
    const before = telegram.messages.length;
    const ref = await notify(userId, 'Stop · flood test');
    const { id } = ref;
    const t0 = Date.now();
    await enqueueAlerts([ref]);
    const [row] = await settled(id, 1);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(2);
    const mine = telegram.messages
      .slice(before)
      .filter((m) => m.text.startsWith('Stop · flood test'));
    expect(mine).toHaveLength(1);
    expect(mine[0].at - t0).toBeGreaterThanOrEqual(1_000);
    const [ch] = await caller.alerts.channels();
    expect(ch.lastError).toBeNull();
    expect(ch.recent[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('records a refused token on the channel without ever showing the token', async () => {
    const { caller, userId } = await api.callerFor('alerts-wrong@example.test');
    const wrong = '987654321:AAEwrongTokenWrongTokenWrong_987654';
    await caller.alerts.addChannel({ kind: 'telegram', label: 'Old bot', botToken: wrong, chatId: CHAT }); // prettier-ignore
    const ref = await notify(userId, 'Kill · wrong token');
    const { id } = ref;
    await enqueueAlerts([ref]);
    const [row] = await settled(id, 1);
    expect(row.status).toBe('failed');
    const channels = await caller.alerts.channels();
    expect(channels[0].lastError).toMatch(
      /Telegram answered 401: Unauthorized \(check the bot token\)/,
    );
    const text = JSON.stringify(channels);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain('AAEwrong');
    const [stored] = await api.db.select().from(alertChannels).where(eq(alertChannels.ownerId, userId)); // prettier-ignore
    expect(stored.secret).not.toContain('AAEwrong');
  });

  it('retries a webhook that answers 503 and refuses private addresses unless allowed', async () => {
    const { caller, userId } = await api.callerFor('alerts-hook@example.test');
    await caller.alerts.addChannel({ kind: 'webhook', label: 'Desk', url: hook.url });
    hook.failNext(1, 503);
    const ref = await notify(userId, 'Re-entry · hook test');
    const { id } = ref;
    await enqueueAlerts([ref]);
    const [row] = await settled(id, 1);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(hook.received.filter((r) => r.body.title === 'Re-entry · hook test')).toHaveLength(1);

    const strict: AlertDeps = { ...deps, send: { ...deps.send, allowPrivate: false } };
    const { id: id2 } = await notify(userId, 'Denied · private');
    expect(await deliverNotification(strict, id2)).toMatchObject({ failed: 1 });
    const [ch] = await caller.alerts.channels();
    expect(ch.lastError).toMatch(/private or loopback network/);
    expect(JSON.stringify(ch)).not.toContain('/hooks/strikeflow');
  });
});

describe('alert jobs across databases', () => {
  it('delivers a notification whose id a database started afresh reuses, behind the same Redis', async () => {
    const { caller, userId } = await api.callerFor('alerts-fresh@example.test');
    await caller.alerts.addChannel({ kind: 'webhook', label: 'Desk', url: hook.url });
    const first = await notify(userId, 'Entry · first database');
    await enqueueAlerts([first]);
    expect((await settled(first.id, 1))[0].status).toBe('sent');
    // A fresh database numbers its notifications from where the old one did: same id, new key.
    await api.db.delete(notifications).where(eq(notifications.id, first.id));
    const [again] = await api.db.insert(notifications).values({ id: first.id, userId, key: `fresh-${Math.random()}`, kind: 'entry', title: 'Entry · fresh database', message: 'CE 24300 entered at 118' }).returning({ id: notifications.id, key: notifications.key }); // prettier-ignore
    await enqueueAlerts([again]);
    expect((await settled(again.id, 1))[0].status).toBe('sent');
    expect(hook.received.filter((r) => r.body.title === 'Entry · fresh database')).toHaveLength(1);
  });
});

describe('alerts.* API', () => {
  it('is owner-scoped, validates what it stores, and limits channels and tests', async () => {
    const a = await api.callerFor('alerts-a@example.test');
    const b = await api.callerFor('alerts-b@example.test');
    const ch = await a.caller.alerts.addChannel({ kind: 'telegram', label: 'Phone', botToken: TOKEN, chatId: CHAT }); // prettier-ignore
    expect(ch).toMatchObject({ kind: 'telegram', hint: `chat ${CHAT}`, enabled: true });
    expect(JSON.stringify(ch)).not.toContain(TOKEN);

    expect(await b.caller.alerts.channels()).toEqual([]);
    await expect(b.caller.alerts.setEnabled({ id: ch.id, enabled: false })).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore
    await expect(b.caller.alerts.removeChannel({ id: ch.id })).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore

    await expect(a.caller.alerts.addChannel({ kind: 'telegram', label: 'Bad', botToken: '4242', chatId: CHAT })).rejects.toThrow(/bot token looks like/); // prettier-ignore
    await expect(a.caller.alerts.addChannel({ kind: 'webhook', label: 'Ftp', url: 'ftp://example.com/x' })).rejects.toThrow(/http\(s\)/); // prettier-ignore
    await expect(a.caller.alerts.addChannel({ kind: 'telegram', label: 'Phone', botToken: TOKEN, chatId: CHAT })).rejects.toThrow(/already have an alert channel called "Phone"/); // prettier-ignore
    for (let i = 1; i < 10; i++) await a.caller.alerts.addChannel({ kind: 'webhook', label: `Hook ${i}`, url: `${hook.url}?n=${i}` }); // prettier-ignore
    await expect(a.caller.alerts.addChannel({ kind: 'webhook', label: 'Hook 11', url: `${hook.url}?n=11` })).rejects.toThrow(/the most allowed/); // prettier-ignore

    expect(await a.caller.alerts.setEnabled({ id: ch.id, enabled: false })).toEqual({ id: ch.id, enabled: false }); // prettier-ignore
    for (let i = 0; i < 3; i++) await a.caller.alerts.sendTest();
    await expect(a.caller.alerts.sendTest()).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const feedA = await a.caller.alerts.notifications();
    expect(feedA.items.filter((n) => n.kind === 'test')).toHaveLength(3);
    expect((await b.caller.alerts.notifications()).items).toEqual([]);
    expect(await a.caller.alerts.markAllRead()).toEqual({ marked: 3 });
    expect((await a.caller.alerts.notifications()).unread).toBe(0);
  });
});

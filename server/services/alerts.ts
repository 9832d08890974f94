/**
 * Alerts for the API, owner-scoped: the trader's channels (Telegram, webhook) with their last
 * error and recent messages, the in-app notifications behind the header's bell, and a test
 * alert. Secrets are sealed before they are stored and never read back here.
 */
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { alertHint, sealAlertSecret, type AlertSecret } from '@/db/alert-secrets';
import { alertChannels, alertDeliveries, notifications } from '@/db/schema';
import { enqueueAlerts } from '@/workers/queues';
import { AppError } from '../errors';

/** Channels one trader may configure. */
export const MAX_ALERT_CHANNELS = 10;
/** Test alerts one trader may send per minute. */
export const MAX_TESTS_PER_MINUTE = 3;

export type AlertChannelView = {
  id: string;
  kind: 'telegram' | 'webhook';
  label: string;
  enabled: boolean;
  hint: string;
  lastSentAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The newest messages first; `notificationId` lets the page find the delivery of a test it sent. */
  recent: {
    notificationId: number;
    at: Date;
    title: string;
    status: string;
    attempts: number;
    detail: string | null;
  }[];
};

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `alert channel ${id} not owned`, 'That alert channel does not exist or is not yours.'); // prettier-ignore

export async function listChannels(db: Db, ownerId: string): Promise<AlertChannelView[]> {
  const rows = await db
    .select()
    .from(alertChannels)
    .where(eq(alertChannels.ownerId, ownerId))
    .orderBy(alertChannels.createdAt);
  if (rows.length === 0) return [];
  const recent = await db
    .select({
      channelId: alertDeliveries.channelId,
      notificationId: alertDeliveries.notificationId,
      at: alertDeliveries.updatedAt,
      status: alertDeliveries.status,
      attempts: alertDeliveries.attempts,
      response: alertDeliveries.response,
      lastError: alertDeliveries.lastError,
      title: notifications.title,
    })
    .from(alertDeliveries)
    .innerJoin(notifications, eq(notifications.id, alertDeliveries.notificationId))
    .where(
      inArray(
        alertDeliveries.channelId,
        rows.map((r) => r.id),
      ),
    ) // prettier-ignore
    .orderBy(desc(alertDeliveries.id))
    .limit(20 * rows.length);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: r.label,
    enabled: r.enabled,
    hint: r.hint,
    lastSentAt: r.lastSentAt,
    lastError: r.lastError,
    lastErrorAt: r.lastErrorAt,
    recent: recent
      .filter((d) => d.channelId === r.id)
      .slice(0, 10)
      .map((d) => ({ notificationId: d.notificationId, at: d.at, title: d.title, status: d.status, attempts: d.attempts, detail: d.lastError ?? d.response })), // prettier-ignore
  }));
}

export async function addChannel(
  db: Db,
  ownerId: string,
  input: { label: string } & AlertSecret,
): Promise<AlertChannelView> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(alertChannels)
    .where(eq(alertChannels.ownerId, ownerId));
  if (n >= MAX_ALERT_CHANNELS)
    throw new AppError('UNPROCESSABLE', `${ownerId} has ${n} alert channels`, `You have ${n} alert channels, the most allowed; remove one first.`); // prettier-ignore
  const [dup] = await db.select({ id: alertChannels.id }).from(alertChannels).where(and(eq(alertChannels.ownerId, ownerId), eq(alertChannels.label, input.label))); // prettier-ignore
  if (dup)
    throw new AppError('CONFLICT', 'label taken', `You already have an alert channel called "${input.label}"; pick another name.`); // prettier-ignore
  const id = randomUUID();
  const { label, ...secret } = input;
  await db.insert(alertChannels).values({
    id,
    ownerId,
    kind: secret.kind,
    label,
    secret: sealAlertSecret({ id, ownerId }, secret),
    hint: alertHint(secret),
  });
  return (await listChannels(db, ownerId)).find((c) => c.id === id)!;
}

export async function setChannelEnabled(db: Db, ownerId: string, id: string, enabled: boolean) {
  const [row] = await db
    .update(alertChannels)
    .set({ enabled })
    .where(and(eq(alertChannels.id, id), eq(alertChannels.ownerId, ownerId)))
    .returning({ id: alertChannels.id });
  if (!row) throw notFound(id);
  return { id, enabled };
}

export async function removeChannel(db: Db, ownerId: string, id: string) {
  const [row] = await db
    .delete(alertChannels)
    .where(and(eq(alertChannels.id, id), eq(alertChannels.ownerId, ownerId)))
    .returning({ id: alertChannels.id });
  if (!row) throw notFound(id);
  return { id };
}

/** A test alert to every enabled channel (and the bell), so a trader sees the setup works. */
export async function sendTestAlert(db: Db, ownerId: string, now = Date.now()) {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, ownerId), eq(notifications.kind, 'test'), gt(notifications.createdAt, new Date(now - 60_000)))); // prettier-ignore
  if (n >= MAX_TESTS_PER_MINUTE)
    throw new AppError('TOO_MANY_REQUESTS', `${ownerId} sent ${n} tests this minute`, `You sent ${n} test alerts in the last minute; wait a minute and try again.`); // prettier-ignore
  const [row] = await db
    .insert(notifications)
    .values({
      userId: ownerId,
      key: `test:${randomUUID()}`,
      kind: 'test',
      title: 'Test alert · Strikeflow',
      message: 'Alerts reach this channel: entries, stops, re-entries, denials, broker errors and kills of your deployments will arrive here.', // prettier-ignore
    })
    .returning({ id: notifications.id, key: notifications.key });
  await enqueueAlerts([row]);
  return { id: row.id };
}

export async function listNotifications(db: Db, userId: string, limit = 30) {
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      message: notifications.message,
      deploymentId: notifications.deploymentId,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.id))
    .limit(limit);
  const [{ unread }] = await db
    .select({ unread: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return { items: rows, unread };
}

export async function markAllRead(db: Db, userId: string) {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: rows.length };
}

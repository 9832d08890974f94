/**
 * The alerts worker: sends a notification to each of its owner's enabled channels, at most once
 * per channel. The (notification, channel) row in Postgres is claimed before the message goes
 * out, so a retried or duplicated job never sends twice; a message Telegram or a webhook refused
 * for now (429, 5xx, no connection) is retried with backoff, and what failed for good is written
 * on the row and on the channel, where the settings page shows it.
 */
import type { Job } from 'bullmq';
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { openAlertSecret } from '@/db/alert-secrets';
import { alertChannels, alertDeliveries, notifications } from '@/db/schema';
import { ALERT_ATTEMPTS, ALERT_JOBS, AlertJobSchema, enqueueAlerts } from '../queues';
import { sendAlert, type SendOptions, type SendOutcome } from './send';

export type AlertDeps = { db: () => Promise<Db>; send: SendOptions; now?: () => number };

/** Thrown to have BullMQ try the job again later (after Telegram's retry_after when it gave one). */
export class RetryAlertLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'RetryAlertLater';
  }
}

/** BullMQ's backoff for alert jobs: Telegram's retry_after when given, else 1 s, 2 s, 4 s, ... */
export function alertBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  const asked = err instanceof RetryAlertLater ? err.retryAfterMs : undefined;
  if (asked !== undefined) return Math.min(Math.max(asked, 100), 10 * 60_000);
  return Math.min(1_000 * 2 ** Math.max(0, attemptsMade - 1), 60_000);
}

export type DeliveryResult = { sent: number; failed: number; retrying: number; skipped: number };

/**
 * Sends notification `id` where its owner wants alerts. `finalAttempt`: a message that would be
 * retried is marked failed instead (the job has no attempts left).
 */
export async function deliverNotification(
  deps: AlertDeps,
  id: number,
  finalAttempt = false,
): Promise<DeliveryResult> {
  const db = await deps.db();
  const out: DeliveryResult = { sent: 0, failed: 0, retrying: 0, skipped: 0 };
  const [n] = await db.select().from(notifications).where(eq(notifications.id, id));
  if (!n) return out;
  if (!n.dispatchedAt)
    await db.update(notifications).set({ dispatchedAt: new Date() }).where(eq(notifications.id, id)); // prettier-ignore
  const channels = await db
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.ownerId, n.userId), eq(alertChannels.enabled, true)))
    .orderBy(asc(alertChannels.createdAt));
  let retryAfter: number | undefined;
  let retryWhy = '';
  for (const ch of channels) {
    // The claim: a fresh row, or a row waiting for a retry; anything else was sent or gave up.
    const fresh = await db
      .insert(alertDeliveries)
      .values({ notificationId: id, channelId: ch.id, status: 'sending', attempts: 1 })
      .onConflictDoNothing()
      .returning({ id: alertDeliveries.id });
    const claimed = fresh.length
      ? fresh
      : await db
          .update(alertDeliveries)
          .set({ status: 'sending', attempts: sql`${alertDeliveries.attempts} + 1` })
          .where(
            and(
              eq(alertDeliveries.notificationId, id),
              eq(alertDeliveries.channelId, ch.id),
              eq(alertDeliveries.status, 'retrying'),
            ),
          ) // prettier-ignore
          .returning({ id: alertDeliveries.id });
    if (claimed.length === 0) {
      out.skipped++;
      continue;
    }
    const rowId = claimed[0].id;
    let outcome: SendOutcome;
    try {
      outcome = await sendAlert(
        openAlertSecret(ch),
        { key: n.key, kind: n.kind, title: n.title, message: n.message, deploymentId: n.deploymentId, at: n.createdAt.toISOString() }, // prettier-ignore
        `${n.key}:${ch.id}`,
        deps.send,
      );
    } catch (e) {
      outcome = { kind: 'failed' as const, error: `could not send: ${(e as Error).name === 'SecretBoxError' ? (e as Error).message : 'the channel settings could not be read; save the channel again'}` }; // prettier-ignore
    }
    const now = new Date();
    if (outcome.kind === 'sent') {
      out.sent++;
      await db.update(alertDeliveries).set({ status: 'sent', response: outcome.response, lastError: null }).where(eq(alertDeliveries.id, rowId)); // prettier-ignore
      await db.update(alertChannels).set({ lastSentAt: now, lastError: null, lastErrorAt: null }).where(eq(alertChannels.id, ch.id)); // prettier-ignore
      continue;
    }
    const retry = outcome.kind === 'retry' && !finalAttempt;
    if (retry) {
      out.retrying++;
      retryWhy = outcome.error;
      const after = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
      if (after !== undefined) retryAfter = Math.max(retryAfter ?? 0, after);
    } else out.failed++;
    const error = retry ? `${outcome.error}; trying again` : outcome.error;
    await db.update(alertDeliveries).set({ status: retry ? 'retrying' : 'failed', lastError: error }).where(eq(alertDeliveries.id, rowId)); // prettier-ignore
    await db.update(alertChannels).set({ lastError: error, lastErrorAt: now }).where(eq(alertChannels.id, ch.id)); // prettier-ignore
  }
  if (out.retrying > 0) throw new RetryAlertLater(retryWhy, retryAfter);
  return out;
}

/**
 * Converges after crashes: notifications whose job never ran get one; a message a crash left
 * `sending` for over two minutes is marked failed (it may have gone out: it is not sent twice).
 */
export async function sweepAlerts(deps: AlertDeps, staleMs = 10_000): Promise<number> {
  const db = await deps.db();
  const now = (deps.now ?? Date.now)();
  const waiting = await db
    .select({ id: notifications.id, key: notifications.key })
    .from(notifications)
    .where(
      and(isNull(notifications.dispatchedAt), lt(notifications.createdAt, new Date(now - staleMs))),
    ) // prettier-ignore
    .limit(500);
  await enqueueAlerts(waiting);
  const stuck = await db
    .update(alertDeliveries)
    .set({
      status: 'failed',
      lastError: 'interrupted while sending; not sent again, so it cannot arrive twice',
    }) // prettier-ignore
    .where(
      and(
        eq(alertDeliveries.status, 'sending'),
        lt(alertDeliveries.updatedAt, new Date(now - 120_000)),
      ),
    ) // prettier-ignore
    .returning({ channelId: alertDeliveries.channelId });
  const ids = [...new Set(stuck.map((s) => s.channelId))];
  if (ids.length)
    await db.update(alertChannels).set({ lastError: 'a message was interrupted while sending', lastErrorAt: new Date(now) }).where(inArray(alertChannels.id, ids)); // prettier-ignore
  return waiting.length;
}

/** The processor of the `alerts` queue. */
export function alertsProcessor(deps: AlertDeps) {
  return async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case ALERT_JOBS.deliver: {
        const { notificationId } = AlertJobSchema.parse(job.data);
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? ALERT_ATTEMPTS);
        return deliverNotification(deps, notificationId, last);
      }
      case ALERT_JOBS.sweep:
        return sweepAlerts(deps);
      default:
        throw new Error(`unknown alerts job "${job.name}"`);
    }
  };
}

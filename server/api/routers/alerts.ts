/** tRPC `alerts.*`: the trader's alert channels (Telegram, webhook), test alerts, and the bell's notifications. */
import { z } from 'zod';
import { TelegramSecretSchema, WebhookSecretSchema } from '@/db/alert-secrets';
import { protectedProcedure, router } from '@/server/api/trpc';
import * as alerts from '@/server/services/alerts';
import { notified, openStream } from '@/server/services/deployment-stream';

const Label = z.string().trim().min(1, 'label is required').max(60, 'label is at most 60 characters'); // prettier-ignore
const Id = z.uuid('Alert channel id must be a UUID, as listed on the Alerts page.');

export const alertsRouter = router({
  channels: protectedProcedure.query(({ ctx }) => alerts.listChannels(ctx.db, ctx.user.id)),

  addChannel: protectedProcedure
    .input(
      z.discriminatedUnion('kind', [
        TelegramSecretSchema.extend({ kind: z.literal('telegram'), label: Label }),
        WebhookSecretSchema.extend({ kind: z.literal('webhook'), label: Label }),
      ]),
    )
    .mutation(({ ctx, input }) => alerts.addChannel(ctx.db, ctx.user.id, input)),

  setEnabled: protectedProcedure
    .input(z.strictObject({ id: Id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      alerts.setChannelEnabled(ctx.db, ctx.user.id, input.id, input.enabled),
    ),

  removeChannel: protectedProcedure
    .input(z.strictObject({ id: Id }))
    .mutation(({ ctx, input }) => alerts.removeChannel(ctx.db, ctx.user.id, input.id)),

  sendTest: protectedProcedure.mutation(({ ctx }) => alerts.sendTestAlert(ctx.db, ctx.user.id)),

  notifications: protectedProcedure
    .input(z.strictObject({ limit: z.int().min(1).max(100).default(30) }).optional())
    .query(({ ctx, input }) => alerts.listNotifications(ctx.db, ctx.user.id, input?.limit)),

  markAllRead: protectedProcedure.mutation(({ ctx }) => alerts.markAllRead(ctx.db, ctx.user.id)),

  /** The bell: the newest notifications now and whenever one arrives (SSE, Redis pub/sub). */
  stream: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    const release = openStream(ctx.user.id);
    try {
      while (!signal?.aborted) {
        yield await alerts.listNotifications(ctx.db, ctx.user.id, 20);
        await notified(ctx.user.id, 60_000, signal);
      }
    } finally {
      release();
    }
  }),
});

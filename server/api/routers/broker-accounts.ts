/** tRPC `brokerAccounts.*`: connect, list, test, Kite login URL, disconnect; owner-scoped, and no output ever carries a credential. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import {
  completeKiteLogin,
  connectBrokerAccount,
  disconnectBrokerAccount,
  kiteLoginUrl,
  listBrokerAccounts,
  testBrokerAccount,
} from '@/server/services/broker-accounts';

const Id = z.uuid('Broker account id must be a UUID, as shown on the Brokers page.');
const Broker = z.enum(['kite', 'alpaca', 'deribit']);
const Status = z.enum(['checking', 'connected', 'login_required', 'error']);

/** The only shape an account leaves the server in: status and what may be shown, never a secret. */
const View = z.strictObject({
  id: z.string(),
  broker: Broker,
  label: z.string(),
  status: Status,
  profile: z.record(z.string(), z.string()),
  sessionExpiresAt: z.date().nullable(),
  lastCheckedAt: z.date().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
});
const WithMessage = z.strictObject({ account: View, message: z.string() });

const secret = z.string().max(256);
const Label = z
  .string()
  .trim()
  .min(1, 'Give the account a label, e.g. "Kite main".')
  .max(60, 'A label is at most 60 characters.');

export const brokerAccountsRouter = router({
  list: protectedProcedure
    .output(z.array(View))
    .query(({ ctx }) => listBrokerAccounts(ctx.db, ctx.user.id)),

  connect: protectedProcedure
    .input(
      z.discriminatedUnion('broker', [
        z.strictObject({
          broker: z.literal('kite'),
          label: Label,
          credentials: z.strictObject({ apiKey: secret, apiSecret: secret }),
        }),
        z.strictObject({
          broker: z.literal('alpaca'),
          label: Label,
          credentials: z.strictObject({ keyId: secret, secretKey: secret }),
        }),
        z.strictObject({
          broker: z.literal('deribit'),
          label: Label,
          credentials: z.strictObject({ clientId: secret, clientSecret: secret }),
        }),
      ]),
    )
    .output(WithMessage)
    .mutation(({ ctx, input }) => connectBrokerAccount(ctx.db, ctx.user.id, input)),

  test: protectedProcedure
    .input(z.strictObject({ id: Id }))
    .output(WithMessage)
    .mutation(({ ctx, input }) => testBrokerAccount(ctx.db, ctx.user.id, input.id)),

  kiteLoginUrl: protectedProcedure
    .input(z.strictObject({ id: Id }))
    .output(z.strictObject({ url: z.string() }))
    .mutation(async ({ ctx, input }) => ({
      url: await kiteLoginUrl(ctx.db, ctx.user.id, input.id),
    })),

  completeKiteLogin: protectedProcedure
    .input(z.strictObject({ state: z.string().max(64), requestToken: z.string().max(128) }))
    .output(WithMessage)
    .mutation(({ ctx, input }) => completeKiteLogin(ctx.db, ctx.user.id, input)),

  disconnect: protectedProcedure
    .input(z.strictObject({ id: Id }))
    .output(z.strictObject({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await disconnectBrokerAccount(ctx.db, ctx.user.id, input.id);
      return { ok: true as const };
    }),
});

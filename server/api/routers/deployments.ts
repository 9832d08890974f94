/** tRPC `deployments.*`: create, list, get, the trader's commands and the live event stream; owner-scoped. */
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { RiskLimitsSchema } from '@/engine/backtest/settings';
import { protectedProcedure, router } from '@/server/api/trpc';
import { changeMark, changed, changedAny, openStream } from '@/server/services/deployment-stream';
import { modeSwitchPreview, switchDeploymentMode } from '@/server/services/deployment-mode';
import {
  commandDeployment,
  reconcileNow,
  createDeployment,
  deploymentEventsSince,
  getDeployment,
  killAll,
  listDeployments,
} from '@/server/services/deployments';

const Id = z.uuid('Deployment id must be a UUID, as shown in the Deployments list.');
const Name = z.string().trim().min(1).max(120);
const Target = z.string().min(1).max(64);

export const deploymentsRouter = router({
  create: protectedProcedure
    .input(
      z
        .strictObject({
          strategyId: z.uuid().optional(),
          strategyVersionId: z.uuid().optional(),
          name: Name.optional(),
          mode: z.enum(['paper', 'live']),
          brokerAccountId: z.uuid().optional(),
          riskLimits: RiskLimitsSchema.optional(),
          feed: z.enum(['market', 'session']),
          speed: z.number().min(1).max(600).optional(),
          paperFunds: z.number().positive().max(1e12).nullable().optional(),
        })
        .refine((i) => (i.strategyId === undefined) !== (i.strategyVersionId === undefined), {
          message: 'give either strategyId (the strategy as it is now) or strategyVersionId',
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const d = await createDeployment(ctx.db, ctx.user.id, input);
      return { id: d.id };
    }),

  list: protectedProcedure.query(({ ctx }) => listDeployments(ctx.db, ctx.user.id)),

  /**
   * The Deployments list as it changes (SSE): re-read when one of the trader's running deployments
   * changed (at most once a second), or on a half-minute keep-alive.
   */
  listStream: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    const release = openStream(ctx.user.id);
    try {
      while (!signal?.aborted) {
        const mark = changeMark();
        const rows = await listDeployments(ctx.db, ctx.user.id);
        yield rows;
        const active = rows.filter((r) => r.status === 'running' || r.status === 'paused');
        await new Promise((r) => setTimeout(r, 1_000));
        await changedAny(
          active.map((r) => r.id),
          30_000,
          signal,
          mark,
        );
      }
    } finally {
      release();
    }
  }),

  get: protectedProcedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => getDeployment(ctx.db, ctx.user.id, input.id)),

  pause: protectedProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => commandDeployment(ctx.db, ctx.user.id, input.id, 'PAUSE')),

  resume: protectedProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => commandDeployment(ctx.db, ctx.user.id, input.id, 'RESUME')),

  /** Squares off one leg (strategyId + legId), one strategy (strategyId), or everything. */
  squareOff: protectedProcedure
    .input(
      z
        .object({ id: Id, strategyId: Target.optional(), legId: Target.optional() })
        .refine((i) => i.legId === undefined || i.strategyId !== undefined, {
          message: 'a leg is named with the strategy it belongs to',
        }),
    )
    .mutation(({ ctx, input }) =>
      commandDeployment(ctx.db, ctx.user.id, input.id, 'SQUARE_OFF', {
        ...(input.strategyId ? { strategyId: input.strategyId } : {}),
        ...(input.legId ? { legId: input.legId } : {}),
      }),
    ),

  kill: protectedProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => commandDeployment(ctx.db, ctx.user.id, input.id, 'KILL')),

  /** What switching paper <-> live would do: the risk limits, open positions, usable accounts, blockers. */
  modeSwitchPreview: protectedProcedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => modeSwitchPreview(ctx.db, ctx.user.id, input.id)),

  /**
   * Switches paper <-> live by starting a successor of the other kind (a deployment's kind never
   * changes in place). The strategy's name, typed by the trader, is checked here too.
   */
  switchMode: protectedProcedure
    .input(
      z.discriminatedUnion('to', [
        z.strictObject({
          id: Id,
          to: z.literal('live'),
          brokerAccountId: z.uuid('Pick the broker account to trade on.'),
          confirmName: z.string().max(200),
        }),
        z.strictObject({
          id: Id,
          to: z.literal('paper'),
          positions: z.enum(['square_off', 'hand_over']),
          confirmName: z.string().max(200),
        }),
      ]),
    )
    .mutation(({ ctx, input }) => switchDeploymentMode(ctx.db, ctx.user.id, input)),

  /** Reconciles a live deployment with its broker now (the workers also do it every minute). */
  reconcileNow: protectedProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => reconcileNow(ctx.db, ctx.user.id, input.id)),

  /** The account-wide kill switch. */
  killAll: protectedProcedure.mutation(async ({ ctx }) => ({
    killed: await killAll(ctx.db, ctx.user.id),
  })),

  /**
   * The deployment as it happens (SSE): its decision trace (one `event` message per event, resuming
   * after the last event id the browser saw), then a `view` message with its status, P&L, positions
   * (LTP, greeks), orders, fills and audit, whose P&L series is whole the first time and only the
   * new points after that. It reads the database when the deployment changed (Redis pub/sub from
   * the evaluators) and on a quarter-minute keep-alive, never on a faster timer.
   */
  events: protectedProcedure
    .input(z.object({ id: Id, lastEventId: z.string().regex(/^\d+$/).max(12).optional() }))
    .subscription(async function* ({ ctx, input, signal }) {
      let after = Number(input.lastEventId ?? 0);
      await deploymentEventsSince(ctx.db, ctx.user.id, input.id, after, 1); // owner check first
      const release = openStream(ctx.user.id);
      let pnlAfter: string | undefined;
      try {
        while (!signal?.aborted) {
          const mark = changeMark();
          const rows = await deploymentEventsSince(ctx.db, ctx.user.id, input.id, after);
          for (const e of rows) {
            after = e.seq;
            yield tracked(String(e.seq), {
              kind: 'event' as const,
              seq: e.seq,
              ts: e.ts,
              type: e.type,
              strategyId: e.strategyId,
              legId: e.legId,
              message: e.message,
            });
          }
          if (rows.length === 500) continue;
          const view = await getDeployment(ctx.db, ctx.user.id, input.id, { pnlAfter });
          yield tracked(String(after), { kind: 'view' as const, pnlSince: pnlAfter ?? null, view });
          pnlAfter = view.pnlSeries.at(-1)?.ts ?? pnlAfter;
          await changed(input.id, 15_000, signal, mark);
        }
      } finally {
        release();
      }
    }),
});

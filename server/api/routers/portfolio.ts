/**
 * tRPC `portfolio.*`: the trader's portfolio risk (and its live stream), the portfolio limits,
 * and the scenario book of a running deployment or of a whole portfolio section; owner-scoped.
 */
import { z } from 'zod';
import { PortfolioLimitsSchema } from '@/engine/analysis/portfolio';
import { protectedProcedure, router } from '@/server/api/trpc';
import { changeMark, changedAny, openStream } from '@/server/services/deployment-stream';
import { portfolioView, scenarioBook, setPortfolioLimits } from '@/server/services/portfolio';

/** A busy session feed moves every deployment several times a second; the page needs one view a second. */
const MIN_INTERVAL_MS = 1_000;
/** Without news, the view is read again this often (new deployments join the stream then). */
const KEEP_ALIVE_MS = 15_000;

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      resolve();
    }
  });

export const portfolioRouter = router({
  get: protectedProcedure.query(({ ctx }) => portfolioView(ctx.db, ctx.user.id)),

  /** The portfolio view again whenever one of its deployments changes (SSE via Redis pub/sub). */
  stream: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    const release = openStream(ctx.user.id);
    try {
      while (!signal?.aborted) {
        const mark = changeMark();
        const view = await portfolioView(ctx.db, ctx.user.id);
        yield view;
        const started = Date.now();
        await changedAny(view.deploymentIds, KEEP_ALIVE_MS, signal, mark);
        const waited = Date.now() - started;
        if (waited < MIN_INTERVAL_MS) await pause(MIN_INTERVAL_MS - waited, signal);
      }
    } finally {
      release();
    }
  }),

  setLimits: protectedProcedure
    .input(PortfolioLimitsSchema)
    .mutation(({ ctx, input }) => setPortfolioLimits(ctx.db, ctx.user.id, input)),

  scenario: protectedProcedure
    .input(
      z.discriminatedUnion('kind', [
        z.object({
          kind: z.literal('deployment'),
          deploymentId: z.uuid('Deployment id must be a UUID, as shown in the Deployments list.'),
        }),
        z.object({
          kind: z.literal('portfolio'),
          mode: z.enum(['paper', 'live']),
          currency: z.string().regex(/^[A-Z]{3}$/, 'a currency is three capital letters, as INR or USD'), // prettier-ignore
        }),
      ]),
    )
    .query(({ ctx, input }) => scenarioBook(ctx.db, ctx.user.id, input)),
});

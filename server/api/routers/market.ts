/** Market data for the browser: the latest simulated chain, the real datasets on this server, and the position a strategy would open on either. */
import { z } from 'zod';
import { parseDsl } from '@/engine/dsl';
import { zonedInstant } from '@/engine/market/calendar';
import { findInstrument } from '@/engine/market/instruments';
import { RightSchema, type ChainSnapshot } from '@/engine/market/snapshot';
import { openingPosition } from '@/engine/payoff/position';
import { protectedProcedure, router } from '@/server/api/trpc';
import { AppError } from '@/server/errors';
import { datasetSnapshot, listDatasets } from '@/server/services/datasets';
import { latestSimulatedChain, simulatedChainAt } from '@/server/services/market';
import { storedSnapshot } from '@/server/services/chain-store';

const seed = z
  .int('Seed must be a whole number.')
  .min(0)
  .max(2 ** 31 - 1)
  .default(7);

export const chainSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('simulator'),
    seed,
    /** Exchange-local date and time; both absent means "now" (the latest session). */
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD.')
      .optional(),
    time: z
      .string()
      .regex(/^\d{2}:\d{2}$/, 'Time as HH:MM.')
      .optional(),
  }),
  z.object({
    kind: z.literal('dataset'),
    dataset: z.string().min(1).max(300),
    index: z.int().min(0).max(1_000_000).default(0),
  }),
  /** The chain store: the stored snapshot of the strategy's underlying nearest a day's time. */
  z.object({
    kind: z.literal('store'),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date as YYYY-MM-DD.'),
    time: z.string().regex(/^\d{2}:\d{2}$/, 'Time as HH:MM.'),
  }),
]);
export type ChainSource = z.infer<typeof chainSource>;

const resolvedLegFields = z.object({
  id: z.string(),
  side: z.enum(['BUY', 'SELL']),
  qty: z.number(),
  lots: z.number(),
  entry: z.number(),
  expiry: z.string(),
  t: z.number(),
  iv: z.number(),
  forwardRatio: z.number().optional(),
  why: z.string(),
});
/** An option leg names its strike and right; a future names neither. */
const resolvedLeg = z.discriminatedUnion('instrument', [
  resolvedLegFields.extend({
    instrument: z.literal('option'),
    strike: z.number(),
    right: RightSchema,
  }),
  resolvedLegFields.extend({ instrument: z.literal('future'), strike: z.null(), right: z.null() }),
]);

const position = z.object({
  underlying: z.string(),
  ts: z.string(),
  spot: z.number(),
  currency: z.string(),
  lotSize: z.number(),
  multiplier: z.number(),
  market: z.object({
    spot: z.number(),
    rate: z.number(),
    div: z.number(),
    model: z.enum(['black-scholes', 'black-76']),
  }),
  legs: z.array(resolvedLeg),
  skipped: z.array(z.object({ legId: z.string(), why: z.string() })),
  notes: z.array(z.string()),
});

async function chainFor(
  underlying: string,
  source: ChainSource,
  nowMs: number,
): Promise<{ snapshot: ChainSnapshot; label: string }> {
  if (source.kind === 'dataset') {
    const r = await datasetSnapshot(source.dataset, underlying, source.index);
    return { snapshot: r.snapshot, label: `${source.dataset} #${r.index}` };
  }
  if (source.kind === 'store') {
    const s = await storedSnapshot(underlying, source.day, source.time);
    return { snapshot: s, label: `stored ${underlying} ${s.ts}` };
  }
  const instrument = findInstrument(underlying);
  if (!instrument)
    throw new AppError(
      'INVALID_INPUT',
      `unknown underlying ${underlying}`,
      `Unknown underlying "${underlying}".`,
    );
  if (source.date) {
    const at = zonedInstant(
      source.date,
      source.time ?? instrument.session.open,
      instrument.timezone,
    );
    return {
      snapshot: simulatedChainAt(underlying, source.seed, at),
      label: `simulator seed ${source.seed}`,
    };
  }
  return {
    snapshot: latestSimulatedChain(underlying, source.seed, nowMs),
    label: `simulator seed ${source.seed}`,
  };
}

export const marketRouter = router({
  latestChain: protectedProcedure
    .input(z.object({ underlying: z.string().min(1).max(30), seed }))
    .query(({ input }) => {
      if (!findInstrument(input.underlying))
        throw new AppError(
          'INVALID_INPUT',
          `unknown underlying ${input.underlying}`,
          `Unknown underlying "${input.underlying}".`,
        );
      return latestSimulatedChain(input.underlying, input.seed, Date.now());
    }),

  datasets: protectedProcedure
    .output(z.array(z.object({ id: z.string(), label: z.string(), files: z.number() })))
    .query(() => listDatasets()),

  /**
   * Per strategy of the basket, the position it would open now on the chosen chain. A mutation
   * only so the DSL travels in a POST body: as a query it lands in the URL, and a few strategies
   * batched together exceed the server's header limit (HTTP 431). It changes nothing.
   */
  openingPosition: protectedProcedure
    .input(
      z.object({
        dsl: z.record(z.string(), z.unknown()),
        source: chainSource.default({ kind: 'simulator', seed: 7 }),
      }),
    )
    .output(
      z.array(
        z.object({
          strategyId: z.string(),
          name: z.string(),
          source: z.string(),
          position: position.nullable(),
          error: z.string().nullable(),
        }),
      ),
    )
    .mutation(async ({ input }) => {
      const parsed = parseDsl(input.dsl);
      if (!parsed.ok) {
        const e = parsed.errors[0];
        throw new AppError(
          'UNPROCESSABLE',
          'payoff of an invalid DSL',
          `The strategy is not valid yet (${e.path || 'document'}: ${e.message}); fix it to see the payoff.`,
        );
      }
      const now = Date.now();
      const out = [];
      for (const s of parsed.value.basket.strategies) {
        try {
          const { snapshot, label } = await chainFor(s.underlying, input.source, now);
          out.push({
            strategyId: s.id,
            name: s.name,
            source: label,
            position: openingPosition(s, snapshot),
            error: null,
          });
        } catch (err) {
          if (err instanceof AppError && err.code !== 'UNPROCESSABLE') throw err;
          out.push({
            strategyId: s.id,
            name: s.name,
            source: input.source.kind,
            position: null,
            error: err instanceof AppError ? err.userMessage : (err as Error).message,
          });
        }
      }
      return out;
    }),
});

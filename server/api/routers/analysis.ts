/**
 * tRPC `analysis.*`: the volatility lab and the regime view over stored chain snapshots. A
 * snapshot source is a discriminated union so the live feed joins as one more kind; today only
 * stored datasets exist, and nothing here pretends otherwise.
 */
import { z } from 'zod';
import { REGIMES } from '@/engine/dsl/conditions';
import { protectedProcedure, router } from '@/server/api/trpc';
import { datasetSessions, regimeView, volLabView } from '@/server/services/analysis';

const dataset = z.string().min(1).max(300);
const underlying = z.string().min(1).max(30);

export const SnapshotSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dataset'),
    dataset,
    underlying,
    /** 0-based among the underlying's snapshots in the dataset, in time order. */
    index: z.int().min(0).max(1_000_000),
  }),
]);

const num = z.number().optional();

const smilePoint = z.object({
  strike: z.number(),
  logMoneyness: z.number(),
  callIv: num,
  putIv: num,
  iv: num,
  side: z.enum(['CE', 'PE']).optional(),
  delta: num,
});

const expiryVol = z.object({
  expiry: z.string(),
  t: z.number(),
  days: z.number(),
  forward: z.number(),
  atmStrike: num,
  atmIv: num,
  points: z.array(smilePoint),
  skew: z.object({
    riskReversal25: num,
    butterfly25: num,
    riskReversal10: num,
    butterfly10: num,
    put25: num,
    call25: num,
    put10: num,
    call10: num,
  }),
  positioning: z.object({
    pcrOi: num,
    pcrVolume: num,
    maxPain: num,
    pain: z.array(z.object({ strike: z.number(), payout: z.number() })),
    byStrike: z.array(
      z.object({
        strike: z.number(),
        callOi: z.number(),
        putOi: z.number(),
        callVolume: z.number(),
        putVolume: z.number(),
      }),
    ),
    totals: z.object({
      callOi: z.number(),
      putOi: z.number(),
      callVolume: z.number(),
      putVolume: z.number(),
    }),
  }),
});

const lab = z.object({
  underlying: z.string(),
  ts: z.string(),
  spot: z.number(),
  vix: num,
  expiries: z.array(expiryVol),
  term: z.array(z.object({ expiry: z.string(), t: z.number(), days: z.number(), atmIv: num })),
  surface: z.object({
    moneyness: z.array(z.number()),
    rows: z.array(
      z.object({ expiry: z.string(), days: z.number(), iv: z.array(z.number().nullable()) }),
    ),
    min: z.number().nullable(),
    max: z.number().nullable(),
  }),
  pcrOi: num,
  pcrVolume: num,
});

const reading = z.object({
  regime: z.enum(REGIMES).optional(),
  rankFrom: z.enum(['vix', 'iv']).nullable(),
  vix: num,
  vixRank: num,
  ivRank: num,
  ivPercentile: num,
  hv: num,
  atmIv: num,
  hvIvRatio: num,
  sessions: z.number(),
});

const close = z.object({ day: z.string(), spot: z.number(), vix: num, atmIv: num });

export const analysisRouter = router({
  /** The underlyings of a dataset and the timestamps of their snapshots, for the pickers. */
  sessions: protectedProcedure
    .input(z.object({ dataset }))
    .output(
      z.object({
        underlyings: z.array(z.object({ underlying: z.string(), timestamps: z.array(z.string()) })),
        skippedUnderlyings: z.array(z.string()),
        truncated: z.boolean(),
      }),
    )
    .query(({ input }) => datasetSessions(input.dataset)),

  volLab: protectedProcedure
    .input(
      z.object({
        source: SnapshotSourceSchema,
        /** IV rank and percentile window in sessions, as the ivRank fact's lookbackDays. */
        lookbackDays: z.int().min(5).max(1000).default(252),
      }),
    )
    .output(
      z.object({
        dataset: z.string(),
        index: z.number(),
        lab,
        reading,
        lookbackDays: z.number(),
        sessionRealised: num,
        realisedWindowMinutes: z.number(),
        intraday: z.array(
          z.object({
            ts: z.string(),
            spot: z.number(),
            atmIv: z.record(z.string(), z.number().optional()),
            realised: num,
          }),
        ),
        closes: z.array(close),
        truncated: z.boolean(),
      }),
    )
    .query(({ input }) =>
      volLabView({
        dataset: input.source.dataset,
        underlying: input.source.underlying,
        index: input.source.index,
        lookbackDays: input.lookbackDays,
      }),
    ),

  regime: protectedProcedure
    .input(z.object({ dataset, underlying }))
    .output(
      z.object({
        dataset: z.string(),
        underlying: z.string(),
        points: z.array(
          reading.extend({
            ts: z.string(),
            ms: z.number(),
            day: z.string(),
            spot: z.number(),
            expiry: z.string().optional(),
          }),
        ),
        thinned: z.boolean(),
        closes: z.array(close),
        truncated: z.boolean(),
      }),
    )
    .query(({ input }) => regimeView(input.dataset, input.underlying)),
});

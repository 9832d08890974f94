/**
 * What backtests and sweeps take and show alike: the market data a run reads (the simulator, a
 * shared dataset, the chain store) and a run's status. One definition, so the two endpoints
 * keep the same limits.
 */
import { z } from 'zod';

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** The data sources every run can read (a backtest also takes an upload). */
export const RunSourceInputs = [
  z.object({
    kind: z.literal('simulator'),
    underlying: z.string().min(1).max(30),
    from: IsoDate,
    to: IsoDate,
    seed: z.number().int(),
    intervalSeconds: z.number().int().min(1).max(3600).optional(),
  }),
  z.object({ kind: z.literal('dataset'), path: z.string().min(1).max(300) }),
  z.object({
    kind: z.literal('store'),
    underlying: z.string().min(1).max(30),
    from: IsoDate,
    to: IsoDate,
  }),
] as const;

export const RunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

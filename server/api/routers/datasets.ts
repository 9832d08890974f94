/** tRPC `datasets.*`: the chain store of this server (what is stored, which days, how big) and imports into it with their progress. */
import { z } from 'zod';
import { protectedProcedure, router } from '@/server/api/trpc';
import {
  imports,
  startSharedImport,
  storedDatasets,
  storedDays,
} from '@/server/services/chain-store';

const Underlying = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,29}$/, 'Underlying as its symbol in capitals, e.g. NIFTY.');

const Dataset = z.object({
  underlying: z.string(),
  days: z.number(),
  first: z.string(),
  last: z.string(),
  snapshots: z.number(),
  options: z.number(),
  bytes: z.number(),
});

const Day = z.object({
  day: z.string(),
  snapshots: z.number(),
  options: z.number(),
  bytes: z.number(),
  from: z.string(),
  to: z.string(),
  expiries: z.array(z.string()),
  source: z.string(),
  importedAt: z.string(),
});

const Import = z.object({
  id: z.string(),
  source: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  interrupted: z.boolean().optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
  snapshots: z.number(),
  days: z.number(),
  bytes: z.number(),
  lastDay: z.string().nullable(),
  badRows: z.number(),
  error: z.string().nullable(),
});

export const datasetsRouter = router({
  stored: protectedProcedure.output(z.array(Dataset)).query(() => storedDatasets()),

  days: protectedProcedure
    .input(z.object({ underlying: Underlying }))
    .output(z.array(Day))
    .query(({ input }) => storedDays(input.underlying)),

  imports: protectedProcedure
    .output(z.array(Import))
    .query(() => imports().map(({ pid: _pid, ...p }) => p)),

  /** Imports a file or folder of the shared datasets folder into the store (one at a time). */
  importShared: protectedProcedure
    .input(z.object({ dataset: z.string().min(1).max(300) }))
    .output(z.object({ id: z.string() }))
    .mutation(({ input }) => startSharedImport(input.dataset)),
});

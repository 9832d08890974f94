/**
 * The chain store for the API: what is stored on this server and imports into it from the
 * shared datasets folder. The store is the server's, shared by its users like the shared
 * folder; removing days is left to the command line. One import runs at a time per server
 * process: an import is CPU-bound and runs beside the web requests.
 */
import { randomUUID } from 'node:crypto';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import {
  importToStore,
  snapshotsNear,
  listDays,
  listImports,
  listStored,
  storeRoot,
  type ImportProgress,
  type StoredDataset,
  type StoredDay,
} from '@/datasets/store';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { AppError } from '@/server/errors';
import { datasetPath } from '@/server/services/datasets';

export function chainStoreRoot(): string {
  return storeRoot(env().DATA_DIR);
}

export function storedDatasets(): StoredDataset[] {
  return listStored(chainStoreRoot());
}

export function storedDays(underlying: string): StoredDay[] {
  return listDays(chainStoreRoot(), underlying);
}

/** The stored snapshot of an underlying nearest a day's exchange time (payoff panel, vol lab). */
export async function storedSnapshot(
  underlying: string,
  day: string,
  time: string,
): Promise<ChainSnapshot> {
  if (!storedDays(underlying).some((d) => d.day === day))
    throw new AppError(
      'UNPROCESSABLE',
      `no stored ${underlying} chains on ${day}`,
      `No ${underlying} chains are stored for ${day}. Pick a stored day (see the Datasets page) or import that day.`,
    );
  const [s] = await snapshotsNear(chainStoreRoot(), underlying, day, time);
  return s;
}

export function imports(): ImportProgress[] {
  return listImports(chainStoreRoot(), 20);
}

const KEY = Symbol.for('strikeflow.chain-store.import');
type Holder = { [KEY]?: string };

/** Starts importing a shared dataset (file or folder) into the store; returns the import's id at once. */
export function startSharedImport(dataset: string): { id: string } {
  const holder = globalThis as Holder;
  if (holder[KEY])
    throw new AppError(
      'CONFLICT',
      `import ${holder[KEY]} still running`,
      'An import is already running on this server; wait for it to finish (its progress is on this page).',
    );
  const file = datasetPath(dataset);
  const id = randomUUID();
  holder[KEY] = id;
  void importToStore(chainStoreRoot(), file, { id, label: dataset })
    .then((o) =>
      logger.info({ id, dataset, days: o.days.length, bytes: o.bytes }, 'chain import finished'),
    )
    .catch((err: unknown) => logger.warn({ id, dataset, err }, 'chain import failed'))
    .finally(() => {
      delete holder[KEY];
    });
  return { id };
}

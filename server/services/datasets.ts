/**
 * Real third-party chain data on this machine (the folder STRIKEFLOW_DATA_DIR names, default
 * ../shared/data beside the app; datasets/shared-data.ts decides): listing what is there and
 * reading one snapshot of it. Ids from the browser are names inside that folder, never paths.
 */
import type { ChainSnapshot } from '@/engine/market/snapshot';
import {
  NO_SHARED_DATA,
  listSharedDatasets,
  resolveSharedDataset,
  sharedDataDir,
} from '@/datasets/shared-data';
import { readSnapshots } from '@/datasets/read-snapshots';
import { AppError } from '@/server/errors';

export { sharedDataDir };

export type Dataset = { id: string; label: string; files: number };

/** Every data file and every folder holding data files, one level deep, as ids relative to the data folder. */
export function listDatasets(): Dataset[] {
  return listSharedDatasets().map(({ id, label, files }) => ({ id, label, files }));
}

/** The absolute path of a dataset id, refusing anything that escapes the data folder. */
export function datasetPath(id: string): string {
  const root = sharedDataDir();
  if (!root)
    throw new AppError(
      'UNAVAILABLE',
      'no shared data folder',
      `${NO_SHARED_DATA} Use the simulator meanwhile.`,
    );
  const full = resolveSharedDataset(id, root);
  if (!full)
    throw new AppError(
      'NOT_FOUND',
      'dataset id outside the shared data folder',
      `Dataset "${id}" is not in the shared data folder. Pick one from the list.`,
    );
  return full;
}

/**
 * The `index`-th snapshot (0-based) of a dataset for an underlying, counting only that
 * underlying's snapshots; the last one when the dataset has fewer.
 */
export async function datasetSnapshot(
  id: string,
  underlying: string,
  index: number,
): Promise<{ snapshot: ChainSnapshot; index: number }> {
  let last: ChainSnapshot | null = null;
  let n = -1;
  const stream = readSnapshots(datasetPath(id));
  for await (const s of stream) {
    if (s.underlying !== underlying) continue;
    last = s;
    n += 1;
    if (n === index) break;
  }
  if (!last) {
    throw new AppError(
      'UNPROCESSABLE',
      `dataset ${id} has no ${underlying} snapshot`,
      `Dataset "${id}" holds no ${underlying} snapshots. Pick a dataset of ${underlying}, or use the simulator.`,
    );
  }
  return { snapshot: last, index: n };
}

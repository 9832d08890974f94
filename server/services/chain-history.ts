/**
 * The one door the analysis pages read stored chains through. Today that is a dataset in the
 * shared data folder read with the file importers; when the chain store lands, only this
 * function changes (the vol lab, the regime view and their caches stay as they are).
 */
import { statSync } from 'node:fs';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { readSnapshots } from '@/datasets/read-snapshots';
import { datasetPath } from '@/server/services/datasets';

export type StoredChains = {
  /** Changes whenever the stored data may have changed, so caches know to read again. */
  version: string;
  snapshots: () => AsyncIterable<ChainSnapshot>;
};

export function storedChains(dataset: string): StoredChains {
  const file = datasetPath(dataset);
  const st = statSync(file);
  return {
    version: `${file}:${st.mtimeMs}:${st.size}`,
    snapshots: () => readSnapshots(file),
  };
}

/**
 * Real third-party chain data on this machine (../shared/data next to the repository, or the
 * folder named by STRIKEFLOW_SHARED_DATA): listing what is there and reading one snapshot of it.
 * Paths from the browser are names inside that folder, never arbitrary paths on disk.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { sharedDataDir } from '@/datasets/source';
import { readSnapshots } from '@/datasets/read-snapshots';
import { AppError } from '@/server/errors';

const DATA_EXTENSIONS = [
  '.ndjson',
  '.jsonl',
  '.json',
  '.csv',
  '.parquet',
  '.ndjson.gz',
  '.jsonl.gz',
  '.json.gz',
  '.csv.gz',
];

// One answer to "where is the shared data" for the payoff panel and the backtest jobs alike.
export { sharedDataDir } from '@/datasets/source';

export type Dataset = { id: string; label: string; files: number };

const isData = (name: string) => DATA_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e));

/** Every data file and every folder holding data files, one level deep, as ids relative to the data folder. */
export function listDatasets(): Dataset[] {
  const root = sharedDataDir();
  if (!root) return [];
  const out: Dataset[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = path.join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    const files = readdirSync(dir)
      .filter((n) => isData(n) && statSync(path.join(dir, n)).isFile())
      .sort();
    if (files.length === 0) continue;
    if (files.length > 1)
      out.push({ id: folder, label: `${folder} (all ${files.length} files)`, files: files.length });
    for (const f of files) out.push({ id: `${folder}/${f}`, label: `${folder}/${f}`, files: 1 });
  }
  return out;
}

/** The absolute path of a dataset id, refusing anything that escapes the data folder. */
export function datasetPath(id: string): string {
  const root = sharedDataDir();
  if (!root) {
    throw new AppError(
      'UNAVAILABLE',
      'no shared data folder',
      'No real datasets on this server: put them in ../shared/data next to the app or set STRIKEFLOW_SHARED_DATA. Use the simulator meanwhile.',
    );
  }
  const full = path.resolve(root, id);
  if (!full.startsWith(root + path.sep) || !existsSync(full)) {
    throw new AppError(
      'NOT_FOUND',
      `dataset ${id} not under ${root}`,
      `Dataset "${id}" is not in the shared data folder. Pick one from the list.`,
    );
  }
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

/**
 * The folder of real third-party chain data (never copied into the repo): the one place that
 * decides where it is, lists it and turns a dataset id into a file. The setting is
 * STRIKEFLOW_DATA_DIR, relative to the project root, default `../shared/data`. The root comes
 * from STRIKEFLOW_ROOT (set by the launcher) or the working directory, never from
 * `import.meta.dirname`, which is undefined inside the Next production bundle.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const DATA_DIR_VARIABLE = 'STRIKEFLOW_DATA_DIR';
export const DEFAULT_SHARED_DATA = '../shared/data';

/** A STRIKEFLOW_DATA_DIR that names no folder: start-up stops with this one line. */
export class SharedDataSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharedDataSettingError';
  }
}

export function projectRoot(source: Record<string, string | undefined> = process.env): string {
  return source.STRIKEFLOW_ROOT?.trim() || process.cwd();
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The configured folder, checked: a folder named by STRIKEFLOW_DATA_DIR must exist; the default
 * may be absent (the pickers then offer the simulator and say how to add data).
 */
export function sharedDataSetting(source: Record<string, string | undefined> = process.env): {
  dir: string;
  configured: boolean;
  present: boolean;
} {
  const given = source[DATA_DIR_VARIABLE]?.trim();
  const dir = path.resolve(projectRoot(source), given || DEFAULT_SHARED_DATA);
  const present = isFolder(dir);
  if (given && !present)
    throw new SharedDataSettingError(
      `Invalid environment variable ${DATA_DIR_VARIABLE}: ${dir} is not a folder (point it at the folder of option-chain datasets, or unset it for ${DEFAULT_SHARED_DATA})`,
    );
  return { dir, configured: !!given, present };
}

/** The datasets folder, or undefined when there is none on this server. */
export function sharedDataDir(): string | undefined {
  try {
    const s = sharedDataSetting();
    return s.present ? s.dir : undefined;
  } catch {
    return undefined;
  }
}

/** What to tell a user who picked a dataset on a server without the folder. */
export const NO_SHARED_DATA = `No real datasets on this server: set ${DATA_DIR_VARIABLE} to the folder of option-chain data (default ${DEFAULT_SHARED_DATA} beside the app).`;

const DATA_FILE = /\.(ndjson|jsonl|json|csv|parquet)(\.gz)?$/i;

export type SharedDataset = {
  /** A file `folder/name` or a whole folder `folder`, relative to the datasets folder. */
  id: string;
  label: string;
  files: number;
  bytes: number;
};

/** Every data file and every folder holding more than one, one level deep, sorted by name. */
export function listSharedDatasets(dir: string | undefined = sharedDataDir()): SharedDataset[] {
  if (!dir) return [];
  const out: SharedDataset[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const full = path.join(dir, folder);
    if (!isFolder(full)) continue;
    const files: { name: string; bytes: number }[] = [];
    for (const name of readdirSync(full).sort()) {
      if (!DATA_FILE.test(name)) continue;
      try {
        const s = statSync(path.join(full, name));
        if (s.isFile()) files.push({ name, bytes: s.size });
      } catch {
        // unreadable entry: not offered
      }
    }
    if (files.length === 0) continue;
    if (files.length > 1)
      out.push({
        id: folder,
        label: `${folder} (all ${files.length} files)`,
        files: files.length,
        bytes: files.reduce((a, f) => a + f.bytes, 0),
      });
    for (const f of files)
      out.push({
        id: `${folder}/${f.name}`,
        label: `${folder}/${f.name}`,
        files: 1,
        bytes: f.bytes,
      });
  }
  return out;
}

/** The file or folder of a dataset id; null when it is not inside the datasets folder. */
export function resolveSharedDataset(
  id: string,
  dir: string | undefined = sharedDataDir(),
): string | null {
  if (!dir || path.isAbsolute(id) || id.split(/[\\/]/).includes('..')) return null;
  const full = path.resolve(dir, id);
  if (!full.startsWith(dir + path.sep) || !existsSync(full)) return null;
  return full;
}

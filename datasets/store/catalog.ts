/**
 * The chain store as callers see it: what is stored (per underlying and per day, with sizes),
 * imports into it with progress anyone can read (the CLI, a job and the Datasets page share
 * the progress files), removal of days, and snapshots of a day at or near a time for the
 * payoff panel and the vol lab.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { ImportReport } from '@/engine/market/import';
import { readSnapshots, type ReadSnapshotsOptions } from '../read-snapshots';
import { DIR_MODE, FILE_MODE, checkDay, checkUnderlying, dayDir } from './layout';
import { readManifest, readStore, storedDays, type StoreReadOptions } from './read';
import { ChainStoreWriter, type WrittenDay } from './write';

export type StoredDataset = {
  underlying: string;
  days: number;
  first: string;
  last: string;
  snapshots: number;
  options: number;
  bytes: number;
};

export type StoredDay = {
  day: string;
  snapshots: number;
  options: number;
  bytes: number;
  from: string;
  to: string;
  expiries: string[];
  source: string;
  importedAt: string;
};

/** Underlyings with at least one stored day, with totals. */
export function listStored(root: string): StoredDataset[] {
  if (!existsSync(root)) return [];
  const out: StoredDataset[] = [];
  for (const u of readdirSync(root).sort()) {
    if (u.startsWith('.') || !statSync(path.join(root, u)).isDirectory()) continue;
    const days = listDays(root, u);
    if (days.length === 0) continue;
    out.push({
      underlying: u,
      days: days.length,
      first: days[0].day,
      last: days[days.length - 1].day,
      snapshots: days.reduce((a, d) => a + d.snapshots, 0),
      options: days.reduce((a, d) => a + d.options, 0),
      bytes: days.reduce((a, d) => a + d.bytes, 0),
    });
  }
  return out;
}

export function listDays(root: string, underlying: string): StoredDay[] {
  return storedDays(root, underlying).map((day) => {
    const m = readManifest(root, underlying, day);
    return {
      day,
      snapshots: m.snapshots,
      options: m.options,
      bytes: m.bytes,
      from: m.from,
      to: m.to,
      expiries: m.expiries.map((e) => e.expiry),
      source: m.source,
      importedAt: m.importedAt,
    };
  });
}

export function deleteDay(root: string, underlying: string, day: string): boolean {
  const dir = dayDir(root, underlying, day);
  if (!existsSync(dir)) return false;
  // Renamed first so a reader never sees half a folder.
  const gone = path.join(path.dirname(dir), `.old-${day}-${randomUUID()}`);
  renameSync(dir, gone);
  rmSync(gone, { recursive: true, force: true });
  return true;
}

/** Minutes of an "HH:MM" exchange-local time, or of the local clock part of an ISO timestamp. */
function minutesOf(ts: string): number {
  const m = /(?:T|^)(\d{2}):(\d{2})/.exec(ts);
  if (!m) throw new Error(`time "${ts}" is not valid: give HH:MM (exchange time)`);
  return +m[1] * 60 + +m[2];
}

/**
 * The stored snapshot of a day nearest to an exchange-local time (HH:MM), and `count - 1` more
 * after it; every option of them. What the payoff panel and the vol lab show.
 */
export async function snapshotsNear(
  root: string,
  underlying: string,
  day: string,
  time: string,
  count = 1,
): Promise<ChainSnapshot[]> {
  checkDay(day);
  const m = readManifest(root, underlying, day);
  const want = minutesOf(time);
  // The day's timestamps carry their exchange offset, so their clock part is local time.
  const snapsFile = JSON.parse(
    readFileSync(path.join(dayDir(root, underlying, day), 'snapshots.json'), 'utf8'),
  ) as { ts: string[] };
  let best = 0;
  snapsFile.ts.forEach((ts, i) => {
    if (Math.abs(minutesOf(ts) - want) < Math.abs(minutesOf(snapsFile.ts[best]) - want)) best = i;
  });
  const out: ChainSnapshot[] = [];
  let i = 0;
  for await (const s of readStore(root, { underlying, from: m.day, to: m.day })) {
    if (i >= best && out.length < count) out.push(s);
    i++;
    if (out.length >= count) break;
  }
  return out;
}

// ---- Imports and their progress.

export const ImportProgressSchema = z.object({
  id: z.string(),
  source: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** Process that runs it: a running import whose process is gone was interrupted. */
  pid: z.number().int(),
  snapshots: z.number().int(),
  days: z.number().int(),
  bytes: z.number().int(),
  lastDay: z.string().nullable(),
  badRows: z.number().int(),
  error: z.string().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema> & { interrupted?: boolean };

function importsDir(root: string): string {
  return path.join(root, '.imports');
}

function writeProgress(root: string, p: ImportProgress): void {
  const dir = importsDir(root);
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const file = path.join(dir, `${p.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(p), { mode: FILE_MODE });
  renameSync(tmp, file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Imports newest first; a "running" one whose process has gone is marked interrupted. */
export function listImports(root: string, limit = 50): ImportProgress[] {
  const dir = importsDir(root);
  if (!existsSync(dir)) return [];
  const out: ImportProgress[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const p: ImportProgress = ImportProgressSchema.parse(
        JSON.parse(readFileSync(path.join(dir, f), 'utf8')),
      );
      if (p.state === 'running' && !alive(p.pid)) p.interrupted = true;
      out.push(p);
    } catch {
      // A progress file being replaced right now: it is read on the next look.
    }
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
}

export type ImportOutcome = {
  id: string;
  days: WrittenDay[];
  snapshots: number;
  bytes: number;
  report: ImportReport;
};

/**
 * Imports a file or folder of any supported format into the store, a day at a time, keeping a
 * progress file current. Days already written stay when a later part of the file fails.
 */
export async function importToStore(
  root: string,
  file: string,
  opts: ReadSnapshotsOptions & { now?: () => Date; label?: string; id?: string } = {},
): Promise<ImportOutcome> {
  mkdirSync(root, { recursive: true, mode: DIR_MODE });
  const now = opts.now ?? (() => new Date());
  const progress: ImportProgress = {
    id: opts.id ?? randomUUID(),
    source: opts.label ?? path.basename(file),
    state: 'running',
    startedAt: now().toISOString(),
    updatedAt: now().toISOString(),
    pid: process.pid,
    snapshots: 0,
    days: 0,
    bytes: 0,
    lastDay: null,
    badRows: 0,
    error: null,
  };
  writeProgress(root, progress);
  const stream = readSnapshots(file, opts);
  const writer = new ChainStoreWriter(root, {
    source: progress.source,
    now,
    onDay: (d) => {
      progress.days++;
      progress.bytes += d.bytes;
      progress.lastDay = `${d.underlying} ${d.day}`;
      progress.badRows = stream.report.badRows;
      progress.updatedAt = now().toISOString();
      writeProgress(root, progress);
    },
  });
  try {
    for await (const s of stream) {
      progress.snapshots++;
      await writer.add(s);
    }
    await writer.finish();
    progress.state = 'done';
  } catch (err) {
    await writer.abort();
    progress.state = 'failed';
    progress.error = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    progress.badRows = stream.report.badRows;
    progress.updatedAt = now().toISOString();
    writeProgress(root, progress);
  }
  return {
    id: progress.id,
    days: writer.written,
    snapshots: progress.snapshots,
    bytes: progress.bytes,
    report: stream.report,
  };
}

export { readStore, storedDays, checkUnderlying, type StoreReadOptions };

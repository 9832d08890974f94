/**
 * What a failed backtest may tell its user. Error messages come from file readers, the engine and
 * Node itself; they can hold NUL characters (which Postgres refuses in text, so recording the
 * failure itself failed and the row stayed "running"), server paths and pieces of file contents.
 * The full message goes to the log; the row gets this one line.
 */
import os from 'node:os';
import path from 'node:path';
import { printableText } from '@/datasets/text';

export const MAX_FAILURE_CHARS = 500;
const MAX_QUOTE_CHARS = 40;

const QUOTED = /(["'`])([^"'`]{0,2000})\1/g;
// A Unix or Windows absolute path of two segments or more (not a date like 2026/08/18): shown by
// its last segment only.
const ABSOLUTE_PATH =
  /(?<=^|[\s"'`(=,])(?:[A-Za-z]:\\|\/)(?:[^\s"'`:,;()[\]{}<>\\/]+[\\/])+([^\s"'`:,;()[\]{}<>\\/]*)/g;

/** Folders named in messages as a word instead of their path. */
export type KnownFolders = { label: string; dir: string }[];

export function defaultFolders(dirs: {
  dataDir?: string;
  sharedData?: string | null;
}): KnownFolders {
  const out: KnownFolders = [];
  if (dirs.sharedData)
    out.push({ label: 'the datasets folder', dir: path.resolve(dirs.sharedData) });
  if (dirs.dataDir) out.push({ label: 'the data folder', dir: path.resolve(dirs.dataDir) });
  out.push({ label: 'the server', dir: process.cwd() });
  out.push({ label: 'a temporary folder', dir: os.tmpdir() });
  return out;
}

/** One printable line without control characters, server paths or long quotes of file contents. */
export function sanitizeMessage(raw: string, folders: KnownFolders = []): string {
  let s = printableText(raw, 20_000);
  for (const { label, dir } of [...folders].sort((a, b) => b.dir.length - a.dir.length)) {
    if (dir.length > 1) s = s.split(`${dir}${path.sep}`).join('').split(dir).join(label);
  }
  // V8 quotes the start of the text it could not parse: that is the file's contents.
  s = s.replace(/,?\s*"[^\n]*" is not valid JSON/g, ' (not valid JSON)');
  s = s.replace(ABSOLUTE_PATH, (_m, last: string) => last || 'a folder');
  s = s.replace(QUOTED, (m, q: string, body: string) =>
    body.length > MAX_QUOTE_CHARS ? `${q}${body.slice(0, MAX_QUOTE_CHARS)}…${q}` : m,
  );
  s = s.replace(/\s+/g, ' ').trim();
  if (s.length > MAX_FAILURE_CHARS) s = `${s.slice(0, MAX_FAILURE_CHARS - 1)}…`;
  return s || 'the backtest failed without a message; see the server log';
}

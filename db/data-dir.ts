/**
 * DATA_DIR holds password hashes and sessions (the embedded database), the auth secret, uploads
 * and the private Redis with its password: owner-only, folders 0700 and files 0600. New files get
 * that from the process's umask (set by the launcher before anything opens), and what an older
 * version left readable is tightened at every start.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const OWNER_ONLY_UMASK = 0o077;

/** Creates DATA_DIR if needed and makes everything in it owner-only; returns what it had to fix. */
export function secureDataDir(dir: string): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fixed = 0;
  const visit = (p: string) => {
    const s = lstatSync(p);
    if (s.isSymbolicLink()) return;
    const want = s.isDirectory() ? 0o700 : 0o600;
    if ((s.mode & 0o777) !== want) {
      chmodSync(p, want);
      fixed++;
    }
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  visit(path.resolve(dir));
  return fixed;
}

/**
 * A throwaway Postgres server for a bench when DATABASE_URL is not set: Debian's postgresql
 * binaries (as .ci/run starts them), a temp data folder, a free loopback port, fsync off, commit
 * timestamps kept (bench/live times a fill by its transaction's commit).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../workers/redis-server.ts';
import { childPids, processCpuSeconds } from './_harness.ts';

export type PrivatePostgres = {
  url: string;
  stop: () => void;
  /** CPU seconds the server has used so far: the postmaster, its live backends and those that ended. */
  cpuSeconds: () => number;
};

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(a) - Number(b)) : [];
  const dir = versions.map((v) => path.join(base, v, 'bin')).findLast((d) => existsSync(path.join(d, 'postgres'))); // prettier-ignore
  if (!dir)
    throw new Error(
      'no Postgres server binaries: install them with `sudo apt-get install -y postgresql`, or set DATABASE_URL',
    );
  return dir;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const work = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-bench-pg-'));
  chmodSync(work, 0o755);
  const data = path.join(work, 'data');
  const port = await freePort();
  // Postgres refuses to run as root: as root, the server runs as the postgres user.
  const asPg = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd: string, args: string[]) => {
    const [exe, ...rest] = [...asPg, path.join(bin, cmd), ...args];
    execFileSync(exe, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  if (asPg.length) execFileSync('chown', ['postgres:postgres', work]);
  run('initdb', ['-D', data, '-U', 'strikeflow', '-A', 'trust', '--no-sync']);
  run('pg_ctl', ['-D', data, '-w', '-l', path.join(work, 'pg.log'), '-o', `-p ${port} -k ${work} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c track_commit_timestamp=on`, 'start']); // prettier-ignore
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'strikeflow', 'strikeflow']);
  return {
    url: `postgres://strikeflow@127.0.0.1:${port}/strikeflow`,
    stop: () => {
      const [exe, ...rest] = [...asPg, path.join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop']; // prettier-ignore
      spawnSync(exe, rest, { stdio: 'ignore' });
      rmSync(work, { recursive: true, force: true });
    },
    cpuSeconds: () => {
      const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const backend = (c: number) => {
        try {
          return processCpuSeconds(c);
        } catch {
          return 0; // it ended between the listing and the read: its time is the postmaster's now
        }
      };
      return processCpuSeconds(pid, true) + childPids(pid).reduce((a, c) => a + backend(c), 0);
    },
  };
}

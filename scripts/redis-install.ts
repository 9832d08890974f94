/**
 * Makes sure redis-server exists before `npm start` / `npm test` need a private one: installs
 * Debian's package when we may (root or password-less sudo), else says in one line how to.
 */
import { spawnSync } from 'node:child_process';
import { findRedisServer } from '@/workers/redis-server';

export class RedisMissingError extends Error {}

// Keeps the package's own service from starting (and outliving us) during the install.
const installScript = `
set -e
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends redis-server >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends redis-server
}
`;

const how =
  'redis-server is not installed: run `sudo apt-get install -y redis-server` (or set REDIS_URL to a running Redis) and try again';

/** Returns the redis-server path, installing the package first when it is missing and we can. */
export function ensureRedisServer(say: (line: string) => void = console.log): string {
  const found = findRedisServer();
  if (found) return found;
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!hasAptGet || (!isRoot && !canSudo)) throw new RedisMissingError(how);
  say("redis-server is not installed; installing Debian's redis-server package (one time)...");
  const cmd = isRoot ? ['sh', ['-c', installScript]] : ['sudo', ['-n', 'sh', '-c', installScript]];
  const r = spawnSync(cmd[0] as string, cmd[1] as string[], { encoding: 'utf8' });
  const after = findRedisServer();
  if (r.status !== 0 || !after) {
    const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-1)[0] ?? '';
    throw new RedisMissingError(`${how} (apt-get failed: ${detail || `exit ${r.status}`})`);
  }
  return after;
}

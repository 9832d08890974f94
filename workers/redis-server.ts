/**
 * A private redis-server for one app (or one test run) when REDIS_URL is not set: a free loopback
 * port, `maxmemory-policy noeviction` (BullMQ loses jobs otherwise), data under the given folder,
 * and stopped with the process that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';

export type PrivateRedis = {
  url: string;
  port: number;
  pid: number;
  dir: string;
  stop: () => Promise<void>;
};

const candidates = [
  '/usr/bin/redis-server',
  '/usr/local/bin/redis-server',
  '/usr/sbin/redis-server',
];

/** The redis-server binary, or null when it is not installed. */
export function findRedisServer(): string | null {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, 'redis-server');
    if (existsSync(p)) return p;
  }
  return candidates.find((p) => existsSync(p)) ?? null;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isRedisProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

// A crash (kill -9, power loss) can leave the previous run's redis-server behind; the caller holds
// the DATA_DIR lock, so a redis-server recorded in this folder is ours to stop.
async function stopLeftover(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid) && isRedisProcess(pid)) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, 5_000))) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

async function waitReady(
  port: number,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `redis-server exited at start-up: ${output().trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `redis-server did not answer within ${timeoutMs / 1000} s: ${output().trim().split('\n').slice(-3).join(' | ')}`,
  );
}

export async function startRedisServer(opts: {
  dataDir: string;
  bin?: string;
  persist?: boolean;
  databases?: number;
}): Promise<PrivateRedis> {
  const bin = opts.bin ?? findRedisServer();
  if (!bin)
    throw new Error(
      'redis-server is not installed: install it with `sudo apt-get install -y redis-server`, or set REDIS_URL',
    );
  const dir = path.resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis-server.pid');
  await stopLeftover(pidFile);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const persistence =
      opts.persist === false
        ? ['--save', '', '--appendonly', 'no']
        : ['--save', '60 1', '--appendonly', 'yes', '--appendfsync', 'everysec'];
    // detached: Ctrl-C in the terminal must reach only us, so redis keeps serving while the workers
    // drain; we stop it ourselves afterwards.
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--maxmemory-policy',
        'noeviction',
        '--dir',
        dir,
        '--databases',
        String(opts.databases ?? 16),
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...persistence,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
    spawnFailed.catch(() => {});
    try {
      await Promise.race([waitReady(port, child, () => out, 10_000), spawnFailed]);
    } catch (err) {
      lastError = err;
      if (child.pid && alive(child.pid)) child.kill('SIGKILL');
      continue;
    }
    const pid = child.pid!;
    writeFileSync(pidFile, String(pid));
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    child.stdout?.resume();
    child.stderr?.resume();
    child.unref();
    (child.stdout as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();

    // Last resort when the process ends without a graceful stop (an uncaught error, process.exit).
    const onExit = () => {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    };
    process.once('exit', onExit);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        if (alive(pid)) {
          process.kill(pid, 'SIGTERM'); // redis saves its data on SIGTERM
          if (!(await waitGone(pid, 10_000))) process.kill(pid, 'SIGKILL');
        }
        rmSync(pidFile, { force: true });
        process.removeListener('exit', onExit);
      })());
    return { url: `redis://127.0.0.1:${port}`, port, pid, dir, stop };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

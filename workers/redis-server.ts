/**
 * A private redis-server for one app (or one test run) when REDIS_URL is not set: a free loopback
 * port, a generated password (other users of the machine reach loopback too), `maxmemory-policy
 * noeviction` (BullMQ loses jobs otherwise), data in an owner-only folder, supervised (started
 * again with backoff when it dies, on the same port, so clients reconnect by themselves) and
 * stopped with the process that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { setPrivateRedisSupervision, type RedisSupervision } from './queues';

export type PrivateRedis = {
  /** redis://:password@127.0.0.1:port */
  url: string;
  port: number;
  /** The current redis-server's process id (a new one after each restart). */
  readonly pid: number;
  dir: string;
  stop: () => Promise<void>;
};

export { privateRedisSupervision } from './queues';

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
  password: string | undefined,
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
      password,
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

function config(opts: {
  port: number;
  dir: string;
  password?: string;
  persist: boolean;
  databases: number;
}): string {
  const lines = [
    `port ${opts.port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    'maxmemory-policy noeviction',
    `dir "${opts.dir}"`,
    `databases ${opts.databases}`,
    'daemonize no',
    'loglevel warning',
    ...(opts.persist
      ? ['save 60 1', 'appendonly yes', 'appendfsync everysec']
      : ['save ""', 'appendonly no']),
  ];
  if (opts.password) lines.push(`requirepass ${opts.password}`);
  return `${lines.join('\n')}\n`;
}

/** Restart delays after an unexpected exit: quick at first, then no more than every 30 s. */
const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

export async function startRedisServer(opts: {
  dataDir: string;
  bin?: string;
  persist?: boolean;
  databases?: number;
  /** null: no password (only for throwaway test servers); default: a generated one. */
  password?: string | null;
  /** Start it again when it dies (the app's own server); off for tests that kill it on purpose. */
  supervise?: boolean;
}): Promise<PrivateRedis> {
  const bin = opts.bin ?? findRedisServer();
  if (!bin)
    throw new Error(
      'redis-server is not installed: install it with `sudo apt-get install -y redis-server`, or set REDIS_URL',
    );
  const dir = path.resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const pidFile = path.join(dir, 'redis-server.pid');
  await stopLeftover(pidFile);
  const password =
    opts.password === null ? undefined : (opts.password ?? randomBytes(24).toString('hex'));

  // The config goes in on stdin, so the password is in no file and on no command line.
  const launch = async (port: number) => {
    // detached: Ctrl-C in the terminal must reach only us, so redis keeps serving while the
    // workers drain; we stop it ourselves afterwards.
    const child = spawn(bin, ['-'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin?.end(
      config({
        port,
        dir,
        password,
        persist: opts.persist !== false,
        databases: opts.databases ?? 16,
      }),
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
      await Promise.race([waitReady(port, password, child, () => out, 10_000), spawnFailed]);
    } catch (err) {
      if (child.pid && alive(child.pid)) child.kill('SIGKILL');
      throw err;
    }
    writeFileSync(pidFile, String(child.pid), { mode: 0o600 });
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    child.stdout?.resume();
    child.stderr?.resume();
    child.unref();
    (child.stdout as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();
    return child;
  };

  let lastError: unknown;
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    child = await launch(port).catch((err: unknown) => {
      lastError = err;
      return undefined;
    });
  }
  if (!child) throw lastError instanceof Error ? lastError : new Error(String(lastError));

  const state: RedisSupervision = {
    state: 'running',
    restarts: 0,
    lastExit: null,
    nextAttemptAt: null,
  };
  if (opts.supervise) setPrivateRedisSupervision(state);
  let current = child;
  let stopping = false;
  let retry: NodeJS.Timeout | undefined;

  const watch = (c: ChildProcess) => {
    c.once('exit', (code, signal) => {
      if (stopping || !opts.supervise) return;
      state.lastExit = signal ? `killed by ${signal}` : `exit code ${code}`;
      restart(0);
    });
  };
  const restart = (attempt: number) => {
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    state.state = 'restarting';
    state.nextAttemptAt = Date.now() + delay;
    retry = setTimeout(async () => {
      if (stopping) return;
      try {
        current = await launch(port);
        state.restarts++;
        state.state = 'running';
        state.nextAttemptAt = null;
        watch(current);
      } catch {
        restart(attempt + 1);
      }
    }, delay);
    retry.unref();
  };
  watch(current);

  // Last resort when the process ends without a graceful stop (an uncaught error, process.exit).
  const onExit = () => {
    if (current.pid && alive(current.pid)) process.kill(current.pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      clearTimeout(retry);
      state.state = 'stopped';
      const pid = current.pid;
      if (pid && alive(pid)) {
        process.kill(pid, 'SIGTERM'); // redis saves its data on SIGTERM
        if (!(await waitGone(pid, 10_000))) process.kill(pid, 'SIGKILL');
      }
      rmSync(pidFile, { force: true });
      process.removeListener('exit', onExit);
    })());
  const auth = password ? `:${password}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid!;
    },
    dir,
    stop,
  };
}

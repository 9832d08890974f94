/**
 * `npm start`: the whole app in one command. Validates the environment, starts (or reaches)
 * Redis, opens the database and migrates it, seeds the demo account, builds the web app when
 * needed, then serves Next and runs the workers; Ctrl-C drains and stops all of it.
 * PGlite is single-process, so in the embedded default Next and the workers share this process.
 * In front of Next sits a thin guard: forwarded headers believed only from TRUSTED_PROXIES, and
 * request bodies refused by size before a byte of them is read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { DbClient } from '@/db/client';
import { OWNER_ONLY_UMASK, secureDataDir } from '@/db/data-dir';
import { EnvError, isLoopbackHost, parseEnv, resetEnv, type Env } from '@/db/env';
import { logger } from '@/db/logger';
import {
  SharedDataSettingError,
  listSharedDatasets,
  sharedDataSetting,
} from '@/datasets/shared-data';
import { applyForwardedView, forwardedView, trustedProxies } from '@/server/http/forwarded';
import { cookieHeaders, judgeBody } from '@/server/http/request-limits';
import type { RunningWorkers } from '@/workers/index';
import { startRedisServer, type PrivateRedis } from '@/workers/redis-server';
import { buildNeeded, runNextBuild } from './next-build';
import { RedisMissingError, ensureRedisServer } from './redis-install';

const root = path.resolve(import.meta.dirname, '..');
const dev = process.argv.includes('--dev');
const say = (line: string) => console.log(line);

/** A start-up failure the user can act on: printed as one line, no stack. */
class StartError extends Error {}

const cleanups: (() => Promise<void> | void)[] = [];

async function main(): Promise<void> {
  // Everything this process creates (the embedded database, uploads, Redis's files) is owner-only.
  process.umask(OWNER_ONLY_UMASK);
  process.chdir(root);
  if (existsSync('.env')) process.loadEnvFile('.env');
  (process.env as Record<string, string>).NODE_ENV = dev ? 'development' : 'production';
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  // Code bundled by Next cannot find the project root itself (import.meta.dirname is undefined there).
  process.env.STRIKEFLOW_ROOT = root;

  let e: Env;
  let datasets: ReturnType<typeof sharedDataSetting>;
  try {
    e = parseEnv();
    datasets = sharedDataSetting();
  } catch (err) {
    if (err instanceof EnvError || err instanceof SharedDataSettingError)
      throw new StartError(err.message);
    throw err;
  }
  const started = Date.now();
  const dataDir = path.resolve(e.DATA_DIR);
  const tightened = secureDataDir(dataDir);
  if (tightened > 0)
    say(
      `Made ${tightened} file(s) and folder(s) in ${shortPath(dataDir)} readable by their owner only.`,
    );
  lockDataDir(dataDir);
  await checkPortFree(e.PORT, e.HOST);

  // Reach external services before the (slow) build, so a typo in a URL fails within seconds.
  if (e.REDIS_URL) await pingRedis(e.REDIS_URL);
  if (e.DATABASE_URL) await openDatabase();
  if (!e.REDIS_URL) {
    try {
      ensureRedisServer(say);
    } catch (err) {
      if (err instanceof RedisMissingError) throw new StartError(err.message);
      throw err;
    }
  }

  // The build runs in its own process while this one starts Redis and opens, migrates and
  // seeds the database: on a first start that overlaps the two slowest steps.
  const [built, data] = await Promise.allSettled([
    dev ? Promise.resolve() : buildIfNeeded(),
    prepareData(e, dataDir),
  ]);
  if (built.status === 'rejected') throw built.reason;
  if (data.status === 'rejected') throw data.reason;
  const { client, redisWhere, dbWhere, demo } = data.value;

  const stopWorkers = await runWorkers(e, client.kind === 'pglite');
  cleanups.push(stopWorkers);
  const { closeQueues } = await import('@/workers/queues');
  // Closing a queue whose Redis is gone waits on its connection: bounded, so Ctrl-C always ends.
  cleanups.push(() => within(closeQueues(), 5_000));

  const { default: next } = await import('next');
  const app = next({ dev, dir: root, hostname: 'localhost', port: e.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const proxies = trustedProxies(e.TRUSTED_PROXIES);
  const { getSession } = await import('@/server/auth');
  const { startSessionCache, stopSessionCache } = await import('@/server/session-cache');
  startSessionCache();
  cleanups.push(() => within(stopSessionCache(), 2_000));
  const { createApiServer } = await import('@/server/http/api-server');
  const api = createApiServer({ headers: await apiHeaders(), trpc: !dev });
  const serve: http.RequestListener = (req, res) => {
    const view = forwardedView(
      req.socket.remoteAddress,
      req.headers,
      proxies,
      'encrypted' in req.socket && !!req.socket.encrypted,
    );
    applyForwardedView(req.headers, view);
    void guardBody(req, res, getSession)
      .then(async (refused) => {
        if (refused || (await api(req, res))) return;
        await handle(req, res);
      })
      .catch((err: unknown) => {
        // The path only: query strings carry user input (tRPC inputs, next=...).
        logger.error({ err, path: req.url?.split('?')[0] }, 'request failed');
        if (!res.headersSent) res.writeHead(500).end('Internal error');
      });
  };
  // Next loads a route's code on its first request, blocking this thread for a moment: that
  // happens on a private port before the public one opens, so no visitor or monitor waits for it.
  await warmUp(serve);
  const server = http.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new StartError(portBusy(e.PORT, e.HOST)) : err),
    );
    server.listen(e.PORT, e.HOST, () => resolve());
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  );
  cleanups.push(() => app.close());

  const shown =
    e.HOST === '0.0.0.0' || e.HOST === '127.0.0.1' || e.HOST === '::' ? 'localhost' : e.HOST;
  say(
    `Strikeflow is ready at http://${shown}:${e.PORT} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  say(`  data: ${dbWhere}; ${redisWhere}`);
  say(
    datasets.present
      ? `  datasets: ${shortPath(datasets.dir)} (${listSharedDatasets(datasets.dir).length} to pick from)`
      : `  datasets: none (${shortPath(datasets.dir)} is not there; set STRIKEFLOW_DATA_DIR to a folder of chain data)`,
  );
  if (demo) say(`  demo login: ${demo.email} / ${demo.password}`);
  else if (!isLoopbackHost(e.HOST) && (e.SEED_DEMO ?? true))
    say(`  demo login: off (HOST=${e.HOST} is reachable from other machines)`);
  say('  press Ctrl-C to stop');
  say(`  health: http://${shown}:${e.PORT}/api/health`);
}

async function buildIfNeeded(): Promise<void> {
  const why = buildNeeded(root);
  if (!why) return;
  say(`Building the web app (${why}); this takes about a minute...`);
  const t = Date.now();
  await runNextBuild(root).catch((err: Error) => {
    throw new StartError(err.message);
  });
  say(`Built in ${((Date.now() - t) / 1000).toFixed(0)} s.`);
}

async function prepareData(e: Env, dataDir: string) {
  let redisWhere: string;
  if (e.REDIS_URL) {
    redisWhere = `Redis at ${redact(e.REDIS_URL)}`;
  } else {
    const redis: PrivateRedis = await startRedisServer({
      dataDir: path.join(dataDir, 'redis'),
      supervise: true,
    }).catch((err: Error) => {
      throw new StartError(`Could not start the private redis-server: ${err.message}`);
    });
    cleanups.push(() => redis.stop());
    process.env.REDIS_URL = redis.url;
    // `npm run workers` on this machine finds the private Redis (and its password) here.
    writeFileSync(path.join(dataDir, 'redis-url'), redis.url, { mode: 0o600 });
    cleanups.push(() => rmSync(path.join(dataDir, 'redis-url'), { force: true }));
    redisWhere = `private redis-server on 127.0.0.1:${redis.port} (password in ${shortPath(path.join(dataDir, 'redis-url'))})`;
  }
  resetEnv();

  const client = await openDatabase();
  const { migrateDb } = await import('@/db/client');
  await migrateDb(client).catch((err: Error) => {
    throw new StartError(`Could not apply database migrations: ${err.message}`);
  });
  const dbWhere =
    client.kind === 'pglite'
      ? `embedded database in ${shortPath(client.location)}`
      : `Postgres at ${client.location}`;
  const seed = (await import(
    pathToFileURL(path.join(root, 'server', 'seed.ts')).href
  )) as SeedModule;
  await seed.seedExamples();
  const demo = await seedDemoIfWanted(seed, e, client.kind === 'pglite');
  return { client, redisWhere, dbWhere, demo };
}

let dbOpened: Promise<DbClient> | undefined;

function openDatabase(): Promise<DbClient> {
  dbOpened ??= (async () => {
    // Loaded here, not at the top: a bad variable or a busy port is reported before these load.
    const { closeDb, getClient, pingDb } = await import('@/db/client');
    const client = await getClient().catch((err: Error) => {
      throw new StartError(err.message);
    });
    cleanups.push(() => closeDb());
    await pingDb(client).catch((err: Error) => {
      throw new StartError(err.message);
    });
    return client;
  })();
  return dbOpened;
}

function shortPath(p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function portBusy(port: number, host: string): string {
  return `Port ${port} on ${host} is already in use: stop what is using it, or start with another port, e.g. PORT=${port + 1} npm start`;
}

function checkPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new StartError(portBusy(port, host))
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new StartError(
                `Invalid environment variable HOST: ${host} is not an address of this machine`,
              )
            : err,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

async function pingRedis(url: string): Promise<void> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let lastError: NodeJS.ErrnoException | undefined;
  r.on('error', (err: NodeJS.ErrnoException) => (lastError = err));
  try {
    await r.connect();
    await r.ping();
    const policy = ((await r.config('GET', 'maxmemory-policy').catch(() => [])) as string[])[1];
    if (policy && policy !== 'noeviction') {
      say(
        `Warning: Redis at ${redact(url)} uses maxmemory-policy ${policy}; queued jobs can be evicted. Set it to noeviction.`,
      );
    }
  } catch (err) {
    const cause = lastError ?? (err as NodeJS.ErrnoException);
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host not found',
      ETIMEDOUT: 'connection timed out',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
    };
    const reason =
      (cause.code && reasons[cause.code]) ||
      (/Protocol error/.test(cause.message)
        ? 'the server there does not speak the Redis protocol'
        : cause.message.replace(/\.$/, ''));
    throw new StartError(
      `Cannot reach Redis at REDIS_URL=${redact(url)}: ${reason}. Start Redis or fix REDIS_URL.`,
    );
  } finally {
    r.disconnect();
  }
}

function lockDataDir(dataDir: string): void {
  const lock = path.join(dataDir, 'strikeflow.pid');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    let running = false;
    try {
      running =
        pid > 0 &&
        pid !== process.pid &&
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
    } catch {
      running = false;
    }
    if (running) {
      throw new StartError(
        `Another Strikeflow (pid ${pid}) is already running with DATA_DIR=${dataDir}: stop it first, or use another DATA_DIR`,
      );
    }
  }
  writeFileSync(lock, String(process.pid), { mode: 0o600 });
  cleanups.push(() => rmSync(lock, { force: true }));
}

type Demo = { email: string; password: string };
type SeedModule = {
  seedExamples: () => Promise<void>;
  demoForHost: (host: string, wanted: boolean) => Promise<{ demo: Demo | null; locked: boolean }>;
};

async function seedDemoIfWanted(seed: SeedModule, e: Env, embedded: boolean): Promise<Demo | null> {
  const { demo, locked } = await seed.demoForHost(e.HOST, e.SEED_DEMO ?? embedded);
  if (locked)
    say(
      `The demo account's password was replaced: HOST=${e.HOST} is reachable from other machines.`,
    );
  return demo;
}

/** How much of a refused body is read and discarded, and for how long, before the connection is cut. */
const LINGER_BYTES = 4 * 1024 * 1024;
const LINGER_MS = 2_000;

async function guardBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  getSession: (headers: Headers) => Promise<unknown>,
): Promise<boolean> {
  const verdict = judgeBody(req.method, req.url ?? '/', req.headers);
  const refuse = (status: number, message: string) => {
    // The client is still sending. Destroying the socket with its body unread sends a reset, and
    // a reset makes the client's kernel drop the answer it has not read yet. So a little of the
    // body is read and thrown away (never kept); past LINGER_BYTES reading stops and the
    // connection is closed gracefully after the answer (the client reads it, then the close);
    // only after LINGER_MS is it cut outright. A 100 MB body costs at most LINGER_BYTES.
    let discarded = 0;
    req.on('data', (b: Buffer) => {
      discarded += b.length;
      if (discarded > LINGER_BYTES) {
        req.pause();
        req.socket.end();
      }
    });
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, status } }));
    return true;
  };
  if (!verdict.ok) return refuse(verdict.status, verdict.message);
  if (!verdict.needsSession) return false;
  const session = await getSession(cookieHeaders(req)).catch(() => null);
  return session ? false : refuse(401, 'Sign in before sending a request this large.');
}

async function runWorkers(e: Env, embedded: boolean): Promise<() => Promise<void>> {
  if (embedded) {
    const { startWorkers } = await import('@/workers/index');
    const workers: RunningWorkers = await startWorkers();
    return async () => workers.close({ force: !(await redisAnswers()) });
  }
  // With DATABASE_URL the workers are their own processes, as in production; more can be added
  // with `npm run workers` on any machine that reaches the same Postgres and Redis. Each one has
  // an IPC channel to this process and stops when it closes (this process was killed), and one
  // that dies is started again with backoff; its jobs restart through BullMQ's stalled check.
  const children = new Set<ChildProcess>();
  const spawnWorker = (attempt: number) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts', 'workers.ts')],
      { cwd: root, env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    children.add(child);
    // Workers do background work: when the machine is busy, the web server in this process wins.
    try {
      if (child.pid) os.setPriority(child.pid, 5);
    } catch {
      // not allowed here: they run at normal priority
    }
    const began = Date.now();
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (shuttingDown) return;
      // A worker that ran a while before it died starts again at once; one that keeps dying waits longer.
      const next = Date.now() - began > 60_000 ? 0 : attempt + 1;
      const delay = Math.min(30_000, next === 0 ? 250 : 250 * 2 ** next);
      say(
        `Warning: worker process ${child.pid} stopped (${signal ?? `exit ${code}`}); starting another in ${(delay / 1000).toFixed(1)} s.`,
      );
      setTimeout(() => {
        if (!shuttingDown) spawnWorker(next);
      }, delay).unref();
    });
  };
  for (let i = 0; i < e.WORKER_PROCESSES; i++) spawnWorker(0);
  return async () => {
    await Promise.all(
      [...children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 30_000).unref();
          }),
      ),
    );
  };
}

/**
 * The headers next.config gives every /api/ answer (nosniff, no framing, a CSP allowing nothing):
 * the API answered here, before Next, carries them too.
 */
async function apiHeaders(): Promise<[string, string][]> {
  const config = (await import(pathToFileURL(path.join(root, 'next.config.mjs')).href)) as {
    default: {
      headers?: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
    };
  };
  const rules = (await config.default.headers?.()) ?? [];
  const out = new Map<string, string>();
  for (const rule of rules) {
    // Only prefix rules ('/:path*', '/api/:path*') exist; any other form must be taught here.
    if (!rule.source.endsWith('/:path*'))
      throw new Error(`next.config headers(): cannot apply ${rule.source} to the API`);
    const prefix = rule.source.slice(0, -':path*'.length);
    if ('/api/'.startsWith(prefix)) for (const h of rule.headers) out.set(h.key, h.value);
  }
  return [...out];
}

/**
 * Asks for the health check, a Next route handler (the auth API: sign-up and sign-in go through
 * it) and the sign-in page once, through a throwaway loopback server. Health no longer reaches
 * Next, so without the auth request Next's route-handler code would load on the first sign-in,
 * blocking this thread for seconds on a busy machine while monitors wait on /api/health.
 */
async function warmUp(serve: http.RequestListener): Promise<void> {
  const warm = http.createServer(serve);
  await new Promise<void>((resolve) => warm.listen(0, '127.0.0.1', () => resolve()));
  const { port } = warm.address() as net.AddressInfo;
  await Promise.all(
    ['/api/health', '/api/auth/get-session', '/sign-in'].map((p) =>
      fetch(`http://127.0.0.1:${port}${p}`, { signal: AbortSignal.timeout(30_000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined),
    ),
  );
  await new Promise<void>((resolve) => {
    warm.close(() => resolve());
    warm.closeAllConnections();
  });
}

function within(p: Promise<unknown>, ms: number): Promise<void> {
  return Promise.race([
    p.then(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
  ]);
}

/** Whether Redis answers now: at shutdown, draining workers through a dead Redis never ends. */
async function redisAnswers(): Promise<boolean> {
  const url = process.env.REDIS_URL;
  if (!url) return false;
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (shuttingDown) process.exit(code);
  shuttingDown = true;
  for (const step of cleanups.reverse()) {
    try {
      await step();
    } catch (err) {
      logger.warn({ err }, 'shutdown step failed');
    }
  }
  process.exit(code);
}

let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // One Ctrl-C can arrive twice (from the terminal and relayed by npm): only a second press,
    // a few seconds later, forces the stop.
    if (firstSignalAt) {
      if (Date.now() - firstSignalAt < 3_000) return;
      say('Stopping now.');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    say('Stopping: finishing running jobs (Ctrl-C again to force)...');
    void shutdown(0);
  });
}
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception');
  void shutdown(1);
});

main().catch(async (err: unknown) => {
  console.error(
    err instanceof StartError ? err.message : `Start-up failed: ${(err as Error)?.stack ?? err}`,
  );
  await shutdown(1);
});

/**
 * Starts the real app (`npm start`'s launcher) as a child process on a free port with its own
 * data folder, so end-to-end tests never touch development data; stops it like Ctrl-C does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const root = path.resolve(import.meta.dirname, '..', '..');

export type RunningApp = {
  url: string;
  port: number;
  dataDir: string;
  /** The launcher's process id (the app itself; worker processes are its children). */
  pid: number;
  /** Resolves with the exit code (null when killed by a signal) once the launcher has exited. */
  exited: Promise<number | null>;
  /** Everything the launcher printed so far (stdout and stderr). */
  output: () => string;
  stop: () => Promise<number | null>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'strikeflow-e2e-data-'));
}

/**
 * With DATABASE_URL set (CI's Postgres run) the app gets a database of its own on that server,
 * dropped afterwards; otherwise it uses the embedded PGlite inside its data folder.
 */
export async function privateDatabaseUrl(): Promise<{
  url: string | undefined;
  drop: () => Promise<void>;
}> {
  const base = process.env.DATABASE_URL?.trim();
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `strikeflow_e2e_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, connect_timeout: 5, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const target = new URL(base);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export async function startApp(opts: {
  dataDir: string;
  port?: number;
  databaseUrl?: string;
  timeoutMs?: number;
  /** Variables to set (a string) or remove (undefined) for this app only. */
  env?: Record<string, string | undefined>;
}): Promise<RunningApp> {
  const port = opts.port ?? (await freePort());
  // The launcher decides NODE_ENV itself; the test run's DATABASE_URL is replaced by the private one.
  const { DATABASE_URL: _shared, NODE_ENV: _mode, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts', 'start.ts')],
    {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const timeoutMs = opts.timeoutMs ?? 240_000;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (/Strikeflow is ready at/.test(out)) done(true);
    }, 100);
    const deadline = setTimeout(() => done(false), timeoutMs);
    void exited.then(() => done(/Strikeflow is ready at/.test(out)));
    function done(ok: boolean) {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve(ok);
    }
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGINT');
    const force = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await exited;
    clearTimeout(force);
    return code;
  };

  if (!ready) {
    await stop();
    throw new Error(
      `the app did not report ready within ${timeoutMs / 1000} s; its output:\n${out}`,
    );
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: opts.dataDir,
    pid: child.pid!,
    exited,
    output: () => out,
    stop,
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The app one suite runs against: its own data folder and (on Postgres) its own database,
 * started once, restartable on the same data, and removed with everything it made at the end.
 */
export class SuiteApp {
  app!: RunningApp;
  /** The address the launcher prints, as a person would open it. */
  base = '';
  private dataDir = '';
  private database: Awaited<ReturnType<typeof privateDatabaseUrl>> | undefined;

  async start(): Promise<void> {
    this.dataDir ||= tempDataDir();
    this.database ??= await privateDatabaseUrl();
    this.app = await startApp({ dataDir: this.dataDir, databaseUrl: this.database.url });
    this.base = `http://localhost:${this.app.port}`;
  }

  /** Stops the app like Ctrl-C and gives its exit code; removes its data folder and database. */
  async dispose(): Promise<number | null> {
    const exitCode = this.app ? await this.app.stop() : 0;
    await this.database?.drop();
    if (this.dataDir) removeDataDir(this.dataDir);
    return exitCode;
  }
}

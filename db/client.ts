/**
 * The one database client factory: embedded PGlite under DATA_DIR by default, postgres.js when
 * DATABASE_URL is set. PGlite is single-process and single-connection, so the open client lives
 * on globalThis and every copy of this module (the launcher's and the one bundled by Next) shares
 * it; each copy wraps it in its own drizzle instance, which is cheap.
 */
import fs, { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { env } from './env';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbClient =
  | { kind: 'pglite'; client: PGlite; location: string }
  | { kind: 'postgres'; client: postgres.Sql; location: string };

export type DbTarget = { databaseUrl: string } | { pgliteDir: string };

/** A connection failure the user can fix, with the fix in the message. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * PGlite's file system layer (emscripten's NODEFS) chmods every file it makes to 0666, past the
 * process umask: password hashes and sessions would be readable by every user of the machine.
 * Inside a PGlite data folder this process opened, chmod keeps the owner's bits only.
 */
const ownerOnlyRoots = new Set<string>();
let chmodGuarded = false;

function underOwnerOnlyRoot(p: string): boolean {
  for (const root of ownerOnlyRoots) if (p === root || p.startsWith(root + path.sep)) return true;
  return false;
}

export function keepOwnerOnly(dir: string): void {
  ownerOnlyRoots.add(path.resolve(dir));
  if (chmodGuarded) return;
  chmodGuarded = true;
  const chmod = fs.chmodSync;
  const fchmod = fs.fchmodSync;
  const owner = (mode: fs.Mode) => (typeof mode === 'number' ? mode & 0o700 : mode);
  fs.chmodSync = (p, mode) =>
    chmod(p, underOwnerOnlyRoot(path.resolve(String(p))) ? owner(mode) : mode);
  fs.fchmodSync = (fd, mode) => {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // not Linux: the folder's own 0700 still keeps others out
    }
    return fchmod(fd, target && underOwnerOnlyRoot(target) ? owner(mode) : mode);
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Opens a raw client. Callers own it; most code wants `getDb()` instead. */
export async function openClient(target: DbTarget): Promise<DbClient> {
  if ('databaseUrl' in target) {
    const client = postgres(target.databaseUrl, {
      max: 10,
      connect_timeout: 5,
      onnotice: () => {},
    });
    return { kind: 'postgres', client, location: redactUrl(target.databaseUrl) };
  }
  const dir = path.resolve(target.pgliteDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  keepOwnerOnly(dir);
  try {
    const client = await PGlite.create(dir);
    return { kind: 'pglite', client, location: dir };
  } catch (err) {
    throw new DatabaseUnavailableError(
      `Cannot open the embedded database in ${dir}: ${(err as Error).message}. ` +
        'Another Strikeflow process may be using it (stop it first), or delete the folder to start afresh.',
      { cause: err },
    );
  }
}

/** A drizzle handle on the client; `logger` sees every statement's text (tests of what code sends). */
export function wrap(c: DbClient, logger?: { logQuery: (query: string) => void }): Db {
  return (c.kind === 'pglite'
    ? drizzlePglite({ client: c.client, schema, logger })
    : drizzlePostgres({ client: c.client, schema, logger })) as unknown as Db;
}

/** Fails within a few seconds with a message naming the database when it cannot be reached. */
export async function pingDb(c: DbClient, timeoutMs = 8_000): Promise<void> {
  const attempt = c.kind === 'pglite' ? c.client.query('select 1') : c.client`select 1`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([attempt, timeout]);
  } catch (err) {
    const reason = describeConnectError(err);
    throw new DatabaseUnavailableError(
      c.kind === 'postgres'
        ? `Cannot reach the database at DATABASE_URL=${c.location}: ${reason}. Start Postgres or fix DATABASE_URL.`
        : `The embedded database in ${c.location} does not answer: ${reason}.`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}

function describeConnectError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'CONNECT_TIMEOUT') return 'connection timed out';
  if (code === '28P01') return 'wrong user name or password';
  if (code === '3D000') return 'the database does not exist';
  return e.message || String(err);
}

export function migrationsFolder(): string {
  return process.env.STRIKEFLOW_MIGRATIONS_DIR ?? path.join(process.cwd(), 'db', 'migrations');
}

/**
 * Applies pending migrations. drizzle's migrator takes no lock, so exactly one process calls
 * this at start-up (the launcher), before the app and the workers open the database.
 */
export async function migrateDb(c: DbClient): Promise<void> {
  const folder = migrationsFolder();
  if (c.kind === 'pglite')
    await migratePglite(drizzlePglite({ client: c.client }), { migrationsFolder: folder });
  else await migratePostgres(drizzlePostgres({ client: c.client }), { migrationsFolder: folder });
}

export async function closeClient(c: DbClient): Promise<void> {
  if (c.kind === 'pglite') {
    if (!c.client.closed) await c.client.close();
  } else await c.client.end({ timeout: 5 });
}

// ---- the process-wide instance ----------------------------------------------------------

type Shared = { __strikeflowDbClient?: Promise<DbClient> };
const shared = globalThis as unknown as Shared;
let wrapped: { client: DbClient; db: Db } | undefined;

export function defaultTarget(): DbTarget {
  const e = env();
  return e.DATABASE_URL
    ? { databaseUrl: e.DATABASE_URL }
    : { pgliteDir: path.join(e.DATA_DIR, 'pglite') };
}

/** The process's shared client, opened on first use from the validated environment. */
export function getClient(): Promise<DbClient> {
  shared.__strikeflowDbClient ??= openClient(defaultTarget()).catch((err) => {
    shared.__strikeflowDbClient = undefined;
    throw err;
  });
  return shared.__strikeflowDbClient;
}

/** The process's drizzle database. */
export async function getDb(): Promise<Db> {
  const client = await getClient();
  if (wrapped?.client !== client) wrapped = { client, db: wrap(client) };
  return wrapped.db;
}

/** Closes the shared client (shutdown); the next `getDb()` opens a new one. */
export async function closeDb(): Promise<void> {
  const pending = shared.__strikeflowDbClient;
  shared.__strikeflowDbClient = undefined;
  wrapped = undefined;
  if (pending) await closeClient(await pending);
}

export { schema, sql };

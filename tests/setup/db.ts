/**
 * A private, migrated database for one test file: a fresh database on the Postgres server named
 * by DATABASE_URL when it is set, else a fresh PGlite in a temp folder. Tests never share state.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { closeClient, migrateDb, openClient, wrap, type Db, type DbClient } from '@/db/client';

export type TestDb = {
  db: Db;
  client: DbClient;
  kind: DbClient['kind'];
  close: () => Promise<void>;
};

export async function openTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return openPostgresTestDb(url);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-pglite-'));
  const template = process.env.STRIKEFLOW_PGLITE_TEMPLATE;
  if (template && existsSync(template)) cpSync(template, dir, { recursive: true });
  const client = await openClient({ pgliteDir: dir });
  await migrateDb(client);
  return {
    db: wrap(client),
    client,
    kind: client.kind,
    close: async () => {
      await closeClient(client);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresTestDb(url: string): Promise<TestDb> {
  const name = `strikeflow_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = await openClient({ databaseUrl: target.toString() });
  await migrateDb(client);
  return {
    db: wrap(client),
    client,
    kind: client.kind,
    close: async () => {
      await closeClient(client);
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * Another handle on the test database that hands every statement's text to `onQuery` (drizzle's
 * logger): for tests of which statements a piece of code sends.
 */
export function loggedDb(t: TestDb, onQuery: (text: string) => void): Db {
  return wrap(t.client, { logQuery: onQuery });
}

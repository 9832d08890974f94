/**
 * vitest global set-up: integration tests talk to a real Redis. When REDIS_URL is not set, a
 * private redis-server runs for the length of the test run (no persistence, temp folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { closeClient, migrateDb, openClient } from '@/db/client';
import { startRedisServer } from '@/workers/redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    REDIS_URL: string;
  }
}

export default async function setup(project: TestProject) {
  const teardown: (() => Promise<void>)[] = [];
  await Promise.all([startRedis(project, teardown), pgliteTemplate(teardown)]);
  return async () => {
    for (const step of teardown) await step();
  };
}

async function startRedis(project: TestProject, teardown: (() => Promise<void>)[]) {
  const given = process.env.REDIS_URL?.trim();
  if (given) {
    project.provide('REDIS_URL', given);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-test-redis-'));
  const redis = await startRedisServer({ dataDir: dir, persist: false, databases: 64 });
  process.env.REDIS_URL = redis.url;
  project.provide('REDIS_URL', redis.url);
  teardown.push(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}

// Creating a PGlite database (initdb) costs seconds; copying a migrated one costs far less, so
// every test file starts from a copy of this one (see tests/setup/db.ts).
async function pgliteTemplate(teardown: (() => Promise<void>)[]) {
  if (process.env.DATABASE_URL?.trim()) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-test-pglite-template-'));
  const client = await openClient({ pgliteDir: dir });
  await migrateDb(client);
  await closeClient(client);
  process.env.STRIKEFLOW_PGLITE_TEMPLATE = dir;
  teardown.push(async () => rmSync(dir, { recursive: true, force: true }));
}

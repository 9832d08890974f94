/**
 * vitest global set-up: integration tests talk to a real Redis. When REDIS_URL is not set, a
 * private redis-server runs for the length of the test run (no persistence, temp folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '@/workers/redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    REDIS_URL: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.REDIS_URL?.trim();
  if (given) {
    project.provide('REDIS_URL', given);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-test-redis-'));
  const redis = await startRedisServer({ dataDir: dir, persist: false, databases: 64 });
  process.env.REDIS_URL = redis.url;
  project.provide('REDIS_URL', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

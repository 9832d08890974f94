import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { resetEnv } from '@/db/env';
import { testRedisUrl } from '@/tests/setup/redis';
import { startWorkers } from '@/workers/index';
import { closeQueues, setPrivateRedisSupervision } from '@/workers/queues';
import { cachedHealthReport, HEALTH_CACHE_MS, healthReport } from './health';

const saved = { ...process.env };
let dataDir: string;
let redisUrl: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-health-'));
  const template = process.env.STRIKEFLOW_PGLITE_TEMPLATE;
  if (template && existsSync(template))
    cpSync(template, path.join(dataDir, 'pglite'), { recursive: true });
  redisUrl = await testRedisUrl();
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    HEARTBEAT_INTERVAL_MS: '300',
  });
  resetEnv();
});

afterAll(async () => {
  await closeQueues();
  await closeDb();
  process.env = saved;
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('health report', () => {
  it('is ok only once a worker answers the heartbeat, and says why not before', async () => {
    const before = await healthReport();
    expect(before).toMatchObject({ status: 'down', db: 'ok', redis: 'ok' });
    expect(before.workers).toMatch(/no worker has answered the heartbeat/);

    const workers = await startWorkers({ heartbeatMs: 300, concurrency: 1, sweep: false });
    try {
      await expect
        .poll(() => healthReport(), { timeout: 10_000, interval: 100 })
        .toEqual({
          status: 'ok',
          db: 'ok',
          redis: 'ok',
          workers: 'ok',
        });
    } finally {
      await workers.close();
    }
    await expect
      .poll(async () => (await healthReport()).workers, { timeout: 5_000, interval: 200 })
      .toMatch(/no worker has answered the heartbeat for \d+ s/);
  });

  it('names Redis as the broken part within a second, without its address', async () => {
    await closeQueues();
    process.env.REDIS_URL = 'redis://:hunter2@127.0.0.1:1';
    resetEnv();
    try {
      const started = Date.now();
      const report = await healthReport();
      // The health check's own bound (0.8 s), plus room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(report.status).toBe('down');
      expect(report.db).toBe('ok');
      expect(report.redis).toMatch(/^cannot reach Redis: |did not answer within 0.8 s/);
      expect(JSON.stringify(report)).not.toMatch(/127\.0\.0\.1|hunter2|redis:\/\//);
      expect(report.workers).toMatch(/^unknown: Redis is down/);
    } finally {
      await closeQueues();
      process.env.REDIS_URL = redisUrl;
      resetEnv();
    }
  });

  it('says the private redis-server is being restarted while its supervisor brings it back', async () => {
    await closeQueues();
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    resetEnv();
    setPrivateRedisSupervision({
      state: 'restarting',
      restarts: 0,
      lastExit: 'killed by SIGKILL',
      nextAttemptAt: Date.now() + 1_500,
    });
    try {
      const report = await healthReport();
      expect(report.redis).toMatch(
        /^the private redis-server stopped \(killed by SIGKILL\); restarting it in [12] s$/,
      );
      expect(report.status).toBe('down');
    } finally {
      setPrivateRedisSupervision({
        state: 'stopped',
        restarts: 0,
        lastExit: null,
        nextAttemptAt: null,
      });
      await closeQueues();
      process.env.REDIS_URL = redisUrl;
      resetEnv();
    }
  });

  it('answers from cached state: callers within a second share one check, a later one checks again', async () => {
    const t0 = Date.now();
    const burst = await Promise.all(Array.from({ length: 500 }, () => cachedHealthReport(t0)));
    expect(new Set(burst).size).toBe(1);
    expect(burst[0]).toMatchObject({ db: 'ok', redis: 'ok' });
    expect(await cachedHealthReport(t0 + HEALTH_CACHE_MS - 1)).toBe(burst[0]);
    const later = await cachedHealthReport(t0 + HEALTH_CACHE_MS);
    expect(later).not.toBe(burst[0]);
    // The same answer, checked afresh: a worker's silence is counted in seconds, which may have
    // ticked over between the two checks ("for 1 s", then "for 2 s").
    const unclocked = (r: typeof later) => ({ ...r, workers: r.workers.replace(/\d+ s$/, 'N s') });
    expect(unclocked(later)).toEqual(unclocked(burst[0]));
  });
});

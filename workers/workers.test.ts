import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '@/tests/setup/redis';
import { workersState } from './queues';
import { startWorkers } from './index';
import { QUEUES, createConnection } from './queues';
import { privateRedisSupervision, startRedisServer } from './redis-server';

let url: string;
let redis: Redis;
beforeAll(async () => {
  url = await testRedisUrl();
  redis = createConnection('client', url);
});
/** Servers a test started: stopped even when the test fails half-way. */
const started: { stop: () => Promise<void> }[] = [];
afterAll(async () => {
  redis?.disconnect();
  await Promise.all(started.map((r) => r.stop()));
});

describe('heartbeat', () => {
  it('health sees no workers until one answers, then sees them alive, then sees them gone', async () => {
    const interval = 300;
    expect(await workersState(redis, interval)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no worker has answered the heartbeat yet/),
    });

    const workers = await startWorkers({
      url,
      heartbeatMs: interval,
      concurrency: 1,
      sweep: false,
    });
    try {
      await expect
        .poll(async () => (await workersState(redis, interval)).ok, {
          timeout: 5_000,
          interval: 50,
        })
        .toBe(true);
    } finally {
      await workers.close();
    }
    await new Promise((r) => setTimeout(r, 4 * interval));
    const after = await workersState(redis, interval);
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.reason).toMatch(/no worker has answered the heartbeat for \d+ s/);
  });
});

describe('system queue', () => {
  it('records a failing job with its reason instead of swallowing it', async () => {
    const workers = await startWorkers({ url, heartbeatMs: 60_000, concurrency: 1, sweep: false });
    const queue = new Queue(QUEUES.system, { connection: createConnection('client', url) });
    const events = new QueueEvents(QUEUES.system, { connection: createConnection('worker', url) });
    await events.waitUntilReady();
    try {
      const job = await queue.add('no-such-job', {}, { attempts: 1 });
      const failed = await job.waitUntilFinished(events, 5_000).catch((e: Error) => e);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/unknown system job "no-such-job"/);
    } finally {
      await workers.close();
      await events.close();
      await queue.close();
    }
  });
});

describe('shutdown', () => {
  it('drains: a job already running finishes before close() returns, and nothing new starts', async () => {
    const name = 'strikeflow-test-drain';
    const finished: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const workers = await startWorkers({
      url,
      heartbeatMs: 60_000,
      concurrency: 1,
      sweep: false,
      extra: {
        [name]: async (job) => {
          started();
          await new Promise((r) => setTimeout(r, 500));
          finished.push(String(job.data.n));
        },
      },
    });
    const queue = new Queue(name, { connection: createConnection('client', url) });
    try {
      await queue.add('slow', { n: 1 });
      await running;
      await queue.add('slow', { n: 2 }, { delay: 50 });
      await workers.close();
      expect(finished).toEqual(['1']);
      const counts = await queue.getJobCounts('completed', 'waiting', 'delayed');
      expect(counts.completed).toBe(1);
      expect(counts.waiting + counts.delayed).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe('private redis-server', () => {
  it('runs with noeviction on a loopback port, keeps data across restarts, and is gone after stop', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-redis-test-'));
    try {
      const first = await startRedisServer({ dataDir: dir });
      const c1 = new Redis(first.url);
      expect(first.url).toMatch(/^redis:\/\/:[0-9a-f]{48}@127\.0\.0\.1:\d+$/);
      expect(await c1.config('GET', 'maxmemory-policy')).toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
      await c1.set('kept', 'yes');
      c1.disconnect();
      await first.stop();
      expect(() => process.kill(first.pid, 0)).toThrow();

      const second = await startRedisServer({ dataDir: dir });
      const c2 = new Redis(second.url);
      expect(await c2.get('kept')).toBe('yes');
      c2.disconnect();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers only with its password, keeps its files owner-only, and shows the password nowhere', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-redis-test-'));
    try {
      const r = await startRedisServer({ dataDir: dir });
      started.push(r);
      const password = decodeURIComponent(new URL(r.url).password);
      const stranger = new Redis({
        port: r.port,
        host: '127.0.0.1',
        lazyConnect: true,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      stranger.on('error', () => {});
      await stranger.connect();
      await expect(stranger.ping()).rejects.toThrow(/NOAUTH/);
      stranger.disconnect();
      expect(readFileSync(`/proc/${r.pid}/cmdline`, 'utf8')).not.toContain(password);
      const files = (d: string): string[] =>
        readdirSync(d).flatMap((n) =>
          statSync(path.join(d, n)).isDirectory() ? files(path.join(d, n)) : [path.join(d, n)],
        );
      for (const f of files(dir)) expect(readFileSync(f, 'latin1')).not.toContain(password);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      await r.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('comes back on the same address after a kill -9, keeping its data, when supervised', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-redis-test-'));
    try {
      const r = await startRedisServer({ dataDir: dir, supervise: true });
      started.push(r);
      const c = new Redis(r.url, { maxRetriesPerRequest: null });
      c.on('error', () => {});
      await c.set('kept', 'yes');
      await c.bgrewriteaof();
      await new Promise((res) => setTimeout(res, 1_200));
      const before = r.pid;
      process.kill(before, 'SIGKILL');
      await expect
        .poll(() => privateRedisSupervision()?.state, { timeout: 2_000, interval: 20 })
        .toBe('restarting');
      expect(privateRedisSupervision()?.lastExit).toBe('killed by SIGKILL');
      // The same client, reconnecting by itself, finds the data again.
      expect(await c.get('kept')).toBe('yes');
      await expect
        .poll(() => privateRedisSupervision(), { timeout: 5_000 })
        .toMatchObject({ state: 'running', restarts: 1 });
      expect(r.pid).not.toBe(before);
      c.disconnect();
      await r.stop();
      expect(privateRedisSupervision()?.state).toBe('stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// deployments.* on a real database and Redis with the live flow's BullMQ workers running: a paper
// deployment on a simulated session enters, streams its view (positions with LTP and greeks, P&L,
// trace), squares off one leg, is killed by the kill switch, and every action is in its audit;
// another trader can neither see nor command it, and bad targets are refused before the inbox.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { deploymentPnl, strategyVersions } from '@/db/schema';
import { straddle } from '@/engine/backtest/golden-straddle';
import { createDeployment, getDeployment } from '@/server/services/deployments';
import { insertStrategy } from '@/server/testing/strategies';
import { useTestApi } from '@/server/testing/api';
import { testRedisUrl } from '@/tests/setup/redis';
import { deploymentsProcessor, ordersProcessor, type LiveFlowDeps } from '@/workers/deployments';
import { closeQueues, createConnection, QUEUES, SHARD_QUEUE_NAMES } from '@/workers/queues';

const api = useTestApi();
let workers: Worker[] = [];
let publisher: Redis;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-deployments-'));
  process.env.REDIS_URL = await testRedisUrl();
  process.env.DATA_DIR = dataDir;
  resetEnv();
  publisher = createConnection('client', process.env.REDIS_URL);
  const deps: LiveFlowDeps = { db: async () => api.db, redis: publisher, shards: 2 };
  workers = [
    ...[QUEUES.deployments, ...SHARD_QUEUE_NAMES].map((q) => new Worker(q, deploymentsProcessor(deps), { connection: createConnection('worker', process.env.REDIS_URL), concurrency: 2 })), // prettier-ignore
    new Worker(QUEUES.inbox, deploymentsProcessor(deps), { connection: createConnection('worker', process.env.REDIS_URL), concurrency: 2 }), // prettier-ignore
    new Worker(QUEUES.orders, ordersProcessor(deps), { connection: createConnection('worker', process.env.REDIS_URL), concurrency: 2 }), // prettier-ignore
  ];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  await closeQueues();
  publisher?.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

type Msg = { kind: 'event'; type: string; seq: number } | { kind: 'view'; pnlSince: string | null; view: Awaited<ReturnType<Caller['deployments']['get']>> }; // prettier-ignore
type Caller = Awaited<ReturnType<typeof api.callerFor>>['caller'];

const unwrap = (v: unknown): Msg => (Array.isArray(v) ? v[1] : v) as Msg;

/** Reads the stream until a view satisfies `ok` (or fails after `ms`). */
async function until(
  it: AsyncIterator<unknown>,
  seen: Msg[],
  ok: (v: Extract<Msg, { kind: 'view' }>['view']) => boolean,
  ms = 60_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no view matched; last: ${JSON.stringify(seen.filter((m) => m.kind === 'view').at(-1))}`); // prettier-ignore
    const r = await it.next();
    if (r.done) throw new Error('the stream ended');
    const m = unwrap(r.value);
    seen.push(m);
    if (m.kind === 'view' && ok(m.view)) return m.view;
  }
}

describe('deployments.*', () => {
  it('runs a paper deployment: streamed view with greeks, leg square-off, kill switch, audit; owner-scoped', async () => {
    const a = await api.callerFor('deploy-a@example.test');
    const b = await api.callerFor('deploy-b@example.test');
    const strategyId = await insertStrategy(api.db, a.userId);
    const { id } = await a.caller.deployments.create({ strategyId, mode: 'paper', feed: 'session', speed: 60, riskLimits: { maxLotsPerOrder: 5 } }); // prettier-ignore

    expect(await b.caller.deployments.list()).toEqual([]);
    for (const call of [
      () => b.caller.deployments.get({ id }),
      () => b.caller.deployments.pause({ id }),
      () => b.caller.deployments.squareOff({ id, strategyId: 's', legId: 'ce' }),
      () => b.caller.deployments.kill({ id }),
      async () => (await b.caller.deployments.events({ id }))[Symbol.asyncIterator]().next(),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const stream = (await a.caller.deployments.events({ id }))[Symbol.asyncIterator]();
    const seen: Msg[] = [];
    try {
      const first = await until(stream, seen, () => true);
      expect(first).toMatchObject({
        id,
        mode: 'paper',
        status: 'running',
        feed: { kind: 'session' },
      });
      expect(first.feed.label).toMatch(/Simulated session/);
      const open = await until(stream, seen, (v) => v.positions.filter((p) => p.status === 'OPEN').length === 2); // prettier-ignore
      for (const p of open.positions) {
        expect(p.greeks).not.toBeNull();
        expect(p.greeks!.ltp).toBeGreaterThan(0);
        expect(p.greeks!.theta).toBeGreaterThan(0); // sold options earn time decay
      }
      const ce = open.positions.find((p) => p.legId === 'ce')!;
      expect(ce.greeks!.delta).toBeLessThan(0); // a sold call is short delta
      expect(open.market[0]).toMatchObject({ underlying: 'NIFTY' });
      expect(open.pnlSeries.length).toBeGreaterThan(0);
      expect(seen.some((m) => m.kind === 'event' && m.type === 'ENTRY')).toBe(true);
      // After the first view, only new P&L points come (from the last one sent).
      const views = seen.filter((m) => m.kind === 'view');
      const firstWithPoints = views.findIndex((m) => m.kind === 'view' && m.view.pnlSeries.length > 0); // prettier-ignore
      const later = views.slice(firstWithPoints + 1);
      expect(later.every((m) => m.kind === 'view' && m.pnlSince !== null)).toBe(true);

      await expect(a.caller.deployments.squareOff({ id, strategyId: 's', legId: 'xx' })).rejects.toThrow(/has no leg "xx"; its legs are ce, pe/); // prettier-ignore
      await expect(a.caller.deployments.squareOff({ id, strategyId: 'nope' })).rejects.toThrow(/has no strategy "nope"/); // prettier-ignore
      await a.caller.deployments.squareOff({ id, strategyId: 's', legId: 'ce' });
      const squared = await until(stream, seen, (v) => v.positions.some((p) => p.legId === 'ce' && p.qty === 0) && v.positions.some((p) => p.legId === 'pe' && p.status === 'OPEN')); // prettier-ignore
      expect(squared.orders.some((o) => o.legId === 'ce' && o.reason === 'SQUARE_OFF')).toBe(true);

      expect(await b.caller.deployments.killAll()).toEqual({ killed: 0 });
      expect(await a.caller.deployments.killAll()).toEqual({ killed: 1 });
      const killed = await until(stream, seen, (v) => v.status === 'killed' && v.positions.every((p) => p.qty === 0)); // prettier-ignore
      expect(killed.audit.map((r) => r.action).reverse()).toEqual(['deploy', 'square_off', 'kill']);
      expect(killed.audit.find((r) => r.action === 'square_off')!.detail).toEqual({ strategyId: 's', legId: 'ce' }); // prettier-ignore
      await expect(a.caller.deployments.pause({ id })).rejects.toThrow(/is killed/);
    } finally {
      await stream.return?.();
    }

    const kinds = (await a.caller.alerts.notifications()).items.map((n) => n.kind);
    expect(kinds).toContain('entry');
    expect(kinds).toContain('kill');
    expect((await b.caller.alerts.notifications()).items).toEqual([]);
    const [row] = await a.caller.deployments.list();
    expect(row).toMatchObject({ id, status: 'killed', mode: 'paper' });
  });

  it("shows a morning of 1-second P&L (a broker's feed) whole, as the last point of each minute, and then every new point", async () => {
    const a = await api.callerFor('deploy-pnl-seconds@example.test');
    const dep = await createDeployment(api.db, a.userId, { strategyId: await insertStrategy(api.db, a.userId), mode: 'paper', feed: 'recorded', source: 'seconds' }); // prettier-ignore
    // 09:15:00 to 12:14:59 IST, a point a second (10,800): more than a page loads point by point.
    const ts = (s: number) => `2026-11-20T${new Date(Date.UTC(2026, 10, 20, 9, 15, s)).toISOString().slice(11, 19)}+05:30`; // prettier-ignore
    const points = Array.from({ length: 10_800 }, (_, s) => ({ deploymentId: dep.id, ts: ts(s), net: s, gross: s, costs: 0 })); // prettier-ignore
    for (let i = 0; i < points.length; i += 2_000) await api.db.insert(deploymentPnl).values(points.slice(i, i + 2_000)); // prettier-ignore
    const view = await a.caller.deployments.get({ id: dep.id });
    expect(view.pnlSeries).toHaveLength(180);
    expect(view.pnlSeries[0]).toEqual({ ts: '2026-11-20T09:15:59+05:30', net: 59 });
    expect(view.pnlSeries[1]).toEqual({ ts: '2026-11-20T09:16:59+05:30', net: 119 });
    expect(view.pnlSeries.at(-1)).toEqual({ ts: '2026-11-20T12:14:59+05:30', net: 10_799 });
    // The stream's next views: every point from the newest one seen on, oldest first.
    const next = await getDeployment(api.db, a.userId, dep.id, { pnlAfter: '2026-11-20T12:14:00+05:30' }); // prettier-ignore
    expect(next.pnlSeries.map((p) => p.net)).toEqual(Array.from({ length: 60 }, (_, i) => 10_740 + i)); // prettier-ignore

    // A history longer than 5,000 minutes (a point a minute here): the newest 5,000 of them.
    const long = await createDeployment(api.db, a.userId, { strategyId: await insertStrategy(api.db, a.userId), mode: 'paper', feed: 'recorded', source: 'minutes' }); // prettier-ignore
    const minute = (m: number) => `${new Date(Date.UTC(2026, 10, 1, 9, 15) + m * 60_000).toISOString().slice(0, 19)}Z`; // prettier-ignore
    const minutes = Array.from({ length: 5_100 }, (_, m) => ({ deploymentId: long.id, ts: minute(m), net: m, gross: m, costs: 0 })); // prettier-ignore
    for (let i = 0; i < minutes.length; i += 2_000) await api.db.insert(deploymentPnl).values(minutes.slice(i, i + 2_000)); // prettier-ignore
    const series = (await a.caller.deployments.get({ id: long.id })).pnlSeries;
    expect(series).toHaveLength(5_000);
    expect(series[0]).toEqual({ ts: minute(100), net: 100 });
    expect(series.at(-1)).toEqual({ ts: minute(5_099), net: 5_099 });
  });

  it('refuses a template version, which belongs to no strategy of the trader', async () => {
    const a = await api.callerFor('deploy-template@example.test');
    const [v] = await api.db
      .insert(strategyVersions)
      .values({
        strategyId: null,
        ownerId: a.userId,
        version: 1,
        name: 'Straddle (template v1)',
        dsl: straddle(),
        graph: {},
      }) // prettier-ignore
      .returning({ id: strategyVersions.id });
    await expect(a.caller.deployments.create({ strategyVersionId: v.id, mode: 'paper', feed: 'session' })).rejects.toThrow(/came from a template/); // prettier-ignore
    expect(await a.caller.deployments.list()).toEqual([]);
  });
});

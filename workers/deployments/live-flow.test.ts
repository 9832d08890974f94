/**
 * The live flow end to end, on a real database and a real Redis with real workers: a strategy run
 * as a paper deployment over recorded ticks (feed → Redis → evaluator → outbox → order router →
 * paper venue → reports → evaluator) must give the backtest's report, order for order; its
 * recorded inputs must replay to the same orders, events and state; and a trader's square-off and
 * kill must reach the venue and the audit log. Every NIFTY example over the real day is in
 * live-flow.nifty-1 and -2 (two files, so the unit phase's two workers share them).
 */
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { schema } from '@/db/client';
import { auditLog, deploymentEvents, deploymentInputs, orderIntents } from '@/db/schema';
import { backtestDocument } from '@/engine/backtest/basket';
import { straddle, straddleDay } from '@/engine/backtest/golden-straddle';
import { commandDeployment } from '@/server/services/deployments';
import { paperRun } from '@/scripts/paper-run';
import { useLiveFlowTestbed } from '@/tests/support/live-flow-testbed';
import { comparable } from '@/tests/support/paper-equals-backtest';
import { getQueue, SHARD_QUEUE_NAMES } from '../queues';
import { publishTick } from './index';
import { waitQuiet } from './quiet';
import { replayDeployment } from './replay';

const bed = useLiveFlowTestbed();

describe('paper = backtest', () => {
  it('the golden straddle: the same orders, fills, trades, P&L and equity as the backtest, and its replay is identical', async () => {
    const run = await paperRun(bed.db, bed.redis, straddle(), straddleDay, {
      source: 'golden straddle',
    });
    expect(run.ticks).toBe(straddleDay.length);
    const backtest = await backtestDocument(straddle(), straddleDay, { deploymentId: run.deploymentId }); // prettier-ignore
    expect(run.report.orders.length).toBeGreaterThan(0);
    expect(comparable(run.report)).toEqual(comparable(backtest));

    const replay = await replayDeployment(bed.db, run.deploymentId);
    expect(replay).toMatchObject({ identical: true, orders: expect.any(Number) });
    if (replay.identical) expect(replay.netPnl).toBeCloseTo(run.report.summary.netPnl, 2);
  }, 120_000);
});

describe('a trader acts on a running deployment', () => {
  it('square-off of one leg and a kill reach the paper venue as orders at the next tick, and the audit log has both', async () => {
    // The straddle's first half hour: both legs open, no stop hit yet (see golden-straddle.ts).
    const first = straddleDay.filter((s) => s.ts <= '2026-11-20T09:30:00+05:30');
    const later = straddleDay.filter((s) => s.ts > '2026-11-20T09:30:00+05:30');
    expect(later.length).toBeGreaterThanOrEqual(2);
    const ownerId = `trader-${Date.now()}`;
    await bed.db.insert(schema.user).values({ id: ownerId, name: 'trader', email: `${ownerId}@localhost`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() }); // prettier-ignore
    const run = await paperRun(bed.db, bed.redis, straddle(), first, { source: 'first half hour', ownerId, keepFeed: true }); // prettier-ignore
    const deps = { db: async () => bed.db, redis: bed.redis };
    const places = async () => (await bed.db.select().from(orderIntents).where(eq(orderIntents.deploymentId, run.deploymentId))).filter((o) => o.kind === 'place'); // prettier-ignore
    expect(await places()).toHaveLength(2);

    await commandDeployment(bed.db, ownerId, run.deploymentId, 'SQUARE_OFF', { strategyId: 's', legId: 'ce' }); // prettier-ignore
    await waitQuiet(bed.db, [run.deploymentId]);
    await publishTick(deps, run.feedId, later[0]);
    await waitQuiet(bed.db, [run.deploymentId]);
    const afterSquareOff = await places();
    expect(afterSquareOff).toHaveLength(3);
    expect(afterSquareOff.filter((o) => o.status === 'sent')).toHaveLength(3);

    await commandDeployment(bed.db, ownerId, run.deploymentId, 'KILL');
    await waitQuiet(bed.db, [run.deploymentId]);
    await publishTick(deps, run.feedId, later[1]);
    await waitQuiet(bed.db, [run.deploymentId]);
    const afterKill = await places();
    expect(afterKill).toHaveLength(4);
    expect(afterKill.every((o) => o.status === 'sent')).toBe(true);

    const audit = await bed.db.select().from(auditLog).where(eq(auditLog.deploymentId, run.deploymentId)); // prettier-ignore
    expect(audit.map((a) => a.action)).toEqual(['deploy', 'square_off', 'kill']);
    const commands = await bed.db.select().from(deploymentInputs).where(and(eq(deploymentInputs.deploymentId, run.deploymentId), eq(deploymentInputs.kind, 'command'))).orderBy(asc(deploymentInputs.id)); // prettier-ignore
    expect(commands.map((c) => (c.input as { ts: string }).ts)).toEqual([first.at(-1)!.ts, later[0].ts]); // prettier-ignore
    const events = await bed.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, run.deploymentId)); // prettier-ignore
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['SQUARE_OFF', 'KILL']));
    expect((await replayDeployment(bed.db, run.deploymentId)).identical).toBe(true);
  }, 120_000);

  it('a kill does not wait behind a backlog of ticks: its orders reach the venue while the tick evaluations still queue', async () => {
    const first = straddleDay.filter((s) => s.ts <= '2026-11-20T09:30:00+05:30');
    const later = straddleDay.filter((s) => s.ts > '2026-11-20T09:30:00+05:30').slice(0, 20);
    const ownerId = `killer-${Date.now()}`;
    await bed.db.insert(schema.user).values({ id: ownerId, name: 'killer', email: `${ownerId}@localhost`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() }); // prettier-ignore
    const run = await paperRun(bed.db, bed.redis, straddle(), first, { source: 'kill behind a backlog', ownerId, keepFeed: true }); // prettier-ignore
    const deps = { db: async () => bed.db, redis: bed.redis };
    const ticks = SHARD_QUEUE_NAMES.map((q) => getQueue(q));
    const queued = async () => (await Promise.all(ticks.map((q) => q.getJobCounts('waiting', 'prioritized')))).reduce((n, c) => n + c.waiting + c.prioritized, 0); // prettier-ignore
    // The tick evaluations pile up (as when ticks come faster than they are evaluated).
    await Promise.all(ticks.map((q) => q.pause()));
    try {
      for (const s of later) await publishTick(deps, run.feedId, s);
      const backlog = await queued();
      expect(backlog).toBeGreaterThanOrEqual(later.length);
      await commandDeployment(bed.db, ownerId, run.deploymentId, 'KILL');
      const kills = async () => (await bed.db.select().from(orderIntents).where(eq(orderIntents.deploymentId, run.deploymentId))).filter((o) => (o.payload as { reason?: string }).reason === 'KILL'); // prettier-ignore
      const until = Date.now() + 20_000;
      while (Date.now() < until && (await kills()).filter((o) => o.status === 'sent').length < 2)
        await new Promise((r) => setTimeout(r, 50));
      expect((await kills()).map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(await queued()).toBe(backlog);
    } finally {
      await Promise.all(ticks.map((q) => q.resume()));
    }
    await waitQuiet(bed.db, [run.deploymentId]);
    expect((await replayDeployment(bed.db, run.deploymentId)).identical).toBe(true);
  }, 120_000);
});

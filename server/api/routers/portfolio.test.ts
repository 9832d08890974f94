// portfolio.* end to end on the live flow: a real database, real Redis and the workers in this
// process; deployments on recorded feeds get the golden straddle's hand-made day tick by tick.
// The portfolio shows what each deployment holds, the stream sends a new view when a deployment
// moves, the limits pause new entries of every running deployment (exits keep working) as
// PAUSE events, and nobody sees or stresses another trader's deployments.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { deploymentEvents, deployments, orders, strategies } from '@/db/schema';
import { straddleDay, straddleJson } from '@/engine/backtest/golden-straddle';
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { appRouter } from '@/server/api/root';
import { createDeployment } from '@/server/services/deployments';
import { signUp } from '@/server/testing/accounts';
import { useTestApi } from '@/server/testing/api';
import { testRedisUrl } from '@/tests/setup/redis';
import { publishTick } from '@/workers/deployments';
import { waitQuiet } from '@/workers/deployments/quiet';
import { startWorkers, type RunningWorkers } from '@/workers/index';
import { closeQueues, createConnection } from '@/workers/queues';

const api = useTestApi();
let workers: RunningWorkers;
let redis: ReturnType<typeof createConnection>;
let dataDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-portfolio-'));
  const url = await testRedisUrl();
  Object.assign(process.env, { REDIS_URL: url, DATA_DIR: dataDir });
  resetEnv();
  workers = await startWorkers({ url, db: async () => api.db, heartbeatMs: 60_000, sweep: false }); // prettier-ignore
  redis = createConnection('client', url);
});

afterAll(async () => {
  redis?.disconnect();
  await workers?.close();
  await closeQueues();
  process.env = saved;
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The golden straddle, entering at `entry`, saved as the builder saves it. */
async function straddleStrategy(ownerId: string, name: string, entry: string): Promise<string> {
  const json = structuredClone(straddleJson);
  json.basket.name = name;
  json.basket.strategies[0].entry.time = entry;
  const doc = parseDsl(json);
  if (!doc.ok) throw new Error(JSON.stringify(doc.errors));
  const [s] = await api.db
    .insert(strategies)
    .values({
      ownerId,
      name,
      dsl: doc.value,
      graph: decompile(doc.value) as unknown as Record<string, unknown>,
    }) // prettier-ignore
    .returning({ id: strategies.id });
  return s.id;
}

const deps = () => ({ db: async () => api.db, redis });

async function tick(feeds: { id: string; feedId: string }[], i: number) {
  for (const f of feeds) await publishTick(deps(), f.feedId, straddleDay[i]);
  await waitQuiet(
    api.db,
    feeds.map((f) => f.id),
  );
}

const events = (id: string) =>
  api.db
    .select()
    .from(deploymentEvents)
    .where(eq(deploymentEvents.deploymentId, id))
    .orderBy(asc(deploymentEvents.seq));

describe('portfolio', () => {
  it('shows what running deployments hold, streams changes, and pauses new entries on a limit while exits keep working', async () => {
    const aCtx = await api.context(await signUp(api.auth, { email: `pf-a-${Date.now()}@example.test` })); // prettier-ignore
    const a = { caller: appRouter.createCaller(aCtx), userId: aCtx.session!.user.id };
    const b = await api.callerFor(`pf-b-${Date.now()}@example.test`);
    const early = await createDeployment(api.db, a.userId, { strategyId: await straddleStrategy(a.userId, 'Early straddle', '09:20'), mode: 'paper', feed: 'recorded', source: 'golden day' }); // prettier-ignore
    const late = await createDeployment(api.db, a.userId, { strategyId: await straddleStrategy(a.userId, 'Late straddle', '09:30'), mode: 'paper', feed: 'recorded', source: 'golden day' }); // prettier-ignore
    const feeds = [early, late];

    const empty = await a.caller.portfolio.get();
    expect(empty.sections.map((s) => [s.mode, s.currency, s.deployments.length])).toEqual([['paper', 'INR', 2]]); // prettier-ignore
    expect(empty.sections[0].risk.total.legs).toBe(0);

    // The stream's first view is now; the next comes when a deployment moves.
    const ac = new AbortController();
    const watcher = appRouter.createCaller(aCtx, { signal: ac.signal });
    const stream = (await watcher.portfolio.stream())[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value!.sections[0].risk.total.legs).toBe(0);

    await tick(feeds, 0); // 09:19
    await tick(feeds, 1); // 09:20: the early straddle sells the 24000 CE and PE
    let view = (await stream.next()).value!;
    for (let i = 0; i < 5 && view.sections[0].risk.total.legs < 2; i++) view = (await stream.next()).value!; // prettier-ignore
    ac.abort();
    const paper = view.sections[0];
    expect(paper.risk.total.legs).toBe(2);
    expect(paper.risk.byUnderlying.map((u) => [u.underlying, u.legs])).toEqual([['NIFTY', 2]]);
    expect(paper.risk.byExpiry.map((e) => [e.expiry, e.legs])).toEqual([['2026-11-24', 2]]);
    const earlyRow = paper.deployments.find((d) => d.id === early.id)!;
    // A short straddle at the money: short vega, short gamma, collects theta, needs margin.
    expect(earlyRow.figures.vega).toBeLessThan(0);
    expect(earlyRow.figures.gamma).toBeLessThan(0);
    expect(earlyRow.figures.theta).toBeGreaterThan(0);
    expect(earlyRow.figures.margin).toBeGreaterThan(0);
    expect(paper.deployments.find((d) => d.id === late.id)!.figures.legs).toBe(0);

    // Nobody else sees any of it.
    expect((await b.caller.portfolio.get()).sections).toEqual([]);
    await expect(b.caller.portfolio.scenario({ kind: 'deployment', deploymentId: early.id })).rejects.toMatchObject({ code: 'NOT_FOUND' }); // prettier-ignore
    await expect(b.caller.portfolio.scenario({ kind: 'portfolio', mode: 'paper', currency: 'INR' })).rejects.toMatchObject({ code: 'UNPROCESSABLE_CONTENT' }); // prettier-ignore
    const anon = appRouter.createCaller(await api.context(new Headers()));
    await expect(anon.portfolio.get()).rejects.toBeInstanceOf(TRPCError);

    // The scenario book of the early deployment is its two legs; the portfolio's is the same two.
    const book = await a.caller.portfolio.scenario({ kind: 'deployment', deploymentId: early.id });
    expect(book.book.legs.map((l) => `${l.side} ${l.strike} ${l.right} ${l.qty}`)).toEqual(['SELL 24000 CE 65', 'SELL 24000 PE 65']); // prettier-ignore
    const whole = await a.caller.portfolio.scenario({ kind: 'portfolio', mode: 'paper', currency: 'INR' }); // prettier-ignore
    expect(whole.book.legs).toHaveLength(2);
    expect(whole.deployments.map((d) => d.name).sort()).toEqual([
      'Early straddle',
      'Late straddle',
    ]);

    // A vega limit the short straddle is beyond: both running deployments stop taking entries.
    await expect(a.caller.portfolio.setLimits({ maxNetDelta: null, maxVega: -1, maxDayLoss: null })).rejects.toMatchObject({ code: 'BAD_REQUEST' }); // prettier-ignore
    const limit = Math.floor(Math.abs(earlyRow.figures.vega) / 2);
    await a.caller.portfolio.setLimits({ maxNetDelta: null, maxVega: limit, maxDayLoss: null });
    expect((await a.caller.portfolio.get()).sections[0].breaches.map((x) => x.limit)).toEqual(['maxVega']); // prettier-ignore
    // Setting the limit checks it at once: both running deployments are paused before 09:30.
    await expect.poll(async () => (await api.db.select().from(deployments).where(eq(deployments.ownerId, a.userId))).map((d) => d.tradingState), { timeout: 20_000 }).toEqual(['REDUCING', 'REDUCING']); // prettier-ignore
    for (const id of [early.id, late.id]) {
      const pause = (await events(id)).find((e) => e.type === 'PAUSE');
      expect(pause?.message).toMatch(/^paused by the portfolio risk limits \(net vega -INR [\d,]+ per vol point is beyond the limit of ±INR [\d,]+\)/); // prettier-ignore
    }
    await tick(feeds, 2); // 09:30: the late straddle's entry time, but it takes no new entries
    await tick(feeds, 3); // 09:40: the early CE's stop-loss still fires
    await tick(feeds, 4);
    const reasons = async (id: string) =>
      (await api.db.select().from(orders).where(and(eq(orders.deploymentId, id)))).map((o) => `${o.legId} ${o.side} ${o.reason}`).sort(); // prettier-ignore
    expect(await reasons(early.id)).toEqual(['ce BUY STOP_LOSS', 'ce SELL ENTRY', 'pe SELL ENTRY']);
    expect(await reasons(late.id)).toEqual([]);
    expect((await events(late.id)).map((e) => e.type)).not.toContain('ENTRY');
  });
});

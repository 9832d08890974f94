/**
 * The order router's batched writes, on the test database (PGlite, or Postgres with
 * DATABASE_URL): a batch of broker reports must leave every order, fill and input exactly as
 * recording them one at a time does, and sending a batch of paper deployments' rows must fill
 * them on the paper venue once, leave a live deployment's rows for its broker, and leave nothing
 * for a later route job to send again.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { sealCredentials } from '@/db/broker-credentials';
import { schema } from '@/db/client';
import type { ExecutionReport } from '@/engine/broker/broker';
import { simulateSession } from '@/engine/market/simulator';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { createTrader, exampleDocument, recordedDeployment } from '@/tests/support/live-world';
import { evaluateDeployments } from './evaluator';
import { recordTick } from './feed-store';
import { recordReports, recordReportsOf, routeIntent, routePaperDeployments } from './router';

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await openTestDb();
  db = t.db;
}, 60_000);
afterAll(async () => t?.close());

const { orders, fills, deploymentInputs, orderIntents, deployments, deploymentState } = schema;

async function deploymentOf(owner: string, feedId: string): Promise<string> {
  return recordedDeployment(db, owner, exampleDocument('nifty-short-straddle-recost'), feedId);
}

/** Four orders of 100 and the reports a venue could send for them, repeats and late acceptances included. */
function scenario(prefix: string): { orderIds: string[]; reports: ExecutionReport[] } {
  const id = (n: number) => `${prefix}:${n}`;
  const ts = '2026-08-18T09:20:00+05:30';
  const reports: ExecutionReport[] = [
    { kind: 'accepted', orderId: id(1), ts, brokerOrderId: `${prefix}-B1` },
    { kind: 'fill', orderId: id(1), ts, executionId: `${prefix}-e1`, qty: 60, price: 10, costs: 1 },
    { kind: 'fill', orderId: id(2), ts, executionId: `${prefix}-e3`, qty: 50, price: 5.05, costs: 0.5 }, // prettier-ignore
    { kind: 'fill', orderId: id(1), ts, executionId: `${prefix}-e2`, qty: 40, price: 11, costs: 1 },
    { kind: 'cancelled', orderId: id(2), ts, filledQty: 50, reason: 'the rest was cancelled' },
    {
      kind: 'rejected',
      orderId: id(3),
      ts,
      reason: 'insufficient margin',
      code: 'INSUFFICIENT_MARGIN',
    },
    // The same execution again (a stream and a look-up both delivered it): applied once.
    { kind: 'fill', orderId: id(1), ts, executionId: `${prefix}-e1`, qty: 60, price: 10, costs: 1 },
    // A fill that overtook its acceptance: the acceptance does not undo FILLED.
    { kind: 'fill', orderId: id(4), ts, executionId: `${prefix}-e4`, qty: 100, price: 2.5, costs: 0.2 }, // prettier-ignore
    { kind: 'accepted', orderId: id(4), ts, brokerOrderId: `${prefix}-B4` },
  ];
  return { orderIds: [1, 2, 3, 4].map(id), reports };
}

async function ordersFor(deploymentId: string, orderIds: string[]) {
  await db.insert(orders).values(
    orderIds.map((id) => ({ id, deploymentId, intentId: id, legId: 'ce', side: 'SELL', contract: 'NIFTY 2026-08-28 24600 CE', qty: 100, status: 'PENDING', reason: 'ENTRY' })), // prettier-ignore
  );
}

async function book(deploymentId: string) {
  const rows = await db.select().from(orders).where(eq(orders.deploymentId, deploymentId)).orderBy(asc(orders.id)); // prettier-ignore
  const f = await db.select().from(fills).where(eq(fills.deploymentId, deploymentId));
  const inputs = await db.select().from(deploymentInputs).where(eq(deploymentInputs.deploymentId, deploymentId)).orderBy(asc(deploymentInputs.id)); // prettier-ignore
  return {
    orders: rows.map((o) => ({ n: o.id.split(':')[1], status: o.status, filledQty: o.filledQty, averagePrice: o.averagePrice, broker: o.brokerOrderId?.split('-').pop() ?? null, message: o.message })), // prettier-ignore
    fills: f.map((x) => x.executionId.split('-').pop()).sort(),
    reports: inputs.filter((i) => i.kind === 'report').map((i) => (i.input as { report: ExecutionReport }).report.kind), // prettier-ignore
  };
}

describe('recording broker reports', () => {
  it('a batch leaves each order, fill and input as recording the reports one at a time does', async () => {
    const owner = await createTrader(db, 'router-reports');
    const one = await deploymentOf(owner, 'recorded:router-a');
    const many = await deploymentOf(owner, 'recorded:router-a');
    const a = scenario(one);
    const b = scenario(many);
    await ordersFor(one, a.orderIds);
    await ordersFor(many, b.orderIds);
    for (const r of a.reports) await db.transaction((tx) => recordReports(tx, one, [r]));
    const added = await db.transaction((tx) => recordReportsOf(tx, [{ deploymentId: many, reports: b.reports }])); // prettier-ignore
    expect(added).toBe(8);
    const batched = await book(many);
    expect(batched).toEqual(await book(one));
    expect(batched.orders).toEqual([
      { n: '1', status: 'FILLED', filledQty: 100, averagePrice: 10.4, broker: 'B1', message: null },
      { n: '2', status: 'CANCELLED', filledQty: 50, averagePrice: 5.05, broker: null, message: 'the rest was cancelled' }, // prettier-ignore
      { n: '3', status: 'REJECTED', filledQty: 0, averagePrice: null, broker: null, message: 'insufficient margin' }, // prettier-ignore
      { n: '4', status: 'FILLED', filledQty: 100, averagePrice: 2.5, broker: 'B4', message: null },
    ]);
    expect(batched.fills).toEqual(['e1', 'e2', 'e3', 'e4']);
    // In the order they came, the repeat left out: the evaluator applies them in this order.
    expect(batched.reports).toEqual(['accepted', 'fill', 'fill', 'fill', 'cancelled', 'rejected', 'fill', 'accepted']); // prettier-ignore

    // Delivered again, whole: no fill twice (acceptances and ends are passed on again, as one at a time).
    expect(await db.transaction((tx) => recordReportsOf(tx, [{ deploymentId: many, reports: b.reports }]))).toBe(4); // prettier-ignore
    expect((await book(many)).fills).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect((await book(many)).orders[0]).toMatchObject({ status: 'FILLED', filledQty: 100 });
  });
});

describe('sending a batch of paper deployments', () => {
  it('takes the rows an evaluation could not fill, fills each once on the paper venue, leaves a live deployment alone, and a later route job sends nothing', async () => {
    const owner = await createTrader(db, 'router-batch');
    const feedId = 'recorded:router-batch';
    const paper = [await deploymentOf(owner, feedId), await deploymentOf(owner, feedId)];
    const live = await liveTwinOf(owner, paper[0]);
    // The file's other test wrote rows of its own deployments.
    const mine = <T extends { deploymentId: string }>(rows: T[]) => rows.filter((r) => [...paper, live].includes(r.deploymentId)); // prettier-ignore
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 3, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    // Venues that cannot be read: the evaluation that decides the entry cannot fill it, and writes
    // its rows pending (the decision is kept) for the router.
    await db.update(deploymentState).set({ venue: '{not json' }).where(inArray(deploymentState.deploymentId, paper)); // prettier-ignore
    // Up to the straddle's entry: both paper deployments decide their sells.
    for (const s of ticks) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(db, paper, { tick: s });
      const pending = mine(await db.select().from(orderIntents).where(eq(orderIntents.status, 'pending'))); // prettier-ignore
      if (pending.length >= 4) break;
    }
    const pending = mine(await db.select().from(orderIntents).where(eq(orderIntents.status, 'pending'))); // prettier-ignore
    expect(pending.map((p) => p.deploymentId).sort()).toEqual([...paper, ...paper].sort());
    expect(mine(await db.select().from(fills))).toEqual([]);
    // Put right (a venue starts afresh), the router sends them.
    await db.update(deploymentState).set({ venue: null }).where(inArray(deploymentState.deploymentId, paper)); // prettier-ignore
    // The live twin has a row of its own waiting for its broker.
    const [first] = pending.filter((p) => p.deploymentId === paper[0]);
    await db.insert(orderIntents).values({ id: `${live}:1`, deploymentId: live, kind: 'place', payload: { ...(first.payload as object), id: `${live}:1` } as never }); // prettier-ignore

    const routed = await routePaperDeployments(db, [...paper, live]);
    expect(routed.map((r) => r.deploymentId).sort()).toEqual([...paper].sort());
    expect(routed.every((r) => r.intents.length === 2 && r.reports === 4)).toBe(true);
    const after = mine(await db.select().from(orderIntents));
    expect(after.filter((r) => r.deploymentId !== live).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true); // prettier-ignore
    expect(after.find((r) => r.deploymentId === live)).toMatchObject({ status: 'pending', attempts: 0 }); // prettier-ignore
    const f = mine(await db.select().from(fills));
    expect(f.map((x) => x.deploymentId).sort()).toEqual([...paper, ...paper].sort());
    const o = mine(await db.select().from(orders));
    expect(o.every((x) => x.status === 'FILLED' && x.filledQty === x.qty)).toBe(true);
    const [st] = await db.select({ venue: deploymentState.venue }).from(deploymentState).where(eq(deploymentState.deploymentId, paper[0])); // prettier-ignore
    expect(st.venue).toBeTruthy();

    // The route job of a row the batch sent (it was queued as a fallback) finds it sent.
    expect(await routeIntent(db, first.id)).toEqual({ kind: 'already-sent', deploymentId: paper[0] }); // prettier-ignore
    expect(await routePaperDeployments(db, paper)).toEqual([]);
    expect(mine(await db.select().from(fills))).toHaveLength(4);
    // The fills reach the deployments' books at their next evaluation.
    const again = await evaluateDeployments(db, paper);
    expect(again.results.map((r) => r.applied)).toEqual([4, 4]);
  });
});

/** A live deployment like `paperId`, on a Kite account of the same trader (no worker here builds its broker). */
async function liveTwinOf(ownerId: string, paperId: string): Promise<string> {
  const account = crypto.randomUUID();
  await db.insert(schema.brokerAccounts).values({
    id: account,
    ownerId,
    broker: 'kite',
    label: 'Kite',
    status: 'connected',
    credentials: sealCredentials({ id: account, ownerId }, { apiKey: 'k', apiSecret: 's', accessToken: 't' }), // prettier-ignore
  });
  const [dep] = await db.select().from(deployments).where(eq(deployments.id, paperId));
  const id = crypto.randomUUID();
  await db.insert(deployments).values({ ...dep, id, mode: 'live', brokerAccountId: account });
  const [st] = await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, paperId)); // prettier-ignore
  await db.insert(deploymentState).values({ ...st, deploymentId: id });
  const closed = await db.select().from(schema.deploymentClosedLegs).where(eq(schema.deploymentClosedLegs.deploymentId, paperId)); // prettier-ignore
  if (closed.length) await db.insert(schema.deploymentClosedLegs).values(closed.map((c) => ({ ...c, deploymentId: id }))); // prettier-ignore
  return id;
}

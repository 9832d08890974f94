/**
 * The evaluator keeps the states it wrote, decoded, and uses one only while the row's version is
 * the one it wrote: a state written by anyone else (another worker process) is read from the row.
 * Its notifications go to the alert sender only when their owner has a channel to send them to.
 * On the test database (PGlite, or Postgres with DATABASE_URL).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { schema } from '@/db/client';
import { simulateSession } from '@/engine/market/simulator';
import { readState } from '@/db/closed-legs';
import { loggedDb, openTestDb, type TestDb } from '@/tests/setup/db';
import { createTrader, exampleDocument, recordedDeployment } from '@/tests/support/live-world';
import { addChannel } from '@/server/services/alerts';
import type { ExecutionReport } from '@/engine/broker/broker';
import { aboutToTrade, enqueueInput, evaluateDeployments, likelyFirst, trading } from './evaluator';
import { recordTick } from './feed-store';

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await openTestDb();
  db = t.db;
}, 60_000);
afterAll(async () => t?.close());

const { deploymentState } = schema;

describe('the states an evaluator holds decoded', () => {
  it('are used only at the version written here: a state another process wrote is read from its row', async () => {
    const owner = await createTrader(db, 'evaluator-cache');
    const feedId = 'recorded:evaluator-cache';
    const id = await recordedDeployment(db, owner, exampleDocument('nifty-short-straddle-recost'), feedId); // prettier-ignore
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const row = async () => (await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, id)))[0]; // prettier-ignore
    let early: Awaited<ReturnType<typeof row>> | undefined;
    for (const [k, s] of ticks.slice(0, 10).entries()) {
      await recordTick(db, feedId, s);
      const r = await evaluateDeployments(db, [id], { tick: s });
      expect(r.results[0].skipped).toBe(0);
      if (k === 3) early = await row();
    }
    const now = await row();
    expect((await readState(db, id, now.state)).lastSnapshotTs.NIFTY).toBe(ticks[9].ts);

    // Another process rewinds nothing in real life; here it writes tick 3's state as a newer version.
    await db.execute(sql`update deployment_state set state = ${early!.state}, steps = ${early!.steps}, version = version + 1 where deployment_id = ${id}`); // prettier-ignore
    await recordTick(db, feedId, ticks[10]);
    const r = await evaluateDeployments(db, [id], { tick: ticks[10] });
    // Decided from the row's state (last tick 3), not the one held here (last tick 9).
    expect(r.results[0].skipped).toBe(6);
    const after = await row();
    expect(after.version).toBe(now.version + 2);
    expect((await readState(db, id, after.state)).lastSnapshotTs.NIFTY).toBe(ticks[10].ts);

    // And the state written just now is the one held: the next tick skips nothing.
    await recordTick(db, feedId, ticks[11]);
    expect((await evaluateDeployments(db, [id], { tick: ticks[11] })).results[0].skipped).toBe(0);
  });
});

describe('the notifications an evaluation raises', () => {
  it('are handed to the alert sender when the owner has an enabled channel, and stored as dispatched when not', async () => {
    const feedId = 'recorded:evaluator-alerts';
    const quiet = await createTrader(db, 'evaluator-no-channel');
    const told = await createTrader(db, 'evaluator-channel');
    await addChannel(db, told, {
      label: 'hook',
      kind: 'webhook',
      url: 'http://127.0.0.1:9/alerts',
    });
    const doc = exampleDocument('nifty-short-straddle-recost');
    const ids = [await recordedDeployment(db, quiet, doc, feedId), await recordedDeployment(db, told, doc, feedId)]; // prettier-ignore
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const raised = new Map<string, { ids: number[]; deliveries: number[] }>();
    for (const s of ticks.slice(0, 12)) {
      await recordTick(db, feedId, s);
      for (const r of (await evaluateDeployments(db, ids, { tick: s })).results) {
        const seen = raised.get(r.deploymentId) ?? { ids: [], deliveries: [] };
        seen.ids.push(...r.notifications);
        seen.deliveries.push(...r.deliveries.map((n) => n.id));
        raised.set(r.deploymentId, seen);
      }
    }
    const [q, t] = ids.map((id) => raised.get(id)!);
    // Both entered (the straddle's entry is an alert): the bell hears of both.
    expect(q.ids.length).toBeGreaterThan(0);
    expect(t.ids.length).toBe(q.ids.length);
    expect(q.deliveries).toEqual([]);
    expect(t.deliveries).toEqual(t.ids);
    const rows = await db.select({ id: schema.notifications.id, userId: schema.notifications.userId, dispatchedAt: schema.notifications.dispatchedAt }).from(schema.notifications).where(inArray(schema.notifications.id, [...q.ids, ...t.ids])); // prettier-ignore
    expect(rows.filter((r) => r.userId === quiet).every((r) => r.dispatchedAt !== null)).toBe(true);
    expect(rows.filter((r) => r.userId === told).every((r) => r.dispatchedAt === null)).toBe(true);
  });
});

describe('a dry run of the tick (aboutToTrade)', () => {
  it('names the deployments the tick makes trade, and those this process holds no state of; their evaluation then decides the same orders', async () => {
    const feedId = 'recorded:evaluator-due';
    const owner = await createTrader(db, 'evaluator-due');
    const at = (time: string) => {
      const doc = exampleDocument('nifty-short-straddle-recost');
      doc.basket.strategies[0].entry = { ...doc.basket.strategies[0].entry, time };
      return doc;
    };
    const [early, twin, late] = [
      await recordedDeployment(db, owner, at('09:20'), feedId),
      await recordedDeployment(db, owner, at('09:20'), feedId),
      await recordedDeployment(db, owner, at('09:30'), feedId),
    ];
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const minute = (hhmm: string) => ticks.findIndex((s) => s.ts.slice(11, 16) === hhmm);
    for (const s of ticks.slice(0, minute('09:20'))) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(db, [early, twin, late], { tick: s });
    }
    const entry = ticks[minute('09:20')];
    await recordTick(db, feedId, entry);
    // Written elsewhere (another process): nothing held here, so it is taken as trading.
    const stranger = await recordedDeployment(db, owner, at('09:45'), feedId);
    // The entry minute's deployments are dry-run first, with those it cannot tell of.
    expect(likelyFirst([early, late, stranger], entry)).toEqual({ likely: [early, stranger], rest: [late] }); // prettier-ignore
    expect(await aboutToTrade(db, feedId, [early, late, stranger], entry)).toEqual([early, stranger]); // prettier-ignore

    // `early` takes its dry run's steps, `twin` steps afresh: the same orders.
    const r = await evaluateDeployments(db, [early, twin], { tick: entry });
    // Paper orders are filled in the transaction that decided them: nothing is left for the router.
    expect(r.results.map((x) => x.outbox)).toEqual([[], []]);
    const orders = async (id: string) => {
      const rows = await db.select().from(schema.orderIntents).where(eq(schema.orderIntents.deploymentId, id)); // prettier-ignore
      expect(rows.every((o) => o.status === 'sent' && o.attempts === 1)).toBe(true);
      return rows.map((o) => {
        const { id: _id, deploymentId: _d, intentId: _i, ...rest } = o.payload as Record<string, unknown>; // prettier-ignore
        return rest;
      });
    };
    expect((await orders(early)).length).toBe(2);
    expect(await orders(early)).toEqual(await orders(twin));
    const filled = await db.select().from(schema.fills).where(inArray(schema.fills.deploymentId, [early, twin])); // prettier-ignore
    expect(filled).toHaveLength(4);
    // The fills were stepped as the deployments' next inputs, in the same transaction.
    const applied = await db.select().from(schema.deploymentInputs).where(and(eq(schema.deploymentInputs.deploymentId, early), eq(schema.deploymentInputs.kind, 'report'))); // prettier-ignore
    expect(applied.filter((a) => a.appliedSeq === null)).toEqual([]);
    expect(applied.filter((a) => (a.input as { report: { kind: string } }).report.kind === 'fill')).toHaveLength(2); // prettier-ignore
    // Evaluated at this tick already: nothing more for it to do.
    expect(await aboutToTrade(db, feedId, [early, twin], entry)).toEqual([]);

    for (const s of ticks.slice(minute('09:20') + 1, minute('09:30'))) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(db, [late], { tick: s });
    }
    const lateEntry = ticks[minute('09:30')];
    await recordTick(db, feedId, lateEntry);
    expect(await aboutToTrade(db, feedId, [late], lateEntry)).toEqual([late]);
  });
});

describe('dry runs that yield to trades (yieldToTrades)', () => {
  it('wait while this process has trades in hand, and go on once they are done', async () => {
    const feedId = 'recorded:evaluator-yield';
    const owner = await createTrader(db, 'evaluator-yield');
    const id = await recordedDeployment(db, owner, exampleDocument('nifty-short-straddle-recost'), feedId); // prettier-ignore
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    for (const s of ticks.slice(0, 3)) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(db, [id], { tick: s });
    }
    await recordTick(db, feedId, ticks[3]);
    // Hundreds of dry runs of one held state: many milliseconds of steps, so many turns to yield.
    const many = Array.from({ length: 400 }, () => id);
    let release = () => {};
    const held = trading(() => new Promise<void>((r) => (release = r)));
    let done = false;
    const dry = aboutToTrade(db, feedId, many, ticks[3], { yieldToTrades: true }).then((x) => {
      done = true;
      return x;
    });
    await new Promise((r) => setTimeout(r, 300));
    // Unheld, 400 dry runs take well under 300 ms; held, a turn of a millisecond every 100 ms.
    expect(done).toBe(false);
    release();
    await held;
    expect(await dry).toEqual([]);
    // Without trades in hand, nothing waits.
    const t0 = performance.now();
    await aboutToTrade(db, feedId, many, ticks[3], { yieldToTrades: true });
    expect(performance.now() - t0).toBeLessThan(300);
  });
});

describe('paper orders filled in the transaction that decided them (fillAtDecision)', () => {
  it("sends an earlier evaluation's pending rows first, then the new ones, in the kernel's order, and steps what the fills decide", async () => {
    const owner = await createTrader(db, 'evaluator-fill-order');
    const feedId = 'recorded:evaluator-fill-order';
    const doc = exampleDocument('nifty-short-straddle-recost');
    doc.basket.strategies[0].entry = { ...doc.basket.strategies[0].entry, time: '09:20' };
    const id = await recordedDeployment(db, owner, doc, feedId);
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    const intents = () => db.select().from(schema.orderIntents).where(eq(schema.orderIntents.deploymentId, id)); // prettier-ignore
    // A venue that cannot be read: the entry is decided, and its rows are left pending.
    await db.update(deploymentState).set({ venue: '{not json' }).where(eq(deploymentState.deploymentId, id)); // prettier-ignore
    const entry = ticks.findIndex((s) => s.ts.slice(11, 16) === '09:20');
    for (const s of ticks.slice(0, entry + 1)) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(db, [id], { tick: s });
    }
    const pending = await intents();
    expect(pending.map((r) => [r.status, (r.payload as { reason?: string }).reason])).toEqual([['pending', 'ENTRY'], ['pending', 'ENTRY']]); // prettier-ignore
    // Put right, the venue takes them with the trader's square-off: the entries first, then the
    // exits the kernel decides once their fills are stepped (a later round of the same transaction).
    await db.update(deploymentState).set({ venue: null }).where(eq(deploymentState.deploymentId, id)); // prettier-ignore
    await enqueueInput(db, id, { kind: 'command', command: 'SQUARE_OFF', ts: ticks[entry].ts });
    const r = await evaluateDeployments(db, [id]);
    expect(r.results[0].outbox).toEqual([]);
    const all = await intents();
    expect(all.every((x) => x.status === 'sent' && x.attempts === 1)).toBe(true);
    const filled = await db
      .select({ orderId: schema.fills.orderId, qty: schema.fills.qty })
      .from(schema.fills)
      .where(eq(schema.fills.deploymentId, id));
    const orders = await db.select().from(schema.orders).where(eq(schema.orders.deploymentId, id));
    const reasonOf = new Map(orders.map((o) => [o.id, o.reason]));
    // Each entry filled, and each leg closed by an order of its own, all filled.
    expect(filled.map((f) => reasonOf.get(f.orderId)).sort()).toEqual(['ENTRY', 'ENTRY', ...orders.filter((o) => o.reason !== 'ENTRY').map((o) => o.reason)].sort()); // prettier-ignore
    expect(orders.length).toBeGreaterThanOrEqual(4);
    expect(orders.every((o) => o.status === 'FILLED' && o.filledQty === o.qty)).toBe(true);
    // The venue filled them in the kernel's order: the entries' executions before the exits'.
    const seq = (orderId: string) => Number(orderId.slice(orderId.lastIndexOf(':') + 1));
    const inputs = await db.select().from(schema.deploymentInputs).where(and(eq(schema.deploymentInputs.deploymentId, id), eq(schema.deploymentInputs.kind, 'report'))).orderBy(schema.deploymentInputs.appliedSeq); // prettier-ignore
    const fillOrder = inputs.map((i) => (i.input as { report: ExecutionReport }).report).filter((x) => x.kind === 'fill').map((x) => seq(x.orderId)); // prettier-ignore
    expect(fillOrder).toEqual([...fillOrder].sort((a, b) => a - b));
    // Flat: the state holds no open leg.
    const [st] = await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, id)); // prettier-ignore
    const state = await readState(db, id, st.state);
    const legs = Object.values(state.strategies).flatMap((s) => s.legs);
    expect(legs.length).toBeGreaterThan(0);
    expect(legs.every((l) => l.status === 'CLOSED')).toBe(true);
  });
});

describe("a batch's write", () => {
  it('is one statement of one text whatever the batch decided, so that every connection plans it once', async () => {
    // A text that changed with what a batch decided (orders or none, events or none) was a
    // statement each connection prepared and planned anew when a burst of entries came, 6-12 ms of
    // planning on the server in bench/live, on the path of every entry's fill.
    const texts: string[] = [];
    const logged = loggedDb(t, (q) => void texts.push(q));
    const owner = await createTrader(db, 'evaluator-one-write');
    const feedId = 'recorded:evaluator-one-write';
    const id = await recordedDeployment(db, owner, exampleDocument('nifty-short-straddle-recost'), feedId); // prettier-ignore
    const ticks = [...simulateSession({ underlying: 'NIFTY', seed: 4, date: '2026-08-18', intervalSeconds: 60, strikesEachSide: 10 })]; // prettier-ignore
    // 09:15 to 09:24: quiet ticks, the 09:20 entry (orders, fills, events, a notification), quiet again.
    for (const s of ticks.slice(0, 10)) {
      await recordTick(db, feedId, s);
      await evaluateDeployments(logged, [id], { tick: s });
    }
    const orders = await db.select().from(schema.orders).where(eq(schema.orders.deploymentId, id));
    expect(orders.map((o) => o.status)).toEqual(['FILLED', 'FILLED']);
    const writes = texts.filter((q) => q.includes('insert into deployment_inputs'));
    expect(writes).toHaveLength(10);
    expect(new Set(writes).size).toBe(1);
  });
});

/**
 * The order router: sends one outbox row (an order or a cancel) to the deployment's broker and
 * writes the broker's answers back as inputs of the deployment. Postgres decides whether a row
 * was sent, never Redis: a row marked sent is never sent again, and a row a crash left in
 * `sending` is looked up at the broker by its id before anything is placed again.
 *
 * A paper deployment's broker is the paper venue, whose state is saved in the same transaction
 * as the row's status (so a crash repeats both or neither); a live deployment's broker comes from
 * workers/brokers/live.ts, and only a deployment created live can reach it.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  deployments,
  deploymentState,
  fills,
  orderIntents,
  orders,
  strategyVersions,
  type Deployment,
} from '@/db/schema';
import type { Broker, BrokerOrder, ExecutionReport } from '@/engine/broker/broker';
import { backtestSettingsFor } from '@/engine/backtest/settings';
import { PaperBroker, type PaperSettings, type PaperState } from '@/engine/broker/paper/paper-broker'; // prettier-ignore
import { parseDsl } from '@/engine/dsl';
import type { CancelRequest, ChainSnapshot, OrderRequest } from '@/engine/runtime/types';
import { asLiveDeployment, asPaperDeployment } from '../brokers/deployment-kind';
import { paperBrokerFor } from '../brokers/paper';
import { ensureLiveOrdersLoop } from '../queues';
import { enqueueInput } from './evaluator';
import { latestSnapshot } from './feed-store';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type RouteOutcome =
  | { kind: 'sent'; deploymentId: string; reports: number }
  | { kind: 'already-sent'; deploymentId: string }
  | { kind: 'missing' };

/** Live brokers by account, built once per worker process (they hold streams and rate limits). */
export type LiveBrokers = (db: Db, deployment: Deployment) => Promise<Broker>;

/** Fill models by strategy version (versions never change): a DSL is parsed once per process, not per order. */
const paperSettings = new Map<string, Omit<PaperSettings, 'funds'>>();

/** The paper venue's fill model: the strategy's own execution settings (slippage, costs, tick). */
async function paperSettingsOf(tx: Tx, dep: Deployment): Promise<PaperSettings> {
  const funds = (dep.paper as { funds?: number | null }).funds ?? null;
  const known = paperSettings.get(dep.strategyVersionId);
  if (known) return { ...known, funds };
  const [v] = await tx
    .select({ dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(eq(strategyVersions.id, dep.strategyVersionId));
  const parsed = parseDsl(v?.dsl);
  if (!parsed.ok) throw new Error(`deployment ${dep.id}: its strategy version is not valid`);
  const s = backtestSettingsFor(parsed.value);
  const settings = { slippage: s.slippage, latency: 'none' as const, costModel: s.costModel, tickSize: s.tickSize }; // prettier-ignore
  if (paperSettings.size >= 5_000)
    paperSettings.delete(paperSettings.keys().next().value as string);
  paperSettings.set(dep.strategyVersionId, settings);
  return { ...settings, funds };
}

/** Saved venue state carries no market data: the router shows it the chain each order was decided on. */
function restoreVenue(settings: PaperSettings, text: string | null, dep: Deployment): PaperBroker {
  const broker = paperBrokerFor(asPaperDeployment(dep), settings);
  if (!text) return broker;
  return PaperBroker.restore(settings, { ...(JSON.parse(text) as PaperState), latest: {} });
}

function saveVenue(venue: PaperBroker): string {
  const { latest: _market, ...rest } = venue.state();
  return JSON.stringify(rest);
}

/** Sends one outbox row. Safe to call again for the same row (a retried job). */
export async function routeIntent(
  db: Db,
  intentId: string,
  liveBrokers?: LiveBrokers,
): Promise<RouteOutcome> {
  const [peek] = await db.select().from(orderIntents).where(eq(orderIntents.id, intentId));
  if (!peek) return { kind: 'missing' };
  if (peek.status === 'sent') return { kind: 'already-sent', deploymentId: peek.deploymentId };
  const [dep] = await db.select().from(deployments).where(eq(deployments.id, peek.deploymentId));
  if (!dep) return { kind: 'missing' };
  return dep.mode === 'paper'
    ? routePaper(db, intentId)
    : routeLive(db, intentId, dep, liveBrokers);
}

/** An intent's place in its deployment's decisions (ids are `${deploymentId}:${seq}`). */
const seqOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/**
 * A paper row is sent together with every row of its deployment still pending, in the order the
 * kernel decided them: the venue then fills one tick's orders in that order whichever route job
 * gets the deployment's lock first, as a backtest's broker would. The later jobs find their rows
 * sent.
 */
async function routePaper(db: Db, intentId: string): Promise<RouteOutcome> {
  return db.transaction(async (tx) => {
    const [peek] = await tx.select({ deploymentId: orderIntents.deploymentId }).from(orderIntents).where(eq(orderIntents.id, intentId)); // prettier-ignore
    if (!peek) return { kind: 'missing' as const };
    // The deployment's state row is the lock (taken before any intent row, so two route jobs of
    // one deployment queue up instead of deadlocking on each other's rows).
    const [st] = await tx.select({ venue: deploymentState.venue }).from(deploymentState).where(eq(deploymentState.deploymentId, peek.deploymentId)).for('update'); // prettier-ignore
    const [row] = await tx.select().from(orderIntents).where(eq(orderIntents.id, intentId)).for('update'); // prettier-ignore
    if (row.status === 'sent')
      return { kind: 'already-sent' as const, deploymentId: row.deploymentId };
    const [dep] = await tx.select().from(deployments).where(eq(deployments.id, row.deploymentId));
    const pending = (
      await tx
        .select()
        .from(orderIntents)
        .where(and(eq(orderIntents.deploymentId, dep.id), eq(orderIntents.status, 'pending')))
        .for('update')
    ).sort((a, b) => seqOf(a.id) - seqOf(b.id));
    const venue = restoreVenue(await paperSettingsOf(tx, dep), st?.venue ?? null, dep);
    const reports: ExecutionReport[] = [];
    for (const r of pending) {
      if (r.kind === 'place') {
        const order = r.payload as OrderRequest;
        // The chain the order was decided on: a market order fills at its touch (as in a backtest).
        const s = await latestSnapshot(tx as unknown as Db, dep.feedId, order.underlying, order.ts); // prettier-ignore
        if (s) await venue.onSnapshot(s);
        reports.push(...(await venue.poll()), ...(await venue.place(order)));
      } else {
        reports.push(...(await venue.cancel((r.payload as CancelRequest).orderId)));
      }
      await tx
        .update(orderIntents)
        .set({ status: 'sent', sentAt: new Date(), attempts: r.attempts + 1 })
        .where(eq(orderIntents.id, r.id));
    }
    await tx.update(deploymentState).set({ venue: saveVenue(venue) }).where(eq(deploymentState.deploymentId, dep.id)); // prettier-ignore
    await recordReports(tx, dep.id, reports);
    return { kind: 'sent' as const, deploymentId: dep.id, reports: reports.length };
  });
}

/**
 * A live order: marked `sending` before the broker is called, so a crash between the call and the
 * `sent` mark is seen by the retry, which asks the broker for the order by its id first.
 */
async function routeLive(
  db: Db,
  intentId: string,
  dep: Deployment,
  liveBrokers?: LiveBrokers,
): Promise<RouteOutcome> {
  asLiveDeployment(dep); // a paper row never gets past this line
  if (!liveBrokers) throw new Error(`no live brokers in this worker: deployment ${dep.id} is live`);
  const broker = await liveBrokers(db, dep);
  const [row] = await db
    .update(orderIntents)
    .set({ status: 'sending', attempts: sql`${orderIntents.attempts} + 1` })
    .where(
      and(eq(orderIntents.id, intentId), sql`${orderIntents.status} in ('pending', 'sending')`),
    )
    .returning();
  if (!row) return { kind: 'already-sent', deploymentId: dep.id };
  const reports: ExecutionReport[] = [];
  if (row.kind === 'place') {
    const order = row.payload as OrderRequest;
    const known = row.attempts > 1 ? await broker.order(order.id) : null;
    reports.push(...(known ? reportsOf(known, order.ts) : await broker.place(order)));
  } else {
    reports.push(...(await broker.cancel((row.payload as CancelRequest).orderId)));
  }
  await db.transaction(async (tx) => {
    await recordReports(tx, dep.id, reports);
    await tx
      .update(orderIntents)
      .set({ status: 'sent', sentAt: new Date() })
      .where(eq(orderIntents.id, intentId));
  });
  // The order's later fills come through the update loop: it runs while a live order is open.
  await ensureLiveOrdersLoop();
  return { kind: 'sent', deploymentId: dep.id, reports: reports.length };
}

/** A broker's view of an order as the reports it implies (after a crash, nothing is re-placed). */
export function reportsOf(o: BrokerOrder, ts: string): ExecutionReport[] {
  const out: ExecutionReport[] = [
    { kind: 'accepted', orderId: o.orderId, ts, brokerOrderId: o.brokerOrderId },
  ];
  for (const e of o.executions)
    out.push({ kind: 'fill', orderId: o.orderId, ts: e.ts, executionId: e.executionId, qty: e.qty, price: e.price, costs: 0, brokerOrderId: o.brokerOrderId }); // prettier-ignore
  if (o.status === 'REJECTED')
    out.push({ kind: 'rejected', orderId: o.orderId, ts, reason: o.reason ?? 'rejected', code: 'OTHER' }); // prettier-ignore
  if (o.status === 'CANCELLED' || o.status === 'EXPIRED')
    out.push({ kind: o.status === 'CANCELLED' ? 'cancelled' : 'expired', orderId: o.orderId, ts, filledQty: o.filledQty, reason: o.reason ?? o.status.toLowerCase() }); // prettier-ignore
  return out;
}

/**
 * Writes broker reports as the deployment's inputs. A fill is written once per execution id (the
 * fills table's key): a report the broker repeats, or that both a stream and a look-up delivered,
 * reaches the runtime once.
 */
export async function recordReports(
  tx: Tx,
  deploymentId: string,
  reports: readonly ExecutionReport[],
): Promise<number> {
  let added = 0;
  for (const r of reports) {
    if (r.kind === 'fill') {
      const fresh = await tx
        .insert(fills)
        .values({
          executionId: r.executionId,
          orderId: r.orderId,
          deploymentId,
          ts: r.ts,
          qty: r.qty,
          price: r.price,
          costs: r.costs,
        }) // prettier-ignore
        .onConflictDoNothing()
        .returning({ id: fills.executionId });
      if (fresh.length === 0) continue;
      await tx
        .update(orders)
        .set({
          filledQty: sql`${orders.filledQty} + ${r.qty}`,
          averagePrice: sql`(coalesce(${orders.averagePrice}, 0) * ${orders.filledQty} + ${r.price * r.qty}) / (${orders.filledQty} + ${r.qty})`,
          status: sql`case when ${orders.filledQty} + ${r.qty} >= ${orders.qty} then 'FILLED' else 'PARTIALLY_FILLED' end`,
          brokerOrderId: r.brokerOrderId ?? sql`${orders.brokerOrderId}`,
        })
        .where(eq(orders.id, r.orderId));
    } else {
      const status = { accepted: 'ACCEPTED', rejected: 'REJECTED', cancelled: 'CANCELLED', expired: 'EXPIRED' }[r.kind]; // prettier-ignore
      await tx
        .update(orders)
        .set({
          // Acceptance never overwrites a fill that arrived first.
          status: r.kind === 'accepted' ? sql`case when ${orders.status} = 'PENDING' then 'ACCEPTED' else ${orders.status} end` : status, // prettier-ignore
          ...(r.kind === 'accepted' ? { brokerOrderId: r.brokerOrderId } : {}),
          ...(r.kind === 'rejected' || r.kind === 'cancelled' || r.kind === 'expired' ? { message: r.reason } : {}), // prettier-ignore
        })
        .where(eq(orders.id, r.orderId));
    }
    await enqueueInput(tx, deploymentId, { kind: 'report', report: r });
    added++;
  }
  return added;
}

/**
 * A paper venue's resting orders (limits, partial fills) meet a new tick: whatever fills now is
 * written as reports. Called for paper deployments that have working orders.
 */
export async function paperVenueTick(
  db: Db,
  deploymentId: string,
  tick: ChainSnapshot,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [dep] = await tx.select().from(deployments).where(eq(deployments.id, deploymentId));
    if (!dep || dep.mode !== 'paper') return 0;
    const [st] = await tx.select({ venue: deploymentState.venue }).from(deploymentState).where(eq(deploymentState.deploymentId, dep.id)).for('update'); // prettier-ignore
    if (!st?.venue) return 0;
    const venue = restoreVenue(await paperSettingsOf(tx, dep), st.venue, dep);
    if (venue.working().length === 0) return 0;
    await venue.onSnapshot(tick);
    const reports = await venue.poll();
    await tx.update(deploymentState).set({ venue: saveVenue(venue) }).where(eq(deploymentState.deploymentId, dep.id)); // prettier-ignore
    return recordReports(tx, dep.id, reports);
  });
}

/**
 * A live broker's order updates, into its deployments' inboxes the way the router records the
 * answer to a placement (recordReports: a fill once per execution id, in the same transaction as
 * the input). The live broker listens to the venue's stream (and re-reads open orders while it is
 * down) and hands out what is new on poll(); orders this process has not placed itself (before a
 * restart, or from another worker process) are adopted by looking them up by our id. So a fill
 * that comes 5 s late, twice, or before its order's acceptance reaches the runtime once.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { deployments, orderIntents, orders, type Deployment } from '@/db/schema';
import type { Broker, ExecutionReport } from '@/engine/broker/broker';
import { recordReports, type LiveBrokers } from './router';

/** Our order statuses that still expect news from the broker. */
export const OPEN_ORDER_STATUSES = ['PENDING', 'ACCEPTED', 'PARTIALLY_FILLED'];
const FINAL = new Set(['FILLED', 'REJECTED', 'CANCELLED', 'EXPIRED']);

/** Orders each live broker of this process was shown (a broker keeps following what it knows). */
const adopted = new WeakMap<Broker, Set<string>>();

/** Makes the broker follow these orders: one look-up by our id for each it has not seen here. */
export async function adoptOrders(broker: Broker, orderIds: readonly string[]): Promise<string[]> {
  let seen = adopted.get(broker);
  if (!seen) adopted.set(broker, (seen = new Set()));
  const unknown: string[] = [];
  for (const id of orderIds) {
    if (seen.has(id)) continue;
    if (await broker.order(id)) seen.add(id);
    else unknown.push(id);
  }
  return unknown;
}

/** Open orders of live deployments that were sent (their outbox row is marked sent). */
export async function openLiveOrders(
  db: Db,
  deploymentId?: string,
): Promise<{ id: string; dep: Deployment }[]> {
  return db
    .select({ id: orders.id, dep: deployments })
    .from(orders)
    .innerJoin(deployments, eq(deployments.id, orders.deploymentId))
    .innerJoin(orderIntents, eq(orderIntents.id, orders.id))
    .where(
      and(
        eq(deployments.mode, 'live'),
        inArray(orders.status, OPEN_ORDER_STATUSES),
        eq(orderIntents.status, 'sent'),
        ...(deploymentId ? [eq(deployments.id, deploymentId)] : []),
      ),
    );
}

/**
 * True while the update loop has something to follow: a running or paused live deployment, or a
 * live order not final yet (a killed deployment's exits still need their fills).
 */
export async function liveWorkRemains(db: Db): Promise<boolean> {
  const [running] = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.mode, 'live'), inArray(deployments.status, ['running', 'paused'])))
    .limit(1);
  if (running) return true;
  const [order] = await db
    .select({ id: orders.id })
    .from(orders)
    .innerJoin(deployments, eq(deployments.id, orders.deploymentId))
    .where(and(eq(deployments.mode, 'live'), inArray(orders.status, OPEN_ORDER_STATUSES)))
    .limit(1);
  return !!order;
}

/**
 * Writes a live broker's reports as inputs of the deployments whose orders they are about.
 * Returns the deployments that got new inputs. Reports about orders that are not ours (placed by
 * hand at the broker) are left alone; an acceptance or a final state our book already has is not
 * written again (the runtime would only note it as a duplicate).
 */
export async function recordLiveReports(
  db: Db,
  reports: readonly ExecutionReport[],
): Promise<string[]> {
  if (reports.length === 0) return [];
  const ids = [...new Set(reports.map((r) => r.orderId))];
  const rows = await db
    .select({ id: orders.id, deploymentId: orders.deploymentId, status: orders.status })
    .from(orders)
    .where(inArray(orders.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const perDeployment = new Map<string, ExecutionReport[]>();
  for (const r of reports) {
    const row = byId.get(r.orderId);
    if (!row) continue;
    if (r.kind === 'accepted' && row.status !== 'PENDING') continue;
    if (r.kind !== 'fill' && r.kind !== 'accepted' && FINAL.has(row.status)) continue;
    const list = perDeployment.get(row.deploymentId) ?? [];
    list.push(r);
    perDeployment.set(row.deploymentId, list);
  }
  const touched: string[] = [];
  for (const [deploymentId, list] of perDeployment) {
    const added = await db.transaction((tx) => recordReports(tx, deploymentId, list));
    if (added > 0) touched.push(deploymentId);
  }
  return touched;
}

/**
 * One round of the update loop: every broker account with open live orders is polled once.
 * One account's outage (an expired Kite session, a venue down) never holds up the others.
 */
export async function pollLiveOrders(
  db: Db,
  liveBrokers: LiveBrokers,
): Promise<{ touched: string[]; idle: boolean }> {
  const open = await openLiveOrders(db);
  if (open.length === 0) return { touched: [], idle: !(await liveWorkRemains(db)) };
  const byAccount = new Map<string, { dep: Deployment; orderIds: string[] }>();
  for (const { id, dep } of open) {
    const key = dep.brokerAccountId as string;
    const entry = byAccount.get(key) ?? { dep, orderIds: [] };
    entry.orderIds.push(id);
    byAccount.set(key, entry);
  }
  const touched = new Set<string>();
  for (const [accountId, { dep, orderIds }] of byAccount) {
    try {
      const broker = await liveBrokers(db, dep);
      await adoptOrders(broker, orderIds);
      for (const id of await recordLiveReports(db, await broker.poll())) touched.add(id);
    } catch (e) {
      logger.warn({ accountId, err: (e as Error).message }, 'live order updates failed');
    }
  }
  return { touched: [...touched], idle: false };
}

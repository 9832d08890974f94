/**
 * Reconciliation of a live deployment with its broker, at its start and every minute: each open
 * order of ours is looked up at the broker by its id (what the broker knows and we missed comes
 * in as reports, once per execution), then the broker's net positions are handed to the runtime
 * as its `positions` input. The runtime compares them with its book; a difference is an event and
 * stops new entries until the trader resumes (exits keep working). The result is kept on the
 * deployment row for its page.
 *
 * One broker account may serve several deployments and the trader's own trades: a deployment is
 * compared only in the contracts it has ordered, and what the account's other live deployments
 * hold there (their fills) is taken out of the broker's figure first.
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import {
  deployments,
  deploymentState,
  fills,
  orders,
  type Deployment,
  type ReconciliationRecord,
} from '@/db/schema';
import type { BrokerPosition } from '@/engine/broker/broker';
import { formatTimestamp } from '@/engine/market/calendar';
import { getInstrument } from '@/engine/market/instruments';
import { readState } from '@/db/closed-legs';
import { FUTURE_TERMS, RightSchema, optionTerms } from '@/engine/market/snapshot';
import { VenueAuthError, VenueRefusal, VenueUnavailable } from '../brokers/errors';
import { contractOf, enqueueInput } from './evaluator';
import { adoptOrders, openLiveOrders, recordLiveReports } from './live-orders';
import type { LiveBrokers } from './router';

export type ReconcileOutcome =
  | { kind: 'skipped'; why: string }
  | { kind: 'checked'; record: ReconciliationRecord; touched: string[] }
  | { kind: 'failed'; record: ReconciliationRecord };

const ACTIVE = new Set(['running', 'paused']);

/** "NIFTY 2026-11-24 24000 CE" back into its parts (the inverse of contractOf). */
function positionOf(contract: string, qty: number): BrokerPosition {
  const [underlying, expiry, strike, right] = contract.split(' ');
  return strike === 'FUT'
    ? { underlying, expiry, ...FUTURE_TERMS, qty }
    : { underlying, expiry, ...optionTerms(Number(strike), RightSchema.parse(right)), qty };
}

/** Signed units per contract the account's other live deployments hold, by their fills. */
async function heldByOthers(db: Db, dep: Deployment, contracts: string[]) {
  if (contracts.length === 0) return new Map<string, number>();
  const rows = await db
    .select({
      contract: orders.contract,
      qty: sql<number>`sum(case when ${orders.side} = 'BUY' then ${fills.qty} else -${fills.qty} end)::int`,
    })
    .from(fills)
    .innerJoin(orders, eq(orders.id, fills.orderId))
    .innerJoin(deployments, eq(deployments.id, fills.deploymentId))
    .where(
      and(
        eq(deployments.mode, 'live'),
        eq(deployments.brokerAccountId, dep.brokerAccountId as string),
        ne(deployments.id, dep.id),
        inArray(orders.contract, contracts),
      ),
    )
    .groupBy(orders.contract);
  return new Map(rows.map((r) => [r.contract, Number(r.qty)]));
}

/** The deployment's own clock: now on a real-time feed, its last input's time on a recorded one. */
async function clockOf(db: Db, dep: Deployment, now: number): Promise<string> {
  const tz = getInstrument(dep.underlyings[0]).timezone;
  if ((dep.feed as { kind?: string }).kind === 'market')
    return formatTimestamp(Math.floor(now / 1000) * 1000, tz);
  const [st] = await db
    .select({ state: deploymentState.state })
    .from(deploymentState)
    .where(eq(deploymentState.deploymentId, dep.id));
  return (
    (st && (await readState(db, dep.id, st.state)).lastTs) ??
    formatTimestamp(Math.floor(now / 1000) * 1000, tz)
  );
}

export async function reconcileDeployment(
  db: Db,
  liveBrokers: LiveBrokers,
  deploymentId: string,
  now = Date.now(),
): Promise<ReconcileOutcome> {
  const [dep] = await db.select().from(deployments).where(eq(deployments.id, deploymentId));
  if (!dep) return { kind: 'skipped', why: 'no such deployment' };
  if (dep.mode !== 'live') return { kind: 'skipped', why: 'a paper deployment has no broker' };
  if (!ACTIVE.has(dep.status)) return { kind: 'skipped', why: `the deployment is ${dep.status}` };
  const checkedAt = new Date(now).toISOString();
  try {
    const broker = await liveBrokers(db, dep);
    const open = await openLiveOrders(db, dep.id);
    const unknown = await adoptOrders(
      broker,
      open.map((o) => o.id),
    );
    const touched = await recordLiveReports(db, await broker.poll());
    const held = await broker.positions();
    const mine = await db
      .selectDistinct({ contract: orders.contract })
      .from(orders)
      .where(eq(orders.deploymentId, dep.id));
    const contracts = mine.map((r) => r.contract).sort();
    const others = await heldByOthers(db, dep, contracts);
    const atBroker = new Map<string, number>();
    for (const p of held) atBroker.set(contractOf(p), (atBroker.get(contractOf(p)) ?? 0) + p.qty);
    const attributed = contracts.map((c) => ({
      contract: c,
      qty: (atBroker.get(c) ?? 0) - (others.get(c) ?? 0),
    }));
    const record: ReconciliationRecord = {
      checkedAt,
      error: null,
      broker: attributed,
      ordersChecked: open.length,
      ordersUnknown: unknown,
    };
    await enqueueInput(db, dep.id, {
      kind: 'positions',
      ts: await clockOf(db, dep, now),
      positions: attributed.filter((p) => p.qty !== 0).map((p) => positionOf(p.contract, p.qty)),
    });
    await db.update(deployments).set({ reconciliation: record }).where(eq(deployments.id, dep.id));
    return { kind: 'checked', record, touched: [...new Set([...touched, dep.id])] };
  } catch (e) {
    // The broker's words are for the trader; anything else stays in the log.
    const venue = e instanceof VenueUnavailable || e instanceof VenueAuthError || e instanceof VenueRefusal; // prettier-ignore
    if (!venue) logger.error({ deploymentId, err: e }, 'reconciliation failed');
    const record: ReconciliationRecord = {
      checkedAt,
      error: venue ? (e as Error).message : 'the check failed inside Strikeflow (see the server log); it runs again within a minute', // prettier-ignore
      broker: dep.reconciliation?.broker ?? [],
      ordersChecked: 0,
      ordersUnknown: [],
    };
    await db.update(deployments).set({ reconciliation: record }).where(eq(deployments.id, dep.id));
    return { kind: 'failed', record };
  }
}

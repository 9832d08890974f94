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
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { column, isAnyOf, jsonColumn, recordsOf, rowsOf } from '@/db/columns';
import {
  deployments,
  deploymentState,
  orderIntents,
  strategyVersions,
  type Deployment,
} from '@/db/schema';
import type { Broker, BrokerOrder, ExecutionReport } from '@/engine/broker/broker';
import { backtestSettingsFor } from '@/engine/backtest/settings';
import { PaperBroker, type PaperSettings, type PaperState } from '@/engine/broker/paper/paper-broker'; // prettier-ignore
import { parseDsl, type DslDocument } from '@/engine/dsl';
import type { CancelRequest, ChainSnapshot, OrderRequest } from '@/engine/runtime/types';
import { asLiveDeployment, asPaperDeployment } from '../brokers/deployment-kind';
import { paperBrokerFor } from '../brokers/paper';
import { ensureLiveOrdersLoop } from '../queues';
import { latestSnapshot, snapshotAt } from './feed-store';

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
  return { ...notePaperSettings(dep.strategyVersionId, parsed.value), funds };
}

/**
 * Keeps a strategy version's fill model, from its parsed document: the evaluator calls it when it
 * builds a deployment's runtime, so that the orders its first trade sends in this process do not
 * read and parse the version again, one deployment after another, inside the deciding transaction.
 */
export function notePaperSettings(
  versionId: string,
  doc: DslDocument,
): Omit<PaperSettings, 'funds'> {
  const s = backtestSettingsFor(doc);
  const settings = { slippage: s.slippage, latency: 'none' as const, costModel: s.costModel, tickSize: s.tickSize }; // prettier-ignore
  if (paperSettings.size >= 5_000 && !paperSettings.has(versionId))
    paperSettings.delete(paperSettings.keys().next().value as string);
  paperSettings.set(versionId, settings);
  return settings;
}

/** A paper deployment's venue as saved in its state row (null: none yet), with its fill model. */
export async function paperVenueOf(
  tx: Tx,
  dep: Deployment,
  saved: string | null,
): Promise<PaperBroker> {
  return restoreVenue(await paperSettingsOf(tx, dep), saved, dep);
}

/**
 * Outbox rows of one paper deployment sent to its venue, in the order given (the kernel's): the
 * venue's answers. A place is shown the chain it was decided on first: a market order fills at
 * its touch (as in a backtest), and resting orders meet that chain before it.
 */
export async function sendToVenue(
  tx: Tx,
  venue: PaperBroker,
  feedId: string,
  rows: readonly { kind: string; payload: OrderRequest | CancelRequest }[],
): Promise<ExecutionReport[]> {
  const reports: ExecutionReport[] = [];
  for (const r of rows) {
    if (r.kind === 'place') {
      const order = r.payload as OrderRequest;
      const s = await chainOf(tx, feedId, order.underlying, order.ts);
      if (s) await venue.onSnapshot(s);
      reports.push(...(await venue.poll()), ...(await venue.place(order)));
    } else {
      reports.push(...(await venue.cancel((r.payload as CancelRequest).orderId)));
    }
  }
  return reports;
}

/** Saved venue state carries no market data: the router shows it the chain each order was decided on. */
function restoreVenue(settings: PaperSettings, text: string | null, dep: Deployment): PaperBroker {
  const broker = paperBrokerFor(asPaperDeployment(dep), settings);
  if (!text) return broker;
  return PaperBroker.restore(settings, { ...(JSON.parse(text) as PaperState), latest: {} }, true);
}

export function saveVenue(venue: PaperBroker): string {
  const { latest: _market, ...rest } = venue.state(true);
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
    ? routePaper(db, intentId, dep.id)
    : routeLive(db, intentId, dep, liveBrokers);
}

/** An intent's place in its deployment's decisions (ids are `${deploymentId}:${seq}`). */
export const seqOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/**
 * A paper row is sent together with every row of its deployment still pending, in the order the
 * kernel decided them: the venue then fills one tick's orders in that order whichever route job
 * gets the deployment's lock first, as a backtest's broker would. The later jobs find their rows
 * sent.
 */
async function routePaper(db: Db, intentId: string, deploymentId: string): Promise<RouteOutcome> {
  const [routed] = await routePaperDeployments(db, [deploymentId]);
  return routed?.intents.includes(intentId)
    ? { kind: 'sent', deploymentId, reports: routed.reports }
    : { kind: 'already-sent', deploymentId };
}

export type PaperRouted = { deploymentId: string; intents: string[]; reports: number };

/**
 * Sends every pending row of these paper deployments to their paper venues in ONE transaction.
 * The evaluator fills a paper deployment's orders in the transaction that decides them
 * (`fillAtDecision`, through `sendToVenue` as here); rows it could not fill are left pending, and
 * the evaluate job calls this for them, in a handful of queries for the lot. The route job
 * (`routeIntent`) does the same for one deployment; whichever comes first sends, the other finds
 * the rows sent. Each deployment's venue state is saved with its rows' status, so a crash repeats
 * both or neither. Deployments that are not paper are left alone: their rows go to their broker
 * through the route job only.
 */
export async function routePaperDeployments(
  db: Db,
  deploymentIds: readonly string[],
): Promise<PaperRouted[]> {
  if (deploymentIds.length === 0) return [];
  return db.transaction(async (tx) => {
    // The deployments' state rows are the lock, taken in one order by every batch and route job
    // (and before any intent row), so two of them queue up instead of deadlocking.
    const held = await tx
      .select({ venue: deploymentState.venue, dep: deployments })
      .from(deploymentState)
      .innerJoin(deployments, eq(deployments.id, deploymentState.deploymentId))
      .where(isAnyOf(deploymentState.deploymentId, deploymentIds, 'uuid'))
      .orderBy(asc(deploymentState.deploymentId))
      .for('update', { of: deploymentState });
    const paper = held.filter((h) => h.dep.mode === 'paper');
    if (paper.length === 0) return [];
    const pending = await tx
      .select()
      .from(orderIntents)
      .where(
        and(
          isAnyOf(
            orderIntents.deploymentId,
            paper.map((h) => h.dep.id),
            'uuid',
          ),
          eq(orderIntents.status, 'pending'),
        ),
      ) // prettier-ignore
      .for('update');
    if (pending.length === 0) return [];
    const rowsOf = new Map<string, (typeof pending)[number][]>();
    for (const r of pending) rowsOf.set(r.deploymentId, [...(rowsOf.get(r.deploymentId) ?? []), r]);
    const out: PaperRouted[] = [];
    const venues: { deploymentId: string; venue: string }[] = [];
    const reportsOf: { deploymentId: string; reports: ExecutionReport[] }[] = [];
    for (const { dep, venue: saved } of paper) {
      const rows = (rowsOf.get(dep.id) ?? []).sort((a, b) => seqOf(a.id) - seqOf(b.id));
      if (rows.length === 0) continue;
      const venue = await paperVenueOf(tx, dep, saved);
      const reports = await sendToVenue(tx, venue, dep.feedId, rows);
      venues.push({ deploymentId: dep.id, venue: saveVenue(venue) });
      reportsOf.push({ deploymentId: dep.id, reports });
      out.push({ deploymentId: dep.id, intents: rows.map((r) => r.id), reports: reports.length });
    }
    // Independent writes, issued together and awaited once (they still run one by one: see
    // the evaluator's writes).
    await Promise.all([
      recordReportsOf(tx, reportsOf),
      tx.execute(sql`update order_intents set status = 'sent', sent_at = now(), attempts = attempts + 1
        where id = any(${column(out.flatMap((o) => o.intents))}::text[])`),
      tx.execute(sql`update deployment_state as s set venue = v.venue
        from jsonb_to_recordset(${recordsOf(venues)}) as v("deploymentId" uuid, venue text)
        where s.deployment_id = v."deploymentId"`),
    ]);
    return out;
  });
}

/**
 * The chain an order was decided on: the tick itself, kept decoded in this process when it is
 * recent; else the feed's newest at or before it.
 */
async function chainOf(tx: Tx, feedId: string, underlying: string, ts: string) {
  return (
    (await snapshotAt(tx as unknown as Db, feedId, underlying, ts)) ??
    (await latestSnapshot(tx as unknown as Db, feedId, underlying, ts))
  );
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
  return recordReportsOf(tx, [{ deploymentId, reports }]);
}

/** What a batch's reports do to one order row, folded in the order they came. */
export type OrderChange = {
  qty: number;
  notional: number;
  /** The status the last report leaves: a fill's (from the quantities) or an end's; an acceptance only moves PENDING. */
  final: 'fill' | 'accepted' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';
  broker: string | null;
  message: string | null;
};

/** Reports folded by order, in the order they came. */
export function foldReports(reports: readonly ExecutionReport[]): Map<string, OrderChange> {
  const changes = new Map<string, OrderChange>();
  for (const r of reports) {
    const c = changes.get(r.orderId) ?? { qty: 0, notional: 0, final: 'accepted', broker: null, message: null }; // prettier-ignore
    if (r.kind === 'fill') {
      c.qty += r.qty;
      c.notional += r.price * r.qty;
      c.final = 'fill';
      c.broker = r.brokerOrderId ?? c.broker;
    } else if (r.kind === 'accepted') {
      c.broker = r.brokerOrderId ?? c.broker;
    } else {
      c.final = ({ rejected: 'REJECTED', cancelled: 'CANCELLED', expired: 'EXPIRED' } as const)[r.kind]; // prettier-ignore
      c.message = r.reason;
    }
    changes.set(r.orderId, c);
  }
  return changes;
}

/**
 * The order rows' update for folded reports (a statement, or the body of a CTE). Acceptance never
 * overwrites a fill or an end that came first.
 */
export function ordersUpdate(changes: ReadonlyMap<string, OrderChange>): SQL {
  const c = [...changes];
  return sql`update orders as o set
      filled_qty = o.filled_qty + v.qty,
      average_price = case when v.qty > 0 then (coalesce(o.average_price, 0) * o.filled_qty + v.notional) / (o.filled_qty + v.qty) else o.average_price end,
      status = case v.final
        when 'fill' then case when o.filled_qty + v.qty >= o.qty then 'FILLED' else 'PARTIALLY_FILLED' end
        when 'accepted' then case when o.status = 'PENDING' then 'ACCEPTED' else o.status end
        else v.final end,
      broker_order_id = coalesce(v.broker, o.broker_order_id),
      message = coalesce(v.message, o.message),
      updated_at = now()
    from unnest(${column(c.map(([id]) => id))}::text[], ${column(c.map(([, x]) => x.qty))}::int[], ${column(c.map(([, x]) => x.notional))}::float8[], ${column(c.map(([, x]) => x.final))}::text[], ${column(c.map(([, x]) => x.broker))}::text[], ${column(c.map(([, x]) => x.message))}::text[])
      as v(id, qty, notional, final, broker, message)
    where o.id = v.id`;
}

/**
 * `recordReports` for many deployments at once, in a few queries for the lot: the fills (new
 * execution ids only), each order's row once with what its reports add up to, and the inputs in
 * the order the reports came (their ids are the order the evaluator applies them in).
 */
export async function recordReportsOf(
  tx: Tx,
  batch: readonly { deploymentId: string; reports: readonly ExecutionReport[] }[],
): Promise<number> {
  const all = batch.flatMap((b) => b.reports.map((r) => ({ deploymentId: b.deploymentId, r })));
  const executions = new Map<string, { deploymentId: string; r: Extract<ExecutionReport, { kind: 'fill' }> }>(); // prettier-ignore
  for (const x of all)
    if (x.r.kind === 'fill' && !executions.has(x.r.executionId)) executions.set(x.r.executionId, { deploymentId: x.deploymentId, r: x.r }); // prettier-ignore
  const fresh = new Set<string>();
  const ex = [...executions.values()];
  if (ex.length)
    for (const { id } of rowsOf<{ id: string }>(
      await tx.execute(sql`insert into fills (execution_id, order_id, deployment_id, ts, qty, price, costs)
        select * from unnest(${column(ex.map((e) => e.r.executionId))}::text[], ${column(ex.map((e) => e.r.orderId))}::text[], ${column(ex.map((e) => e.deploymentId))}::uuid[], ${column(ex.map((e) => e.r.ts))}::text[], ${column(ex.map((e) => e.r.qty))}::int[], ${column(ex.map((e) => e.r.price))}::real[], ${column(ex.map((e) => e.r.costs))}::real[])
        on conflict do nothing
        returning execution_id as id`),
    ))
      fresh.add(id);
  // A fill reaches the book once: the first report of a new execution id, never a repeat.
  const kept = all.filter((x) => x.r.kind !== 'fill' || fresh.delete(x.r.executionId));
  if (kept.length === 0) return 0;
  // Issued with the inputs' insert.
  const orders = tx.execute(ordersUpdate(foldReports(kept.map((k) => k.r))));
  const inputs = tx.execute(sql`insert into deployment_inputs (deployment_id, kind, input)
    select v.deployment_id, 'report', v.input
    from unnest(${column(kept.map((k) => k.deploymentId))}::uuid[], ${jsonColumn(kept.map((k) => ({ kind: 'report', report: k.r })))}::jsonb[]) as v(deployment_id, input)`);
  await Promise.all([orders, inputs]);
  return kept.length;
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

/**
 * The evaluator: runs the one kernel (`runtime.step`, its risk gate inside) for a deployment and
 * writes everything the step decided in ONE Postgres transaction: the new state, the orders and
 * cancels (the outbox), the events, the inputs it applied (the replay record) and the P&L. A
 * worker that dies mid-evaluation loses nothing: the transaction rolls back, the job is retried,
 * and the same state gives the same order ids. Sending the orders is the order router's job; no
 * broker is called here.
 *
 * Inputs are applied in order: first what waits in the deployment's inbox (broker reports, user
 * commands, clock ticks), then the newest tick of its feed. When ticks come faster than
 * evaluation, the newest is taken and the ones in between are counted as skipped.
 */
import { and, asc, eq, inArray, isNull, max, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  deploymentEvents,
  deploymentInputs,
  deploymentPnl,
  deployments,
  notifications,
  deploymentState,
  orderIntents,
  orders,
  strategyVersions,
} from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { alertKindOf, alertTitle } from '@/engine/runtime/alert-kinds';
import { RiskLimitsSchema } from '@/engine/backtest/settings';
import { createRuntime, pnlOf } from '@/engine/runtime/runtime';
import { decodeState, encodeState } from '@/engine/runtime/state-codec';
import type {
  CancelRequest,
  ChainSnapshot,
  OrderRequest,
  Runtime,
  RuntimeEvent,
  RuntimeInput,
  RuntimeState,
} from '@/engine/runtime/types';
import { dataEndInputs, inputsFor } from '@/engine/session/driver';
import { FEED_GAP, feedGap, type FeedGapEvent } from './feed-gap';
import { FeedMarket, snapshotAt, ticksBetween } from './feed-store';
import { describeContract, type Contract } from '@/engine/broker/symbols/contract';

export type EvaluationResult = {
  deploymentId: string;
  /** Outbox rows this evaluation added (to hand to the order router). */
  outbox: string[];
  events: RuntimeEvent[];
  /** Notifications this evaluation raised (entries, stops, kills, ...), for the alert sender. */
  notifications: number[];
  /** The deployment's owner (whose notification stream hears about them). */
  ownerId: string;
  pnl: { gross: number; costs: number; net: number } | null;
  /** Ticks of the feed passed over to reach the newest. */
  skipped: number;
  applied: number;
  /** Orders of the deployment still working at the broker, and whether that broker is the paper venue. */
  working: boolean;
  paper: boolean;
};

/** Runtimes are built once per deployment and kept: a plan compiles every rule group. */
const runtimes = new Map<string, { key: string; runtime: Runtime }>();
const MAX_RUNTIMES = 5_000;

/** The deployment's runtime; its strategy version is read (a large document) only when not cached. */
async function runtimeOf(
  tx: Tx,
  deploymentId: string,
  versionId: string,
  risk: unknown,
): Promise<Runtime> {
  const cached = runtimes.get(deploymentId);
  if (cached?.key === `${versionId}|${JSON.stringify(risk)}`) return cached.runtime;
  const [version] = await tx
    .select({ dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(eq(strategyVersions.id, versionId));
  return runtimeFor(deploymentId, versionId, version?.dsl, risk);
}

function runtimeFor(deploymentId: string, versionId: string, dsl: unknown, risk: unknown): Runtime {
  const key = `${versionId}|${JSON.stringify(risk)}`;
  const cached = runtimes.get(deploymentId);
  if (cached?.key === key) return cached.runtime;
  const parsed = parseDsl(dsl);
  if (!parsed.ok)
    throw new Error(
      `the strategy version of deployment ${deploymentId} is not valid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  const runtime = createRuntime(parsed.value.basket, {
    deploymentId,
    risk: RiskLimitsSchema.parse(risk ?? {}),
  });
  if (runtimes.size >= MAX_RUNTIMES) runtimes.delete(runtimes.keys().next().value as string);
  runtimes.set(deploymentId, { key, runtime });
  return runtime;
}

/** The first state of a deployment: written when it is created, in the same transaction. */
export function initialDeploymentState(deploymentId: string, dsl: unknown, risk: unknown): string {
  return encodeState(runtimeFor(deploymentId, 'initial', dsl, risk).initialState());
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Evaluates one deployment: its inbox, then `tick` if it is newer than what it has seen (or the
 * end of its recorded feed). Returns null when the deployment is not running any more.
 */
export async function evaluateDeployment(
  db: Db,
  deploymentId: string,
  /** `previousTs`: the feed's tick before `tick`, when the caller knows it (then nothing was skipped from it). */
  opts: { tick?: ChainSnapshot; previousTs?: string; dataEnd?: boolean } = {},
): Promise<EvaluationResult | null> {
  return db.transaction(async (tx) => {
    // The state row lock serialises evaluations of one deployment across worker processes.
    const [row] = await tx
      .select({ st: deploymentState, dep: deployments })
      .from(deploymentState)
      .innerJoin(deployments, eq(deployments.id, deploymentState.deploymentId))
      .where(eq(deploymentState.deploymentId, deploymentId))
      .for('update', { of: deploymentState });
    if (!row) return null;
    const { st, dep } = row;
    const runtime = await runtimeOf(tx, deploymentId, dep.strategyVersionId, dep.riskLimits);
    const market = new FeedMarket(tx as unknown as Db, dep.feedId);
    let state = decodeState(st.state);
    for (const [u, ts] of Object.entries(state.lastSnapshotTs)) await market.showAt(u, ts);

    const events: RuntimeEvent[] = [];
    const places: OrderRequest[] = [];
    const cancels: CancelRequest[] = [];
    const step = async (input: RuntimeInput) => {
      const r = await runtime.step(state, input, market);
      state = r.state;
      events.push(...r.events);
      places.push(...r.intents);
      cancels.push(...r.cancels);
    };

    const inbox = await tx
      .select()
      .from(deploymentInputs)
      .where(
        and(eq(deploymentInputs.deploymentId, deploymentId), isNull(deploymentInputs.appliedAt)),
      )
      .orderBy(asc(deploymentInputs.id));
    const active = dep.status === 'running' || dep.status === 'paused';
    // The order inputs are applied in is the replay's order (their ids may commit out of order).
    let seq = st.steps;
    for (const row of inbox) {
      // A stopped deployment still takes broker reports: its orders' answers must reach its book.
      const apply = active || row.kind === 'report';
      if (apply) await step(row.input as RuntimeInput);
      await tx
        .update(deploymentInputs)
        .set({ appliedAt: new Date(), appliedSeq: apply ? ++seq : null })
        .where(eq(deploymentInputs.id, row.id));
    }

    let skipped = 0;
    let ticked = false;
    let gap: FeedGapEvent | null = null;
    const tick = opts.tick;
    const last = tick ? state.lastSnapshotTs[tick.underlying] : undefined;
    if (active && tick && (!last || Date.parse(tick.ts) > Date.parse(last))) {
      if (last && last !== opts.previousTs) skipped = Math.max(0, (await ticksBetween(tx as unknown as Db, dep.feedId, tick.underlying, last, tick.ts)) - 1); // prettier-ignore
      if (last) gap = feedGap(dep.feed, last, tick, skipped);
      for (const input of inputsFor(state, tick)) {
        if (input.kind === 'snapshot') await market.show(input.snapshot);
        await step(input);
      }
      await tx.insert(deploymentInputs).values({
        deploymentId,
        kind: 'snapshot',
        input: { kind: 'snapshot', underlying: tick.underlying, ts: tick.ts },
        appliedAt: new Date(),
        appliedSeq: ++seq,
        skipped,
      });
      ticked = true;
    }
    if (opts.dataEnd && active) {
      for (const input of dataEndInputs(state)) {
        await step(input);
        await tx.insert(deploymentInputs).values({ deploymentId, kind: input.kind, input, appliedAt: new Date(), appliedSeq: ++seq }); // prettier-ignore
      }
    }
    const working = Object.keys(state.orders).length > 0;
    const paper = dep.mode === 'paper';
    if (!inbox.length && !ticked && !opts.dataEnd) return { deploymentId, outbox: [], events: [], notifications: [], ownerId: dep.ownerId, pnl: null, skipped: 0, applied: 0, working, paper }; // prettier-ignore

    const pnl = pnlOf(state);
    const outbox = await writeOutbox(tx, deploymentId, places, cancels);
    const raised = await writeEvents(tx, dep, gap ? [...events, gap] : events);
    // The P&L point of the last tick seen: fills of that tick's orders arrive after it, and move it.
    const lastTs = Object.values(state.lastSnapshotTs).sort((a, b) => Date.parse(a) - Date.parse(b)).pop(); // prettier-ignore
    if (lastTs)
      await tx
        .insert(deploymentPnl)
        .values({ deploymentId, ts: lastTs, net: pnl.net, gross: pnl.gross, costs: pnl.costs })
        .onConflictDoUpdate({
          target: [deploymentPnl.deploymentId, deploymentPnl.ts],
          set: { net: pnl.net, gross: pnl.gross, costs: pnl.costs },
        });
    await tx
      .update(deploymentState)
      .set({
        state: encodeState(state),
        steps: seq,
        pnl: { gross: pnl.gross, costs: pnl.costs, net: pnl.net, day: dayPnl(state) },
        version: st.version + 1,
      })
      .where(and(eq(deploymentState.deploymentId, deploymentId), eq(deploymentState.version, st.version))); // prettier-ignore
    const halted = state.tradingState === 'HALTED' && dep.status !== 'killed';
    if (halted || state.tradingState !== dep.tradingState)
      await tx
        .update(deployments)
        .set({
          tradingState: state.tradingState,
          ...(halted ? { status: 'killed' as const, statusReason: state.tradingStateReason } : {}),
        })
        .where(eq(deployments.id, deploymentId));
    return {
      deploymentId,
      outbox,
      events,
      notifications: raised,
      ownerId: dep.ownerId,
      pnl: { gross: pnl.gross, costs: pnl.costs, net: pnl.net },
      skipped,
      applied: inbox.length + (ticked ? 1 : 0),
      working,
      paper,
    };
  });
}

function dayPnl(state: RuntimeState): number {
  const p = pnlOf(state);
  return p.net - (state.basket.grossBeforeToday - state.basket.costsBeforeToday);
}

/** A contract as the orders table names it ("NIFTY 2026-11-24 24000 CE", "NIFTY 2026-11-27 FUT"). */
export const contractOf = (o: Contract) => describeContract(o);

/** Orders and cancels into the outbox (ids are deterministic: a repeated step adds nothing). */
async function writeOutbox(
  tx: Tx,
  deploymentId: string,
  places: OrderRequest[],
  cancels: CancelRequest[],
): Promise<string[]> {
  const rows = [
    ...places.map((o) => ({ id: o.id, deploymentId, kind: 'place', payload: o })),
    ...cancels.map((c) => ({ id: c.id, deploymentId, kind: 'cancel', payload: c })),
  ];
  if (rows.length === 0) return [];
  const added = await tx
    .insert(orderIntents)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: orderIntents.id });
  if (places.length)
    await tx
      .insert(orders)
      .values(
        places.map((o) => ({
          id: o.id,
          deploymentId,
          intentId: o.intentId,
          legId: o.legId,
          side: o.side,
          contract: contractOf(o),
          qty: o.qty,
          status: 'PENDING',
          reason: o.reason,
        })),
      )
      .onConflictDoNothing();
  return added.map((r) => r.id);
}

/** The events, numbered after the last; the ones a trader is alerted to also become notifications. */
async function writeEvents(
  tx: Tx,
  dep: { id: string; ownerId: string; name: string },
  events: readonly (RuntimeEvent | FeedGapEvent)[],
): Promise<number[]> {
  if (events.length === 0) return [];
  const [r] = await tx
    .select({ seq: max(deploymentEvents.seq) })
    .from(deploymentEvents)
    .where(eq(deploymentEvents.deploymentId, dep.id));
  const base = r?.seq ?? 0;
  const rows = events.map((e, i) => ({
    deploymentId: dep.id,
    seq: base + i + 1,
    ts: e.ts,
    type: e.type,
    strategyId: 'strategyId' in e ? (e.strategyId ?? null) : null,
    legId: 'legId' in e ? (e.legId ?? null) : null,
    message: e.message,
    data: e.data ?? null,
  }));
  await tx.insert(deploymentEvents).values(rows);
  const alerts = rows.flatMap((row) => {
    const kind =
      row.type === FEED_GAP ? null : alertKindOf({ type: row.type as RuntimeEvent['type'] });
    if (!kind) return [];
    // prettier-ignore
    return [{ userId: dep.ownerId, deploymentId: dep.id, key: `${dep.id}:${row.seq}`, kind, title: alertTitle(kind, dep.name), message: row.message }];
  });
  if (alerts.length === 0) return [];
  const added = await tx
    .insert(notifications)
    .values(alerts)
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return added.map((a) => a.id);
}

/** Appends an input to a deployment's inbox (a user command, a clock tick, a broker report). */
export async function enqueueInput(
  db: Db | Tx,
  deploymentId: string,
  input: RuntimeInput,
): Promise<number> {
  const [row] = await db
    .insert(deploymentInputs)
    .values({ deploymentId, kind: input.kind, input })
    .returning({ id: deploymentInputs.id });
  return row.id;
}

/** Running deployments of a feed that trade this underlying (the evaluate job's work list). */
export async function deploymentsOn(
  db: Db,
  feedId: string,
  underlying: string,
  shard: { index: number; count: number },
): Promise<string[]> {
  const rows = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      and(
        eq(deployments.feedId, feedId),
        inArray(deployments.status, ['running', 'paused']),
        sql`${underlying} = any(${deployments.underlyings})`,
      ),
    );
  return rows.map((r) => r.id).filter((id) => shardOf(id, shard.count) === shard.index);
}

/** A stable shard for a deployment id (deployments spread over the evaluate jobs of a tick). */
export function shardOf(id: string, count: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % count;
}

export { snapshotAt };

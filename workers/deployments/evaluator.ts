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
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { column, isAnyOf, jsonColumn, recordsOf, rowsOf } from '@/db/columns';
import {
  deploymentInputs,
  deployments,
  deploymentState,
  orderIntents,
  strategyVersions,
  type Deployment,
} from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { alertKindOf, alertTitle } from '@/engine/runtime/alert-kinds';
import { RiskLimitsSchema } from '@/engine/backtest/settings';
import { createRuntime, pnlOf } from '@/engine/runtime/runtime';
import { likelyToAct } from '@/engine/runtime/likely-to-act';
import type { BasketPlan } from '@/engine/runtime/plan';
import {
  decodeStateApart,
  encodeState,
  encodeStateApart,
  type KeptLegs,
} from '@/engine/runtime/state-codec';
import { executePrepared } from '@/db/prepared';
import { closedLegsInsert, closedLegsOf, type ClosedLegRow } from '@/db/closed-legs';
import type {
  CancelRequest,
  ChainSnapshot,
  OrderRequest,
  Runtime,
  RuntimeEvent,
  RuntimeInput,
  RuntimeState,
  StepResult,
} from '@/engine/runtime/types';
import { dataEndInputs, inputsFor } from '@/engine/session/driver';
import { FEED_DOWN, FEED_GAP, feedGap, type FeedDownEvent, type FeedGapEvent } from './feed-gap';
import { FeedMarket, snapshotAt, ticksBetween } from './feed-store';
import { describeContract, type Contract } from '@/engine/broker/symbols/contract';
import type { ExecutionReport } from '@/engine/broker/broker';
import {
  foldReports,
  notePaperSettings,
  ordersUpdate,
  paperVenueOf,
  saveVenue,
  sendToVenue,
  seqOf,
} from './router';
import type { AlertRef } from '@/workers/queues';

export type EvaluationResult = {
  deploymentId: string;
  /** Outbox rows this evaluation added (to hand to the order router). */
  outbox: string[];
  events: RuntimeEvent[];
  /** Notifications this evaluation raised (entries, stops, kills, ...): the bell's. */
  notifications: number[];
  /**
   * Those of them for the alert sender: the owner has an enabled channel. The others are stored
   * as dispatched already, so no job and no sweep looks at them again.
   */
  deliveries: AlertRef[];
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

/**
 * The states this process last wrote, decoded, by deployment: the next evaluation here reads the
 * row's version only and takes the state from memory when the version is the one written (a state
 * is never changed once made, immutability.test.ts). Only the evaluator writes a state, always
 * with version + 1, and an entry is kept only after its transaction committed, so a version that
 * matches is that state. Decoding a busy deployment's state was a fifth of its evaluation.
 */
const decoded = new Map<string, { version: number; state: RuntimeState; kept: KeptLegs }>();
const MAX_DECODED = 5_000;

function remember(id: string, version: number, state: RuntimeState, kept: KeptLegs) {
  decoded.delete(id); // the newest goes last: the first entry is the one to drop when full
  if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value as string);
  decoded.set(id, { version, state, kept });
}

/** Runtimes are built once per deployment and kept: a plan compiles every rule group. */
const runtimes = new Map<string, { key: string; runtime: Runtime & { plan: BasketPlan } }>();
const MAX_RUNTIMES = 5_000;

const runtimeKey = (versionId: string, risk: unknown) => `${versionId}|${JSON.stringify(risk)}`;

/** The deployments' runtimes; strategy versions (large documents) are read, in one query, only for those not cached. */
async function runtimesOf(
  tx: Tx,
  deps: readonly { id: string; strategyVersionId: string; riskLimits: unknown }[],
): Promise<void> {
  const missing = deps.filter((d) => runtimes.get(d.id)?.key !== runtimeKey(d.strategyVersionId, d.riskLimits)); // prettier-ignore
  if (missing.length === 0) return;
  const versions = await tx
    .select({ id: strategyVersions.id, dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(inArray(strategyVersions.id, [...new Set(missing.map((d) => d.strategyVersionId))]));
  const dsl = new Map(versions.map((v) => [v.id, v.dsl]));
  // A version that does not parse fails its own deployment's step, not the batch.
  for (const d of missing) {
    try {
      runtimeFor(d.id, d.strategyVersionId, dsl.get(d.strategyVersionId), d.riskLimits);
    } catch {
      // thrown again, for that deployment alone, when its step asks for the runtime
    }
  }
}

function runtimeFor(
  deploymentId: string,
  versionId: string,
  dsl: unknown,
  risk: unknown,
): Runtime & { plan: BasketPlan } {
  const key = runtimeKey(versionId, risk);
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
  if (versionId !== INITIAL) notePaperSettings(versionId, parsed.value);
  if (runtimes.size >= MAX_RUNTIMES) runtimes.delete(runtimes.keys().next().value as string);
  runtimes.set(deploymentId, { key, runtime });
  return runtime;
}

/** The version id a deployment's first state is made under (before its row exists): no real version's. */
const INITIAL = 'initial';

/** The first state of a deployment: written when it is created, in the same transaction. */
export function initialDeploymentState(deploymentId: string, dsl: unknown, risk: unknown): string {
  return encodeState(runtimeFor(deploymentId, INITIAL, dsl, risk).initialState());
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

type EvaluateOpts = {
  tick?: ChainSnapshot;
  /** The feed's tick before `tick`, when the caller knows it (then nothing was skipped from it). */
  previousTs?: string;
  dataEnd?: boolean;
  /** Events of the live flow to write with this evaluation (a broker feed went down). */
  notes?: FeedDownEvent[];
};

/**
 * Evaluates one deployment: its inbox, then `tick` if it is newer than what it has seen (or the
 * end of its recorded feed). Returns null when the deployment is not running any more.
 */
export async function evaluateDeployment(
  db: Db,
  deploymentId: string,
  opts: EvaluateOpts = {},
): Promise<EvaluationResult | null> {
  const batch = await evaluateDeployments(db, [deploymentId], opts);
  if (batch.failed.length) throw batch.failed[0].error;
  return batch.results[0] ?? null;
}

export type EvaluationBatch = {
  results: EvaluationResult[];
  /** Deployments another evaluation held (with `skipLocked`): evaluate them apart, after it. */
  locked: string[];
  /** Deployments whose step threw: nothing of theirs was written (evaluate them apart to see the error). */
  failed: { deploymentId: string; error: unknown }[];
};

/** What one deployment's steps decided, before anything is written. */
type Decision = {
  dep: Deployment;
  version: number;
  state: RuntimeState;
  /** The closed legs the store holds apart for this deployment (after the write: with the ones it added). */
  kept: KeptLegs;
  seq: number;
  events: RuntimeEvent[];
  gap: FeedGapEvent | null;
  /** The live flow's own notes for this deployment (FEED_DOWN), written after its events. */
  notes: FeedDownEvent[];
  places: OrderRequest[];
  cancels: CancelRequest[];
  inbox: { id: number; seq: number | null }[];
  added: { kind: string; input: RuntimeInput | { kind: 'snapshot'; underlying: string; ts: string }; seq: number; skipped: number }[]; // prettier-ignore
  ticked: boolean;
  /** What stepped it (the report inputs of its paper fills step on them too). */
  runtime: Runtime;
  market: FeedMarket;
  /** Paper fills in this transaction (`fillAtDecision`): the outbox rows sent, the venue's answers, its state. */
  filled: { sent: Set<string>; reports: ExecutionReport[]; venue: string } | null;
};

/**
 * Evaluates deployments together in ONE transaction: their rows locked and read in one query,
 * their inboxes in one, then each one's steps (the kernel, in memory), then every write batched
 * (inputs, outbox, events, notifications, P&L, state) — a handful of queries for the lot instead
 * of a dozen per deployment. A crash rolls the whole batch back and the retried job repeats it
 * with the same order ids. `skipLocked`: deployments another evaluation holds (a trader's
 * command) are left out and named, instead of making the batch wait.
 */
export async function evaluateDeployments(
  db: Db,
  ids: readonly string[],
  opts: EvaluateOpts & { skipLocked?: boolean } = {},
): Promise<EvaluationBatch> {
  if (ids.length === 0) return { results: [], locked: [], failed: [] };
  const known: Record<string, number> = {};
  const held = new Map<string, { state: RuntimeState; kept: KeptLegs }>();
  for (const id of ids) {
    const c = decoded.get(id);
    if (!c) continue;
    known[id] = c.version;
    held.set(id, c);
  }
  const written: Decision[] = [];
  const batch = await db.transaction(async (tx) => {
    // The state row lock serialises evaluations of one deployment across worker processes. The
    // inboxes and the closed legs of states this process holds none of are issued with it
    // (`.execute()` starts a query; prepared, they are pipelined: db/prepared.ts); the
    // transaction's connection runs them in that order, so they read after the lock is taken and
    // see what the last holder committed.
    const locking = tx
      .select({
        st: {
          deploymentId: deploymentState.deploymentId,
          steps: deploymentState.steps,
          version: deploymentState.version,
          // The text only where this process does not hold that version decoded already.
          state: sql<string | null>`case when ${deploymentState.version} = (${JSON.stringify(known)}::jsonb ->> ${deploymentState.deploymentId}::text)::int then null else ${deploymentState.state} end`, // prettier-ignore
        },
        dep: deployments,
      })
      .from(deploymentState)
      .innerJoin(deployments, eq(deployments.id, deploymentState.deploymentId))
      .where(isAnyOf(deploymentState.deploymentId, ids, 'uuid'))
      // One order for every batch's locks: two batches waiting on each other's rows never deadlock.
      .orderBy(asc(deploymentState.deploymentId))
      .for(
        'update',
        opts.skipLocked ? { of: deploymentState, skipLocked: true } : { of: deploymentState },
      )
      .prepare('evaluate-lock')
      .execute();
    const inboxRows = tx
      .select()
      .from(deploymentInputs)
      .where(
        and(
          isAnyOf(deploymentInputs.deploymentId, ids, 'uuid'),
          isNull(deploymentInputs.appliedAt),
        ),
      )
      .orderBy(asc(deploymentInputs.id))
      .prepare('evaluate-inbox')
      .execute();
    const unheld = closedLegsOf(
      tx,
      ids.filter((id) => !held.has(id)),
    );
    const [rows, pending, apartUnheld] = await Promise.all([locking, inboxRows, unheld]);
    const found = new Set(rows.map((r) => r.dep.id));
    const locked = opts.skipLocked ? ids.filter((id) => !found.has(id)) : [];
    if (rows.length === 0) return { results: [], locked, failed: [] };
    await runtimesOf(
      tx,
      rows.map((r) => r.dep),
    );
    const inboxes = new Map<string, (typeof deploymentInputs.$inferSelect)[]>();
    // Only the locked deployments' (another evaluation applies the others').
    for (const row of pending) {
      if (!found.has(row.deploymentId)) continue;
      const list = inboxes.get(row.deploymentId) ?? [];
      list.push(row);
      inboxes.set(row.deploymentId, list);
    }
    // States held here at another version (another process wrote since) need their closed legs too.
    const stale = rows
      .filter((r) => r.st.state !== null && held.has(r.dep.id))
      .map((r) => r.dep.id);
    const apart = new Map([...apartUnheld, ...(await closedLegsOf(tx, stale))]);
    const skippedSince = new Map<string, Promise<number>>();
    const decisions: Decision[] = [];
    const failed: EvaluationBatch['failed'] = [];
    const idle: EvaluationResult[] = [];
    for (const { st, dep } of rows) {
      try {
        const { state, kept } = st.state === null ? held.get(dep.id)! : decodeStateApart(st.state, apart.get(dep.id)); // prettier-ignore
        const d = await decide(tx, { ...st, state, kept }, dep, inboxes.get(dep.id) ?? [], opts, skippedSince); // prettier-ignore
        if (d.inbox.length || d.ticked || opts.dataEnd || d.notes.length) decisions.push(d);
        else idle.push(resultOf(d, [], { ids: [], deliveries: [] }));
      } catch (error) {
        failed.push({ deploymentId: dep.id, error });
      }
    }
    await fillAtDecision(tx, decisions);
    const { outbox, raised } = await writeDecisions(tx, decisions);
    const results = decisions.map((d) => resultOf(d, outbox.get(d.dep.id) ?? [], raised.get(d.dep.id) ?? { ids: [], deliveries: [] })); // prettier-ignore
    written.push(...decisions);
    return { results: [...results, ...idle], locked, failed };
  });
  // Committed: these versions are the states just written (writeDecisions bumps each by one).
  for (const d of written) remember(d.dep.id, d.version + 1, d.state, d.kept);
  return batch;
}

/** One deployment's steps: its inbox, then the tick (or the data's end). Reads only what caches miss. */
async function decide(
  tx: Tx,
  st: { steps: number; version: number; state: RuntimeState; kept: KeptLegs },
  dep: Deployment,
  inbox: (typeof deploymentInputs.$inferSelect)[],
  opts: EvaluateOpts,
  skippedSince: Map<string, Promise<number>>,
): Promise<Decision> {
  const runtime = runtimeFor(dep.id, dep.strategyVersionId, undefined, dep.riskLimits);
  const market = new FeedMarket(tx as unknown as Db, dep.feedId);
  let state = st.state;
  await market.showLast(state);
  const d: Decision = { dep, version: st.version, state, kept: st.kept, seq: st.steps, events: [], gap: null, notes: [], places: [], cancels: [], inbox: [], added: [], ticked: false, runtime, market, filled: null }; // prettier-ignore
  const step = async (input: RuntimeInput) => {
    const r = await runtime.step(state, input, market);
    state = r.state;
    d.events.push(...r.events);
    d.places.push(...r.intents);
    d.cancels.push(...r.cancels);
  };
  const active = dep.status === 'running' || dep.status === 'paused';
  // The order inputs are applied in is the replay's order (their ids may commit out of order).
  for (const row of inbox) {
    // A stopped deployment still takes broker reports: its orders' answers must reach its book.
    const apply = active || row.kind === 'report';
    if (apply) await step(row.input as RuntimeInput);
    d.inbox.push({ id: row.id, seq: apply ? ++d.seq : null });
  }
  const tick = opts.tick;
  const last = tick ? state.lastSnapshotTs[tick.underlying] : undefined;
  if (active && tick && (!last || Date.parse(tick.ts) > Date.parse(last))) {
    let skipped = 0;
    if (last && last !== opts.previousTs) {
      // Deployments of a batch that fell behind together share the count.
      const key = `${dep.feedId}|${tick.underlying}|${last}`;
      if (!skippedSince.has(key)) skippedSince.set(key, ticksBetween(tx as unknown as Db, dep.feedId, tick.underlying, last, tick.ts)); // prettier-ignore
      skipped = Math.max(0, (await skippedSince.get(key)!) - 1);
    }
    if (last) d.gap = feedGap(dep.feed, last, tick, skipped);
    const dry = rehearsed.get(dep.id);
    rehearsed.delete(dep.id);
    const rehearsedHere = dry && dry.from === state && dry.runtime === runtime && dry.ts === tick.ts; // prettier-ignore
    if (rehearsedHere) await market.show(tick);
    for (const r of rehearsedHere ? dry.steps : await stepTick(runtime, state, tick, market)) {
      state = r.state;
      d.events.push(...r.events);
      d.places.push(...r.intents);
      d.cancels.push(...r.cancels);
    }
    d.added.push({ kind: 'snapshot', input: { kind: 'snapshot', underlying: tick.underlying, ts: tick.ts }, seq: ++d.seq, skipped }); // prettier-ignore
    d.ticked = true;
  }
  if (opts.dataEnd && active)
    for (const input of dataEndInputs(state)) {
      await step(input);
      d.added.push({ kind: input.kind, input, seq: ++d.seq, skipped: 0 });
    }
  if (active) d.notes = opts.notes ?? [];
  d.state = state;
  return d;
}

type Raised = { ids: number[]; deliveries: AlertRef[] };

/**
 * Rounds of a paper deployment's orders filled in the transaction that decided them: an order,
 * what its fill decides (a re-entry on a stop's fill, the next cycle on the last exit's), and so
 * on. Rows still decided after the last round are left to the router.
 */
const FILL_ROUNDS = 5;

/**
 * A paper deployment's orders are sent to its venue in the transaction that decided them, and the
 * venue's answers (acceptances, fills) are stepped at once as its next inputs, recorded applied in
 * that order: a fill is committed with the decision, with no transaction of its own to wait for
 * (bench/live: a burst of entries waited 25-70 ms for a routing transaction and an evaluation of
 * the fills after the deciding one). The rows of an earlier evaluation still pending go first, in
 * the kernel's order, as the router would send them. It is the router's paper path
 * (`sendToVenue`, the same venue state and chains), so nothing else changes: the outbox rows are
 * written sent, with the orders, fills and venue state, all or none. A live deployment never gets
 * here; its rows go to the router. Should a deployment's venue fail, its rows are written pending
 * as before and the router sends them (and says why if it fails again).
 */
async function fillAtDecision(tx: Tx, decisions: readonly Decision[]): Promise<void> {
  const trading = decisions.filter((d) => d.dep.mode === 'paper' && d.places.length + d.cancels.length > 0); // prettier-ignore
  if (trading.length === 0) return;
  const ids = trading.map((d) => d.dep.id);
  // The state rows are locked already (the batch's lock); the pending rows after them, as the router takes them.
  const [saved, older] = await Promise.all([
    tx.select({ id: deploymentState.deploymentId, venue: deploymentState.venue }).from(deploymentState).where(isAnyOf(deploymentState.deploymentId, ids, 'uuid')).prepare('fill-venues').execute(), // prettier-ignore
    tx.select({ id: orderIntents.id, deploymentId: orderIntents.deploymentId, kind: orderIntents.kind, payload: orderIntents.payload }).from(orderIntents).where(and(isAnyOf(orderIntents.deploymentId, ids, 'uuid'), eq(orderIntents.status, 'pending'))).for('update').prepare('fill-pending').execute(), // prettier-ignore
  ]);
  const venues = new Map(saved.map((r) => [r.id, r.venue]));
  type Row = { id: string; kind: string; payload: OrderRequest | CancelRequest };
  const bySeq = (a: Row, b: Row) => seqOf(a.id) - seqOf(b.id);
  const rowsOf = (places: readonly OrderRequest[], cancels: readonly CancelRequest[]): Row[] => [
    ...places.map((o) => ({ id: o.id, kind: 'place', payload: o })),
    ...cancels.map((c) => ({ id: c.id, kind: 'cancel', payload: c })),
  ];
  for (const d of trading) {
    try {
      const venue = await paperVenueOf(tx, d.dep, venues.get(d.dep.id) ?? null);
      const earlier = older.filter((r) => r.deploymentId === d.dep.id);
      let rows = [...earlier, ...rowsOf(d.places, d.cancels)].sort(bySeq);
      let { state, seq } = d;
      const more = { events: [] as RuntimeEvent[], places: [] as OrderRequest[], cancels: [] as CancelRequest[], added: [] as Decision['added'] }; // prettier-ignore
      const sent = new Set<string>();
      const reports: ExecutionReport[] = [];
      for (let round = 0; rows.length > 0 && round < FILL_ROUNDS; round++) {
        const answers = await sendToVenue(tx, venue, d.dep.feedId, rows);
        for (const r of rows) sent.add(r.id);
        reports.push(...answers);
        const next: Row[] = [];
        for (const report of answers) {
          const input: RuntimeInput = { kind: 'report', report };
          const r = await d.runtime.step(state, input, d.market);
          state = r.state;
          more.events.push(...r.events);
          more.places.push(...r.intents);
          more.cancels.push(...r.cancels);
          more.added.push({ kind: 'report', input, seq: ++seq, skipped: 0 });
          next.push(...rowsOf(r.intents, r.cancels));
        }
        rows = next.sort(bySeq);
      }
      d.state = state;
      d.seq = seq;
      d.events.push(...more.events);
      d.places.push(...more.places);
      d.cancels.push(...more.cancels);
      d.added.push(...more.added);
      d.filled = { sent, reports, venue: saveVenue(venue) };
    } catch {
      // Nothing of the fills is kept: the rows are written pending and the router sends them.
    }
  }
}

function resultOf(d: Decision, outbox: string[], raised: Raised): EvaluationResult {
  const changed = d.inbox.length > 0 || d.ticked || d.added.length > 0;
  const pnl = changed ? pnlOf(d.state) : null;
  return {
    deploymentId: d.dep.id,
    outbox,
    events: changed ? d.events : [],
    notifications: raised.ids,
    deliveries: raised.deliveries,
    ownerId: d.dep.ownerId,
    pnl: pnl && { gross: pnl.gross, costs: pnl.costs, net: pnl.net },
    skipped: d.added.find((a) => a.kind === 'snapshot')?.skipped ?? 0,
    applied: d.inbox.length + (d.ticked ? 1 : 0) + d.notes.length,
    working: Object.keys(d.state.orders).length > 0,
    paper: d.dep.mode === 'paper',
  };
}

/**
 * Everything a batch's steps decided, in ONE statement: data-modifying CTEs on different rows
 * (their order does not matter; each sees the rows as they were before the statement), prepared
 * (db/prepared.ts). Its rows come back as the outbox rows added and the notifications raised. A
 * trading state that changed is a statement of its own, beside it (rare). An unprepared statement
 * costs two round trips that nothing else overlaps, and a batch of a tick's trades waits for
 * them: three statements here (steps, outbox, events) were half of such a batch's transaction.
 *
 * Every CTE is there whatever the batch decided (with no rows when it has none: orders, events,
 * closed legs), so the statement has one text, which every connection prepares in the first
 * seconds (each tick's batches write through it). When the text left out what a batch did not
 * write, a burst of entries was a text most connections had not seen: prepared and planned then,
 * at bind, 6-12 ms on the server in bench/live (log_min_duration_statement), before every fill
 * of the burst.
 */
async function writeDecisions(
  tx: Tx,
  decisions: readonly Decision[],
): Promise<{ outbox: Map<string, string[]>; raised: Map<string, Raised> }> {
  const outbox = new Map<string, string[]>();
  const raised = new Map<string, Raised>();
  if (decisions.length === 0) return { outbox, raised };
  const parts: SQL[] = [...stepsParts(decisions)];
  const intents = outboxParts(decisions);
  const notes = eventsParts(decisions);
  parts.push(...intents.parts, ...notes.parts);
  const sent: PromiseLike<unknown>[] = [
    executePrepared(
      tx,
      sql`with ${sql.join(parts, sql`, `)}
      select 'intent' as k, id, deployment_id::text as d, null::text as key, null::boolean as deliver from intents
      union all select 'note' as k, id::text as id, deployment_id::text as d, key, dispatched_at is null as deliver from notes`,
    ),
  ];
  for (const d of decisions) {
    const halted = d.state.tradingState === 'HALTED' && d.dep.status !== 'killed';
    if (halted || d.state.tradingState !== d.dep.tradingState)
      sent.push(
        tx
          .update(deployments)
          .set({
            tradingState: d.state.tradingState,
            ...(halted ? { status: 'killed' as const, statusReason: d.state.tradingStateReason } : {}), // prettier-ignore
          })
          .where(eq(deployments.id, d.dep.id)),
      );
  }
  const reports = decisions.flatMap((d) => (d.filled?.reports ?? []).map((r) => ({ deploymentId: d.dep.id, r }))); // prettier-ignore
  if (reports.length) sent.push(executePrepared(tx, fillsParts(reports)));
  const [rows] = await Promise.all(sent);
  const added = rowsOf<{ k: string; id: string; d: string; key: string | null; deliver: boolean | null }>(rows); // prettier-ignore
  // Outbox rows in the order the kernel decided them (the router sends a deployment's rows in that order anyway).
  const addedIntents = new Set(added.filter((a) => a.k === 'intent').map((a) => a.id));
  for (const r of intents.rows)
    if (addedIntents.has(r.id) && !r.sent) outbox.set(r.deploymentId, [...(outbox.get(r.deploymentId) ?? []), r.id]); // prettier-ignore
  for (const a of added) {
    if (a.k !== 'note') continue;
    const r = raised.get(a.d) ?? { ids: [], deliveries: [] };
    // A bigserial comes back as text (and is sent as text here).
    r.ids.push(Number(a.id));
    if (a.deliver) r.deliveries.push({ id: Number(a.id), key: a.key! });
    raised.set(a.d, r);
  }
  return { outbox, raised };
}

/**
 * The fills of a batch's paper orders (`fillAtDecision`) and what their reports do to the order
 * rows, as one statement after the batch's (whose orders it updates). A fill's row is stamped when
 * it is written, just before the commit, not at the transaction's start. Its execution id is new
 * by construction (the venue's state is saved with its fills): a repeat fails the batch rather
 * than reach the book twice.
 */
function fillsParts(reports: readonly { deploymentId: string; r: ExecutionReport }[]): SQL {
  const fills = reports.flatMap(({ deploymentId, r }) => (r.kind === 'fill' ? [{ deploymentId, r }] : [])); // prettier-ignore
  return sql`with fills_in as (insert into fills (execution_id, order_id, deployment_id, ts, qty, price, costs, created_at)
      select v.*, clock_timestamp() from unnest(${column(fills.map((f) => f.r.executionId))}::text[], ${column(fills.map((f) => f.r.orderId))}::text[], ${column(fills.map((f) => f.deploymentId))}::uuid[], ${column(fills.map((f) => f.r.ts))}::text[], ${column(fills.map((f) => f.r.qty))}::int[], ${column(fills.map((f) => f.r.price))}::real[], ${column(fills.map((f) => f.r.costs))}::real[])
        as v(execution_id, order_id, deployment_id, ts, qty, price, costs))
    ${ordersUpdate(foldReports(reports.map((x) => x.r)))}`;
}

/** Inputs applied and added, P&L points, closed legs and states of a batch, as CTEs. */
function stepsParts(decisions: readonly Decision[]): SQL[] {
  const parts: SQL[] = [];
  const applied = decisions.flatMap((d) => d.inbox);
  parts.push(sql`applied as (update deployment_inputs as i set applied_at = now(), applied_seq = v.seq
      from unnest(${column(applied.map((a) => a.id))}::bigint[], ${column(applied.map((a) => a.seq))}::int[]) as v(id, seq)
      where i.id = v.id)`);
  const added = decisions.flatMap((d) => d.added.map((a) => ({ deploymentId: d.dep.id, ...a })));
  parts.push(sql`added as (insert into deployment_inputs (deployment_id, kind, input, applied_at, applied_seq, skipped)
      select v.deployment_id, v.kind, v.input, now(), v.seq, v.skipped
      from unnest(${column(added.map((a) => a.deploymentId))}::uuid[], ${column(added.map((a) => a.kind))}::text[], ${jsonColumn(added.map((a) => a.input))}::jsonb[], ${column(added.map((a) => a.seq))}::int[], ${column(added.map((a) => a.skipped))}::int[])
        as v(deployment_id, kind, input, seq, skipped))`);
  // Each state's P&L once (it sums every leg the deployment ever traded), for its point and its row.
  const pnls = decisions.map((d) => {
    const p = pnlOf(d.state);
    return { gross: p.gross, costs: p.costs, net: p.net, day: p.dayNet };
  });
  // The P&L point of the last tick seen: fills of that tick's orders arrive after it, and move it.
  const points = decisions.flatMap((d, i) => {
    const lastTs = Object.values(d.state.lastSnapshotTs).sort((a, b) => Date.parse(a) - Date.parse(b)).pop(); // prettier-ignore
    if (!lastTs) return [];
    const p = pnls[i];
    return [{ deploymentId: d.dep.id, ts: lastTs, net: p.net, gross: p.gross, costs: p.costs }];
  });
  parts.push(sql`points as (insert into deployment_pnl (deployment_id, ts, net, gross, costs)
      select * from unnest(${column(points.map((p) => p.deploymentId))}::uuid[], ${column(points.map((p) => p.ts))}::text[], ${column(points.map((p) => p.net))}::real[], ${column(points.map((p) => p.gross))}::real[], ${column(points.map((p) => p.costs))}::real[])
      on conflict (deployment_id, ts) do update set net = excluded.net, gross = excluded.gross, costs = excluded.costs)`);
  const closed: ClosedLegRow[] = [];
  const states = decisions.map((d, i) => {
    const stored = encodeStateApart(d.state, d.kept);
    for (const r of stored.rows) closed.push({ deploymentId: d.dep.id, ...r });
    d.kept = stored.kept;
    return { id: d.dep.id, state: stored.text, steps: d.seq, pnl: pnls[i], version: d.version, venue: d.filled?.venue ?? null }; // prettier-ignore
  });
  parts.push(sql`closed as (${closedLegsInsert(closed)})`);
  parts.push(sql`states as (update deployment_state as s
    set state = v.state, steps = v.steps, pnl = v.pnl, version = s.version + 1, updated_at = now(), venue = coalesce(v.venue, s.venue)
    from jsonb_to_recordset(${recordsOf(states)}) as v(id uuid, state text, steps int, pnl jsonb, version int, venue text)
    where s.deployment_id = v.id and s.version = v.version)`);
  return parts;
}

/** A contract as the orders table names it ("NIFTY 2026-11-24 24000 CE", "NIFTY 2026-11-27 FUT"). */
export const contractOf = (o: Contract) => describeContract(o);

/** Orders and cancels of a batch into the outbox, as CTEs (ids are deterministic: a repeated step adds nothing). */
function outboxParts(decisions: readonly Decision[]) {
  const sentHere = (d: Decision, id: string) => d.filled?.sent.has(id) ?? false;
  const rows = decisions.flatMap((d) => [
    ...d.places.map((o) => ({ id: o.id, deploymentId: d.dep.id, kind: 'place', payload: o, sent: sentHere(d, o.id) })), // prettier-ignore
    ...d.cancels.map((c) => ({ id: c.id, deploymentId: d.dep.id, kind: 'cancel', payload: c, sent: sentHere(d, c.id) })), // prettier-ignore
  ]);
  const places = decisions.flatMap((d) => d.places.map((o) => ({ id: o.id, deploymentId: d.dep.id, intentId: o.intentId, legId: o.legId, side: o.side, contract: contractOf(o), qty: o.qty, reason: o.reason }))); // prettier-ignore
  const parts: SQL[] = [];
  parts.push(sql`orders as (insert into orders (id, deployment_id, intent_id, leg_id, side, contract, qty, status, reason)
      select v.id, v.deployment_id, v.intent_id, v.leg_id, v.side, v.contract, v.qty, 'PENDING', v.reason
      from unnest(${column(places.map((o) => o.id))}::text[], ${column(places.map((o) => o.deploymentId))}::uuid[], ${column(places.map((o) => o.intentId))}::text[], ${column(places.map((o) => o.legId))}::text[], ${column(places.map((o) => o.side))}::text[], ${column(places.map((o) => o.contract))}::text[], ${column(places.map((o) => o.qty))}::int[], ${column(places.map((o) => o.reason))}::text[])
        as v(id, deployment_id, intent_id, leg_id, side, contract, qty, reason)
      on conflict do nothing)`);
  // Rows filled here (`fillAtDecision`) are written sent, and so are the earlier ones it sent.
  parts.push(sql`intents as (insert into order_intents (id, deployment_id, kind, payload, status, sent_at, attempts)
      select v.id, v.deployment_id, v.kind, v.payload, (case when v.sent = 1 then 'sent' else 'pending' end)::intent_status, case when v.sent = 1 then now() end, v.sent
      from unnest(${column(rows.map((r) => r.id))}::text[], ${column(rows.map((r) => r.deploymentId))}::uuid[], ${column(rows.map((r) => r.kind))}::text[], ${jsonColumn(rows.map((r) => r.payload))}::jsonb[], ${column(rows.map((r) => (r.sent ? 1 : 0)))}::int[])
        as v(id, deployment_id, kind, payload, sent)
      on conflict do nothing
      returning id, deployment_id)`);
  const fresh = new Set(rows.map((r) => r.id));
  const earlier = decisions.flatMap((d) =>
    [...(d.filled?.sent ?? [])].filter((id) => !fresh.has(id)),
  );
  parts.push(sql`sent_earlier as (update order_intents set status = 'sent', sent_at = now(), attempts = attempts + 1
      where id = any(${column(earlier)}::text[]) and status = 'pending')`);
  return { parts, rows };
}

/**
 * A batch's events, each deployment's numbered after its last; the ones a trader is alerted to
 * also become notifications, as CTEs: the numbering (one look-up of the (deployment, seq) key per
 * deployment: a grouped max over `= any(...)` read every event of the day of every deployment in
 * the batch), the events and the notifications, keyed by the events' seq.
 */
function eventsParts(decisions: readonly Decision[]): { parts: SQL[] } {
  const withEvents = decisions.filter((d) => d.events.length || d.gap || d.notes.length);
  const rows = withEvents.flatMap((d) =>
    [...d.events, ...(d.gap ? [d.gap] : []), ...d.notes].map((e, i) => {
      // A broker feed's outage is said once per outage, and blocks entries: the trader hears of
      // it. A gap is said after the fact, on every deployment that fell behind: the page says it.
      const kind =
        e.type === FEED_DOWN
          ? ('feed' as const)
          : e.type === FEED_GAP
            ? null
            : alertKindOf({ type: e.type as RuntimeEvent['type'] });
      return {
        deploymentId: d.dep.id,
        i: i + 1,
        ts: e.ts,
        type: e.type,
        strategyId: 'strategyId' in e ? (e.strategyId ?? null) : null,
        legId: 'legId' in e ? (e.legId ?? null) : null,
        message: e.message,
        data: e.data ?? null,
        alert: kind,
        title: kind ? alertTitle(kind, d.dep.name) : null,
        ownerId: d.dep.ownerId,
      };
    }),
  );
  // An owner with no enabled channel has nothing to send: the notification is stored dispatched,
  // so a busy tick does not queue a delivery job per entry and stop that would find no channel.
  return {
    parts: [
      sql`ev as (
        select * from unnest(${column(rows.map((_, n) => n))}::int[], ${column(rows.map((r) => r.deploymentId))}::uuid[], ${column(rows.map((r) => r.i))}::int[], ${column(rows.map((r) => r.ts))}::text[], ${column(rows.map((r) => r.type))}::text[], ${column(rows.map((r) => r.strategyId))}::text[], ${column(rows.map((r) => r.legId))}::text[], ${column(rows.map((r) => r.message))}::text[], ${jsonColumn(rows.map((r) => r.data))}::jsonb[], ${column(rows.map((r) => r.alert))}::text[], ${column(rows.map((r) => r.title))}::text[], ${column(rows.map((r) => r.ownerId))}::text[])
          as v(n, d, i, ts, type, strategy_id, leg_id, message, data, kind, title, owner)
      )`,
      sql`ev_base as (
        select x.d, coalesce((select max(e.seq) from deployment_events e where e.deployment_id = x.d), 0) as b
        from (select distinct d from ev) as x
      )`,
      sql`events as (
        insert into deployment_events (deployment_id, seq, ts, type, strategy_id, leg_id, message, data)
        select ev.d, ev_base.b + ev.i, ev.ts, ev.type, ev.strategy_id, ev.leg_id, ev.message, ev.data
        from ev join ev_base on ev_base.d = ev.d
      )`,
      sql`notes as (
        insert into notifications (user_id, deployment_id, key, kind, title, message, dispatched_at)
        select ev.owner, ev.d, ev.d::text || ':' || (ev_base.b + ev.i)::text, ev.kind, ev.title, ev.message,
          case when exists (select 1 from alert_channels c where c.owner_id = ev.owner and c.enabled) then null else now() end
        from ev join ev_base on ev_base.d = ev.d
        where ev.kind is not null
        order by ev.n
        on conflict do nothing
        returning id, key, deployment_id, dispatched_at
      )`,
    ],
  };
}

/**
 * Those of `ids` that this tick would make trade (place or cancel an order), and those this
 * process cannot tell of: the tick's evaluation runs them first, so that their orders do not wait
 * behind the bookkeeping of the deployments the tick only marks to market (recording it, the P&L
 * point, the state). Each one's steps run here in memory, on the state this process last wrote,
 * and nothing is written: a dry run. It only orders the work. A wrong guess costs latency, never
 * an order: every deployment is then evaluated for real, under its lock (evaluateShard). A state
 * held from an older version (another process wrote since) still answers for the newest tick; a
 * deployment this process holds no state or runtime of is taken as trading.
 *
 * `yieldToTrades`: the dry runs of deployments the tick is not likely to move (`likelyFirst`)
 * wait, every millisecond or so, while this process has trades in hand (`trading`).
 */
export async function aboutToTrade(
  db: Db,
  feedId: string,
  ids: readonly string[],
  tick: ChainSnapshot,
  opts: { yieldToTrades?: boolean } = {},
): Promise<string[]> {
  const out: string[] = [];
  let ran = performance.now();
  for (const id of ids) {
    // A dry run's steps are CPU alone (its awaits resolve at once, as microtasks, which run before
    // any I/O): unbroken, a hundred deployments held this process's other work for 5-15 ms, and
    // with it the transactions of the trades found a moment earlier, each of whose round trips
    // waited for the loop. Every millisecond or so, the loop serves them.
    if (performance.now() - ran > 1) {
      await new Promise((r) => setImmediate(r));
      if (opts.yieldToTrades) await tradesDone();
      ran = performance.now();
    }
    const held = decoded.get(id);
    const runtime = runtimes.get(id)?.runtime;
    if (!held || !runtime) {
      out.push(id);
      continue;
    }
    const last = held.state.lastSnapshotTs[tick.underlying];
    if (last && Date.parse(tick.ts) <= Date.parse(last)) continue; // evaluated at this tick already
    const market = new FeedMarket(db, feedId);
    await market.showLast(held.state);
    try {
      const steps = await stepTick(runtime, held.state, tick, market);
      if (steps.some((r) => r.intents.length || r.cancels.length)) out.push(id);
      rehearsed.delete(id);
      if (rehearsed.size >= MAX_DECODED) rehearsed.delete(rehearsed.keys().next().value as string);
      rehearsed.set(id, { from: held.state, runtime, ts: tick.ts, steps });
    } catch {
      out.push(id); // its real evaluation says what failed
    }
  }
  return out;
}

/**
 * `ids` in two: those the tick is likely to move (engine/runtime/likely-to-act.ts: an entry or
 * exit time reached, a stop or target within reach, a wait, an order working) or that this process
 * holds no state or runtime of, and the rest. A minute's entries are a thirtieth of a fleet, and
 * dry-running them first, ahead of the rest of their shard and of the other underlyings' shards
 * (`yieldToTrades`), is what gets their orders out while the tick is fresh.
 */
export function likelyFirst(
  ids: readonly string[],
  tick: ChainSnapshot,
): { likely: string[]; rest: string[] } {
  const likely: string[] = [];
  const rest: string[] = [];
  for (const id of ids) {
    const held = decoded.get(id);
    const runtime = runtimes.get(id)?.runtime;
    let first = true;
    try {
      first = !held || !runtime || likelyToAct(runtime.plan, held.state, tick);
    } catch {
      // its dry run and evaluation say what is wrong
    }
    (first ? likely : rest).push(id);
  }
  return { likely, rest };
}

/**
 * Trades in hand in this process (`trading`): while there are any, the dry runs of deployments a
 * tick is not likely to move wait (`tradesDone`), so that one event loop serves a tick's orders
 * before the bookkeeping of the other underlyings. Never longer than TRADES_WAIT_MS at a time: a
 * trade stuck on a lock does not stop the rest from being found.
 */
let trades = 0;
let quiet: { done: Promise<void>; resolve: () => void } | null = null;
const TRADES_WAIT_MS = 100;

/** Runs `fn` (finding or evaluating a tick's trades) as trades in hand. */
export async function trading<T>(fn: () => Promise<T>): Promise<T> {
  trades++;
  try {
    return await fn();
  } finally {
    if (--trades === 0 && quiet) {
      quiet.resolve();
      quiet = null;
    }
  }
}

async function tradesDone(): Promise<void> {
  if (trades === 0) return;
  if (!quiet) {
    let resolve = () => {};
    const done = new Promise<void>((r) => (resolve = r));
    quiet = { done, resolve };
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([quiet.done, new Promise<void>((r) => (timer = setTimeout(r, TRADES_WAIT_MS)))]); // prettier-ignore
  clearTimeout(timer);
}

/**
 * A tick's steps from `state` (the end of the previous session first, when the tick starts a new
 * one), each input's chain shown to the market before its step: the one sequence of a dry run and
 * of a real evaluation, so that the real one can take the dry run's steps.
 */
async function stepTick(
  runtime: Runtime,
  state: RuntimeState,
  tick: ChainSnapshot,
  market: FeedMarket,
): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (const input of inputsFor(state, tick)) {
    if (input.kind === 'snapshot') await market.show(input.snapshot);
    steps.push(await runtime.step(steps.at(-1)?.state ?? state, input, market));
  }
  return steps;
}

/**
 * The dry runs, until their real evaluation: a step is pure, so from the same state object (the
 * one held, unchanged since: states are never modified), with the same runtime (a changed
 * strategy version or risk limits make a new one) and the same tick it gives the same result, and
 * that evaluation takes it instead of stepping again. The quiet ones too: the whole shard's job
 * that follows in this process then steps none of its deployments a second time.
 */
const rehearsed = new Map<string, { from: RuntimeState; runtime: Runtime; ts: string; steps: StepResult[] }>(); // prettier-ignore

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
  return inShard(await runningOn(db, [feedId]), feedId, underlying, shard);
}

/** Running (and paused) deployments of these feeds, with what they trade: one query for a due job's ticks. */
export async function runningOn(
  db: Db,
  feedIds: readonly string[],
): Promise<{ id: string; feedId: string; underlyings: string[] }[]> {
  return db
    .select({
      id: deployments.id,
      feedId: deployments.feedId,
      underlyings: deployments.underlyings,
    })
    .from(deployments)
    .where(
      and(
        isAnyOf(deployments.feedId, feedIds, 'text'),
        inArray(deployments.status, ['running', 'paused']),
      ),
    ) // prettier-ignore
    .prepare('running-on')
    .execute();
}

/** Those of `running` on the feed that trade the underlying and fall in the shard. */
export function inShard(
  running: readonly { id: string; feedId: string; underlyings: string[] }[],
  feedId: string,
  underlying: string,
  shard: { index: number; count: number },
): string[] {
  return running
    .filter(
      (r) =>
        r.feedId === feedId &&
        r.underlyings.includes(underlying) &&
        shardOf(r.id, shard.count) === shard.index,
    ) // prettier-ignore
    .map((r) => r.id);
}

/** A stable shard for a deployment id (deployments spread over the evaluate jobs of a tick). */
export function shardOf(id: string, count: number): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % count;
}

export { snapshotAt };

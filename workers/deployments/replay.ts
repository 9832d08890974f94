/**
 * Deterministic replay of a deployment: every input it received (the ticks it saw, broker
 * reports, commands, clocks), in the order it applied them, is run again through a fresh kernel
 * on the same chains and closes. The result must be the same orders, the same decision trace and
 * the same P&L; otherwise the first step where they part is reported. It is how a trader learns
 * why a live run did what it did, and how we prove nothing outside the kernel decided anything.
 */
import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  deploymentEvents,
  deploymentInputs,
  deployments,
  deploymentState,
  orderIntents,
  strategyVersions,
} from '@/db/schema';
import { RiskLimitsSchema } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';
import { createRuntime, pnlOf } from '@/engine/runtime/runtime';
import { readState } from '@/db/closed-legs';
import type { RuntimeInput } from '@/engine/runtime/types';
import { inputsFor } from '@/engine/session/driver';
import { FEED_GAP } from './feed-gap';
import { FeedMarket, snapshotAt } from './feed-store';

export type ReplayResult =
  | {
      identical: true;
      deploymentId: string;
      inputs: number;
      orders: number;
      events: number;
      netPnl: number;
    }
  | {
      identical: false;
      deploymentId: string;
      /** The input (1-based, in applied order) at which the replay first differs, and how. */
      step: number;
      input: unknown;
      what: 'orders' | 'events' | 'state' | 'pnl';
      recorded: unknown;
      replayed: unknown;
    };

const eventKey = (e: { type: string; message: string }) => `${e.type}|${e.message}`;

export async function replayDeployment(db: Db, deploymentId: string): Promise<ReplayResult> {
  const [dep] = await db.select().from(deployments).where(eq(deployments.id, deploymentId));
  if (!dep) throw new Error(`deployment ${deploymentId} does not exist`);
  const [v] = await db.select({ dsl: strategyVersions.dsl }).from(strategyVersions).where(eq(strategyVersions.id, dep.strategyVersionId)); // prettier-ignore
  const parsed = parseDsl(v?.dsl);
  if (!parsed.ok) throw new Error(`deployment ${deploymentId}: its strategy version is not valid`);
  const runtime = createRuntime(parsed.value.basket, { deploymentId, risk: RiskLimitsSchema.parse(dep.riskLimits ?? {}) }); // prettier-ignore
  const market = new FeedMarket(db, dep.feedId);

  const inputs = await db
    .select()
    .from(deploymentInputs)
    .where(
      and(eq(deploymentInputs.deploymentId, deploymentId), isNotNull(deploymentInputs.appliedSeq)),
    ) // prettier-ignore
    .orderBy(asc(deploymentInputs.appliedSeq));
  const recordedOrders = await db.select({ id: orderIntents.id, payload: orderIntents.payload }).from(orderIntents).where(eq(orderIntents.deploymentId, deploymentId)); // prettier-ignore
  const ordersById = new Map(recordedOrders.map((o) => [o.id, o.payload]));
  // The live flow's own notes (a feed gap) are not the kernel's decisions.
  const recordedEvents = await db.select().from(deploymentEvents).where(and(eq(deploymentEvents.deploymentId, deploymentId), ne(deploymentEvents.type, FEED_GAP))).orderBy(asc(deploymentEvents.seq)); // prettier-ignore

  let state = runtime.initialState();
  let eventAt = 0;
  let orders = 0;
  for (const [k, row] of inputs.entries()) {
    const stored = row.input as RuntimeInput | { kind: 'snapshot'; underlying: string; ts: string };
    let steps: RuntimeInput[];
    if (stored.kind === 'snapshot' && !('snapshot' in stored)) {
      const s = await snapshotAt(db, dep.feedId, stored.underlying, stored.ts);
      if (!s) throw new Error(`tick ${stored.underlying} ${stored.ts} of deployment ${deploymentId} is not in the feed store`); // prettier-ignore
      steps = inputsFor(state, s);
      await market.show(s);
    } else steps = [stored as RuntimeInput];
    const fail = (what: 'orders' | 'events' | 'state' | 'pnl', recorded: unknown, replayed: unknown): ReplayResult => ({ identical: false, deploymentId, step: k + 1, input: stored, what, recorded, replayed }); // prettier-ignore
    for (const input of steps) {
      const r = await runtime.step(state, input, market);
      state = r.state;
      for (const o of [...r.intents, ...r.cancels]) {
        const rec = ordersById.get(o.id);
        if (!isDeepStrictEqual(rec, o)) return fail('orders', rec ?? null, o);
        orders++;
      }
      for (const e of r.events) {
        const rec = recordedEvents[eventAt++];
        if (!rec || eventKey(rec) !== eventKey(e))
          return fail('events', rec ? { type: rec.type, message: rec.message } : null, { type: e.type, message: e.message }); // prettier-ignore
      }
    }
  }
  if (eventAt !== recordedEvents.length)
    return { identical: false, deploymentId, step: inputs.length, input: null, what: 'events', recorded: recordedEvents.length, replayed: eventAt }; // prettier-ignore
  const [st] = await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, deploymentId)); // prettier-ignore
  const stored = await readState(db, deploymentId, st.state);
  if (!isDeepStrictEqual(stored, state))
    return { identical: false, deploymentId, step: inputs.length, input: null, what: 'state', recorded: pnlOf(stored), replayed: pnlOf(state) }; // prettier-ignore
  return {
    identical: true,
    deploymentId,
    inputs: inputs.length,
    orders,
    events: eventAt,
    netPnl: Math.round(pnlOf(state).net * 100) / 100,
  };
}

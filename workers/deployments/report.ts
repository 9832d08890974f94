/**
 * A deployment's report in DESIGN.md's backtest format, read back from what the live flow wrote
 * to Postgres: the orders it sent (outbox), the events the kernel emitted (fills, trades,
 * settlements), the P&L recorded after each tick, and its final state. `cli paper` prints it, and
 * it must equal `cli backtest` on the same ticks: the proof that paper runs the backtest's code path.
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  deploymentEvents,
  deploymentPnl,
  deployments,
  deploymentState,
  orderIntents,
  strategyVersions,
} from '@/db/schema';
import { assembleReport, type BacktestReport } from '@/engine/backtest/backtest';
import { ReportBuilder } from '@/engine/backtest/report';
import { backtestSettingsFor } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';
import { readState } from '@/db/closed-legs';
import type { OrderRequest, RuntimeEvent } from '@/engine/runtime/types';
import { FEED_GAP } from './feed-gap';

export async function deploymentReport(db: Db, deploymentId: string): Promise<BacktestReport> {
  const [dep] = await db.select().from(deployments).where(eq(deployments.id, deploymentId));
  if (!dep) throw new Error(`deployment ${deploymentId} does not exist`);
  const [v] = await db.select({ dsl: strategyVersions.dsl }).from(strategyVersions).where(eq(strategyVersions.id, dep.strategyVersionId)); // prettier-ignore
  const parsed = parseDsl(v?.dsl);
  if (!parsed.ok) throw new Error(`deployment ${deploymentId}: its strategy version is not valid`);
  const settings = backtestSettingsFor(parsed.value, { riskLimits: dep.riskLimits });
  const builder = new ReportBuilder(settings.capital, settings.costModel);

  const sent = await db.select().from(orderIntents).where(eq(orderIntents.deploymentId, deploymentId)).orderBy(asc(orderIntents.createdAt)); // prettier-ignore
  const intents = sent.filter((r) => r.kind === 'place').map((r) => r.payload as OrderRequest);
  // A feed gap is the live flow's note, not a kernel event: the report keeps backtest's format.
  const events = await db.select().from(deploymentEvents).where(and(eq(deploymentEvents.deploymentId, deploymentId), ne(deploymentEvents.type, FEED_GAP))).orderBy(asc(deploymentEvents.seq)); // prettier-ignore
  builder.onStep(
    { kind: 'clock', ts: '' },
    {
      state: null as never,
      intents,
      cancels: [],
      events: events.map((e): RuntimeEvent => {
        const out: RuntimeEvent = { ts: e.ts, type: e.type as RuntimeEvent['type'], message: e.message }; // prettier-ignore
        if (e.strategyId) out.strategyId = e.strategyId;
        if (e.legId) out.legId = e.legId;
        if (e.data) out.data = e.data;
        return out;
      }),
    },
  );
  const pnl = await db.select().from(deploymentPnl).where(eq(deploymentPnl.deploymentId, deploymentId)).orderBy(asc(deploymentPnl.ts)); // prettier-ignore
  const underlying = dep.underlyings[0];
  for (const p of pnl) builder.markEquity(p.ts, underlying, p.net);
  const [st] = await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, deploymentId)); // prettier-ignore
  const state = await readState(db, deploymentId, st.state);
  const to = pnl.length ? pnl[pnl.length - 1].ts : null;
  builder.close(state, to);
  const built = builder.build();
  // The paper venue fills at once (no latency model), as a backtest of the same ticks is run.
  const report = assembleReport(built, {
    strategy: parsed.value.basket.name,
    settings: { ...settings, latency: 'none' },
    // The delta hedge's account apart, as a backtest of the same basket reports it.
    hedged: parsed.value.basket.strategies.some((s) => s.deltaHedge),
  });
  // One P&L point was recorded per tick the deployment saw.
  report.data.snapshots = pnl.length;
  return report;
}

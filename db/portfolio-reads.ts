/**
 * What the portfolio is made of, read once for the risk page (server) and for the limits check
 * after evaluations (workers): a trader's running and paused deployments, their runtime state,
 * their strategies' underlyings and the chain each last saw. Neither layer may import the other,
 * so the read lives here, below both.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { PortfolioEntry, PortfolioLimits } from '@/engine/analysis/portfolio';
import { NO_PORTFOLIO_LIMITS, PortfolioLimitsSchema } from '@/engine/analysis/portfolio';
import { parseDsl } from '@/engine/dsl';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import type { Db } from './client';
import { readStates } from './closed-legs';
import { decodeSnapshot } from './feed-snapshots';
import {
  deployments,
  deploymentState,
  feedSnapshots,
  portfolioLimits,
  strategyVersions,
  type Deployment,
} from './schema';

export const ACTIVE_STATUSES = ['running', 'paused'] as const;

export async function readPortfolioLimits(db: Db, ownerId: string): Promise<PortfolioLimits> {
  return (await readPortfolioLimitsOf(db, [ownerId])).get(ownerId) ?? NO_PORTFOLIO_LIMITS;
}

/** The limits of many traders in one query (the check after a tick's evaluations); absent: none set. */
export async function readPortfolioLimitsOf(
  db: Db,
  ownerIds: readonly string[],
): Promise<Map<string, PortfolioLimits>> {
  if (ownerIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(portfolioLimits)
    .where(inArray(portfolioLimits.ownerId, [...ownerIds]));
  const out = new Map<string, PortfolioLimits>();
  for (const row of rows) {
    const parsed = PortfolioLimitsSchema.safeParse(row.limits);
    if (parsed.success) out.set(row.ownerId, parsed.data);
  }
  return out;
}

/** The trader's active deployments (or the one named), with what the portfolio needs of each. */
export async function readPortfolio(
  db: Db,
  ownerId: string,
  only?: string,
): Promise<{ entries: PortfolioEntry[]; rows: Deployment[] }> {
  const conds = [eq(deployments.ownerId, ownerId), inArray(deployments.status, [...ACTIVE_STATUSES])]; // prettier-ignore
  if (only) conds.push(eq(deployments.id, only));
  const rows = await db
    .select({
      d: deployments,
      state: deploymentState.state,
      pnl: deploymentState.pnl,
      dsl: strategyVersions.dsl,
    }) // prettier-ignore
    .from(deployments)
    .innerJoin(deploymentState, eq(deploymentState.deploymentId, deployments.id))
    .innerJoin(strategyVersions, eq(strategyVersions.id, deployments.strategyVersionId))
    .where(and(...conds))
    .orderBy(deployments.createdAt);
  const chains = new Map<string, ChainSnapshot | null>();
  const entries: PortfolioEntry[] = [];
  const states = await readStates(
    db,
    rows.map((r) => ({ deploymentId: r.d.id, text: r.state })),
  );
  for (const r of rows) {
    const parsed = parseDsl(r.dsl);
    if (!parsed.ok) continue; // the evaluator stops such a deployment with the reason
    const state = states.get(r.d.id)!;
    const snapshots: ChainSnapshot[] = [];
    for (const [underlying, ts] of Object.entries(state.lastSnapshotTs)) {
      if (!ts) continue;
      const key = `${r.d.feedId}|${underlying}|${ts}`;
      if (!chains.has(key)) {
        const [s] = await db
          .select({ body: feedSnapshots.body })
          .from(feedSnapshots)
          .where(and(eq(feedSnapshots.feedId, r.d.feedId), eq(feedSnapshots.underlying, underlying), eq(feedSnapshots.ts, ts))); // prettier-ignore
        chains.set(key, s ? decodeSnapshot(s.body) : null);
      }
      const s = chains.get(key);
      if (s) snapshots.push(s);
    }
    entries.push({
      id: r.d.id,
      name: r.d.name,
      mode: r.d.mode,
      status: r.d.status,
      tradingState: r.d.tradingState,
      strategies: parsed.value.basket.strategies.map((s) => ({ id: s.id, underlying: s.underlying })), // prettier-ignore
      state,
      snapshots,
      pnl: r.pnl ? { net: r.pnl.net, day: r.pnl.day } : null,
    });
  }
  return { entries, rows: rows.map((r) => r.d) };
}

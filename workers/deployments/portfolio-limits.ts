/**
 * The trader's portfolio limits, checked after evaluations: when the running deployments of a
 * mode (paper or live apart) cross a limit on net delta, vega or the day's loss, every one of
 * them still taking entries gets a PAUSE in its inbox naming the limit, so the evaluator applies
 * it like any input (recorded for replay, raised as the deployment's PAUSE event). Exits keep
 * working; the trader resumes once the book is back inside.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { readPortfolio, readPortfolioLimitsOf } from '@/db/portfolio-reads';
import { auditLog, deploymentInputs } from '@/db/schema';
import { assemblePortfolio, type PortfolioEntry } from '@/engine/analysis/portfolio';
import { formatTimestamp } from '@/engine/market/calendar';
import { getInstrument } from '@/engine/market/instruments';

/** Pauses the deployments of owners whose limits are crossed; returns the ids it paused. */
export async function enforcePortfolioLimits(
  db: Db,
  ownerIds: readonly string[],
  now: number,
): Promise<string[]> {
  const paused: string[] = [];
  const limitsOf = await readPortfolioLimitsOf(db, ownerIds);
  for (const ownerId of ownerIds) {
    const limits = limitsOf.get(ownerId);
    if (!limits) continue;
    if (limits.maxNetDelta === null && limits.maxVega === null && limits.maxDayLoss === null) continue; // prettier-ignore
    const { entries, rows } = await readPortfolio(db, ownerId);
    for (const section of assemblePortfolio(entries, limits)) {
      if (section.breaches.length === 0) continue;
      const reason = section.breaches.map((b) => b.message).join('; ');
      for (const d of section.deployments) {
        const row = rows.find((r) => r.id === d.id);
        if (!row || row.status !== 'running' || d.tradingState !== 'ACTIVE') continue;
        const waiting = await db
          .select({ id: deploymentInputs.id })
          .from(deploymentInputs)
          .where(and(eq(deploymentInputs.deploymentId, d.id), eq(deploymentInputs.kind, 'command'), isNull(deploymentInputs.appliedAt))); // prettier-ignore
        if (waiting.length) continue; // a command is on its way; the next check sees its result
        const ts = deploymentNow(
          entries.find((e) => e.id === d.id)!,
          row.underlyings[0],
          now,
        );
        await db.transaction(async (tx) => {
          await tx.insert(deploymentInputs).values({ deploymentId: d.id, kind: 'command', input: { kind: 'command', command: 'PAUSE', ts, reason } }); // prettier-ignore
          await tx.insert(auditLog).values({ userId: ownerId, deploymentId: d.id, action: 'risk_pause', detail: { mode: section.mode, currency: section.currency, breaches: section.breaches } }); // prettier-ignore
        });
        paused.push(d.id);
      }
    }
  }
  return paused;
}

/**
 * The check runs right after the deployment's evaluation, so its clock is the last tick it saw
 * (a simulated session's own time, not the wall clock's); before any tick, the wall clock.
 */
function deploymentNow(e: PortfolioEntry, underlying: string, now: number): string {
  const seen = Object.values(e.state.lastSnapshotTs).filter((t): t is string => !!t);
  if (seen.length) return seen.sort((a, b) => Date.parse(a) - Date.parse(b)).pop()!;
  return formatTimestamp(Math.floor(now / 1000) * 1000, getInstrument(underlying).timezone);
}

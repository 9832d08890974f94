/**
 * A strategy's versions as the history panel shows them: newest first, each with what changed
 * in its DSL since the version before it, and what the current draft changed since the newest.
 * Autosave is not a version: only "Save version" (and a backtest or publish of a changed draft)
 * makes one.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { strategyVersions } from '@/db/schema';
import { diffDsl, type DslChange } from '@/engine/diff/dsl-diff';
import { getStrategy } from '@/server/services/strategies';

/** A version's changes are listed up to this many; the count is always exact. */
export const MAX_CHANGES_SHOWN = 60;
/** The history panel lists this many versions, newest first. */
export const MAX_VERSIONS_SHOWN = 100;

export type HistoryEntry = {
  id: string;
  version: number;
  name: string;
  description: string;
  createdAt: Date;
  changeCount: number;
  changes: DslChange[];
};

export type StrategyHistory = {
  versions: HistoryEntry[];
  /** The draft against the newest version: null while the draft does not compile. */
  draft: { changeCount: number; changes: DslChange[] } | null;
};

function capped(changes: DslChange[]) {
  return { changeCount: changes.length, changes: changes.slice(0, MAX_CHANGES_SHOWN) };
}

export async function strategyHistory(
  db: Db,
  ownerId: string,
  strategyId: string,
): Promise<StrategyHistory> {
  const strategy = await getStrategy(db, ownerId, strategyId);
  const rows = await db
    .select({
      id: strategyVersions.id,
      version: strategyVersions.version,
      name: strategyVersions.name,
      description: strategyVersions.description,
      createdAt: strategyVersions.createdAt,
      dsl: strategyVersions.dsl,
    })
    .from(strategyVersions)
    .where(and(eq(strategyVersions.strategyId, strategyId), eq(strategyVersions.ownerId, ownerId)))
    .orderBy(desc(strategyVersions.version))
    .limit(MAX_VERSIONS_SHOWN + 1);
  const versions = rows.slice(0, MAX_VERSIONS_SHOWN).map((v, i) => {
    const before = rows[i + 1];
    return {
      id: v.id,
      version: v.version,
      name: v.name,
      description: v.description,
      createdAt: v.createdAt,
      ...capped(before ? diffDsl(before.dsl, v.dsl) : []),
    };
  });
  const newest = rows[0];
  const draft =
    strategy.dsl === null ? null : capped(newest ? diffDsl(newest.dsl, strategy.dsl) : []);
  return { versions, draft };
}

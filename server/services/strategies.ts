/**
 * Strategies and their versions, always scoped to the owner: every query carries the owner id,
 * so a strategy id alone never reaches another user's row. Saves are optimistic: the caller
 * says which version it edited and a newer row is a CONFLICT, never a silent overwrite.
 */
import { and, desc, eq, ilike, isNotNull, isNull, max, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  strategies,
  strategyListGenerations,
  strategyVersions,
  type Strategy,
  type StrategyVersion,
} from '@/db/schema';
import { AppError } from '@/server/errors';
import {
  compileForSave,
  readStrategyFile,
  type DocumentProblem,
} from '@/server/services/strategy-documents';

export type StrategySummary = {
  id: string;
  name: string;
  description: string;
  version: number;
  valid: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export type StrategyDetail = StrategySummary & {
  graph: Record<string, unknown>;
  dsl: Record<string, unknown> | null;
  problems: DocumentProblem[];
  forkedFromTemplateId: string | null;
};

export type VersionSummary = {
  id: string;
  version: number;
  name: string;
  description: string;
  createdAt: Date;
};

function summary(row: Strategy): StrategySummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    valid: row.dsl !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function detail(row: Strategy): StrategyDetail {
  return {
    ...summary(row),
    graph: row.graph,
    dsl: row.dsl ?? null,
    problems: compileForSave(row.graph).problems,
    forkedFromTemplateId: row.forkedFromTemplateId,
  };
}

const notFound = (id: string) =>
  new AppError(
    'NOT_FOUND',
    `strategy ${id} not found for this owner`,
    'That strategy does not exist or is not yours. Open it from My strategies.',
  );

// Postgres rejects a malformed uuid with an error; an unknown id should read as "not found".
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function owned(
  db: Db,
  ownerId: string,
  id: string,
  opts: { deleted?: boolean } = {},
): Promise<Strategy> {
  if (!uuidRe.test(id)) throw notFound(id);
  const [row] = await db
    .select()
    .from(strategies)
    .where(
      and(
        eq(strategies.id, id),
        eq(strategies.ownerId, ownerId),
        opts.deleted ? isNotNull(strategies.deletedAt) : isNull(strategies.deletedAt),
      ),
    );
  if (!row) throw notFound(id);
  return row;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listStrategies(
  db: Db,
  ownerId: string,
  input: { search?: string },
): Promise<StrategySummary[]> {
  const q = input.search?.trim();
  // Summary columns only: a graph can be megabytes, and a list never shows it.
  const rows = await db
    .select({
      id: strategies.id,
      name: strategies.name,
      description: strategies.description,
      version: strategies.version,
      valid: sql<boolean>`${strategies.dsl} is not null`,
      createdAt: strategies.createdAt,
      updatedAt: strategies.updatedAt,
    })
    .from(strategies)
    .where(
      and(
        eq(strategies.ownerId, ownerId),
        isNull(strategies.deletedAt),
        q
          ? or(
              ilike(strategies.name, `%${escapeLike(q)}%`),
              ilike(strategies.description, `%${escapeLike(q)}%`),
            )
          : undefined,
      ),
    )
    .orderBy(desc(strategies.updatedAt));
  return rows;
}

/**
 * The owner's strategies-list generation (0 before their first write): raised by a trigger in
 * every transaction that writes their strategies, so an unchanged number means an unchanged list.
 * A prepared statement per database: the API reads it on every `strategies.list`.
 */
export async function listGeneration(db: Db, ownerId: string): Promise<number> {
  let q = generationQueries.get(db);
  if (!q) generationQueries.set(db, (q = prepareGeneration(db)));
  const rows = await q.execute({ ownerId });
  return Number(rows[0]?.generation ?? 0);
}
const prepareGeneration = (db: Db) =>
  db
    .select({ generation: strategyListGenerations.generation })
    .from(strategyListGenerations)
    .where(eq(strategyListGenerations.ownerId, sql.placeholder('ownerId')))
    .prepare('strategy_list_generation');
const generationQueries = new WeakMap<Db, ReturnType<typeof prepareGeneration>>();

export async function getStrategy(db: Db, ownerId: string, id: string): Promise<StrategyDetail> {
  return detail(await owned(db, ownerId, id));
}

export async function createStrategy(
  db: Db,
  ownerId: string,
  input: {
    name: string;
    description?: string;
    graph: Record<string, unknown>;
    forkedFromTemplateId?: string | null;
  },
): Promise<StrategyDetail> {
  const { dsl } = compileForSave(input.graph);
  const [row] = await db
    .insert(strategies)
    .values({
      ownerId,
      name: input.name,
      description: input.description ?? '',
      graph: input.graph,
      dsl,
      forkedFromTemplateId: input.forkedFromTemplateId ?? null,
    })
    .returning();
  return detail(row);
}

/**
 * Autosave. The graph may still have problems (a draft must never be lost), so `dsl` holds the
 * compiled strategy only while the graph compiles and is null otherwise.
 */
export async function saveStrategy(
  db: Db,
  ownerId: string,
  input: {
    id: string;
    expectedVersion: number;
    graph?: Record<string, unknown>;
    name?: string;
    description?: string;
  },
): Promise<StrategyDetail> {
  const current = await owned(db, ownerId, input.id);
  const graph = input.graph ?? current.graph;
  const { dsl } = compileForSave(graph);
  const [row] = await db
    .update(strategies)
    .set({
      graph,
      dsl,
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      version: sql`${strategies.version} + 1`,
    })
    .where(
      and(
        eq(strategies.id, input.id),
        eq(strategies.ownerId, ownerId),
        eq(strategies.version, input.expectedVersion),
        isNull(strategies.deletedAt),
      ),
    )
    .returning();
  if (!row) {
    const latest = await owned(db, ownerId, input.id);
    throw new AppError(
      'CONFLICT',
      `strategy ${input.id}: expected version ${input.expectedVersion}, found ${latest.version}`,
      `This strategy was saved elsewhere (another tab or window) after you opened it: you edited version ${input.expectedVersion}, ` +
        `the saved one is version ${latest.version}. Your changes were not saved. Reload to get the latest, or export your graph first to keep your edits.`,
    );
  }
  return detail(row);
}

export async function duplicateStrategy(
  db: Db,
  ownerId: string,
  id: string,
): Promise<StrategyDetail> {
  const src = await owned(db, ownerId, id);
  return createStrategy(db, ownerId, {
    name: `Copy of ${src.name}`,
    description: src.description,
    graph: src.graph,
  });
}

/** Soft delete, so the list can offer undo; `restoreStrategy` brings it back. */
export async function deleteStrategy(
  db: Db,
  ownerId: string,
  id: string,
): Promise<{ id: string; name: string }> {
  const row = await owned(db, ownerId, id);
  await db
    .update(strategies)
    .set({ deletedAt: new Date() })
    .where(and(eq(strategies.id, id), eq(strategies.ownerId, ownerId)));
  return { id: row.id, name: row.name };
}

export async function restoreStrategy(
  db: Db,
  ownerId: string,
  id: string,
): Promise<StrategySummary> {
  await owned(db, ownerId, id, { deleted: true });
  const [row] = await db
    .update(strategies)
    .set({ deletedAt: null })
    .where(and(eq(strategies.id, id), eq(strategies.ownerId, ownerId)))
    .returning();
  return summary(row);
}

/** An immutable snapshot; only a graph that compiles can become a version (backtests and templates run it). */
export async function saveVersion(
  db: Db,
  ownerId: string,
  input: { id: string; name?: string; description?: string },
): Promise<VersionSummary> {
  const row = await owned(db, ownerId, input.id);
  const { dsl, problems } = compileForSave(row.graph);
  if (!dsl) {
    throw new AppError(
      'UNPROCESSABLE',
      `strategy ${row.id} has ${problems.length} problems; cannot snapshot`,
      `Fix the ${problems.length} problem${problems.length === 1 ? '' : 's'} listed under Problems before saving a version: a version must be a strategy that runs.`,
    );
  }
  // The unique (strategy_id, version) index turns a concurrent double-click into an error
  // instead of two snapshots with one number; one retry picks the next number.
  for (let attempt = 0; ; attempt++) {
    const [{ last }] = await db
      .select({ last: max(strategyVersions.version) })
      .from(strategyVersions)
      .where(eq(strategyVersions.strategyId, row.id));
    const version = (last ?? 0) + 1;
    try {
      const [v] = await db
        .insert(strategyVersions)
        .values({
          strategyId: row.id,
          ownerId,
          version,
          name: input.name?.trim() || `${row.name} v${version}`,
          description: input.description ?? row.description,
          dsl,
          graph: row.graph,
        })
        .returning();
      return versionSummary(v);
    } catch (err) {
      if (attempt >= 1) throw err;
    }
  }
}

function versionSummary(v: StrategyVersion): VersionSummary {
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    description: v.description,
    createdAt: v.createdAt,
  };
}

export async function listVersions(db: Db, ownerId: string, id: string): Promise<VersionSummary[]> {
  await owned(db, ownerId, id);
  const rows = await db
    .select()
    .from(strategyVersions)
    .where(and(eq(strategyVersions.strategyId, id), eq(strategyVersions.ownerId, ownerId)))
    .orderBy(desc(strategyVersions.version));
  return rows.map(versionSummary);
}

export async function getVersion(
  db: Db,
  ownerId: string,
  versionId: string,
): Promise<
  VersionSummary & {
    strategyId: string | null;
    dsl: Record<string, unknown>;
    graph: Record<string, unknown>;
  }
> {
  const missing = new AppError(
    'NOT_FOUND',
    `strategy version ${versionId} not found for this owner`,
    'That version does not exist or is not yours.',
  );
  if (!uuidRe.test(versionId)) throw missing;
  const [v] = await db
    .select()
    .from(strategyVersions)
    .where(and(eq(strategyVersions.id, versionId), eq(strategyVersions.ownerId, ownerId)));
  if (!v) throw missing;
  return { ...versionSummary(v), strategyId: v.strategyId, dsl: v.dsl, graph: v.graph };
}

export type ImportResult =
  | { ok: true; strategy: StrategyDetail }
  | { ok: false; kind: 'dsl' | 'graph' | 'unknown'; errors: DocumentProblem[] };

/** Reads a DSL or graph document (already parsed JSON) and creates a strategy from it, or says per path what is wrong. */
export async function importStrategy(
  db: Db,
  ownerId: string,
  input: { name?: string; document: unknown },
): Promise<ImportResult> {
  const read = readStrategyFile(input.document);
  if (!read.ok) return read;
  const name = input.name?.trim() || read.name || 'Imported strategy';
  return {
    ok: true,
    strategy: await createStrategy(db, ownerId, {
      name,
      description: read.description,
      graph: read.graph,
    }),
  };
}

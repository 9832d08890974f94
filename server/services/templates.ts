/**
 * Templates: published strategy versions every signed-in user can browse and fork. Reading is
 * open to all signed-in users (public templates, plus your own unpublished ones); publishing new
 * versions, editing and unpublishing are the author's alone. Forks remember the template and the
 * version they came from, so a newer version can be offered with a diff of the DSL.
 */
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  backtests,
  strategies,
  strategyVersions,
  templates,
  templateVersions,
  user,
} from '@/db/schema';
import { diffDsl, type DslChange } from '@/engine/diff/dsl-diff';
import type { DslDocument } from '@/engine/dsl';
import { AppError } from '@/server/errors';

type Json = Record<string, unknown>;

/** The key figures of the backtest an author published with a template version. */
export type BacktestSummary = {
  backtestId: string;
  netPnl: number;
  /** Net P&L over the basket's capital, in percent (comparable across underlyings). */
  returnPct: number | null;
  trades: number;
  winRate: number;
  maxDrawdown: number;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  currency: string | null;
  /** The data in words ("simulated NIFTY 2026-08-03 → 2026-10-30, seed 7"). */
  data: string;
  from: string | null;
  to: string | null;
};

export type TemplateSummary = {
  id: string;
  title: string;
  description: string;
  tags: string[];
  authorName: string;
  isMine: boolean;
  isPublic: boolean;
  isExample: boolean;
  version: number;
  forkCount: number;
  createdAt: Date;
  updatedAt: Date;
  dsl: DslDocument;
  backtest: BacktestSummary | null;
};

export type TemplateDetail = TemplateSummary & {
  graph: Json;
  sourceStrategyId: string | null;
  versions: { version: number; notes: string; createdAt: Date }[];
};

const notFound = (id: string) =>
  new AppError(
    'NOT_FOUND',
    `template ${id} not found or not visible`,
    'That template does not exist or is not published. Open one from the Templates gallery.',
  );

/** The rows a user may see: every public template and their own unpublished ones. */
const visibleTo = (userId: string) =>
  or(eq(templates.isPublic, true), eq(templates.authorId, userId));

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function dataWords(source: Json): string {
  if (source.kind === 'simulator')
    return `simulated ${String(source.underlying)} ${String(source.from)} → ${String(source.to)}, seed ${String(source.seed)}`;
  if (source.kind === 'dataset') return `dataset ${String(source.path)}`;
  return 'a private file';
}

export function backtestSummary(id: string, report: Json, dataSource: Json): BacktestSummary {
  const summary = (report.summary ?? {}) as Json;
  const metrics = (report.metrics ?? {}) as Json;
  const settings = (report.settings ?? {}) as Json;
  const capital = numOrNull(settings.capital);
  const net = num(summary.netPnl);
  return {
    backtestId: id,
    netPnl: net,
    returnPct: capital ? Math.round((net / capital) * 1e6) / 1e4 : null,
    trades: num(summary.trades),
    winRate: num(summary.winRate),
    maxDrawdown: num(summary.maxDrawdown),
    maxDrawdownPct: numOrNull(metrics.maxDrawdownPct),
    sharpe: numOrNull(summary.sharpe),
    currency: typeof settings.currency === 'string' ? settings.currency : null,
    data: dataWords(dataSource),
    from: typeof report.from === 'string' ? report.from : null,
    to: typeof report.to === 'string' ? report.to : null,
  };
}

/**
 * The backtest each template's author published with its current version, and nothing else:
 * not a newer run, not a run on a private file, not one that was not chosen.
 */
async function publishedBacktests(
  db: Db,
  rows: { id: string; version: number }[],
): Promise<Map<string, BacktestSummary>> {
  const out = new Map<string, BacktestSummary>();
  if (rows.length === 0) return out;
  const found = await db
    .select({
      templateId: templateVersions.templateId,
      version: templateVersions.version,
      id: backtests.id,
      report: backtests.report,
      dataSource: backtests.dataSource,
    })
    .from(templateVersions)
    .innerJoin(backtests, eq(backtests.id, templateVersions.backtestId))
    .where(
      and(
        inArray(
          templateVersions.templateId,
          rows.map((r) => r.id),
        ),
        eq(backtests.status, 'succeeded'),
      ),
    );
  const current = new Map(rows.map((r) => [r.id, r.version]));
  for (const r of found) {
    if (current.get(r.templateId) !== r.version || !r.report) continue;
    out.set(r.templateId, backtestSummary(r.id, r.report, r.dataSource));
  }
  return out;
}

const summaryColumns = {
  id: templates.id,
  title: templates.title,
  description: templates.description,
  tags: templates.tags,
  authorId: templates.authorId,
  authorName: user.name,
  isPublic: templates.isPublic,
  exampleKey: templates.exampleKey,
  version: templates.version,
  forkCount: templates.forkCount,
  createdAt: templates.createdAt,
  updatedAt: templates.updatedAt,
  strategyVersionId: templates.strategyVersionId,
  sourceStrategyId: templates.sourceStrategyId,
  dsl: strategyVersions.dsl,
  graph: strategyVersions.graph,
};

type Row = {
  id: string;
  title: string;
  description: string;
  tags: string[];
  authorId: string;
  authorName: string;
  isPublic: boolean;
  exampleKey: string | null;
  version: number;
  forkCount: number;
  createdAt: Date;
  updatedAt: Date;
  strategyVersionId: string;
  sourceStrategyId: string | null;
  dsl: DslDocument;
  graph: Json;
};

function toSummary(r: Row, userId: string, bt: Map<string, BacktestSummary>): TemplateSummary {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    tags: r.tags,
    authorName: r.authorName,
    isMine: r.authorId === userId,
    isPublic: r.isPublic,
    isExample: r.exampleKey !== null,
    version: r.version,
    forkCount: r.forkCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    dsl: r.dsl,
    backtest: bt.get(r.id) ?? null,
  };
}

export type TemplateSort = 'newest' | 'forks' | 'best';

export async function listTemplates(
  db: Db,
  userId: string,
  input: { search?: string; tag?: string; sort?: TemplateSort } = {},
): Promise<TemplateSummary[]> {
  const filters = [visibleTo(userId)];
  const q = input.search?.trim();
  if (q) {
    const like = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    filters.push(
      or(
        sql`${templates.title} ilike ${like}`,
        sql`${templates.description} ilike ${like}`,
        sql`${q.toLowerCase()} = any(${templates.tags})`,
      )!,
    );
  }
  if (input.tag) filters.push(sql`${input.tag.toLowerCase()} = any(${templates.tags})`);
  const rows = (await db
    .select(summaryColumns)
    .from(templates)
    .innerJoin(user, eq(user.id, templates.authorId))
    .innerJoin(strategyVersions, eq(strategyVersions.id, templates.strategyVersionId))
    .where(and(...filters))
    .orderBy(
      ...(input.sort === 'newest'
        ? [desc(templates.createdAt), asc(templates.title)]
        : [desc(templates.forkCount), asc(templates.title)]),
    )) as Row[];
  const bt = await publishedBacktests(db, rows);
  const list = rows.map((r) => toSummary(r, userId, bt));
  if (input.sort !== 'best') return list;
  // Best published backtest: return on capital (comparable across markets), untested last.
  const score = (t: TemplateSummary) => t.backtest?.returnPct ?? t.backtest?.netPnl ?? -Infinity;
  return list.sort((a, b) => score(b) - score(a) || a.title.localeCompare(b.title));
}

async function visibleRow(db: Db, userId: string, id: string): Promise<Row> {
  const [row] = (await db
    .select(summaryColumns)
    .from(templates)
    .innerJoin(user, eq(user.id, templates.authorId))
    .innerJoin(strategyVersions, eq(strategyVersions.id, templates.strategyVersionId))
    .where(and(eq(templates.id, id), visibleTo(userId)))
    .limit(1)) as Row[];
  if (!row) throw notFound(id);
  return row;
}

/** Visible templates can be read by anyone; changing one needs its author. */
async function authoredRow(db: Db, userId: string, id: string): Promise<Row> {
  const row = await visibleRow(db, userId, id);
  if (row.authorId !== userId) {
    throw new AppError(
      'FORBIDDEN',
      `user ${userId} is not the author of template ${id}`,
      'Only the author can change this template. Fork it to make your own copy.',
    );
  }
  return row;
}

export async function getTemplate(db: Db, userId: string, id: string): Promise<TemplateDetail> {
  const row = await visibleRow(db, userId, id);
  const bt = await publishedBacktests(db, [row]);
  const versions = await db
    .select({
      version: templateVersions.version,
      notes: templateVersions.notes,
      createdAt: templateVersions.createdAt,
    })
    .from(templateVersions)
    .where(eq(templateVersions.templateId, id))
    .orderBy(desc(templateVersions.version));
  return {
    ...toSummary(row, userId, bt),
    graph: row.graph,
    sourceStrategyId: row.authorId === userId ? row.sourceStrategyId : null,
    versions,
  };
}

export type PublishInput = {
  strategyId: string;
  title: string;
  description: string;
  tags: string[];
  /** A backtest to publish with the version (see publishableBacktests), or none. */
  backtestId?: string | null;
};

export type PublishableBacktest = {
  id: string;
  createdAt: Date;
  data: string;
  netPnl: number | null;
  trades: number | null;
  /** Null when it may be published; else why not, in words. */
  refused: string | null;
};

/**
 * The caller's finished backtests of a strategy and whether each may be published with it now:
 * only a run of exactly the DSL being published, on data others could use too (the simulator
 * or a shared dataset); a private upload stays private.
 */
export async function publishableBacktests(
  db: Db,
  userId: string,
  strategyId: string,
): Promise<PublishableBacktest[]> {
  const [s] = await db
    .select({ dsl: strategies.dsl })
    .from(strategies)
    .where(and(eq(strategies.id, strategyId), eq(strategies.ownerId, userId)))
    .limit(1);
  if (!s)
    throw new AppError(
      'NOT_FOUND',
      `strategy ${strategyId} not found for owner ${userId}`,
      'That strategy does not exist or is not yours. Open one from the Strategies list.',
    );
  const rows = await db
    .select({
      id: backtests.id,
      createdAt: backtests.createdAt,
      dataSource: backtests.dataSource,
      summary: sql<Json | null>`${backtests.report} -> 'summary'`,
      dsl: strategyVersions.dsl,
    })
    .from(backtests)
    .innerJoin(strategyVersions, eq(strategyVersions.id, backtests.strategyVersionId))
    .where(
      and(
        eq(backtests.ownerId, userId),
        eq(strategyVersions.strategyId, strategyId),
        eq(backtests.status, 'succeeded'),
      ),
    )
    .orderBy(desc(backtests.createdAt))
    .limit(50);
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    data: dataWords(r.dataSource),
    netPnl: numOrNull(r.summary?.netPnl),
    trades: numOrNull(r.summary?.trades),
    refused: refusal(r.dataSource, r.dsl, s.dsl),
  }));
}

function refusal(source: Json, ran: Json, publishing: Json | null): string | null {
  if (source.kind === 'upload')
    return 'ran on a file you uploaded, which stays private; backtest on the simulator or a shared dataset to publish one';
  if (!publishing || diffDsl(ran, publishing).length > 0)
    return 'ran an earlier version of the strategy, not the one being published';
  return null;
}

/** Checks the chosen backtest against what is being published; null when none was chosen. */
async function chosenBacktest(
  tx: Tx,
  userId: string,
  backtestId: string | null | undefined,
  publishing: Json,
): Promise<string | null> {
  if (!backtestId) return null;
  const [b] = await tx
    .select({
      id: backtests.id,
      status: backtests.status,
      dataSource: backtests.dataSource,
      dsl: strategyVersions.dsl,
    })
    .from(backtests)
    .innerJoin(strategyVersions, eq(strategyVersions.id, backtests.strategyVersionId))
    .where(and(eq(backtests.id, backtestId), eq(backtests.ownerId, userId)))
    .limit(1);
  if (!b)
    throw new AppError(
      'NOT_FOUND',
      `backtest ${backtestId} not found for ${userId}`,
      'That backtest does not exist or is not yours; pick one of your finished runs of this strategy.',
    );
  if (b.status !== 'succeeded')
    throw new AppError(
      'UNPROCESSABLE',
      `backtest ${backtestId} is ${b.status}`,
      `That backtest ${b.status === 'failed' ? 'failed' : 'has not finished'}; publish a finished one.`,
    );
  const why = refusal(b.dataSource, b.dsl, publishing);
  if (why)
    throw new AppError('UNPROCESSABLE', `backtest ${backtestId}: ${why}`, `That backtest ${why}.`);
  return b.id;
}

export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))].slice(
    0,
    12,
  );
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Freezes the strategy as it is now into an immutable version (reusing the saved one if it exists). */
async function snapshotStrategy(
  tx: Tx,
  userId: string,
  strategyId: string,
): Promise<{ versionId: string; name: string; dsl: Json }> {
  const [s] = await tx
    .select()
    .from(strategies)
    .where(and(eq(strategies.id, strategyId), eq(strategies.ownerId, userId)))
    .limit(1);
  if (!s || ('deletedAt' in s && s.deletedAt)) {
    throw new AppError(
      'NOT_FOUND',
      `strategy ${strategyId} not found for owner ${userId}`,
      'That strategy does not exist or is not yours. Open one from the Strategies list.',
    );
  }
  if (!s.dsl) {
    throw new AppError(
      'UNPROCESSABLE',
      `strategy ${strategyId} has no compiled DSL`,
      `"${s.name}" has problems in the builder; fix them (see the problems list) before publishing.`,
    );
  }
  const [existing] = await tx
    .select({ id: strategyVersions.id, dsl: strategyVersions.dsl, graph: strategyVersions.graph })
    .from(strategyVersions)
    .where(and(eq(strategyVersions.strategyId, s.id), eq(strategyVersions.version, s.version)))
    .limit(1);
  if (
    existing &&
    diffDsl(existing.dsl, s.dsl).length === 0 &&
    diffDsl(existing.graph, s.graph).length === 0
  ) {
    return { versionId: existing.id, name: s.name, dsl: s.dsl };
  }
  // The saved version differs from the current draft (or was never saved): publish the draft as a
  // version of its own that nothing else points at.
  const [v] = await tx
    .insert(strategyVersions)
    .values({
      strategyId: existing ? null : s.id,
      ownerId: userId,
      version: s.version,
      name: s.name,
      description: s.description,
      dsl: s.dsl,
      graph: s.graph,
    })
    .returning({ id: strategyVersions.id });
  return { versionId: v.id, name: s.name, dsl: s.dsl };
}

export async function publishTemplate(
  db: Db,
  userId: string,
  input: PublishInput,
): Promise<{ id: string; version: number }> {
  return db.transaction(async (tx) => {
    const snap = await snapshotStrategy(tx, userId, input.strategyId);
    const backtestId = await chosenBacktest(tx, userId, input.backtestId, snap.dsl);
    const [t] = await tx
      .insert(templates)
      .values({
        strategyVersionId: snap.versionId,
        authorId: userId,
        title: input.title.trim(),
        description: input.description.trim(),
        tags: normalizeTags(input.tags),
        isPublic: true,
        version: 1,
        sourceStrategyId: input.strategyId,
      })
      .returning({ id: templates.id });
    await tx.insert(templateVersions).values({
      templateId: t.id,
      version: 1,
      strategyVersionId: snap.versionId,
      notes: 'First version',
      backtestId,
    });
    return { id: t.id, version: 1 };
  });
}

/** Publishes the source strategy's current state as the template's next version. */
export async function publishTemplateVersion(
  db: Db,
  userId: string,
  input: { templateId: string; notes: string; backtestId?: string | null },
): Promise<{ id: string; version: number }> {
  const row = await authoredRow(db, userId, input.templateId);
  if (!row.sourceStrategyId) {
    throw new AppError(
      'UNPROCESSABLE',
      `template ${row.id} has no source strategy`,
      'This template has no strategy to publish from (it was deleted). Publish a strategy as a new template instead.',
    );
  }
  return db.transaction(async (tx) => {
    const snap = await snapshotStrategy(tx, userId, row.sourceStrategyId as string);
    const [next] = await tx
      .select({ dsl: strategyVersions.dsl })
      .from(strategyVersions)
      .where(eq(strategyVersions.id, snap.versionId));
    if (diffDsl(row.dsl, next.dsl).length === 0) {
      throw new AppError(
        'CONFLICT',
        `template ${row.id}: strategy DSL unchanged since version ${row.version}`,
        `Nothing to publish: the strategy's DSL is the same as version ${row.version}. Edit it in the builder first.`,
      );
    }
    const backtestId = await chosenBacktest(tx, userId, input.backtestId, next.dsl);
    // Guarded on the version read above, so two concurrent publishes cannot both become "next".
    const version = row.version + 1;
    const updated = await tx
      .update(templates)
      .set({ version, strategyVersionId: snap.versionId })
      .where(and(eq(templates.id, row.id), eq(templates.version, row.version)))
      .returning({ id: templates.id });
    if (updated.length === 0)
      throw new AppError(
        'CONFLICT',
        `template ${row.id} moved past version ${row.version}`,
        'Another version was published meanwhile. Reload and try again.',
      );
    await tx.insert(templateVersions).values({
      templateId: row.id,
      version,
      strategyVersionId: snap.versionId,
      notes: input.notes.trim(),
      backtestId,
    });
    return { id: row.id, version };
  });
}

export async function updateTemplate(
  db: Db,
  userId: string,
  input: { id: string; title?: string; description?: string; tags?: string[]; isPublic?: boolean },
): Promise<{ id: string }> {
  await authoredRow(db, userId, input.id);
  await db
    .update(templates)
    .set({
      ...(input.title !== undefined ? { title: input.title.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(input.tags !== undefined ? { tags: normalizeTags(input.tags) } : {}),
      ...(input.isPublic !== undefined ? { isPublic: input.isPublic } : {}),
    })
    .where(and(eq(templates.id, input.id), eq(templates.authorId, userId)));
  return { id: input.id };
}

export async function deleteTemplate(db: Db, userId: string, id: string): Promise<{ id: string }> {
  await authoredRow(db, userId, id);
  await db.delete(templates).where(and(eq(templates.id, id), eq(templates.authorId, userId)));
  return { id };
}

/** Copies the template's latest version into the caller's strategies, remembering where it came from. */
export async function forkTemplate(
  db: Db,
  userId: string,
  input: { templateId: string; name?: string },
): Promise<{ strategyId: string; version: number }> {
  const row = await visibleRow(db, userId, input.templateId);
  return db.transaction(async (tx) => {
    const name = input.name?.trim() || row.title;
    const [s] = await tx
      .insert(strategies)
      .values({
        ownerId: userId,
        name,
        description: row.description,
        dsl: row.dsl,
        graph: row.graph,
        forkedFromTemplateId: row.id,
        forkedFromTemplateVersion: row.version,
      })
      .returning({ id: strategies.id, version: strategies.version });
    await tx.insert(strategyVersions).values({
      strategyId: s.id,
      ownerId: userId,
      version: s.version,
      name,
      description: row.description,
      dsl: row.dsl,
      graph: row.graph,
    });
    await tx
      .update(templates)
      .set({ forkCount: sql`${templates.forkCount} + 1`, updatedAt: sql`${templates.updatedAt}` })
      .where(eq(templates.id, row.id));
    return { strategyId: s.id, version: row.version };
  });
}

export type ForkStatus =
  | { forked: false }
  | {
      forked: true;
      templateId: string;
      templateTitle: string;
      /** Null when the template was unpublished or deleted since the fork. */
      available: boolean;
      forkedVersion: number;
      latestVersion: number;
      newVersionAvailable: boolean;
      notes: string[];
      changes: DslChange[];
    };

/** For one of the caller's strategies: which template it came from and what changed there since. */
export async function forkStatus(db: Db, userId: string, strategyId: string): Promise<ForkStatus> {
  const [s] = await db
    .select({
      templateId: strategies.forkedFromTemplateId,
      forkedVersion: strategies.forkedFromTemplateVersion,
    })
    .from(strategies)
    .where(and(eq(strategies.id, strategyId), eq(strategies.ownerId, userId)))
    .limit(1);
  if (!s)
    throw new AppError(
      'NOT_FOUND',
      `strategy ${strategyId} not found for owner ${userId}`,
      'That strategy does not exist or is not yours. Open one from the Strategies list.',
    );
  if (!s.templateId) return { forked: false };
  const forkedVersion = s.forkedVersion ?? 1;
  const [t] = await db
    .select({ title: templates.title, version: templates.version })
    .from(templates)
    .where(and(eq(templates.id, s.templateId), visibleTo(userId)))
    .limit(1);
  if (!t) {
    return {
      forked: true,
      templateId: s.templateId,
      templateTitle: '',
      available: false,
      forkedVersion,
      latestVersion: forkedVersion,
      newVersionAvailable: false,
      notes: [],
      changes: [],
    };
  }
  const versions = await db
    .select({
      version: templateVersions.version,
      notes: templateVersions.notes,
      dsl: strategyVersions.dsl,
    })
    .from(templateVersions)
    .innerJoin(strategyVersions, eq(strategyVersions.id, templateVersions.strategyVersionId))
    .where(
      and(
        eq(templateVersions.templateId, s.templateId),
        inArray(templateVersions.version, [forkedVersion, t.version]),
      ),
    );
  const base = versions.find((v) => v.version === forkedVersion);
  const latest = versions.find((v) => v.version === t.version);
  const newer = t.version > forkedVersion;
  const notes = newer
    ? (
        await db
          .select({ version: templateVersions.version, notes: templateVersions.notes })
          .from(templateVersions)
          .where(
            and(
              eq(templateVersions.templateId, s.templateId),
              sql`${templateVersions.version} > ${forkedVersion}`,
            ),
          )
          .orderBy(asc(templateVersions.version))
      ).map((v) => `v${v.version}: ${v.notes || '(no notes)'}`)
    : [];
  return {
    forked: true,
    templateId: s.templateId,
    templateTitle: t.title,
    available: true,
    forkedVersion,
    latestVersion: t.version,
    newVersionAvailable: newer,
    notes,
    changes: newer && base && latest ? diffDsl(base.dsl, latest.dsl) : [],
  };
}

/**
 * Replaces the fork's document with the template's latest version (the fork's own edits are
 * overwritten, which the UI says before asking) and records the new base version.
 */
export async function updateForkToLatest(
  db: Db,
  userId: string,
  input: { strategyId: string; expectedVersion: number },
): Promise<{ strategyId: string; version: number }> {
  const status = await forkStatus(db, userId, input.strategyId);
  if (!status.forked || !status.available || !status.newVersionAvailable) {
    throw new AppError(
      'CONFLICT',
      `strategy ${input.strategyId} has no newer template version`,
      'This strategy is already on the latest version of its template.',
    );
  }
  const [latest] = await db
    .select({ dsl: strategyVersions.dsl, graph: strategyVersions.graph })
    .from(templateVersions)
    .innerJoin(strategyVersions, eq(strategyVersions.id, templateVersions.strategyVersionId))
    .where(
      and(
        eq(templateVersions.templateId, status.templateId),
        eq(templateVersions.version, status.latestVersion),
      ),
    );
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(strategies)
      .set({
        dsl: latest.dsl,
        graph: latest.graph,
        version: sql`${strategies.version} + 1`,
        forkedFromTemplateVersion: status.latestVersion,
      })
      .where(
        and(
          eq(strategies.id, input.strategyId),
          eq(strategies.ownerId, userId),
          eq(strategies.version, input.expectedVersion),
        ),
      )
      .returning({
        id: strategies.id,
        version: strategies.version,
        name: strategies.name,
        description: strategies.description,
      });
    if (updated.length === 0) {
      throw new AppError(
        'CONFLICT',
        `strategy ${input.strategyId} is not at version ${input.expectedVersion}`,
        "The strategy was saved elsewhere meanwhile. Reload it, then update to the template's latest version.",
      );
    }
    const u = updated[0];
    await tx.insert(strategyVersions).values({
      strategyId: u.id,
      ownerId: userId,
      version: u.version,
      name: u.name,
      description: u.description,
      dsl: latest.dsl,
      graph: latest.graph,
    });
    return { strategyId: u.id, version: u.version };
  });
}

/**
 * "Backtest" straight from a template, without forking it into the strategy list: the
 * template's current version as a strategy version of the caller's own (reused while the
 * template has not changed), which the backtest then runs.
 */
export async function templateVersionToBacktest(
  db: Db,
  userId: string,
  templateId: string,
): Promise<{ strategyVersionId: string; name: string }> {
  const row = await visibleRow(db, userId, templateId);
  const name = `${row.title} (template v${row.version})`;
  const mine = await db
    .select({ id: strategyVersions.id, dsl: strategyVersions.dsl })
    .from(strategyVersions)
    .where(
      and(
        eq(strategyVersions.ownerId, userId),
        isNull(strategyVersions.strategyId),
        eq(strategyVersions.name, name),
      ),
    )
    .limit(5);
  const same = mine.find((v) => diffDsl(v.dsl, row.dsl).length === 0);
  if (same) return { strategyVersionId: same.id, name };
  const [v] = await db
    .insert(strategyVersions)
    .values({
      strategyId: null,
      ownerId: userId,
      version: row.version,
      name,
      description: row.description,
      dsl: row.dsl,
      graph: row.graph,
    })
    .returning({ id: strategyVersions.id });
  return { strategyVersionId: v.id, name };
}

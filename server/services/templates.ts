/**
 * Templates: a published strategy version that every signed-in trader can browse and fork. The
 * author publishes newer versions of the same template; a fork remembers the version it copied,
 * so it can be told a newer one exists and shown what changed in the DSL.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { strategies, strategyVersions, templates, user } from '@/db/schema';
import type { DslDocument } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { AppError } from '@/server/errors';
import { EXAMPLE_PREFIX, exampleTemplates } from '@/server/services/example-templates';
import { diffJson, type JsonChange } from '@/server/services/json-diff';
import { createStrategy, saveVersion, type StrategyDetail } from '@/server/services/strategies';

export type TemplateSummary = {
  id: string;
  kind: 'example' | 'published';
  title: string;
  description: string;
  tags: string[];
  author: string;
  mine: boolean;
  version: number;
  forkCount: number;
  underlyings: string[];
  legs: number;
  publishedAt: Date | null;
};

export type TemplateDetail = TemplateSummary & { dsl: Record<string, unknown>; graph: Record<string, unknown> };

function shape(dsl: DslDocument) {
  const strategiesOf = dsl.basket.strategies;
  return {
    underlyings: [...new Set(strategiesOf.map((s) => s.underlying))],
    legs: strategiesOf.reduce((n, s) => n + s.legs.length, 0),
  };
}

function exampleSummary(e: ReturnType<typeof exampleTemplates>[number]): TemplateSummary {
  return {
    id: e.id,
    kind: 'example',
    title: e.dsl.basket.name,
    description: e.dsl.basket.description,
    tags: ['example', ...shape(e.dsl).underlyings.map((u) => u.toLowerCase())],
    author: 'Strikeflow examples',
    mine: false,
    version: 1,
    forkCount: 0,
    ...shape(e.dsl),
    publishedAt: null,
  };
}

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `template ${id} not found or not public`, 'That template does not exist or is not published. Pick one from the gallery.');

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function publishedRows(db: Db, viewerId: string, id?: string) {
  return db
    .select({ t: templates, v: strategyVersions, authorName: user.name })
    .from(templates)
    .innerJoin(strategyVersions, eq(strategyVersions.id, templates.strategyVersionId))
    .innerJoin(user, eq(user.id, templates.authorId))
    .where(
      and(
        id ? eq(templates.id, id) : undefined,
        // Public templates for everyone signed in; an author also sees their own unpublished ones.
        sql`(${templates.isPublic} or ${templates.authorId} = ${viewerId})`,
      ),
    )
    .orderBy(desc(templates.updatedAt));
}

function publishedSummary(row: Awaited<ReturnType<typeof publishedRows>>[number], viewerId: string): TemplateSummary {
  const dsl = row.v.dsl as unknown as DslDocument;
  return {
    id: row.t.id,
    kind: 'published',
    title: row.t.title,
    description: row.t.description,
    tags: row.t.tags,
    author: row.authorName,
    mine: row.t.authorId === viewerId,
    version: row.v.version,
    forkCount: row.t.forkCount,
    ...shape(dsl),
    publishedAt: row.t.updatedAt,
  };
}

export async function listTemplates(db: Db, viewerId: string, input: { search?: string }): Promise<TemplateSummary[]> {
  const q = input.search?.trim().toLowerCase();
  const published = (await publishedRows(db, viewerId)).map((r) => publishedSummary(r, viewerId));
  const all = [...published, ...exampleTemplates().map(exampleSummary)];
  if (!q) return all;
  return all.filter((t) => [t.title, t.description, t.author, ...t.tags, ...t.underlyings].some((s) => s.toLowerCase().includes(q)));
}

export async function getTemplate(db: Db, viewerId: string, id: string): Promise<TemplateDetail> {
  if (id.startsWith(EXAMPLE_PREFIX)) {
    const e = exampleTemplates().find((x) => x.id === id);
    if (!e) throw notFound(id);
    return { ...exampleSummary(e), dsl: e.dsl as unknown as Record<string, unknown>, graph: decompile(e.dsl) as unknown as Record<string, unknown> };
  }
  if (!uuidRe.test(id)) throw notFound(id);
  const [row] = await publishedRows(db, viewerId, id);
  if (!row) throw notFound(id);
  return { ...publishedSummary(row, viewerId), dsl: row.v.dsl, graph: row.v.graph };
}

/**
 * Publishes the strategy as it is now (snapshotted as a new version). The first publish creates
 * the template; later ones move the same template to the newer version, which forks then see.
 */
export async function publishTemplate(
  db: Db,
  authorId: string,
  input: { strategyId: string; title: string; description: string; tags: string[] },
): Promise<TemplateSummary> {
  const version = await saveVersion(db, authorId, { id: input.strategyId, name: input.title });
  const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  const [existing] = await db
    .select({ id: templates.id })
    .from(templates)
    .innerJoin(strategyVersions, eq(strategyVersions.id, templates.strategyVersionId))
    .where(and(eq(templates.authorId, authorId), eq(strategyVersions.strategyId, input.strategyId)));
  let id: string;
  if (existing) {
    await db
      .update(templates)
      .set({ strategyVersionId: version.id, title: input.title, description: input.description, tags, isPublic: true })
      .where(and(eq(templates.id, existing.id), eq(templates.authorId, authorId)));
    id = existing.id;
  } else {
    const [row] = await db
      .insert(templates)
      .values({ strategyVersionId: version.id, authorId, title: input.title, description: input.description, tags, isPublic: true })
      .returning({ id: templates.id });
    id = row.id;
  }
  const { dsl: _dsl, graph: _graph, ...summary } = await getTemplate(db, authorId, id);
  return summary;
}

/** Copies the template's current version into the caller's strategies, keeping the lineage. */
export async function forkTemplate(db: Db, userId: string, id: string): Promise<StrategyDetail> {
  const t = await getTemplate(db, userId, id);
  if (t.kind === 'example') {
    return createStrategy(db, userId, { name: t.title, description: t.description, graph: t.graph });
  }
  const [row] = await db
    .select({ versionId: templates.strategyVersionId })
    .from(templates)
    .where(eq(templates.id, t.id));
  const created = await createStrategy(db, userId, {
    name: t.title,
    description: t.description,
    graph: t.graph,
    forkedFromTemplateId: t.id,
    forkedFromVersionId: row.versionId,
  });
  await db
    .update(templates)
    .set({ forkCount: sql`${templates.forkCount} + 1` })
    .where(eq(templates.id, t.id));
  return created;
}

export type Upstream = {
  templateId: string;
  title: string;
  forkedVersion: number | null;
  latestVersion: number;
  newVersionAvailable: boolean;
  changes: JsonChange[];
};

/** For a fork: which template version it copied, whether a newer one is published, and the DSL changes since. */
export async function upstreamOf(db: Db, ownerId: string, strategyId: string): Promise<Upstream | null> {
  const [s] = await db
    .select({ templateId: strategies.forkedFromTemplateId, versionId: strategies.forkedFromVersionId })
    .from(strategies)
    .where(and(eq(strategies.id, strategyId), eq(strategies.ownerId, ownerId)));
  if (!s?.templateId) return null;
  const [current] = await publishedRows(db, ownerId, s.templateId);
  if (!current) return null;
  const [base] = s.versionId ? await db.select().from(strategyVersions).where(eq(strategyVersions.id, s.versionId)) : [];
  const newer = !base || base.id !== current.v.id;
  return {
    templateId: current.t.id,
    title: current.t.title,
    forkedVersion: base?.version ?? null,
    latestVersion: current.v.version,
    newVersionAvailable: newer && (!base || current.v.version > base.version),
    changes: base ? diffJson(base.dsl, current.v.dsl) : [],
  };
}

export { EXAMPLE_PREFIX };

/**
 * The trader's portfolio risk for the API: every running and paused deployment, paper and live
 * apart, summed per underlying and per expiry; the trader's limits (crossing one pauses new
 * entries, see workers/deployments/portfolio-limits.ts); and the risk book of one deployment or
 * one whole section for the scenario matrix. Everything is owner-scoped.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { readPortfolio, readPortfolioLimits } from '@/db/portfolio-reads';
import { auditLog, deployments, portfolioLimits } from '@/db/schema';
import { mergeBooks, type RiskBook } from '@/engine/analysis/book';
import {
  assemblePortfolio,
  entryBook,
  type PortfolioLimits,
  type PortfolioSection,
} from '@/engine/analysis/portfolio';
import { checkPortfolioLimits } from '@/workers/queues';
import { AppError } from '../errors';

export type PortfolioView = {
  limits: PortfolioLimits;
  sections: PortfolioSection[];
  /** The deployments in the view, for the stream to wait on. */
  deploymentIds: string[];
};

export async function portfolioView(db: Db, ownerId: string): Promise<PortfolioView> {
  const limits = await readPortfolioLimits(db, ownerId);
  const { entries } = await readPortfolio(db, ownerId);
  return {
    limits,
    sections: assemblePortfolio(entries, limits),
    deploymentIds: entries.map((e) => e.id),
  };
}

export async function setPortfolioLimits(
  db: Db,
  ownerId: string,
  limits: PortfolioLimits,
): Promise<PortfolioLimits> {
  await db.transaction(async (tx) => {
    await tx
      .insert(portfolioLimits)
      .values({ ownerId, limits })
      .onConflictDoUpdate({ target: portfolioLimits.ownerId, set: { limits } });
    await tx.insert(auditLog).values({ userId: ownerId, deploymentId: null, action: 'portfolio_limits', detail: limits }); // prettier-ignore
  });
  // A lower limit applies now, not at the next tick.
  await checkPortfolioLimits(ownerId);
  return limits;
}

export type ScenarioTarget =
  | { kind: 'deployment'; deploymentId: string }
  | { kind: 'portfolio'; mode: 'paper' | 'live'; currency: string };

export type ScenarioBook = {
  title: string;
  book: RiskBook;
  skipped: { id: string; why: string }[];
  deployments: { id: string; name: string; mode: 'paper' | 'live' }[];
};

/** The book the scenario matrix stresses: one running deployment's legs, or a whole section's. */
export async function scenarioBook(
  db: Db,
  ownerId: string,
  target: ScenarioTarget,
): Promise<ScenarioBook> {
  if (target.kind === 'deployment') {
    const { entries } = await readPortfolio(db, ownerId, target.deploymentId);
    const e = entries[0];
    if (!e) {
      const [d] = await db
        .select({ status: deployments.status, name: deployments.name })
        .from(deployments)
        .where(and(eq(deployments.id, target.deploymentId), eq(deployments.ownerId, ownerId)));
      if (!d)
        throw new AppError('NOT_FOUND', `deployment ${target.deploymentId} not found for this user`, 'That deployment does not exist or is not yours.'); // prettier-ignore
      throw new AppError('UNPROCESSABLE', `deployment ${target.deploymentId} is ${d.status}`, `"${d.name}" is ${d.status}: it holds nothing to stress. Scenarios are for running or paused deployments.`); // prettier-ignore
    }
    const { book, skipped } = entryBook(e);
    return { title: e.name, book, skipped, deployments: [{ id: e.id, name: e.name, mode: e.mode }] }; // prettier-ignore
  }
  const view = await portfolioView(db, ownerId);
  const section = view.sections.find(
    (s) => s.mode === target.mode && s.currency === target.currency,
  );
  if (!section)
    throw new AppError('UNPROCESSABLE', `no ${target.mode} ${target.currency} deployments`, `You have no running ${target.mode} deployment in ${target.currency}.`); // prettier-ignore
  const { entries } = await readPortfolio(db, ownerId);
  const ids = new Set(section.deployments.map((d) => d.id));
  const books = entries.filter((e) => ids.has(e.id)).map((e) => entryBook(e));
  return {
    title: `${target.mode === 'live' ? 'Live' : 'Paper'} portfolio (${target.currency})`,
    book: mergeBooks(books.map((b) => ({ ...b.book, currency: b.book.currency || target.currency }))), // prettier-ignore
    skipped: books.flatMap((b) => b.skipped),
    deployments: section.deployments.map((d) => ({ id: d.id, name: d.name, mode: d.mode })),
  };
}

/** Reading a user's strategies; every query is scoped to the owner so no route can forget to. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { strategies } from '@/db/schema';
import { AppError } from '@/server/errors';

const summaryColumns = {
  id: strategies.id,
  name: strategies.name,
  description: strategies.description,
  version: strategies.version,
  createdAt: strategies.createdAt,
  updatedAt: strategies.updatedAt,
};

export type StrategySummary = {
  id: string;
  name: string;
  description: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export async function listStrategies(db: Db, ownerId: string): Promise<StrategySummary[]> {
  return db
    .select(summaryColumns)
    .from(strategies)
    .where(eq(strategies.ownerId, ownerId))
    .orderBy(desc(strategies.updatedAt), desc(strategies.createdAt));
}

/** Another user's strategy is reported as missing, not forbidden, so ids cannot be probed. */
export async function getStrategy(db: Db, ownerId: string, id: string) {
  const [row] = await db
    .select()
    .from(strategies)
    .where(and(eq(strategies.id, id), eq(strategies.ownerId, ownerId)))
    .limit(1);
  if (!row) {
    throw new AppError(
      'NOT_FOUND',
      `strategy ${id} not found for owner ${ownerId}`,
      'That strategy does not exist or is not yours. Open one from the Strategies list.',
    );
  }
  return row;
}

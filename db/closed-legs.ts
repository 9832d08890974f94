/**
 * A deployment's stored state is its `deployment_state` row plus the closed legs that row names
 * (engine/runtime/state-codec `encodeStateApart`): every reader of a state reads both, here.
 */
import { sql, type SQL } from 'drizzle-orm';
import { decodeState, type ApartLegRow, type ApartLegs } from '@/engine/runtime/state-codec';
import type { RuntimeState } from '@/engine/runtime/types';
import type { Db } from './client';
import { isAnyOf, recordsOf } from './columns';
import { deploymentClosedLegs } from './schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The closed legs of these deployments, by deployment id (none: no entry). */
export async function closedLegsOf(
  db: Db | Tx,
  deploymentIds: readonly string[],
): Promise<Map<string, ApartLegs>> {
  const out = new Map<string, ApartLegs>();
  if (deploymentIds.length === 0) return out;
  const rows = await db
    .select()
    .from(deploymentClosedLegs)
    .where(isAnyOf(deploymentClosedLegs.deploymentId, deploymentIds, 'uuid'));
  for (const r of rows) {
    const legs = out.get(r.deploymentId) ?? {};
    (legs[r.strategyId] ??= {})[r.position] = r.leg;
    out.set(r.deploymentId, legs);
  }
  return out;
}

/** One deployment's stored state (its row's text), whole. */
export async function readState(
  db: Db | Tx,
  deploymentId: string,
  text: string,
): Promise<RuntimeState> {
  return decodeState(text, (await closedLegsOf(db, [deploymentId])).get(deploymentId));
}

/** Stored states of many deployments, whole. */
export async function readStates(
  db: Db | Tx,
  rows: readonly { deploymentId: string; text: string }[],
): Promise<Map<string, RuntimeState>> {
  const apart = await closedLegsOf(
    db,
    rows.map((r) => r.deploymentId),
  );
  return new Map(rows.map((r) => [r.deploymentId, decodeState(r.text, apart.get(r.deploymentId))])); // prettier-ignore
}

/** A closed leg of a deployment as stored apart. */
export type ClosedLegRow = ApartLegRow & { deploymentId: string };

/**
 * The statement writing closed legs of these deployments (new ones, and positions a new day's legs
 * took over): a CTE of the evaluator's one write of a batch.
 */
export const closedLegsInsert = (rows: readonly ClosedLegRow[]): SQL =>
  sql`insert into deployment_closed_legs (deployment_id, strategy_id, position, leg)
    select v."deploymentId", v."strategyId", v.position, v.leg
    from jsonb_to_recordset(${recordsOf(rows)}) as v("deploymentId" uuid, "strategyId" text, position int, leg text)
    on conflict (deployment_id, strategy_id, position) do update set leg = excluded.leg`;

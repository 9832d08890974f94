/**
 * Quiescence of the live flow: nothing queued or running, no outbox row unsent, no input waiting
 * in a deployment's inbox. A recorded feed at full speed (`cli paper --speed max`) waits for this
 * after every tick, so no tick is skipped and every fill is in before the next tick is evaluated.
 */
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { deploymentInputs, orderIntents } from '@/db/schema';
import { getQueue, QUEUES, SHARD_QUEUE_NAMES } from '../queues';

async function busy(db: Db, deploymentIds: readonly string[]): Promise<boolean> {
  for (const name of [QUEUES.deployments, ...SHARD_QUEUE_NAMES, QUEUES.inbox, QUEUES.orders]) {
    const q = getQueue(name);
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (c.waiting + c.active + c.prioritized > 0) return true;
    // Delayed jobs of the schedulers (the minute clock, the sweep, feed ticks) are not work in
    // flight; a delayed retry is.
    if (c.delayed > 0 && (await q.getDelayed(0, 200)).some((j) => !j.repeatJobKey)) return true;
  }
  if (deploymentIds.length === 0) return false;
  const [unsent] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(orderIntents)
    .where(and(inArray(orderIntents.deploymentId, [...deploymentIds]), inArray(orderIntents.status, ['pending', 'sending']))); // prettier-ignore
  if ((unsent?.n ?? 0) > 0) return true;
  const [waiting] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deploymentInputs)
    .where(and(inArray(deploymentInputs.deploymentId, [...deploymentIds]), isNull(deploymentInputs.appliedAt))); // prettier-ignore
  return (waiting?.n ?? 0) > 0;
}

/** Waits until the live flow is quiet for these deployments (twice in a row, to see past a hand-off). */
export async function waitQuiet(
  db: Db,
  deploymentIds: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let quietTimes = 0;
  while (quietTimes < 2) {
    if (Date.now() > until)
      throw new Error(
        `the live flow did not settle within ${Math.round(timeoutMs / 1000)} s: are the workers running?`,
      );
    if (await busy(db, deploymentIds)) {
      quietTimes = 0;
      await new Promise((r) => setTimeout(r, 3));
    } else quietTimes++;
  }
}

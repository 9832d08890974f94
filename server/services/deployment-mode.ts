/**
 * The paper/live toggle of a deployment. A deployment's broker kind never changes in place (a
 * database trigger refuses it; workers/brokers/deployment-kind.ts types it), so a switch starts a
 * successor deployment of the other kind, on the same strategy version and risk limits, and
 * stops the one it replaces in the same transaction, with an audit row on both:
 *  - paper -> live: needs a connected broker account that streams the basket's markets and the
 *    strategy's name typed by the trader; the live deployment takes its ticks from that broker. The paper deployment is killed (its positions squared off on paper); the live one
 *    starts flat, enters at the strategy's next entry, and is reconciled with the broker at once.
 *  - live -> paper, square off: the live deployment is killed, which closes its positions at the
 *    broker; the paper one starts flat.
 *  - live -> paper, hand over: the live deployment stops without sending anything; its positions
 *    stay open at the broker (no longer managed there) and the paper deployment carries them on
 *    from the live one's state. Only while no order is working at the broker.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditLog, brokerAccounts, deployments, strategies, type Deployment } from '@/db/schema';
import { encodeState } from '@/engine/runtime/state-codec';
import { unstreamed } from '@/engine/session/feeds';
import { nudgeDeployment } from '@/workers/queues';
import { AppError } from '../errors';
import {
  bookOf,
  insertDeployment,
  owned,
  startDeployment,
  writeCommand,
  type Position,
} from './deployments';

export type PositionsChoice = 'square_off' | 'hand_over';

export type SwitchModeInput = {
  id: string;
  to: 'paper' | 'live';
  /** The strategy's name as the trader typed it. */
  confirmName: string;
  /** Switching to live: the broker account to trade on. */
  brokerAccountId?: string;
  /** Switching to paper: what happens to the positions open at the broker. */
  positions?: PositionsChoice;
};

export type ModeSwitchPreview = {
  deploymentId: string;
  mode: 'paper' | 'live';
  to: 'paper' | 'live';
  strategyName: string;
  riskLimits: Deployment['riskLimits'];
  /** The basket's own limits, as the DSL states them. */
  basketLimits: { label: string; value: string }[];
  openPositions: Pick<Position, 'contract' | 'side' | 'qty' | 'label'>[];
  workingOrders: number;
  brokerAccounts: { id: string; label: string; broker: string; usable: boolean; why: string | null }[]; // prettier-ignore
  /** Why the switch cannot be made now (empty when it can). */
  blockers: string[];
  /** Whether handing over is possible now (no order working at the broker). */
  canHandOver: boolean;
};

const ACTIVE = new Set(['running', 'paused']);

async function strategyNameOf(db: Db, d: Deployment): Promise<string> {
  const [s] = await db.select({ name: strategies.name }).from(strategies).where(eq(strategies.id, d.strategyId)); // prettier-ignore
  return s?.name ?? d.name;
}

function money(v: { type: string; value: number }): string {
  return v.type === 'pct' ? `${v.value}%` : v.value.toLocaleString('en-US');
}

export async function modeSwitchPreview(
  db: Db,
  ownerId: string,
  id: string,
  now = Date.now(),
): Promise<ModeSwitchPreview> {
  const d = await owned(db, ownerId, id);
  const { state, positions, basket } = await bookOf(db, d);
  const to = d.mode === 'paper' ? 'live' : 'paper';
  const blockers: string[] = [];
  if (!ACTIVE.has(d.status))
    blockers.push(`This deployment is ${d.status}; only a running or paused one can switch.`);
  const [successor] = await db.select({ id: deployments.id }).from(deployments).where(eq(deployments.predecessorId, d.id)); // prettier-ignore
  if (successor) blockers.push('This deployment was already switched; open its successor.');
  if (to === 'live' && (d.feed as { kind?: string }).kind === 'session')
    blockers.push('A simulated session is for paper only; deploy the strategy on the real-time market to go live.'); // prettier-ignore
  if (to === 'live' && (d.feed as { kind?: string }).kind === 'recorded')
    blockers.push('Recorded ticks are for paper runs only; deploy the strategy on the real-time market to go live.'); // prettier-ignore
  const accounts =
    to === 'live'
      ? (await db.select().from(brokerAccounts).where(eq(brokerAccounts.ownerId, ownerId))).map((a) => {
          const missing = unstreamed(a.broker, d.underlyings);
          const why =
            missing.length > 0
              ? `no market data for ${missing.join(', ')} at ${a.broker}`
              : a.status !== 'connected'
              ? `not connected (${a.status.replace('_', ' ')})`
              : a.sessionExpiresAt && a.sessionExpiresAt.getTime() <= now
                ? 'its session has ended: log in again under Brokers'
                : null;
          return { id: a.id, label: a.label, broker: a.broker, usable: why === null, why };
        }) // prettier-ignore
      : [];
  if (to === 'live' && !accounts.some((a) => a.usable))
    blockers.push('Connect a broker account under Brokers first (Kite needs its daily login).');
  const workingOrders = state ? Object.keys(state.orders).length : 0;
  const b = basket as { capital?: number; maxDailyLoss?: { type: string; value: number }; maxDrawdown?: { type: string; value: number } } | null; // prettier-ignore
  const basketLimits: { label: string; value: string }[] = [];
  if (b?.capital) basketLimits.push({ label: 'Capital', value: b.capital.toLocaleString('en-US') });
  if (b?.maxDailyLoss) basketLimits.push({ label: 'Max daily loss', value: money(b.maxDailyLoss) }); // prettier-ignore
  if (b?.maxDrawdown) basketLimits.push({ label: 'Max drawdown', value: money(b.maxDrawdown) });
  return {
    deploymentId: d.id,
    mode: d.mode,
    to,
    strategyName: await strategyNameOf(db, d),
    riskLimits: d.riskLimits,
    basketLimits,
    openPositions: positions
      .filter((p) => p.qty > 0)
      .map(({ contract, side, qty, label }) => ({ contract, side, qty, label })),
    workingOrders,
    brokerAccounts: accounts,
    blockers,
    canHandOver: workingOrders === 0,
  };
}

export async function switchDeploymentMode(
  db: Db,
  ownerId: string,
  input: SwitchModeInput,
  now = Date.now(),
): Promise<{ predecessorId: string; successorId: string; mode: 'paper' | 'live' }> {
  const d = await owned(db, ownerId, input.id);
  if (input.to === d.mode)
    throw new AppError('INVALID_INPUT', `deployment ${d.id} is already ${d.mode}`, `This deployment is already ${d.mode}.`); // prettier-ignore
  const name = await strategyNameOf(db, d);
  if (input.confirmName.trim() !== name.trim())
    throw new AppError('INVALID_INPUT', 'confirmation name differs', `Type the strategy name "${name}" exactly to confirm the switch to ${input.to}.`); // prettier-ignore
  if (input.to === 'live' && input.positions)
    throw new AppError('INVALID_INPUT', 'positions choice going live', 'Going live starts flat: paper positions are squared off on paper, so there is no choice to make about them.'); // prettier-ignore
  if (input.to === 'paper' && !input.positions)
    throw new AppError('INVALID_INPUT', 'no positions choice', 'Choose what happens to the positions open at the broker: square them off, or hand them over to the paper deployment.'); // prettier-ignore

  const result = await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    // The row lock makes two switches of one deployment (two tabs, a double click) take turns.
    const [row] = await tx.select().from(deployments).where(and(eq(deployments.id, d.id), eq(deployments.ownerId, ownerId))).for('update'); // prettier-ignore
    if (!row || !ACTIVE.has(row.status))
      throw new AppError('UNPROCESSABLE', `deployment ${d.id} is ${row?.status}`, `This deployment is ${row?.status ?? 'gone'}; only a running or paused deployment can switch between paper and live.`); // prettier-ignore
    const [taken] = await tx.select({ id: deployments.id }).from(deployments).where(eq(deployments.predecessorId, row.id)); // prettier-ignore
    if (taken)
      throw new AppError('CONFLICT', `deployment ${row.id} already has successor ${taken.id}`, 'This deployment was already switched; open its successor.'); // prettier-ignore
    const handOver = input.to === 'paper' && input.positions === 'hand_over';
    const { st, state } = await bookOf(tx, row);
    if (handOver && state && Object.keys(state.orders).length > 0)
      throw new AppError('UNPROCESSABLE', `deployment ${row.id} has working orders`, `${Object.keys(state.orders).length} orders are still working at the broker; wait until they are done, or square off instead.`); // prettier-ignore
    const feedKind = (row.feed as { kind?: string; source?: string }).kind;
    const successor = await insertDeployment(
      tx,
      ownerId,
      {
        strategyVersionId: row.strategyVersionId,
        name: row.name,
        mode: input.to,
        ...(input.to === 'live' ? { brokerAccountId: input.brokerAccountId } : {}),
        riskLimits: row.riskLimits,
        feed: feedKind === 'recorded' ? 'recorded' : feedKind === 'session' ? 'session' : 'market',
        source: (row.feed as { source?: string }).source,
        predecessorId: row.id,
      },
      now,
      handOver && st && state
        ? {
            // The same book under the successor's id: its orders from here on carry its own ids.
            state: (id) => encodeState({ ...state, deploymentId: id }),
            pnl: st.pnl,
          }
        : undefined,
    );
    const detail = { from: row.mode, to: input.to, successorId: successor.id, positions: input.to === 'live' ? 'squared off on paper' : input.positions, ...(input.to === 'live' ? { brokerAccountId: input.brokerAccountId } : {}) }; // prettier-ignore
    await tx.insert(auditLog).values({ userId: ownerId, deploymentId: row.id, action: 'switch_mode', detail }); // prettier-ignore
    let commandId: number | null = null;
    if (handOver) {
      const open = state ? Object.values(state.strategies).flatMap((s) => s.legs).filter((l) => l.held > 0).length : 0; // prettier-ignore
      await tx
        .update(deployments)
        .set({
          status: 'stopped',
          statusReason: `switched to paper: ${open} open positions handed over to paper deployment ${successor.id}; they stay open at the broker and are no longer managed there`,
          stoppedAt: new Date(now),
        }) // prettier-ignore
        .where(eq(deployments.id, row.id));
    } else {
      // Kill squares off everything (at the broker when live) and stops the deployment.
      commandId = await writeCommand(tx, row, ownerId, 'KILL', {}, now, { switchedTo: successor.id }); // prettier-ignore
    }
    return { successor, commandId };
  });
  if (result.commandId !== null) await nudgeDeployment(d.id, result.commandId);
  await startDeployment(result.successor);
  return { predecessorId: d.id, successorId: result.successor.id, mode: input.to };
}

/**
 * Deployments for the API: create one (a pinned strategy version on paper, or live on a connected
 * broker account), list and read them with their positions, orders and P&L, and the trader's
 * commands (pause, resume, square off a leg or all, kill, kill all). Commands go into the
 * deployment's inbox in Postgres and are applied by the evaluator like any other input, so they
 * are recorded for replay and survive a restart; every one is in the audit log.
 */
import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { readState } from '@/db/closed-legs';
import { rowsOf } from '@/db/columns';
import { latestSnapshot } from '@/db/feed-snapshots';
import { legGreeks, type LegGreeks } from '@/engine/market/position-greeks';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import {
  auditLog,
  brokerAccounts,
  deploymentEvents,
  deploymentInputs,
  deploymentPnl,
  deployments,
  deploymentState,
  feedSnapshots,
  fills,
  orders,
  strategyVersions,
  type Deployment,
} from '@/db/schema';
import { RiskLimitsSchema, type RiskLimitsInput } from '@/engine/backtest/settings';
import { parseDsl } from '@/engine/dsl';
import { describeLeg } from '@/engine/dsl/describe';
import { getInstrument } from '@/engine/market/instruments';
import { createRuntime } from '@/engine/runtime/runtime';
import { encodeState } from '@/engine/runtime/state-codec';
import { formatTimestamp, sessionBounds } from '@/engine/market/calendar';
import type { RuntimeInput, RuntimeState, UserCommand } from '@/engine/runtime/types';
import {
  ensureLiveOrdersLoop,
  nudgeDeployment,
  requestReconciliation,
  scheduleFeed,
} from '@/workers/queues';
import {
  feedIdOf,
  sessionDateFor,
  tickEveryMs,
  unstreamed,
  type FeedSpec,
} from '@/engine/session/feeds';
import { AppError } from '../errors';
import { versionToRun } from './backtests';

/** The most deployments one trader may have running or paused at once. */
export const MAX_ACTIVE_DEPLOYMENTS = 50;

export type CreateDeploymentInput = {
  strategyId?: string;
  strategyVersionId?: string;
  name?: string;
  mode: 'paper' | 'live';
  brokerAccountId?: string;
  riskLimits?: RiskLimitsInput;
  /**
   * market: the real-time market (simulated on paper; a live deployment's broker streams it); session: a simulated
   * session starting now; recorded: ticks pushed from a file by `cli paper` (not offered in the app).
   */
  feed: 'market' | 'session' | 'recorded';
  /** For a recorded feed: where its ticks come from (shown, not read). */
  source?: string;
  /** Simulated seconds per real second for a session (default 30: a session in ~12.5 minutes). */
  speed?: number;
  /** Paper account funds (null or absent: unlimited). */
  paperFunds?: number | null;
};

const notFound = (id: string) =>
  new AppError(
    'NOT_FOUND',
    `deployment ${id} not found for this user`,
    'That deployment does not exist or is not yours.',
  );

export async function owned(db: Db, ownerId: string, id: string): Promise<Deployment> {
  const [d] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.id, id), eq(deployments.ownerId, ownerId)));
  if (!d) throw notFound(id);
  return d;
}

async function audit(
  db: Db,
  userId: string,
  deploymentId: string | null,
  action: string,
  detail: Record<string, unknown> = {},
) {
  // prettier-ignore
  await db.insert(auditLog).values({ userId, deploymentId, action, detail });
}

export async function createDeployment(
  db: Db,
  ownerId: string,
  input: CreateDeploymentInput,
  now = Date.now(),
): Promise<Deployment> {
  const dep = await db.transaction((tx) => insertDeployment(tx as unknown as Db, ownerId, input, now)); // prettier-ignore
  await startDeployment(dep);
  return dep;
}

/** After the deployment's transaction committed: its feed ticks, and a live one is reconciled at once. */
export async function startDeployment(dep: Deployment): Promise<void> {
  const every = tickEveryMs(dep.feed as FeedSpec);
  if (every !== null) await scheduleFeed(dep.feedId, every);
  if (dep.mode === 'live') {
    await ensureLiveOrdersLoop();
    await requestReconciliation(dep.id);
  }
}

/**
 * Checks and writes a new deployment, its first state and its audit row (inside the caller's
 * transaction: a mode switch writes the successor and stops its predecessor together).
 * `takeOver` starts it from a predecessor's state instead of the strategy's first state.
 */
export async function insertDeployment(
  db: Db,
  ownerId: string,
  input: CreateDeploymentInput & { predecessorId?: string },
  now = Date.now(),
  takeOver?: { state: (deploymentId: string) => string; pnl: DeploymentSummary['pnl'] },
): Promise<Deployment> {
  const risk = RiskLimitsSchema.safeParse(input.riskLimits ?? {});
  if (!risk.success)
    throw new AppError('INVALID_INPUT', 'bad risk limits', `Risk limits: ${risk.error.issues[0].path.join('.')}: ${risk.error.issues[0].message}`); // prettier-ignore
  const [{ active }] = await db
    .select({ active: sql<number>`count(*)::int` })
    .from(deployments)
    .where(
      and(eq(deployments.ownerId, ownerId), inArray(deployments.status, ['running', 'paused'])),
    );
  if (active >= MAX_ACTIVE_DEPLOYMENTS)
    throw new AppError('UNPROCESSABLE', `${ownerId} has ${active} active deployments`, `You already have ${active} deployments running; stop one before starting another (the limit is ${MAX_ACTIVE_DEPLOYMENTS}).`); // prettier-ignore
  const versionId = await versionToRun(db, ownerId, input);
  const [version] = await db.select().from(strategyVersions).where(eq(strategyVersions.id, versionId)); // prettier-ignore
  const strategyId = version.strategyId;
  if (!strategyId)
    throw new AppError('UNPROCESSABLE', `version ${versionId} belongs to no strategy`, 'This version came from a template and belongs to none of your strategies; fork the template (or use its Deploy on paper button, which forks it) and deploy the fork.'); // prettier-ignore
  const parsed = parseDsl(version.dsl);
  if (!parsed.ok)
    throw new AppError('UNPROCESSABLE', 'version does not parse', 'This strategy version is not valid any more; open it in the builder and save it again.'); // prettier-ignore
  const basket = parsed.value.basket;
  const underlyings = [...new Set(basket.strategies.map((s) => s.underlying))].sort();
  const calendars = new Set(underlyings.map((u) => getInstrument(u).calendar));
  if (input.mode === 'live') {
    if (!input.brokerAccountId)
      throw new AppError('INVALID_INPUT', 'live without account', 'A live deployment needs a connected broker account: connect one under Brokers first.'); // prettier-ignore
    const [acc] = await db.select().from(brokerAccounts).where(and(eq(brokerAccounts.id, input.brokerAccountId), eq(brokerAccounts.ownerId, ownerId))); // prettier-ignore
    if (!acc)
      throw new AppError('NOT_FOUND', 'account not owned', 'That broker account does not exist or is not yours.'); // prettier-ignore
    if (acc.status !== 'connected')
      throw new AppError('UNPROCESSABLE', `account ${acc.id} is ${acc.status}`, `Broker account "${acc.label}" is not connected (${acc.status.replace('_', ' ')}); test or log in to it under Brokers first.`); // prettier-ignore
    if (acc.sessionExpiresAt && acc.sessionExpiresAt.getTime() <= now)
      throw new AppError('UNPROCESSABLE', `account ${acc.id} session ended`, `The ${acc.broker} session of "${acc.label}" has ended (Kite sessions end at 06:00 IST); log in to it again under Brokers first.`); // prettier-ignore
  }
  if (input.feed === 'session' && calendars.size > 1)
    throw new AppError('UNPROCESSABLE', 'mixed calendars', `A simulated session runs on one exchange's clock, and this basket trades ${underlyings.join(', ')} on different exchanges; deploy them apart.`); // prettier-ignore
  if (input.feed === 'session' && input.mode === 'live')
    throw new AppError('INVALID_INPUT', 'live session', 'A simulated session is for paper trading only; a live deployment trades the real market.'); // prettier-ignore
  // Recorded ticks are a file replayed at any speed (cli paper): real orders on them would trade
  // at prices the market is not showing. Only a test drives a live deployment with hand-made
  // ticks, and it has to set the feed in the row itself (workers/deployments/live.test.ts).
  if (input.feed === 'recorded' && input.mode === 'live')
    throw new AppError('INVALID_INPUT', 'live on recorded ticks', 'Recorded ticks are for paper runs only; a live deployment trades on its broker\'s own market data: deploy it on the market.'); // prettier-ignore
  const seed = 7;
  // A live deployment trades on its broker's own market data, never on simulated prices.
  const broker = input.mode === 'live' && input.feed === 'market' ? await brokerFeedOf(db, ownerId, input.brokerAccountId!, underlyings) : null; // prettier-ignore
  const spec: FeedSpec = broker
    ? broker
    : input.feed === 'session'
      ? { kind: 'session', underlyings, seed: Math.floor(now % 1_000_000), intervalSeconds: 60, date: sessionDateFor(underlyings[0], now), startedAtMs: now, speed: input.speed ?? 30 } // prettier-ignore
      : input.feed === 'recorded'
        ? { kind: 'recorded', underlyings, source: input.source ?? 'recorded ticks' }
        : { kind: 'market', underlyings, seed, intervalSeconds: 60 };
  const [d] = await db
    .insert(deployments)
    .values({
      ownerId,
      strategyId,
      strategyVersionId: versionId,
      name: input.name?.trim() || basket.name,
      mode: input.mode,
      brokerAccountId: input.mode === 'live' ? input.brokerAccountId! : null,
      riskLimits: risk.data,
      feed: spec,
      feedId: 'pending',
      underlyings,
      paper: input.mode === 'paper' ? { funds: input.paperFunds ?? null } : {},
      predecessorId: input.predecessorId ?? null,
    })
    .returning();
  const feedId = feedIdOf(spec, d.id);
  const [row] = await db.update(deployments).set({ feedId }).where(eq(deployments.id, d.id)).returning(); // prettier-ignore
  const initial = takeOver
    ? takeOver.state(d.id)
    : encodeState(createRuntime(basket, { deploymentId: d.id, risk: risk.data }).initialState());
  await db.insert(deploymentState).values({ deploymentId: d.id, state: initial, ...(takeOver ? { pnl: takeOver.pnl } : {}) }); // prettier-ignore
  await db.insert(auditLog).values({ userId: ownerId, deploymentId: d.id, action: 'deploy', detail: { mode: input.mode, feed: spec.kind, strategyVersionId: versionId, riskLimits: risk.data, ...(input.predecessorId ? { predecessorId: input.predecessorId } : {}) } }); // prettier-ignore
  return row;
}

/** The broker feed of a live deployment on `accountId`, refused when that broker has no data for the basket. */
async function brokerFeedOf(
  db: Db,
  ownerId: string,
  accountId: string,
  underlyings: string[],
): Promise<FeedSpec> {
  const [acc] = await db.select().from(brokerAccounts).where(and(eq(brokerAccounts.id, accountId), eq(brokerAccounts.ownerId, ownerId))); // prettier-ignore
  if (!acc)
    throw new AppError('NOT_FOUND', 'account not owned', 'That broker account does not exist or is not yours.'); // prettier-ignore
  const missing = unstreamed(acc.broker, underlyings);
  if (missing.length)
    throw new AppError('UNPROCESSABLE', `account ${acc.id} streams no ${missing.join(', ')}`, `Broker account "${acc.label}" (${acc.broker}) has no market data for ${missing.join(', ')}: deploy ${missing.length === 1 ? 'it' : 'them'} live on an account of a broker that lists ${missing.length === 1 ? 'it' : 'them'} (Kite for NSE and BSE, Alpaca for US options, Deribit for BTC and ETH).`); // prettier-ignore
  return { kind: 'broker', accountId: acc.id, broker: acc.broker, label: acc.profile?.userId ?? acc.label, underlyings }; // prettier-ignore
}

const BROKER_NAMES: Record<string, string> = { kite: 'Kite', alpaca: 'Alpaca', deribit: 'Deribit' };

export type DeploymentSummary = {
  id: string;
  name: string;
  mode: 'paper' | 'live';
  status: Deployment['status'];
  statusReason: string | null;
  tradingState: string;
  underlyings: string[];
  feed: { kind: string; label: string };
  pnl: { net: number; gross: number; costs: number; day: number } | null;
  createdAt: Date;
  strategyId: string;
};

function feedLabel(feed: Record<string, unknown>): { kind: string; label: string } {
  const kind = String(feed.kind);
  if (kind === 'session')
    return { kind, label: `Simulated session of ${String(feed.date)} on its own clock (${String(feed.speed)}× real time)` }; // prettier-ignore
  if (kind === 'market') return { kind, label: 'Simulated market in real time (exchange hours)' };
  if (kind === 'broker')
    return { kind, label: `Ticks: ${BROKER_NAMES[String(feed.broker)] ?? String(feed.broker)} (${String(feed.label)})` }; // prettier-ignore
  if (kind === 'recorded') return { kind, label: `Recorded ticks (${String(feed.source)})` };
  return { kind, label: kind };
}

export async function listDeployments(db: Db, ownerId: string): Promise<DeploymentSummary[]> {
  const rows = await db
    .select({ d: deployments, pnl: deploymentState.pnl })
    .from(deployments)
    .leftJoin(deploymentState, eq(deploymentState.deploymentId, deployments.id))
    .where(eq(deployments.ownerId, ownerId))
    .orderBy(desc(deployments.createdAt))
    .limit(200);
  return rows.map(({ d, pnl }) => summaryOf(d, pnl ?? null));
}

function summaryOf(d: Deployment, pnl: DeploymentSummary['pnl']): DeploymentSummary {
  return {
    id: d.id,
    name: d.name,
    mode: d.mode,
    status: d.status,
    statusReason: d.statusReason,
    tradingState: d.tradingState,
    underlyings: d.underlyings,
    feed: feedLabel(d.feed),
    pnl,
    createdAt: d.createdAt,
    strategyId: d.strategyId,
  };
}

export type Position = {
  strategyId: string;
  underlying: string;
  legId: string;
  label: string;
  contract: string;
  side: 'BUY' | 'SELL';
  qty: number;
  entryPrice: number | null;
  mark: number | null;
  pnl: number;
  status: string;
  /** On the latest chain of its feed: LTP and the held quantity's greeks (null: not listed). */
  greeks: LegGreeks | null;
};

/** What the deployment's latest chains say: spot and time per underlying. */
export type MarketNow = { underlying: string; spot: number; ts: string }[];

/** The deployment's book as its runtime state has it (every leg that traded), greeks on its feed's latest chains. */
export async function bookOf(db: Db, d: Deployment) {
  const chains = new Map<string, ChainSnapshot>();
  for (const u of d.underlyings) {
    const s = await latestSnapshot(db, d.feedId, u);
    if (s) chains.set(u, s);
  }
  const [st] = await db.select().from(deploymentState).where(eq(deploymentState.deploymentId, d.id)); // prettier-ignore
  const [version] = await db.select({ dsl: strategyVersions.dsl }).from(strategyVersions).where(eq(strategyVersions.id, d.strategyVersionId)); // prettier-ignore
  const parsed = parseDsl(version?.dsl);
  const state = st ? await readState(db, d.id, st.state) : null;
  const positions: Position[] = [];
  if (state && parsed.ok) {
    for (const s of parsed.value.basket.strategies) {
      for (const l of state.strategies[s.id]?.legs ?? []) {
        if (l.status === 'CANCELLED' || (l.status === 'CLOSED' && l.held === 0 && l.realizedPnl === 0)) continue; // prettier-ignore
        const leg = s.legs.find((x) => x.id === l.legId);
        const contract = l.instrument === 'future' ? `${s.underlying} ${l.expiry} FUT` : `${s.underlying} ${l.expiry} ${l.strike} ${l.right}`; // prettier-ignore
        const open = l.entryPrice !== null && l.held > 0 ? (l.side === 'BUY' ? 1 : -1) * ((l.lastPrice ?? l.entryPrice) - l.entryPrice) * l.held : 0; // prettier-ignore
        const chain = chains.get(s.underlying);
        const held = l.expiry !== null && l.held > 0;
        const greeks = chain && held ? legGreeks({ instrument: l.instrument, right: l.right, strike: l.strike, expiry: l.expiry!, side: l.side, qty: l.held }, chain) : null; // prettier-ignore
        positions.push({
          strategyId: s.id,
          underlying: s.underlying,
          legId: l.legId,
          label: leg ? describeLeg(leg) : l.legId,
          contract,
          side: l.side,
          qty: l.held,
          entryPrice: l.entryPrice,
          mark: l.lastPrice,
          pnl: l.realizedPnl + open,
          status: l.status,
          greeks,
        });
      }
    }
  }
  return { st, state, positions, chains, basket: parsed.ok ? parsed.value.basket : null };
}

/**
 * What the deployment page shows of the last reconciliation: per contract, our book now and the
 * broker's position when it was checked; whether the runtime stopped entries over a difference.
 */
export type ReconciliationView =
  | { kind: 'paper' }
  | { kind: 'pending' }
  | {
      kind: 'checked';
      status: 'matched' | 'mismatch' | 'error';
      checkedAt: string;
      error: string | null;
      /** True while new entries are stopped over a difference (RESUME lifts it once they match). */
      entriesHalted: boolean;
      reason: string | null;
      rows: { contract: string; ours: number; broker: number; differs: boolean }[];
      ordersUnknown: string[];
    };

export function reconciliationOf(
  d: Deployment,
  state: RuntimeState | null,
  positions: Position[],
): ReconciliationView {
  if (d.mode === 'paper') return { kind: 'paper' };
  const r = d.reconciliation;
  if (!r) return { kind: 'pending' };
  const ours = new Map<string, number>();
  for (const p of positions)
    if (p.qty > 0) ours.set(p.contract, (ours.get(p.contract) ?? 0) + (p.side === 'BUY' ? p.qty : -p.qty)); // prettier-ignore
  const broker = new Map(r.broker.map((b) => [b.contract, b.qty]));
  const rows = [...new Set([...ours.keys(), ...broker.keys()])]
    .sort()
    .map((contract) => {
      const o = ours.get(contract) ?? 0;
      const b = broker.get(contract) ?? 0;
      return { contract, ours: o, broker: b, differs: o !== b };
    })
    .filter((x) => x.ours !== 0 || x.broker !== 0);
  const entriesHalted = state?.tradingStateCause === 'RECONCILIATION' && state.tradingState === 'REDUCING'; // prettier-ignore
  return {
    kind: 'checked',
    status: r.error ? 'error' : entriesHalted ? 'mismatch' : 'matched',
    checkedAt: r.checkedAt,
    error: r.error,
    entriesHalted,
    reason: entriesHalted ? (state?.tradingStateReason ?? null) : null,
    rows,
    ordersUnknown: r.ordersUnknown,
  };
}

/**
 * A deployment's P&L points, newest first. The first view of the chart holds the last point of
 * each minute: a broker's feed ticks every second, and a day of its points (22,500) would push
 * the morning out of any limit a page can load; 5,000 minutes are two weeks of sessions. The
 * stream then sends every point from the newest on (`after`), so the chart moves with each tick.
 * Each minute's last point is one step back along the primary key from the minute after it, so
 * the first view costs 5,000 index look-ups however long the history: `distinct on` the minute
 * sorted every point, 320 ms for ten days of seconds against 23 ms this way (local Postgres).
 */
async function pnlSeriesOf(
  db: Db,
  id: string,
  after?: string,
): Promise<{ ts: string; net: number }[]> {
  if (after)
    return db.select({ ts: deploymentPnl.ts, net: deploymentPnl.net }).from(deploymentPnl).where(and(eq(deploymentPnl.deploymentId, id), gte(deploymentPnl.ts, after))).orderBy(desc(deploymentPnl.ts)).limit(5000); // prettier-ignore
  // A minute's points all start with its first 16 characters ("2026-11-20T09:21"), and that
  // prefix sorts after every point of the minutes before it.
  const rows = await db.execute(sql`with recursive minute as (
      (select ts, net, 1 as n from deployment_pnl where deployment_id = ${id} order by ts desc limit 1)
      union all
      select p.ts, p.net, minute.n + 1 from minute, lateral (
        select ts, net from deployment_pnl where deployment_id = ${id} and ts < left(minute.ts, 16) order by ts desc limit 1
      ) p
      where minute.n < 5000
    )
    select ts, net from minute order by ts desc`);
  return rowsOf<{ ts: string; net: number }>(rows).map((r) => ({ ts: r.ts, net: Number(r.net) }));
}

/**
 * `pnlAfter`: only the P&L points from this time on (its point is rewritten when its fills arrive) (a stream sends the series once, then what is new).
 *
 * Every read is of one snapshot (a read-only, repeatable-read transaction): the evaluator commits
 * a deployment's row (trading state, status) with its runtime state, orders and fills, and a page
 * read between two of its queries would otherwise show half of a commit, e.g. entries halted over
 * a reconciliation difference while the trading state still says ACTIVE (CI saw exactly that).
 */
export async function getDeployment(
  db: Db,
  ownerId: string,
  id: string,
  opts: { pnlAfter?: string } = {},
) {
  return db.transaction((tx) => deploymentView(tx as unknown as Db, ownerId, id, opts), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
}

async function deploymentView(db: Db, ownerId: string, id: string, opts: { pnlAfter?: string }) {
  const d = await owned(db, ownerId, id);
  const { st, state, positions, chains } = await bookOf(db, d);
  const [successor] = await db.select({ id: deployments.id, mode: deployments.mode }).from(deployments).where(eq(deployments.predecessorId, id)); // prettier-ignore
  const orderRows = await db.select().from(orders).where(eq(orders.deploymentId, id)).orderBy(desc(orders.createdAt)).limit(200); // prettier-ignore
  const fillRows = await db.select().from(fills).where(eq(fills.deploymentId, id)).orderBy(desc(fills.ts)).limit(200); // prettier-ignore
  const pnlSeries = (await pnlSeriesOf(db, id, opts.pnlAfter)).reverse();
  const audits = await db.select().from(auditLog).where(eq(auditLog.deploymentId, id)).orderBy(desc(auditLog.at)).limit(100); // prettier-ignore
  return {
    ...summaryOf(d, st?.pnl ?? null),
    strategyVersionId: d.strategyVersionId,
    riskLimits: d.riskLimits,
    positions,
    orders: orderRows,
    fills: fillRows,
    pnlSeries,
    market: [...chains.values()].map((c) => ({ underlying: c.underlying, spot: c.spot, ts: c.ts })) as MarketNow, // prettier-ignore
    stoppedAt: d.stoppedAt,
    audit: audits.map((a) => ({ action: a.action, at: a.at, detail: a.detail })),
    tradingStateReason: state?.tradingStateReason ?? null,
    brokerAccountId: d.brokerAccountId,
    predecessorId: d.predecessorId,
    successor: successor ?? null,
    reconciliation: reconciliationOf(d, state, positions),
  };
}

export async function deploymentEventsSince(
  db: Db,
  ownerId: string,
  id: string,
  afterSeq: number,
  limit = 500,
) {
  // prettier-ignore
  await owned(db, ownerId, id);
  return db
    .select()
    .from(deploymentEvents)
    .where(and(eq(deploymentEvents.deploymentId, id), sql`${deploymentEvents.seq} > ${afterSeq}`))
    .orderBy(asc(deploymentEvents.seq))
    .limit(limit);
}

const ACTIVE = new Set(['running', 'paused']);

/**
 * A trader's command. Square-off and kill go to the inbox even when the deployment is paused:
 * exits always reach the broker. Pause and resume also change the status the list shows.
 */
export async function commandDeployment(
  db: Db,
  ownerId: string,
  id: string,
  command: UserCommand,
  target: { strategyId?: string; legId?: string } = {},
  now = Date.now(),
): Promise<DeploymentSummary> {
  const d = await owned(db, ownerId, id);
  if (!ACTIVE.has(d.status))
    throw new AppError('UNPROCESSABLE', `deployment ${id} is ${d.status}`, `This deployment is ${d.status}: there is nothing to ${command.toLowerCase().replace('_', ' ')}.`); // prettier-ignore
  // A target the strategy does not have would stop the kernel on this input (and the inbox behind it).
  if (target.strategyId !== undefined) await checkTarget(db, d, target);
  const inputId = await db.transaction((tx) =>
    writeCommand(tx as unknown as Db, d, ownerId, command, target, now),
  );
  await nudgeDeployment(id, inputId);
  const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
  return summaryOf(row, null);
}

/**
 * A trader's command into the deployment's inbox, with its audit row (in the caller's
 * transaction); returns the input's id for nudgeDeployment once it is committed.
 */
export async function writeCommand(
  db: Db,
  d: Deployment,
  ownerId: string,
  command: UserCommand,
  target: { strategyId?: string; legId?: string } = {},
  now = Date.now(),
  audit: Record<string, unknown> = {},
): Promise<number> {
  const tz = getInstrument(d.underlyings[0]).timezone;
  const ts = (await recordedFeedTime(db, d)) ?? commandTime(d, now, tz);
  const input: RuntimeInput = { kind: 'command', command, ts, ...target };
  const [{ id: n }] = await db
    .insert(deploymentInputs)
    .values({ deploymentId: d.id, kind: 'command', input })
    .returning({ id: deploymentInputs.id });
  await db.insert(auditLog).values({ userId: ownerId, deploymentId: d.id, action: command.toLowerCase(), detail: { ...target, ...audit } }); // prettier-ignore
  if (command === 'PAUSE' || command === 'RESUME')
    await db.update(deployments).set({ status: command === 'PAUSE' ? 'paused' : 'running' }).where(eq(deployments.id, d.id)); // prettier-ignore
  return n;
}

/** Asks the workers to reconcile a live deployment with its broker now. */
export async function reconcileNow(db: Db, ownerId: string, id: string, now = Date.now()) {
  const d = await owned(db, ownerId, id);
  if (d.mode !== 'live')
    throw new AppError('UNPROCESSABLE', `deployment ${id} is paper`, 'A paper deployment has no broker to reconcile with.'); // prettier-ignore
  if (!ACTIVE.has(d.status))
    throw new AppError('UNPROCESSABLE', `deployment ${id} is ${d.status}`, `This deployment is ${d.status}; reconciliation runs while it is running or paused.`); // prettier-ignore
  // One request a second at most: the job id is the deployment and the second.
  await requestReconciliation(id, now);
  return { requested: true };
}

async function checkTarget(db: Db, d: Deployment, target: { strategyId?: string; legId?: string }) {
  const [v] = await db.select({ dsl: strategyVersions.dsl }).from(strategyVersions).where(eq(strategyVersions.id, d.strategyVersionId)); // prettier-ignore
  const parsed = parseDsl(v?.dsl);
  const strategies = parsed.ok ? parsed.value.basket.strategies : [];
  const s = strategies.find((x) => x.id === target.strategyId);
  if (!s)
    throw new AppError('NOT_FOUND', `strategy ${target.strategyId} not in deployment ${d.id}`, `This deployment has no strategy "${target.strategyId}"; it has ${strategies.map((x) => x.id).join(', ') || 'none'}.`); // prettier-ignore
  if (target.legId !== undefined && !s.legs.some((l) => l.id === target.legId))
    throw new AppError('NOT_FOUND', `leg ${target.legId} not in ${s.id}`, `Strategy "${s.id}" of this deployment has no leg "${target.legId}"; its legs are ${s.legs.map((l) => l.id).join(', ')}.`); // prettier-ignore
}

/** The kill switch for every running deployment of the trader. */
export async function killAll(db: Db, ownerId: string, now = Date.now()): Promise<number> {
  const rows = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(
      and(eq(deployments.ownerId, ownerId), inArray(deployments.status, ['running', 'paused'])),
    );
  for (const r of rows) await commandDeployment(db, ownerId, r.id, 'KILL', {}, now);
  await audit(db, ownerId, null, 'kill_all', { deployments: rows.length });
  return rows.length;
}

/**
 * On a recorded feed the deployment's clock is the feed's: a command happens at the last tick
 * it published (the wall clock may be days after the recording).
 */
async function recordedFeedTime(db: Db, d: Deployment): Promise<string | null> {
  if ((d.feed as { kind?: string }).kind !== 'recorded') return null;
  const [last] = await db
    .select({ ts: feedSnapshots.ts })
    .from(feedSnapshots)
    .where(eq(feedSnapshots.feedId, d.feedId))
    .orderBy(desc(feedSnapshots.createdAt))
    .limit(1);
  return last?.ts ?? null;
}

/**
 * When a command happens on the deployment's clock: now on a real-time feed; on a simulated
 * session, the session's own time now (its clock runs faster than the wall clock).
 */
function commandTime(d: Deployment, now: number, tz: string): string {
  const feed = d.feed as { kind?: string; date?: string; startedAtMs?: number; speed?: number; underlyings?: string[] }; // prettier-ignore
  if (feed.kind === 'session' && feed.date && feed.startedAtMs !== undefined && feed.speed) {
    const open = sessionBounds(getInstrument(d.underlyings[0]), feed.date).open;
    return formatTimestamp(Math.floor((open + (now - feed.startedAtMs) * feed.speed) / 1000) * 1000, tz); // prettier-ignore
  }
  return formatTimestamp(Math.floor(now / 1000) * 1000, tz);
}

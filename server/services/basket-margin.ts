/**
 * A connected broker's own margin for a position's opening orders (Kite's basket margins),
 * asked through a worker and kept briefly per (account, basket): the payoff panel asks again on
 * every edit and the results page on every visit, and Kite allows about 10 requests a second
 * per api_key for everything an account does. Only Kite has a basket-margin API; other
 * accounts are answered here, without a broker call, with the reason the approximation stays.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { brokerAccounts, type BrokerKind } from '@/db/schema';
import { findInstrument } from '@/engine/market/instruments';
import { AppError } from '@/server/errors';
import { viewOf } from '@/server/services/broker-accounts';
import {
  BASKET_MARGIN_JOB,
  BasketMarginResultSchema,
  QUEUES,
  runJob,
  type BasketMarginJob,
  type BasketMarginResult,
} from '@/workers/queues';

/** Kite's figure for an unchanged basket is reused this long. */
export const MARGIN_CACHE_MS = 30_000;
/** A failure (expired session, refusal) is remembered this long, so a page does not retry it in a loop. */
export const MARGIN_FAILURE_CACHE_MS = 10_000;
/** Broker calls (cache misses) one user may cause per minute. */
export const MARGIN_CALLS_PER_MINUTE = 30;
const MAX_CACHED = 1_000;
const JOB_TIMEOUT_MS = 15_000;

export type BasketMarginAnswer = BasketMarginResult & {
  account: { id: string; label: string; broker: BrokerKind };
  /** When the broker answered (a cached answer keeps its time). */
  at: string;
};

const cache = new Map<string, { expires: number; answer: Promise<BasketMarginAnswer> }>();
const calls = new Map<string, number[]>();

const BROKER_NAMES: Record<BrokerKind, string> = {
  kite: 'Kite',
  alpaca: 'Alpaca',
  deribit: 'Deribit',
};

function basketKey(job: BasketMarginJob): string {
  const legs = job.legs.map((l) => [l.expiry, l.strike, l.right, l.side, l.qty]);
  return createHash('sha256')
    .update(JSON.stringify([job.accountId, job.underlying.toUpperCase(), job.product, legs]))
    .digest('hex');
}

function countCall(ownerId: string, now: number): void {
  const recent = (calls.get(ownerId) ?? []).filter((t) => t > now - 60_000);
  if (recent.length >= MARGIN_CALLS_PER_MINUTE)
    throw new AppError(
      'TOO_MANY_REQUESTS',
      `${ownerId} asked for ${recent.length} basket margins this minute`,
      `You asked your broker for ${recent.length} basket margins in the last minute (at most ${MARGIN_CALLS_PER_MINUTE}); the approximation is shown until a minute has passed.`,
    );
  recent.push(now);
  calls.set(ownerId, recent);
}

export async function basketMarginFor(
  db: Db,
  ownerId: string,
  job: BasketMarginJob,
  now = Date.now(),
): Promise<BasketMarginAnswer> {
  const [row] = await db
    .select()
    .from(brokerAccounts)
    .where(and(eq(brokerAccounts.id, job.accountId), eq(brokerAccounts.ownerId, ownerId)));
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `broker account ${job.accountId} not found for this user`,
      'That broker account does not exist or is not yours; pick another under "Margin from".',
    );
  const account = { id: row.id, label: row.label, broker: row.broker };
  const at = new Date(now).toISOString();
  if (row.broker !== 'kite')
    return {
      ok: false,
      kind: 'unsupported',
      message: `Basket margin comes from Kite only: ${BROKER_NAMES[row.broker]} account "${row.label}" has no basket-margin API.`,
      account,
      at,
    };
  const exchange = findInstrument(job.underlying)?.exchange;
  if (exchange !== 'NSE' && exchange !== 'BSE')
    return {
      ok: false,
      kind: 'unsupported',
      message: `Kite account "${row.label}" margins NSE and BSE derivatives only; ${job.underlying} trades on ${exchange ?? 'no exchange Kite serves'}.`,
      account,
      at,
    };
  const view = viewOf(row, new Date(now));
  if (view.status === 'login_required')
    return {
      ok: false,
      kind: 'login',
      message: `Kite account "${row.label}" needs today's login (${view.lastError ?? 'Kite sessions end at 06:00 IST'}); log in to Kite under Settings → Brokers.`,
      account,
      at,
    };

  const key = basketKey(job);
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.answer;
  countCall(ownerId, now);
  const answer = (async (): Promise<BasketMarginAnswer> => {
    try {
      const r = BasketMarginResultSchema.parse(
        await runJob(QUEUES.brokers, BASKET_MARGIN_JOB, job, JOB_TIMEOUT_MS),
      );
      return { ...r, account, at };
    } catch (e) {
      return {
        ok: false,
        kind: 'unavailable',
        message: `Kite account "${row.label}": the margin request did not finish (${(e as Error).message}).`,
        account,
        at,
      };
    }
  })();
  if (cache.size >= MAX_CACHED)
    for (const [k, v] of cache) if (v.expires <= now || cache.size >= MAX_CACHED) cache.delete(k);
  cache.set(key, { expires: now + MARGIN_CACHE_MS, answer });
  const settled = await answer;
  // Failures are kept for a shorter time, and a worker that did not answer not at all.
  if (!settled.ok)
    cache.set(key, {
      expires: settled.kind === 'unavailable' ? 0 : now + MARGIN_FAILURE_CACHE_MS,
      answer,
    });
  return settled;
}

/** Forgets every cached answer and call count (tests start from nothing). */
export function forgetBasketMargins(): void {
  cache.clear();
  calls.clear();
}

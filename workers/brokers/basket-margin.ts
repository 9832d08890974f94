/**
 * Kite's basket margin for a position's opening orders, run by a worker (the web server never
 * talks to a broker): open the account's sealed session, find each leg's tradingsymbol in the
 * day's instrument dump (as the Kite adapter does when it trades), POST /margins/basket with
 * the account's positions considered, and read the answer with engine/margin/kite.ts. Failures
 * come back as a kind and a sentence naming the account and the fix; nothing secret leaves.
 */
import { termsOf } from '@/engine/market/snapshot';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { openCredentials } from '@/db/broker-credentials';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { brokerAccounts } from '@/db/schema';
import { describeContract, type Contract } from '@/engine/broker/symbols/contract';
import { KiteInstrumentBook } from '@/engine/broker/symbols/kite';
import { findInstrument } from '@/engine/market/instruments';
import {
  kiteEstimate,
  kiteMarginOrder,
  parseKiteBasketMargins,
  type KiteMarginOrder,
} from '@/engine/margin/kite';
import type { BasketMarginJob, BasketMarginResult } from '../queues';
import { VenueAuthError, VenueRefusal, VenueUnavailable } from './errors';
import { KiteClient } from './kite/client';
import { RateLimiter } from './rate-limit';

/**
 * Kite allows about 10 requests a second per api_key for everything but orders and quotes; the
 * margin calls of one account stay well below it so its live orders never meet a 429.
 */
const MARGIN_CALLS_PER_SECOND = 3;
const limiters = new Map<string, RateLimiter>();
function limiterOf(accountId: string): RateLimiter {
  let l = limiters.get(accountId);
  if (!l) {
    if (limiters.size > 1_000) limiters.clear();
    l = new RateLimiter([{ max: MARGIN_CALLS_PER_SECOND, perMs: 1_000 }]);
    limiters.set(accountId, l);
  }
  return l;
}

/** The dump is regenerated once a day (Kite advises fetching it at about 08:30 IST). */
const DUMP_TTL_MS = 6 * 60 * 60_000;
const dumps = new Map<string, { at: number; book: Promise<KiteInstrumentBook> }>();

/** One instrument book per Kite API and IST day, shared by every account (the dump is public). */
function instrumentBook(
  apiUrl: string,
  client: KiteClient,
  now: number,
): Promise<KiteInstrumentBook> {
  const day = new Date(now + 330 * 60_000).toISOString().slice(0, 10);
  const key = `${apiUrl}|${day}`;
  const hit = dumps.get(key);
  if (hit && now - hit.at < DUMP_TTL_MS) return hit.book;
  for (const k of dumps.keys()) if (k !== key) dumps.delete(k);
  const book = client.instruments().then((csv) => KiteInstrumentBook.fromCsv(csv));
  dumps.set(key, { at: now, book });
  book.catch(() => dumps.delete(key));
  return book;
}

const fail = (
  kind: Extract<BasketMarginResult, { ok: false }>['kind'],
  message: string,
): BasketMarginResult => ({ ok: false, kind, message });

export async function basketMargin(
  db: Db,
  job: BasketMarginJob,
  now = Date.now(),
): Promise<BasketMarginResult> {
  const [row] = await db.select().from(brokerAccounts).where(eq(brokerAccounts.id, job.accountId));
  if (!row) return fail('unsupported', 'The broker account no longer exists.');
  const name = `Kite account "${row.label}"`;
  if (row.broker !== 'kite')
    return fail(
      'unsupported',
      `Basket margin comes from Kite only; "${row.label}" is a ${row.broker} account.`,
    );
  const instrument = findInstrument(job.underlying);
  if (!instrument || (instrument.exchange !== 'NSE' && instrument.exchange !== 'BSE'))
    return fail(
      'unsupported',
      `${name} margins NSE and BSE derivatives only; ${job.underlying} trades on ${instrument?.exchange ?? 'no exchange Kite serves'}.`,
    );
  const creds = openCredentials({ ...row, broker: 'kite' as const });
  const loginFix = 'log in to Kite again under Settings → Brokers';
  if (!creds.accessToken) return fail('login', `${name} has no Kite session today; ${loginFix}.`);
  if (row.sessionExpiresAt && row.sessionExpiresAt.getTime() <= now)
    return fail('login', `${name}: the Kite session ended at 06:00 IST; ${loginFix}.`);

  const e = env();
  const client = new KiteClient(e.KITE_API_URL, {
    apiKey: creds.apiKey,
    accessToken: creds.accessToken,
  });
  try {
    const book = await instrumentBook(e.KITE_API_URL, client, now);
    const orders: KiteMarginOrder[] = [];
    for (const leg of job.legs) {
      const contract: Contract = {
        underlying: job.underlying,
        expiry: leg.expiry,
        ...termsOf(leg),
      };
      const found = book.find(contract);
      if (!found || (found.exchange !== 'NFO' && found.exchange !== 'BFO'))
        return fail(
          'instrument',
          `${name}: ${describeContract(contract)} is not in today's Kite instrument dump (no such strike or expiry listed); pick a chain whose strikes and expiries trade today.`,
        );
      if (leg.qty % found.lotSize !== 0)
        return fail(
          'instrument',
          `${name}: ${found.tradingsymbol} trades in lots of ${found.lotSize}; ${leg.qty} units is not a whole number of lots.`,
        );
      orders.push(
        kiteMarginOrder(
          leg,
          { exchange: found.exchange, tradingsymbol: found.tradingsymbol },
          job.product,
        ),
      );
    }
    await limiterOf(row.id).take();
    const data = await client.basketMargins(orders, true);
    const parsed = parseKiteBasketMargins({ status: 'success', data });
    // definedRisk is the position's, which the caller knows; Kite's figures do not depend on it.
    const est = kiteEstimate(parsed, false);
    return {
      ok: true,
      required: parsed.initial.total,
      final: parsed.final.total,
      charges: parsed.chargesTotal,
      components: est.components,
      notes: est.notes,
      orders: parsed.orders.map((o, i) => ({
        tradingsymbol: o.tradingsymbol || orders[i]?.tradingsymbol || '',
        side: orders[i]?.transaction_type ?? 'BUY',
        quantity: orders[i]?.quantity ?? 0,
        total: o.total,
      })),
    };
  } catch (err) {
    if (err instanceof VenueAuthError) {
      // The token is dead for every call: the Brokers page should say so too.
      const message = `${name}: Kite says the session is no longer valid (it ends at 06:00 IST or on a logout); ${loginFix}.`;
      await db
        .update(brokerAccounts)
        .set({ status: 'login_required', lastError: message })
        .where(and(eq(brokerAccounts.id, row.id), eq(brokerAccounts.ownerId, row.ownerId)));
      return fail('login', message);
    }
    if (err instanceof VenueRefusal)
      return fail(
        'refused',
        `${name}: Kite refused the basket margin request: ${err.message.replace(/^kite: /, '')} Check the legs (quantity in whole lots, listed strikes) and try again.`,
      );
    if (err instanceof VenueUnavailable)
      return fail(
        'unavailable',
        `${name}: Kite did not answer (${err.message}); try again in a moment.`,
      );
    const message = (err as Error).message;
    logger.warn({ accountId: row.id, err: message }, 'basket margin failed');
    return fail('refused', `${name}: ${message}`);
  }
}

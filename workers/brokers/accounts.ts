/**
 * The broker-account check, run by a worker (the web server never talks to a broker): open the
 * sealed credentials, finish a Kite login when a request token is waiting (exchange it for the
 * day's access token with its checksum), then ask the broker something harmless (Kite margins,
 * Alpaca account, Deribit account summary) and record what it said. Secrets stay inside this
 * function: the result and the row carry only status, a message and what may be shown.
 */
import type { Job } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { maskKey, nextKiteExpiry, openCredentials, sealCredentials } from '@/db/broker-credentials';
import { env } from '@/db/env';
import { logger } from '@/db/logger';
import { brokerAccounts, type BrokerAccount } from '@/db/schema';
import {
  BASKET_MARGIN_JOB,
  BasketMarginJobSchema,
  BrokerCheckJobSchema,
  type BasketMarginResult,
  type BrokerCheckResult,
} from '../queues';
import { basketMargin } from './basket-margin';
import { AlpacaClient } from './alpaca/client';
import { DeribitRpc } from './deribit/rpc';
import { VenueAuthError, VenueRefusal, VenueUnavailable } from './errors';
import { KiteClient, kiteTime } from './kite/client';

type Outcome = BrokerCheckResult & {
  profile?: Record<string, string>;
  sessionExpiresAt?: Date | null;
  credentials?: string;
};

async function checkKite(row: BrokerAccount): Promise<Outcome> {
  const e = env();
  let creds = openCredentials({ ...row, broker: 'kite' as const });
  const profile: Record<string, string> = { ...row.profile, apiKey: maskKey(creds.apiKey) };
  let sealed: string | undefined;
  let sessionExpiresAt: Date | null | undefined;
  if (creds.requestToken) {
    const session = await new KiteClient(e.KITE_API_URL, null).createSession(
      creds.apiKey,
      creds.requestToken,
      creds.apiSecret,
    );
    creds = { apiKey: creds.apiKey, apiSecret: creds.apiSecret, accessToken: session.access_token };
    sealed = sealCredentials(row, creds);
    const loginAt = kiteTime(session.login_time);
    sessionExpiresAt = nextKiteExpiry(loginAt ? new Date(loginAt) : new Date());
    profile.userId = session.user_id;
    profile.userName = session.user_name;
  }
  if (!creds.accessToken)
    return {
      status: 'login_required',
      message: 'Log in to Kite to open today’s session (Kite sessions end at 06:00 IST).',
      profile,
      credentials: sealed,
    };
  if (!sealed && row.sessionExpiresAt && row.sessionExpiresAt.getTime() <= Date.now())
    return {
      status: 'login_required',
      message: 'The Kite session ended at 06:00 IST; log in to Kite again.',
      profile,
    };
  await new KiteClient(e.KITE_API_URL, {
    apiKey: creds.apiKey,
    accessToken: creds.accessToken,
  }).margins();
  return {
    status: 'connected',
    message: `Connected to Kite${profile.userId ? ` as ${profile.userId}` : ''}.`,
    profile,
    credentials: sealed,
    sessionExpiresAt,
  };
}

async function checkAlpaca(row: BrokerAccount): Promise<Outcome> {
  const e = env();
  const creds = openCredentials({ ...row, broker: 'alpaca' as const });
  const account = await new AlpacaClient(e.ALPACA_API_URL, creds).account();
  return {
    status: 'connected',
    message: `Connected to Alpaca account ${account.account_number} (${account.status}).`,
    profile: { keyId: maskKey(creds.keyId), accountNumber: account.account_number },
  };
}

async function checkDeribit(row: BrokerAccount): Promise<Outcome> {
  const e = env();
  const creds = openCredentials({ ...row, broker: 'deribit' as const });
  const rpc = new DeribitRpc(e.DERIBIT_WS_URL, creds, () => {});
  try {
    await rpc.call('private/get_account_summary', { currency: 'BTC' });
  } finally {
    rpc.close();
  }
  return {
    status: 'connected',
    message: 'Connected to Deribit.',
    profile: { clientId: maskKey(creds.clientId) },
  };
}

/** What a failure means for the trader, without any secret in it. */
function failure(row: BrokerAccount, err: unknown): Outcome {
  if (err instanceof VenueAuthError)
    return row.broker === 'kite'
      ? { status: 'login_required', message: `${err.message}` }
      : { status: 'error', message: err.message };
  if (err instanceof VenueUnavailable)
    return { status: 'error', message: `Could not reach ${row.broker}: ${err.message}` };
  if (err instanceof VenueRefusal)
    return { status: 'error', message: `${row.broker}: ${err.message}` };
  logger.error({ accountId: row.id, err: (err as Error).message }, 'broker account check failed');
  return { status: 'error', message: `The check failed: ${(err as Error).message}` };
}

export async function checkBrokerAccount(db: Db, accountId: string): Promise<BrokerCheckResult> {
  const [row] = await db.select().from(brokerAccounts).where(eq(brokerAccounts.id, accountId));
  if (!row) return { status: 'error', message: 'The broker account no longer exists.' };
  let out: Outcome;
  try {
    out =
      row.broker === 'kite'
        ? await checkKite(row)
        : row.broker === 'alpaca'
          ? await checkAlpaca(row)
          : await checkDeribit(row);
  } catch (err) {
    out = failure(row, err);
    // A request token is single-use: a failed exchange must not be retried with it.
    if (row.broker === 'kite') {
      const c = openCredentials({ ...row, broker: 'kite' as const });
      if (c.requestToken)
        out.credentials = sealCredentials(row, { apiKey: c.apiKey, apiSecret: c.apiSecret });
    }
  }
  await db
    .update(brokerAccounts)
    .set({
      status: out.status,
      lastError: out.status === 'connected' ? null : out.message,
      lastCheckedAt: new Date(),
      ...(out.profile ? { profile: out.profile } : {}),
      ...(out.credentials ? { credentials: out.credentials } : {}),
      ...(out.sessionExpiresAt !== undefined ? { sessionExpiresAt: out.sessionExpiresAt } : {}),
    })
    .where(and(eq(brokerAccounts.id, row.id), eq(brokerAccounts.ownerId, row.ownerId)));
  return { status: out.status, message: out.message };
}

export function brokerAccountProcessor(deps: { db: () => Promise<Db> }) {
  return async (job: Job): Promise<BrokerCheckResult | BasketMarginResult> => {
    if (job.name === BASKET_MARGIN_JOB)
      return basketMargin(await deps.db(), BasketMarginJobSchema.parse(job.data));
    const { accountId } = BrokerCheckJobSchema.parse(job.data);
    return checkBrokerAccount(await deps.db(), accountId);
  };
}

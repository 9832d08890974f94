/**
 * Broker accounts for the API, always owner-scoped: connect (credentials sealed before they
 * touch the database), check against the broker (by a worker: the web server never talks to a
 * broker), Kite's daily login (login URL with a nonce, the redirect back, the token exchange),
 * disconnect. What leaves this module is the public view: never a credential.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  credentialsSchemaFor,
  openCredentials,
  maskKey,
  sealCredentials,
} from '@/db/broker-credentials';
import { env } from '@/db/env';
import { brokerAccounts, type BrokerAccount, type BrokerKind } from '@/db/schema';
import { AppError } from '@/server/errors';
import {
  BROKER_CHECK_JOB,
  BrokerCheckResultSchema,
  QUEUES,
  runJob,
  type BrokerCheckResult,
} from '@/workers/queues';

export const MAX_BROKER_ACCOUNTS = 20;
const CHECK_TIMEOUT_MS = 20_000;

export type BrokerAccountView = {
  id: string;
  broker: BrokerKind;
  label: string;
  status: 'checking' | 'connected' | 'login_required' | 'error';
  profile: Record<string, string>;
  sessionExpiresAt: Date | null;
  lastCheckedAt: Date | null;
  lastError: string | null;
  createdAt: Date;
};

export function viewOf(row: BrokerAccount, now = new Date()): BrokerAccountView {
  // A Kite session past 06:00 IST is over whatever the last check said.
  const expired =
    row.broker === 'kite' &&
    row.status === 'connected' &&
    row.sessionExpiresAt !== null &&
    row.sessionExpiresAt.getTime() <= now.getTime();
  return {
    id: row.id,
    broker: row.broker,
    label: row.label,
    status: expired ? 'login_required' : row.status,
    profile: row.profile,
    sessionExpiresAt: row.sessionExpiresAt,
    lastCheckedAt: row.lastCheckedAt,
    lastError: expired
      ? 'The Kite session ended at 06:00 IST; log in to Kite again.'
      : row.lastError,
    createdAt: row.createdAt,
  };
}

const notFound = (id: string) =>
  new AppError(
    'NOT_FOUND',
    `broker account ${id} not found for this user`,
    'That broker account does not exist or is not yours.',
  );

async function owned(db: Db, ownerId: string, id: string): Promise<BrokerAccount> {
  const [row] = await db
    .select()
    .from(brokerAccounts)
    .where(and(eq(brokerAccounts.id, id), eq(brokerAccounts.ownerId, ownerId)));
  if (!row) throw notFound(id);
  return row;
}

export async function listBrokerAccounts(db: Db, ownerId: string): Promise<BrokerAccountView[]> {
  const rows = await db
    .select()
    .from(brokerAccounts)
    .where(eq(brokerAccounts.ownerId, ownerId))
    .orderBy(asc(brokerAccounts.createdAt));
  return rows.map((r) => viewOf(r));
}

export type ConnectInput = {
  broker: BrokerKind;
  label: string;
  credentials: Record<string, unknown>;
};

export async function connectBrokerAccount(
  db: Db,
  ownerId: string,
  input: ConnectInput,
): Promise<{ account: BrokerAccountView; message: string }> {
  const parsed = credentialsSchemaFor[input.broker].safeParse(input.credentials);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'INVALID_INPUT',
      `bad ${input.broker} credentials`,
      `${input.broker} credentials: ${issue.path.join('.') || 'value'}: ${issue.message}`,
    );
  }
  const [{ n }] = await db
    .select({ n: count() })
    .from(brokerAccounts)
    .where(eq(brokerAccounts.ownerId, ownerId));
  if (n >= MAX_BROKER_ACCOUNTS)
    throw new AppError(
      'UNPROCESSABLE',
      `owner has ${n} broker accounts`,
      `You already have ${MAX_BROKER_ACCOUNTS} broker accounts; disconnect one first.`,
    );
  const [dup] = await db
    .select({ id: brokerAccounts.id })
    .from(brokerAccounts)
    .where(and(eq(brokerAccounts.ownerId, ownerId), eq(brokerAccounts.label, input.label)));
  if (dup)
    throw new AppError(
      'CONFLICT',
      'duplicate label',
      `You already have an account labelled "${input.label}"; pick another label.`,
    );
  const id = randomUUID();
  const creds = parsed.data;
  // Kite needs its daily login before anything else works; the others are checked at once.
  const kite = input.broker === 'kite';
  const profile: Record<string, string> =
    'apiKey' in creds
      ? { apiKey: maskKey(creds.apiKey) }
      : 'keyId' in creds
        ? { keyId: maskKey(creds.keyId) }
        : { clientId: maskKey((creds as { clientId: string }).clientId) };
  const [row] = await db
    .insert(brokerAccounts)
    .values({
      id,
      ownerId,
      broker: input.broker,
      label: input.label,
      status: kite ? 'login_required' : 'checking',
      credentials: sealCredentials({ id, ownerId }, creds),
      profile,
      lastError: kite ? 'Log in to Kite to open today’s session.' : null,
    })
    .returning();
  if (kite)
    return { account: viewOf(row), message: 'Saved. Log in to Kite to open today’s session.' };
  return testBrokerAccount(db, ownerId, id);
}

/** Asks a worker to check the account against its broker, and returns what it found. */
export async function testBrokerAccount(
  db: Db,
  ownerId: string,
  id: string,
): Promise<{ account: BrokerAccountView; message: string }> {
  await owned(db, ownerId, id);
  let result: BrokerCheckResult;
  try {
    result = BrokerCheckResultSchema.parse(
      await runJob(QUEUES.brokers, BROKER_CHECK_JOB, { accountId: id }, CHECK_TIMEOUT_MS),
    );
  } catch (e) {
    throw new AppError(
      'UNAVAILABLE',
      `broker check failed: ${(e as Error).message}`,
      `The check did not finish: ${(e as Error).message}`,
    );
  }
  return { account: viewOf(await owned(db, ownerId, id)), message: result.message };
}

/** Step 1 of Kite's login: the URL to send the browser to, with a nonce to recognise the way back. */
export async function kiteLoginUrl(db: Db, ownerId: string, id: string): Promise<string> {
  const row = await owned(db, ownerId, id);
  if (row.broker !== 'kite')
    throw new AppError(
      'INVALID_INPUT',
      'not a kite account',
      'Only Kite accounts log in through the browser.',
    );
  const creds = openCredentials({ ...row, broker: 'kite' as const });
  const state = randomBytes(18).toString('base64url');
  await db.update(brokerAccounts).set({ loginState: state }).where(eq(brokerAccounts.id, row.id));
  const url = new URL(env().KITE_LOGIN_URL);
  url.searchParams.set('v', '3');
  url.searchParams.set('api_key', creds.apiKey);
  url.searchParams.set('redirect_params', new URLSearchParams({ state }).toString());
  return url.toString();
}

/** Step 2-3: the redirect back carries the request_token; a worker exchanges it for the access token. */
export async function completeKiteLogin(
  db: Db,
  ownerId: string,
  input: { state: string; requestToken: string },
): Promise<{ account: BrokerAccountView; message: string }> {
  if (
    !/^[A-Za-z0-9_-]{8,64}$/.test(input.state) ||
    !/^[A-Za-z0-9]{6,128}$/.test(input.requestToken)
  )
    throw new AppError(
      'INVALID_INPUT',
      'bad kite redirect',
      'The Kite login came back without a valid request token; start the login again.',
    );
  const [row] = await db
    .select()
    .from(brokerAccounts)
    .where(and(eq(brokerAccounts.ownerId, ownerId), eq(brokerAccounts.loginState, input.state)));
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      'no kite login with this state',
      'This Kite login is not one you started (or it was already used); start the login again.',
    );
  const creds = openCredentials({ ...row, broker: 'kite' as const });
  await db
    .update(brokerAccounts)
    .set({
      loginState: null,
      status: 'checking',
      credentials: sealCredentials(row, {
        apiKey: creds.apiKey,
        apiSecret: creds.apiSecret,
        requestToken: input.requestToken,
      }),
    })
    .where(eq(brokerAccounts.id, row.id));
  return testBrokerAccount(db, ownerId, row.id);
}

export async function disconnectBrokerAccount(db: Db, ownerId: string, id: string): Promise<void> {
  await owned(db, ownerId, id);
  await db
    .delete(brokerAccounts)
    .where(and(eq(brokerAccounts.id, id), eq(brokerAccounts.ownerId, ownerId)));
}

/** Accounts and sessions (better-auth, email + password) on our own database tables. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { getSessionCookie } from 'better-auth/cookies';
import { getDb, type Db } from '@/db/client';
import { env } from '@/db/env';
import * as schema from '@/db/schema';
import { guardAuth } from '@/server/auth-guard';
import { cachedSession, sessionsEnded } from '@/server/session-cache';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export type AuthOptions = {
  /** Signs session cookies; at least 32 characters. */
  secret: string;
  /** Public origin of the app, e.g. http://localhost:3000. */
  baseURL: string;
  /** Other origins allowed to post forms (the same app reached as 127.0.0.1 vs localhost). */
  trustedOrigins?: string[];
};

export function createAuth(db: Db, options: AuthOptions) {
  return betterAuth({
    appName: 'Strikeflow',
    database: drizzleAdapter(db, { provider: 'pg', schema }),
    secret: options.secret,
    baseURL: options.baseURL,
    trustedOrigins: options.trustedOrigins ?? [],
    emailAndPassword: {
      enabled: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      // Off, so sign-up answers the same for a new and an existing email (better-auth then
      // returns a uniform 200 and hashes the password either way); the form signs in next.
      autoSignIn: false,
    },
    session: {
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
    },
    rateLimit: {
      // Three tries per 10 s (better-auth's default) is tighter than a person mistyping a password needs.
      customRules: {
        '/sign-in/email': { window: 60, max: 10 },
        '/sign-up/email': { window: 60, max: 10 },
      },
    },
    // A session cached for the API (server/session-cache.ts) must stop working the moment it
    // ends: before its row goes (no request finds it cached after) and after (no lookup that read
    // it just before is stored).
    databaseHooks: {
      session: { delete: { before: sessionsEnded, after: sessionsEnded } },
      user: { update: { after: sessionsEnded } },
    },
    telemetry: { enabled: false },
    // Its warnings (each wrong password) go through when our own log is on.
    logger: { disabled: process.env.LOG_LEVEL === 'silent' },
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type SessionWithUser = Auth['$Infer']['Session'];

/**
 * BETTER_AUTH_SECRET when set; otherwise a random secret generated once and kept under DATA_DIR,
 * so `npm start` needs no configuration and sessions survive a restart.
 */
export function resolveSecret(): string {
  const e = env();
  if (e.BETTER_AUTH_SECRET) return e.BETTER_AUTH_SECRET;
  const file = path.resolve(e.DATA_DIR, 'auth-secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export function resolveOrigins(): { baseURL: string; trustedOrigins: string[] } {
  const e = env();
  const local = [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`];
  if (e.HOST !== '0.0.0.0' && e.HOST !== '::') local.push(`http://${e.HOST}:${e.PORT}`);
  const baseURL = e.BETTER_AUTH_URL ?? local[0];
  return { baseURL: new URL(baseURL).origin, trustedOrigins: [...new Set(local)] };
}

let handler: Promise<(request: Request) => Promise<Response>> | undefined;

/** better-auth's HTTP handler behind the guard (throttling, common passwords, NUL, Secure cookies). */
export function getAuthHandler(): Promise<(request: Request) => Promise<Response>> {
  handler ??= Promise.all([getAuth(), getDb()])
    .then(([auth, db]) => guardAuth(auth, { db, secret: resolveSecret() }))
    .catch((err) => {
      handler = undefined;
      throw err;
    });
  return handler;
}

// Per module copy, not on globalThis: the launcher and Next's bundle each load their own
// better-auth, and each builds its instance over the one shared database.
let instance: Promise<Auth> | undefined;

/** The process's auth instance, built on the shared database on first use. */
export function getAuth(): Promise<Auth> {
  instance ??= getDb()
    .then((db) => createAuth(db, { secret: resolveSecret(), ...resolveOrigins() }))
    .catch((err) => {
      instance = undefined;
      throw err;
    });
  return instance;
}

/**
 * The signed-in user's session for these request headers, or null. With the process's own auth
 * instance the answer may come from the session cache (a few seconds old at most, emptied by
 * every sign-out); an instance passed in (tests) is always asked.
 */
export async function getSession(headers: Headers, auth?: Auth): Promise<SessionWithUser | null> {
  if (auth) return auth.api.getSession({ headers });
  const a = await getAuth();
  return cachedSession(getSessionCookie(headers), () => a.api.getSession({ headers }));
}

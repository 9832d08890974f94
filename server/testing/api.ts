/** One private database, auth and signed-in tRPC callers per test file, so API tests all start the same way. */
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext, type Context } from '@/server/api/trpc';
import type { Auth } from '@/server/auth';
import { createTestAuth, signUp } from '@/server/testing/accounts';
import { openTestDb, type TestDb } from '@/tests/setup/db';

export type TestApi = {
  readonly db: Db;
  readonly auth: Auth;
  /** The request context for these headers (no session cookie: an anonymous visitor). */
  context(headers: Headers): Promise<Context>;
  /** Signs up a new account and returns its tRPC caller and user id. */
  callerFor(
    email: string,
  ): Promise<{ caller: ReturnType<typeof appRouter.createCaller>; userId: string }>;
};

/** Call at the top of a test file: opens the database before its tests and closes it after. */
export function useTestApi(): TestApi {
  let t: TestDb | undefined;
  let auth: Auth | undefined;
  beforeAll(async () => {
    t = await openTestDb();
    auth = createTestAuth(t.db);
  });
  afterAll(async () => {
    await t?.close();
  });
  const ready = () => {
    if (!t || !auth)
      throw new Error(
        'the test API is not open yet: call useTestApi() at the top of the test file and use it inside tests',
      );
    return { db: t.db, auth };
  };
  const api: TestApi = {
    get db() {
      return ready().db;
    },
    get auth() {
      return ready().auth;
    },
    context: (headers) => createContext({ headers, ...ready() }),
    async callerFor(email) {
      const headers = await signUp(ready().auth, { email });
      const ctx = await api.context(headers);
      if (!ctx.session) throw new Error(`no session for ${email}`);
      return { caller: appRouter.createCaller(ctx), userId: ctx.session.user.id };
    },
  };
  return api;
}

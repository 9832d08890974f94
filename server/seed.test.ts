import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import { strategies } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { compile } from '@/engine/graph';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { seedDemo } from '@/server/seed';
import { authRequest, createTestAuth, sessionHeaders } from '@/server/testing/accounts';
import type { Auth } from '@/server/auth';

let t: TestDb;
let auth: Auth;
beforeAll(async () => {
  t = await openTestDb();
  auth = createTestAuth(t.db);
});
afterAll(async () => {
  await t?.close();
});

describe('seedDemo', () => {
  it('creates a demo account that can sign in and see its example strategies', async () => {
    const creds = await seedDemo({ db: t.db, auth });
    expect(creds.created).toBe(true);

    const res = await auth.handler(
      authRequest('/sign-in/email', { email: creds.email, password: creds.password }),
    );
    expect(res.status).toBe(200);
    const caller = appRouter.createCaller(
      await createContext({ headers: sessionHeaders(res), db: t.db, auth }),
    );
    const list = await caller.strategies.list();
    expect(list.map((s) => s.name).sort()).toEqual([
      'BANKNIFTY straddle width with momentum entry',
      'NIFTY iron condor by delta',
      'NIFTY short straddle, 25% SL, re-cost',
    ]);

    const straddle = await caller.strategies.byId({
      id: list.find((s) => s.name.startsWith('NIFTY short straddle'))!.id,
    });
    expect(parseDsl(straddle.dsl)).toMatchObject({ ok: true });
    // What the canvas shows compiles back to exactly the stored strategy.
    expect(compile(straddle.graph)).toEqual({ ok: true, value: straddle.dsl });
  });

  it('leaves the data alone on the next start', async () => {
    const before = await t.db.select({ id: strategies.id }).from(strategies);
    const again = await seedDemo({ db: t.db, auth });
    expect(again.created).toBe(false);
    expect(await t.db.select({ id: strategies.id }).from(strategies)).toEqual(before);
  });
});

import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { strategies } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { compile } from '@/engine/graph';
import { appRouter } from '@/server/api/root';
import { DEMO_EMAIL, demoForHost, lockDemo, seedDemo } from '@/server/seed';
import { user } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { authRequest, sessionHeaders } from '@/server/testing/accounts';

const api = useTestApi();

describe('seedDemo', () => {
  it('creates a demo account that can sign in and see its example strategies', async () => {
    const creds = await seedDemo({ db: api.db, auth: api.auth });
    expect(creds.created).toBe(true);

    const res = await api.auth.handler(
      authRequest('/sign-in/email', { email: creds.email, password: creds.password }),
    );
    expect(res.status).toBe(200);
    const caller = appRouter.createCaller(await api.context(sessionHeaders(res)));
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
    const before = await api.db.select({ id: strategies.id }).from(strategies);
    const again = await seedDemo({ db: api.db, auth: api.auth });
    expect(again.created).toBe(false);
    expect(await api.db.select({ id: strategies.id }).from(strategies)).toEqual(before);
  });

  it('locks the demo account when the app is reachable from other machines', async () => {
    const creds = await seedDemo({ db: api.db, auth: api.auth });
    const before = await api.auth.handler(
      authRequest('/sign-in/email', { email: creds.email, password: creds.password }),
    );
    expect(before.status).toBe(200);
    const headers = sessionHeaders(before);
    expect(await lockDemo({ db: api.db, auth: api.auth })).toBe(true);
    const after = await api.auth.handler(
      authRequest('/sign-in/email', { email: creds.email, password: creds.password }),
    );
    expect(after.status).toBe(401);
    // Its open sessions end too.
    expect((await api.context(headers)).session).toBeNull();
  });

  it('makes no demo account when the app listens beyond loopback, and makes one on loopback', async () => {
    const deps = { db: api.db, auth: api.auth };
    await api.db.delete(user).where(eq(user.email, DEMO_EMAIL));
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'trade.example.com'])
      expect(await demoForHost(host, true, deps)).toEqual({ demo: null, locked: false });
    expect(await api.db.select().from(user).where(eq(user.email, DEMO_EMAIL))).toEqual([]);
    expect((await demoForHost('127.0.0.1', true, deps)).demo).toMatchObject({ created: true });
    // Started later on a public address, the existing demo account is locked.
    expect(await demoForHost('0.0.0.0', true, deps)).toEqual({ demo: null, locked: true });
  });
});

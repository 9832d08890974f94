/**
 * Start-up data. The example templates are product content every installation shows (on
 * Postgres too); the demo account and its strategies are created on first start in the embedded
 * default only, and later starts leave them as the user left them.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { isLoopbackHost } from '@/db/env';
import { logger } from '@/db/logger';
import { account, session, strategies, strategyVersions, user } from '@/db/schema';
import { getAuth, type Auth } from '@/server/auth';
import { demoStrategies } from '@/server/demo/examples';
import { seedExampleTemplates } from '@/server/services/template-examples';

export const DEMO_EMAIL = 'demo@strikeflow.local';
export const DEMO_PASSWORD = 'demo-password';
const DEMO_NAME = 'Demo Trader';

export type DemoCredentials = { email: string; password: string; created: boolean };

/** The template gallery starts with the DSL examples, on every start (idempotent). */
export async function seedExamples(deps: { db?: Db } = {}): Promise<void> {
  await seedExampleTemplates(deps.db ?? (await getDb()));
}

export async function seedDemo(deps: { db?: Db; auth?: Auth } = {}): Promise<DemoCredentials> {
  const db = deps.db ?? (await getDb());
  const auth = deps.auth ?? (await getAuth());

  const [existing] = await db
    .select({ id: user.id })
    .from(user)
    .where(eq(user.email, DEMO_EMAIL))
    .limit(1);
  if (existing) return { email: DEMO_EMAIL, password: DEMO_PASSWORD, created: false };

  // Through better-auth, so the password is hashed exactly as a sign-up through the page would.
  const { user: demo } = await auth.api.signUpEmail({
    body: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: DEMO_NAME },
  });

  await db.transaction(async (tx) => {
    for (const example of demoStrategies()) {
      const [row] = await tx
        .insert(strategies)
        .values({
          ownerId: demo.id,
          name: example.name,
          description: example.description,
          dsl: example.dsl,
          graph: example.graph,
        })
        .returning({ id: strategies.id, version: strategies.version });
      await tx.insert(strategyVersions).values({
        strategyId: row.id,
        ownerId: demo.id,
        version: row.version,
        name: example.name,
        description: example.description,
        dsl: example.dsl,
        graph: example.graph,
      });
    }
  });
  logger.info({ email: DEMO_EMAIL, strategies: demoStrategies().length }, 'demo account created');
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD, created: true };
}

/**
 * For an app reachable from other machines: the demo account's published password is replaced by
 * a random one and its sessions end, so "demo-password" opens nothing. True when it existed.
 */
export async function lockDemo(deps: { db?: Db; auth?: Auth } = {}): Promise<boolean> {
  const db = deps.db ?? (await getDb());
  const auth = deps.auth ?? (await getAuth());
  const [demo] = await db
    .select({ id: user.id })
    .from(user)
    .where(eq(user.email, DEMO_EMAIL))
    .limit(1);
  if (!demo) return false;
  const ctx = await auth.$context;
  const hash = await ctx.password.hash(randomBytes(32).toString('hex'));
  await db
    .update(account)
    .set({ password: hash })
    .where(and(eq(account.userId, demo.id), eq(account.providerId, 'credential')));
  await db.delete(session).where(eq(session.userId, demo.id));
  logger.warn({ email: DEMO_EMAIL }, 'demo account locked: the app listens beyond loopback');
  return true;
}

/**
 * The demo account for an app listening on `host`: created (when wanted) only on loopback; on any
 * other address an existing one is locked and none is made.
 */
export async function demoForHost(
  host: string,
  wanted: boolean,
  deps: { db?: Db; auth?: Auth } = {},
): Promise<{ demo: DemoCredentials | null; locked: boolean }> {
  if (!isLoopbackHost(host)) return { demo: null, locked: await lockDemo(deps) };
  return { demo: wanted ? await seedDemo(deps) : null, locked: false };
}

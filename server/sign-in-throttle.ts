/**
 * Slows down password guessing on one account without locking its owner out. Failed sign-ins
 * are counted per (account, client address) and per account. A client address that fails
 * too often on an account waits; when an account as a whole draws too many failures (guessing
 * from many addresses), only browsers that have not signed in to it before wait, so the owner
 * signs in as usual from their own browser (OWASP's "device cookie"). Counts live in Postgres.
 */
import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { signInThrottle } from '@/db/schema';

export type ThrottleRules = {
  windowMs: number;
  /** Failures from one address on one account before that address waits. */
  perClient: number;
  /** Failures on one account (from anywhere) before unknown browsers wait. */
  perAccount: number;
  blockMs: number;
};

export const DEFAULT_RULES: ThrottleRules = {
  windowMs: 15 * 60_000,
  perClient: 5,
  perAccount: 20,
  blockMs: 15 * 60_000,
};

/** Cookie listing the accounts this browser has signed in to (as keyed hashes). */
export const KNOWN_DEVICE_COOKIE = 'strikeflow.known-device';

export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly rules: ThrottleRules = DEFAULT_RULES,
  ) {}

  private hash(kind: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${kind}:${value}`).digest('base64url');
  }

  private keys(email: string, client: string) {
    const account = email.trim().toLowerCase();
    return {
      account: `account:${this.hash('account', account)}`,
      client: `client:${this.hash('client', `${account}|${client}`)}`,
    };
  }

  /** The token a browser keeps to show it signed in to this account before. */
  deviceToken(email: string): string {
    return this.hash('device', email.trim().toLowerCase()).slice(0, 22);
  }

  /** Milliseconds this attempt must wait, or 0 to let it through. */
  async waitFor(
    email: string,
    client: string,
    knownDevice: boolean,
    now = Date.now(),
  ): Promise<number> {
    const k = this.keys(email, client);
    const rows = await this.db
      .select()
      .from(signInThrottle)
      .where(sql`${signInThrottle.key} in (${k.account}, ${k.client})`);
    let wait = 0;
    for (const r of rows) {
      if (r.key === k.account && knownDevice) continue;
      const until = r.blockedUntil?.getTime() ?? 0;
      if (until > now) wait = Math.max(wait, until - now);
    }
    return wait;
  }

  async failed(email: string, client: string, now = Date.now()): Promise<void> {
    const k = this.keys(email, client);
    await this.bump(k.client, this.rules.perClient, now);
    await this.bump(k.account, this.rules.perAccount, now);
  }

  /** The owner got in from this address: its own failures are forgotten. */
  async succeeded(email: string, client: string): Promise<void> {
    await this.db
      .delete(signInThrottle)
      .where(eq(signInThrottle.key, this.keys(email, client).client));
  }

  private async bump(key: string, max: number, now: number): Promise<void> {
    const ts = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;
    const at = ts(now);
    const stale = ts(now - this.rules.windowMs);
    const until = ts(now + this.rules.blockMs);
    const t = signInThrottle;
    await this.db
      .insert(t)
      .values({
        key,
        failures: 1,
        windowStart: new Date(now),
        blockedUntil: max <= 1 ? new Date(now + this.rules.blockMs) : null,
      })
      .onConflictDoUpdate({
        target: t.key,
        set: {
          failures: sql`case when ${t.windowStart} < ${stale} then 1 else ${t.failures} + 1 end`,
          windowStart: sql`case when ${t.windowStart} < ${stale} then ${at} else ${t.windowStart} end`,
          blockedUntil: sql`case when (case when ${t.windowStart} < ${stale} then 1 else ${t.failures} + 1 end) >= ${max} then ${until} else ${t.blockedUntil} end`,
        },
      });
  }
}

// Sign-in and sign-up as a guesser and as the account's owner see them, through the same
// handler the app serves at /api/auth, on a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { user } from '@/db/schema';
import { guardAuth } from '@/server/auth-guard';
import { KNOWN_DEVICE_COOKIE } from '@/server/sign-in-throttle';
import { authRequest, createTestAuth, signUp } from '@/server/testing/accounts';
import { openTestDb, type TestDb } from '@/tests/setup/db';

let t: TestDb;
let handle: (r: Request) => Promise<Response>;

beforeAll(async () => {
  t = await openTestDb();
  handle = guardAuth(createTestAuth(t.db), {
    db: t.db,
    secret: 'test-secret-that-is-long-enough-0123456789',
  });
});
afterAll(async () => t?.close());

const signIn = (email: string, password: string, from: string, cookie = '') =>
  handle(
    authRequest(
      '/sign-in/email',
      { email, password },
      {
        'x-forwarded-for': from,
        ...(cookie ? { cookie } : {}),
      },
    ),
  );

function cookieOf(res: Response, name: string): string | undefined {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));
}

describe('sign-in throttling', () => {
  it('stops a guesser on one account without locking out its owner', async () => {
    const email = 'victim@example.test';
    const password = 'my-own-strike-price-77';
    await signUp(createTestAuth(t.db), { email, password });
    // The owner signed in from their browser before: it keeps a known-device cookie.
    const own = await signIn(email, password, '203.0.113.7');
    expect(own.status).toBe(200);
    const device = cookieOf(own, KNOWN_DEVICE_COOKIE)!;
    expect(device).toBeTruthy();

    // Five wrong guesses from one address: that address waits, even with the right password.
    for (let i = 0; i < 5; i++)
      expect((await signIn(email, `guess-${i}-xxxxxx`, '198.51.100.1')).status).toBe(401);
    const blocked = await signIn(email, password, '198.51.100.1');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await blocked.json()) as { message: string }).message).toMatch(
      /Too many failed sign-ins to this account\. Try again in 15 minutes/,
    );

    // Guessing from many addresses (a botnet, or a forged X-Forwarded-For) stops at the account.
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const r = await signIn(email, `spray-${i}-xxxxxx`, `192.0.2.${i + 10}`);
      if (r.status === 429) limited++;
    }
    expect(limited).toBeGreaterThanOrEqual(20);
    expect((await signIn(email, password, '192.0.2.200')).status).toBe(429);
    // ...while the owner's own browser still gets in, from anywhere.
    expect((await signIn(email, password, '192.0.2.201', device)).status).toBe(200);
    expect((await signIn(email, password, '203.0.113.7', device)).status).toBe(200);
  });
});

describe('sign-up', () => {
  const body = (email: string, password = 'gamma-scalper-042') => ({
    email,
    password,
    name: 'Someone',
  });

  it('refuses the commonest passwords and the email as password, creating nothing', async () => {
    for (const password of [
      'password',
      'Password123!',
      'iloveyou',
      'qwertyuiop',
      'me@example.test',
    ]) {
      const res = await handle(authRequest('/sign-up/email', body('me@example.test', password)));
      expect(res.status, password).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'PASSWORD_TOO_COMMON' });
    }
    expect(await t.db.select().from(user).where(eq(user.email, 'me@example.test'))).toEqual([]);
  });

  it('answers the same whether the email is new or taken', async () => {
    const first = await handle(authRequest('/sign-up/email', body('taken@example.test')));
    const again = await handle(
      authRequest('/sign-up/email', body('taken@example.test', 'another-long-pass-9')),
    );
    const fresh = await handle(authRequest('/sign-up/email', body('fresh@example.test')));
    for (const res of [first, again, fresh]) {
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
      const json = (await res.json()) as { token: unknown; user: Record<string, unknown> };
      expect(json.token).toBeNull();
      expect(Object.keys(json.user).sort()).toEqual(
        ['createdAt', 'email', 'emailVerified', 'id', 'image', 'name', 'updatedAt'].sort(),
      );
    }
    // The second sign-up did not change the first account's password.
    expect((await signIn('taken@example.test', 'gamma-scalper-042', '10.0.0.1')).status).toBe(200);
  });

  it('refuses NUL characters with a 400 instead of failing in the database', async () => {
    const res = await handle(
      authRequest('/sign-up/email', { ...body('nul@example.test'), name: 'Null\u0000Byte' }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/NUL character/);
  });

  it('refuses a body larger than an auth request can be', async () => {
    const res = await handle(
      authRequest('/sign-up/email', { ...body('big@example.test'), name: 'x'.repeat(100_000) }),
    );
    expect(res.status).toBe(413);
  });
});

describe('cookies over HTTPS', () => {
  it('marks every cookie Secure when the browser reached the app over HTTPS', async () => {
    await handle(
      authRequest('/sign-up/email', {
        email: 'tls@example.test',
        password: 'theta-decay-at-noon',
        name: 'T',
      }),
    );
    const plain = await signIn('tls@example.test', 'theta-decay-at-noon', '10.0.0.2');
    expect(plain.headers.getSetCookie().every((c) => !/;\s*Secure/i.test(c))).toBe(true);
    const tls = await handle(
      authRequest(
        '/sign-in/email',
        { email: 'tls@example.test', password: 'theta-decay-at-noon' },
        { 'x-forwarded-for': '10.0.0.2', 'x-forwarded-proto': 'https' },
      ),
    );
    expect(tls.status).toBe(200);
    const cookies = tls.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
  });
});

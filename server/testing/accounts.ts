/** Test helpers that create real accounts through better-auth's HTTP handler, as a browser would. */
import type { Db } from '@/db/client';
import { createAuth, type Auth } from '@/server/auth';

export const TEST_ORIGIN = 'http://localhost:3000';

export function createTestAuth(db: Db): Auth {
  return createAuth(db, {
    secret: 'test-secret-that-is-long-enough-0123456789',
    baseURL: TEST_ORIGIN,
  });
}

export function authRequest(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Request {
  return new Request(`${TEST_ORIGIN}/api/auth${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs up, then signs in as the sign-up form does, and returns headers carrying the session cookie. */
export async function signUp(
  auth: Auth,
  who: { email: string; password?: string; name?: string },
): Promise<Headers> {
  const password = who.password ?? 'correct-horse-battery';
  const res = await auth.handler(
    authRequest('/sign-up/email', { email: who.email, password, name: who.name ?? who.email }),
  );
  if (!res.ok) throw new Error(`sign-up of ${who.email} failed: ${res.status} ${await res.text()}`);
  const signedIn = await auth.handler(
    authRequest('/sign-in/email', { email: who.email, password }),
  );
  if (!signedIn.ok)
    throw new Error(`sign-in of ${who.email} failed: ${signedIn.status} ${await signedIn.text()}`);
  return sessionHeaders(signedIn);
}

export function sessionHeaders(res: Response): Headers {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('the auth response set no session cookie');
  return new Headers({ cookie });
}

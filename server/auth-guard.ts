/**
 * What stands in front of better-auth's handler: a small body cap, NUL characters refused (they
 * made Postgres fail with a 500), the commonest passwords refused at sign-up and password change,
 * per-account sign-in throttling (server/sign-in-throttle.ts), and `Secure` on every cookie when
 * the browser reached us over HTTPS. The uniform sign-up answer is better-auth's own (autoSignIn
 * off: an existing email gets the same 200 as a new one).
 */
import type { Db } from '@/db/client';
import { hasNul } from '@/datasets/text';
import type { Auth } from '@/server/auth';
import { passwordProblem } from '@/server/passwords';
import { KNOWN_DEVICE_COOKIE, SignInThrottle, type ThrottleRules } from '@/server/sign-in-throttle';

/** Auth requests are a few fields; anything bigger is not one. */
export const MAX_AUTH_BODY_BYTES = 64 * 1024;

const json = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

function anyNul(v: unknown): boolean {
  if (typeof v === 'string') return hasNul(v);
  if (Array.isArray(v)) return v.some(anyNul);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => hasNul(k) || anyNul(x));
  return false;
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function withSecureCookies(res: Response): Response {
  const cookies = res.headers.getSetCookie();
  if (!cookies.some((c) => !/;\s*secure(;|$)/i.test(c))) return res;
  const headers = new Headers(res.headers);
  headers.delete('set-cookie');
  for (const c of cookies)
    headers.append('set-cookie', /;\s*secure(;|$)/i.test(c) ? c : `${c}; Secure`);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

export type AuthGuardOptions = { db: Db; secret: string; rules?: ThrottleRules };

export function guardAuth(
  auth: Auth,
  opts: AuthGuardOptions,
): (request: Request) => Promise<Response> {
  const throttle = new SignInThrottle(opts.db, opts.secret, opts.rules);
  return async (request) => {
    const https = request.headers.get('x-forwarded-proto') === 'https';
    const res = await guarded(request);
    return https ? withSecureCookies(res) : res;
  };

  async function guarded(request: Request): Promise<Response> {
    if (request.method !== 'POST') return auth.handler(request);
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > MAX_AUTH_BODY_BYTES)
      return json(413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request is too large.' });
    const text = await request.text();
    if (Buffer.byteLength(text) > MAX_AUTH_BODY_BYTES)
      return json(413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request is too large.' });
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // better-auth answers malformed bodies itself.
    }
    if (hasNul(text) || anyNul(body))
      return json(400, {
        code: 'INVALID_INPUT',
        message:
          'A field holds a NUL character (\\u0000), which no name, email or password may contain.',
      });
    const forward = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: text,
    });
    const path = new URL(request.url).pathname.replace(/^.*\/api\/auth/, '');
    const email = typeof body.email === 'string' ? body.email : '';

    if (path === '/sign-up/email' || path === '/change-password' || path === '/reset-password') {
      const password = path === '/sign-up/email' ? body.password : body.newPassword;
      const problem = typeof password === 'string' ? passwordProblem(password, email) : null;
      if (problem) return json(400, { code: 'PASSWORD_TOO_COMMON', message: problem });
      return auth.handler(forward);
    }
    if (path !== '/sign-in/email' || !email) return auth.handler(forward);

    const client = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
    const token = throttle.deviceToken(email);
    const known = (cookieValue(request.headers.get('cookie'), KNOWN_DEVICE_COOKIE) ?? '')
      .split('.')
      .filter(Boolean);
    const waitMs = await throttle.waitFor(email, client, known.includes(token));
    if (waitMs > 0) {
      const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
      return json(
        429,
        {
          code: 'TOO_MANY_ATTEMPTS',
          message: `Too many failed sign-ins to this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}${
            known.includes(token) ? '' : ', or from a browser you signed in with before'
          }.`,
        },
        { 'retry-after': String(Math.ceil(waitMs / 1000)) },
      );
    }
    const res = await auth.handler(forward);
    if (res.status === 401) await throttle.failed(email, client);
    if (!res.ok) return res;
    await throttle.succeeded(email, client);
    const headers = new Headers(res.headers);
    const list = [token, ...known.filter((k) => k !== token)].slice(0, 10).join('.');
    headers.append(
      'set-cookie',
      `${KNOWN_DEVICE_COOKIE}=${list}; Path=/api/auth; Max-Age=${365 * 86_400}; HttpOnly; SameSite=Lax`,
    );
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

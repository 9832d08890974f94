/**
 * A person using a running app over HTTP, as the browser does: better-auth's sign-up and sign-in
 * endpoints for the session cookie, then the typed tRPC client for everything else. Used by the
 * fault suite and the abuse benchmark, which drive a real `npm start` from outside.
 */
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '@/server/api/root';

export type AppClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export type SignedIn = { email: string; cookie: string; api: AppClient };

/** A client for the app at `base` (restarts keep the port, so the client stays valid). */
export function clientFor(base: string, cookie: string): AppClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${base}/api/trpc`,
        transformer: superjson,
        headers: () => ({ cookie }),
      }),
    ],
  });
}

async function auth(base: string, path: string, body: object): Promise<Response> {
  return fetch(`${base}/api/auth${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(body),
  });
}

/** Signs up (the answer is the same for a taken email) and signs in; fails loudly when sign-in does. */
export async function signUpAndIn(
  base: string,
  who: { email: string; password: string; name?: string },
): Promise<SignedIn> {
  await auth(base, '/sign-up/email', { ...who, name: who.name ?? who.email });
  const res = await auth(base, '/sign-in/email', { email: who.email, password: who.password });
  if (!res.ok) throw new Error(`sign-in of ${who.email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { email: who.email, cookie, api: clientFor(base, cookie) };
}

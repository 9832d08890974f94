import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { useTestApi } from '@/server/testing/api';
import { z } from 'zod';
import { appRouter } from '@/server/api/root';
import { publicProcedure, router } from '@/server/api/trpc';
import { AppError, trpcCodeFor, type AppErrorCode } from '@/server/errors';
import { signUp, TEST_ORIGIN } from '@/server/testing/accounts';

const api = useTestApi();

// A router made from the real procedure builders, so it gets the real formatter and error mapping.
const probe = router({
  fail: publicProcedure.input(z.object({ code: z.string() })).query(({ input }) => {
    throw new AppError(
      input.code as AppErrorCode,
      `internal detail for ${input.code}`,
      `user-facing ${input.code}`,
    );
  }),
  crash: publicProcedure.query(() => {
    throw new Error('password=hunter2 leaked from a driver');
  }),
  order: publicProcedure
    .input(z.object({ strike: z.number().positive(), lots: z.number().int().min(1) }))
    .mutation(({ input }) => input),
});

async function call(
  path: string,
  opts: { input?: unknown; method?: 'GET' | 'POST'; headers?: Headers; on?: 'app' | 'probe' } = {},
) {
  const method = opts.method ?? 'GET';
  const payload = encodeURIComponent(JSON.stringify({ json: opts.input ?? null }));
  const url =
    method === 'GET'
      ? `${TEST_ORIGIN}/api/trpc/${path}?input=${payload}`
      : `${TEST_ORIGIN}/api/trpc/${path}`;
  const req = new Request(url, {
    method,
    headers: { 'content-type': 'application/json', ...Object.fromEntries(opts.headers ?? []) },
    body: method === 'POST' ? JSON.stringify({ json: opts.input }) : undefined,
  });
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: opts.on === 'probe' ? probe : appRouter,
    createContext: () => api.context(req.headers),
    onError: () => {},
  });
  const body = (await res.json()) as {
    error?: { json: { message: string; data: Record<string, unknown> } };
  };
  return { status: res.status, error: body.error?.json };
}

describe('tRPC error contract', () => {
  it('maps every AppError code to its HTTP status and shows the user message', async () => {
    const expected: Record<AppErrorCode, number> = {
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      INVALID_INPUT: 400,
      CONFLICT: 409,
      UNPROCESSABLE: 422,
      UNAVAILABLE: 503,
      TOO_MANY_REQUESTS: 429,
      PAYLOAD_TOO_LARGE: 413,
      INTERNAL: 500,
    };
    expect(Object.keys(trpcCodeFor).sort()).toEqual(Object.keys(expected).sort());
    for (const [code, status] of Object.entries(expected)) {
      const r = await call('fail', { input: { code }, on: 'probe' });
      expect(r.status, code).toBe(status);
      expect(r.error?.message).toBe(`user-facing ${code}`);
      expect(r.error?.data.userMessage).toBe(`user-facing ${code}`);
      expect(r.error?.data.appCode).toBe(code);
    }
  });

  it('flattens zod errors into per-field messages', async () => {
    const r = await call('order', {
      method: 'POST',
      input: { strike: -5, lots: 0.5 },
      on: 'probe',
    });
    expect(r.status).toBe(400);
    const zodError = r.error?.data.zodError as {
      fieldErrors: Record<string, string[]>;
      formErrors: string[];
    };
    expect(Object.keys(zodError.fieldErrors).sort()).toEqual(['lots', 'strike']);
    expect(zodError.fieldErrors.strike[0]).toMatch(/>0|positive|greater/i);
    expect(r.error?.data.userMessage).toMatch(/^Invalid input\. (strike|lots): /);
  });

  it('hides the message of an unexpected failure from the client', async () => {
    const r = await call('crash', { on: 'probe' });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.error)).not.toContain('hunter2');
    expect(r.error?.data.userMessage).toMatch(/Something went wrong on our side/);
    expect(r.error?.data.stack ?? null).toBeNull();
  });

  it('rejects protected procedures without a session with 401 and tells the user to sign in', async () => {
    const r = await call('strategies.list');
    expect(r.status).toBe(401);
    expect(r.error?.data.userMessage).toMatch(/Sign in/);
  });

  it('answers account.session with the signed-in user, and null when signed out', async () => {
    const headers = await signUp(api.auth, { email: 'trader@example.test', name: 'Trader' });
    const caller = appRouter.createCaller(await api.context(headers));
    expect(await caller.account.session()).toMatchObject({
      email: 'trader@example.test',
      name: 'Trader',
    });
    const anonymous = appRouter.createCaller(await api.context(new Headers()));
    expect(await anonymous.account.session()).toBeNull();
  });
});

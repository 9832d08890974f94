/** The tRPC backbone: request context, the error contract every client relies on, and the two procedure kinds. */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { AppError, toTRPCError } from '@/server/errors';
import { getSession, type Auth, type SessionWithUser } from '@/server/auth';
import { getDb, type Db } from '@/db/client';
import { logger } from '@/db/logger';

/*
 * 1. CONTEXT
 * Everything a procedure may use: the database and the caller's session (or null). Tests pass
 * their own database and auth instance; the HTTP route uses the process-wide ones.
 */
export type Context = { db: Db; session: SessionWithUser | null };

export async function createContext(opts: {
  headers: Headers;
  db?: Db;
  auth?: Auth;
}): Promise<Context> {
  const db = opts.db ?? (await getDb());
  // Without an instance of its own, the session may come from the process's session cache.
  return { db, session: await getSession(opts.headers, opts.auth) };
}

/*
 * 2. ERROR FORMAT
 * Every error reaching a client carries `data.userMessage` (safe to show as-is) and, for bad
 * input, `data.zodError` with the zod issues flattened to `{ formErrors, fieldErrors }`.
 * Internal failures never leak their message: the user reads a generic sentence, logs get the rest.
 */
const internalUserMessage =
  'Something went wrong on our side. Try again; if it keeps happening, check the server log.';

export function userMessageFor(error: TRPCError): string {
  if (error.cause instanceof AppError) return error.cause.userMessage;
  if (error.cause instanceof ZodError) {
    const first = error.cause.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    return `Invalid input. ${where}${first?.message ?? 'check the highlighted fields.'}`;
  }
  switch (error.code) {
    case 'UNAUTHORIZED':
      return 'You are signed out. Sign in to continue.';
    case 'FORBIDDEN':
      return 'You do not have access to this.';
    case 'NOT_FOUND':
      return error.message || 'Not found.';
    case 'INTERNAL_SERVER_ERROR':
      return internalUserMessage;
    default:
      return error.message;
  }
}

/*
 * 3. INIT
 */
const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const hideInternals =
      error.code === 'INTERNAL_SERVER_ERROR' && !(error.cause instanceof AppError);
    return {
      ...shape,
      message: hideInternals ? internalUserMessage : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: error.cause instanceof AppError ? error.cause.code : null,
        userMessage: userMessageFor(error),
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

/*
 * 4. APP ERRORS -> TRPC CODES
 * Services throw AppError without knowing about tRPC; this middleware is the one place that turns
 * them into tRPC errors (and so HTTP statuses). Anything else unexpected is logged once here.
 */
const mapErrors = t.middleware(async ({ next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (error.cause instanceof AppError) throw toTRPCError(error.cause);
  if (error.code === 'INTERNAL_SERVER_ERROR')
    logger.error({ err: error.cause ?? error, path, type }, 'tRPC procedure failed');
  return result;
});

/*
 * 5. NUL AT THE DOOR
 * Postgres refuses NUL in text and jsonb; a name, tag, search or graph holding one failed deep in
 * a query with a 500. Every input is walked once and refused with the field's path instead.
 */
function nulPath(v: unknown, at: string, depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? at || 'input' : null;
  if (v === null || typeof v !== 'object' || depth > 200) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nulPath(v[i], `${at}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v)) {
    const here = at ? `${at}.${k}` : k;
    if (k.includes('\u0000')) return here;
    const p = nulPath(x, here, depth + 1);
    if (p) return p;
  }
  return null;
}

const refuseNul = t.middleware(async ({ next, getRawInput }) => {
  const where = nulPath(await getRawInput(), '');
  if (where)
    throw new AppError(
      'INVALID_INPUT',
      `NUL character in ${where}`,
      `Invalid input. ${where} holds a NUL character (\\u0000), which no text here may contain; remove it and try again.`,
    );
  return next();
});

/*
 * 6. PROCEDURES
 * `protectedProcedure` narrows the context to a signed-in user so handlers never re-check.
 */
export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors).use(refuseNul);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new AppError(
      'UNAUTHENTICATED',
      'No session on a protected procedure',
      'You are signed out. Sign in to continue.',
    );
  }
  return next({ ctx: { session: ctx.session, user: ctx.session.user } });
});

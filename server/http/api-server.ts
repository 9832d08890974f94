/**
 * The API answered by the launcher's own http server, before a request reaches Next: GET
 * /api/health from the cached health report, and /api/trpc/* through tRPC's node adapter with
 * the same router, context and error format as Next's route (app/api/trpc). Next's route handling
 * cost about 4 ms of CPU a request, most of a `strategies.list`; here the request goes straight to
 * the procedure. Pages stay with Next. The launcher applies its guards (trusted forwarded headers,
 * body size limits) before calling this, exactly as it does before Next.
 */
import type http from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { healthAnswer } from '@/server/health';
import { bodyRule, cookieHeaders } from '@/server/http/request-limits';
import { createListCache, type ListCache } from '@/server/http/list-cache';
import { getSession } from '@/server/auth';
import { listGeneration } from '@/server/services/strategies';
import { getDb } from '@/db/client';

export const TRPC_ENDPOINT = '/api/trpc';

export type ApiServerOptions = {
  /** Headers every API answer carries (Next's `headers()` for /api/:path*: nosniff, CSP, ...). */
  headers: [string, string][];
  /** Serve tRPC here (production); in development Next's route keeps hot reloading. */
  trpc: boolean;
  /** Where served strategies lists are kept (default: one for this server, on the process's database and sessions). */
  listCache?: ListCache;
};

/** The request as the fetch-style Headers our context reads (the session cookie). */
function headersOf(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k.startsWith(':')) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  return headers;
}

/**
 * Returns a handler that answers the request and resolves true, or resolves false without
 * touching it (the request is for Next).
 */
export function createApiServer(
  opts: ApiServerOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> {
  const listCache =
    opts.listCache ??
    createListCache({
      userOf: async (req) => (await getSession(cookieHeaders(req)))?.user.id ?? null,
      generationOf: async (ownerId) => listGeneration(await getDb(), ownerId),
    });
  const setHeaders = (res: http.ServerResponse) => {
    for (const [k, v] of opts.headers) res.setHeader(k, v);
  };
  return async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname === '/api/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const { status, body } = await healthAnswer();
      setHeaders(res);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    if (
      !opts.trpc ||
      !pathname.startsWith(`${TRPC_ENDPOINT}/`) ||
      (req.method !== 'GET' && req.method !== 'POST')
    )
      return false;
    setHeaders(res);
    let procedures: string;
    try {
      procedures = decodeURIComponent(pathname.slice(TRPC_ENDPOINT.length + 1));
    } catch {
      const message = 'The procedure name in the URL is not valid percent-encoding: fix the URL.';
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, status: 400 } }));
      return true;
    }
    const answer = () =>
      nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: procedures,
        // The launcher already refused a declared length above these; this stops a body that
        // sends more than it declared.
        maxBodySize: bodyRule(url).limit,
        createContext: () => createContext({ headers: headersOf(req) }),
      });
    if (!(await listCache.serve(req, res, procedures, answer))) await answer();
    return true;
  };
}

/**
 * How large a request body may be, decided from the URL before a byte of the body is read: an
 * uploaded chain file travels inside `backtests.create`, everything else is small. Bodies above
 * the small limit are read only for a signed-in user, so nobody can make the server read 48 MB
 * without an account.
 */
export const MB = 1024 * 1024;

/** An uploaded file is at most 32 MB of text; JSON escaping adds up to about a third. */
export const UPLOAD_BODY_BYTES = 48 * MB;
/** A strategy graph is at most 4 MB (MAX_GRAPH_BYTES); a tRPC batch carries a few. */
export const API_BODY_BYTES = 8 * MB;
export const AUTH_BODY_BYTES = 64 * 1024;
export const OTHER_BODY_BYTES = 1 * MB;
/** Bodies above this need a session before they are read. */
export const ANONYMOUS_BODY_BYTES = 1 * MB;

export type BodyRule = { limit: number; what: string };

export function bodyRule(url: string): BodyRule {
  const pathname = url.split('?')[0];
  if (pathname.startsWith('/api/auth/'))
    return { limit: AUTH_BODY_BYTES, what: 'a sign-in request' };
  if (pathname.startsWith('/api/trpc/')) {
    const procedures = decodeURIComponent(pathname.slice('/api/trpc/'.length)).split(',');
    return procedures.includes('backtests.create')
      ? { limit: UPLOAD_BODY_BYTES, what: 'a backtest with its uploaded file (32 MB of data)' }
      : { limit: API_BODY_BYTES, what: 'an API request' };
  }
  return { limit: OTHER_BODY_BYTES, what: 'a request' };
}

export type BodyVerdict =
  { ok: true; needsSession: boolean } | { ok: false; status: 411 | 413; message: string };

export function judgeBody(
  method: string | undefined,
  url: string,
  headers: Record<string, string | string[] | undefined>,
): BodyVerdict {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS')
    return { ok: true, needsSession: false };
  const rule = bodyRule(url);
  const length = headers['content-length'];
  if (length === undefined) {
    if (headers['transfer-encoding'])
      return {
        ok: false,
        status: 411,
        message: 'Send the request with a Content-Length: bodies of unknown size are not accepted.',
      };
    return { ok: true, needsSession: false };
  }
  const bytes = Number(Array.isArray(length) ? length[0] : length);
  if (!Number.isFinite(bytes) || bytes > rule.limit)
    return {
      ok: false,
      status: 413,
      message: `The request is too large: ${rule.what} may be at most ${(rule.limit / MB).toFixed(rule.limit < MB ? 2 : 0)} MB.`,
    };
  return { ok: true, needsSession: bytes > ANONYMOUS_BODY_BYTES };
}

/** The session cookie alone, as fetch-style Headers: all a session check reads. */
export function cookieHeaders(req: { headers: { cookie?: string } }): Headers {
  const headers = new Headers();
  if (req.headers.cookie) headers.set('cookie', req.headers.cookie);
  return headers;
}

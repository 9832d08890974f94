/**
 * One HTTP call to a venue with a deadline, turning the outcome into our error kinds: timeouts
 * and dropped connections are transient, 429 and 5xx are transient, other statuses are handed
 * to the venue's own error mapping. Responses are size-limited: a venue answering megabytes
 * where kilobytes are expected is treated as broken, not buffered.
 */
import { VenueUnavailable } from './errors';

export type HttpResult = { status: number; headers: Headers; body: string };

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function venueFetch(
  venue: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<HttpResult> {
  const { timeoutMs, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new VenueUnavailable(
        'timeout',
        `${venue}: no answer within ${timeoutMs} ms (${init.method ?? 'GET'} ${new URL(url).pathname})`,
      );
    throw new VenueUnavailable(
      'network',
      `${venue}: connection failed (${init.method ?? 'GET'} ${new URL(url).pathname}): ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`,
    );
  }
  let body: string;
  try {
    const length = Number(res.headers.get('content-length') ?? '0');
    if (length > MAX_BODY_BYTES) throw new Error(`answer of ${length} bytes is too large`);
    body = await res.text();
  } catch (e) {
    throw new VenueUnavailable(
      (e as Error).name === 'TimeoutError' ? 'timeout' : 'network',
      `${venue}: the answer broke off (${new URL(url).pathname}): ${(e as Error).message}`,
    );
  }
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    throw new VenueUnavailable(
      'rate-limit',
      `${venue}: rate limited (HTTP 429) on ${new URL(url).pathname}`,
      429,
      Number.isFinite(after) && after > 0 ? after : undefined,
    );
  }
  if (res.status >= 500)
    throw new VenueUnavailable(
      'server',
      `${venue}: HTTP ${res.status} on ${new URL(url).pathname}: ${body.slice(0, 200)}`,
      res.status,
    );
  return { status: res.status, headers: res.headers, body };
}

/** Parses a JSON body, calling a body that is not JSON a transient fault (proxies answer HTML). */
export function jsonOf(venue: string, r: HttpResult): unknown {
  try {
    return JSON.parse(r.body);
  } catch {
    throw new VenueUnavailable(
      'server',
      `${venue}: HTTP ${r.status} answer is not JSON: ${r.body.slice(0, 120)}`,
      r.status,
    );
  }
}

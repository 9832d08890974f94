/**
 * A served `strategies.list` answer, kept per user and URL and served again while the owner's
 * list generation (db/schema.ts `strategyListGenerations`, raised by a trigger on every write
 * to their strategies, in the writer's transaction) is unchanged. A trader's list is read on
 * every visit to the Strategies page and far more often than it changes; a hit costs the session
 * check and one indexed read instead of the list query, its row mapping, its output check and
 * its serialisation (about 70 % of the request's CPU).
 *
 * Never stale: the generation is read before the list is (a write committing in between leaves
 * the entry under the older generation, so the next request reads the list again), and every
 * request reads it afresh, whichever process or path wrote. Never another user's: the key holds
 * the user id from the request's own session, checked on every request exactly as tRPC checks
 * it. Only plain 200 answers are kept, within byte and entry limits.
 */
import type http from 'node:http';

/** The procedure path whose answers are kept (a batch of it alone). */
export const CACHED_PROCEDURE = 'strategies.list';
export const LIST_CACHE_ENTRIES = 2_000;
/** A bigger answer (thousands of strategies) is served but not kept. */
export const LIST_CACHE_MAX_BODY = 1024 * 1024;
export const LIST_CACHE_MAX_BYTES = 64 * 1024 * 1024;

type Entry = {
  generation: number;
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
};

export type ListCacheDeps = {
  /** The signed-in user of this request, or null (then tRPC answers, and refuses it). */
  userOf: (req: http.IncomingMessage) => Promise<string | null>;
  /** The owner's list generation now (0 before their first write). */
  generationOf: (ownerId: string) => Promise<number>;
};

/** Headers that belong to one connection, one body or one session, not to the answer. */
const NOT_KEPT = new Set(['connection', 'content-length', 'date', 'keep-alive', 'set-cookie', 'transfer-encoding']); // prettier-ignore

export type ListCache = {
  /**
   * Answers `req` from the cache and resolves true, or runs `answer` (tRPC) and keeps what it
   * wrote when that was a 200; resolves false when the request is not one it keeps.
   */
  serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    procedures: string,
    answer: () => Promise<void>,
  ): Promise<boolean>;
  /** Entries and bytes held (tests, health). */
  size(): { entries: number; bytes: number };
  clear(): void;
};

export function createListCache(deps: ListCacheDeps): ListCache {
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    bytes -= e.body.length;
    entries.delete(key);
  };
  const keep = (key: string, e: Entry) => {
    drop(key);
    while (
      entries.size >= LIST_CACHE_ENTRIES ||
      (entries.size > 0 && bytes + e.body.length > LIST_CACHE_MAX_BYTES)
    )
      // prettier-ignore
      drop(entries.keys().next().value!);
    entries.set(key, e);
    bytes += e.body.length;
  };
  return {
    size: () => ({ entries: entries.size, bytes }),
    clear: () => {
      entries.clear();
      bytes = 0;
    },
    async serve(req, res, procedures, answer) {
      // A streamed (jsonl) answer or a batch with other procedures is not kept.
      if (req.method !== 'GET' || procedures !== CACHED_PROCEDURE || req.headers['trpc-accept'])
        return false;
      const userId = await deps.userOf(req).catch(() => null);
      if (!userId) return false;
      // Without a generation there is no way to know the entry is current: tRPC answers.
      const generation = await deps.generationOf(userId).catch(() => null);
      if (generation === null) return false;
      const key = `${userId}\n${req.url ?? ''}`;
      const hit = entries.get(key);
      if (hit && hit.generation === generation) {
        res.writeHead(hit.status, { ...hit.headers, 'content-length': hit.body.length });
        res.end(hit.body);
        return true;
      }
      if (hit) drop(key);
      const chunks: Buffer[] = [];
      let size = 0;
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
      const take = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
        if (size > LIST_CACHE_MAX_BODY) return;
        const b = Buffer.isBuffer(chunk)
          ? chunk
          : typeof chunk === 'string'
            ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') // prettier-ignore
            : Buffer.from(chunk as Uint8Array);
        size += b.length;
        chunks.push(b);
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        take(chunk, rest[0]);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        take(chunk, rest[0]);
        return end(chunk, ...rest);
      }) as typeof res.end;
      await answer();
      if (res.statusCode === 200 && size <= LIST_CACHE_MAX_BODY && res.writableEnded) {
        const headers: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(res.getHeaders()))
          if (!NOT_KEPT.has(k) && v !== undefined) headers[k] = v;
        keep(key, { generation, status: 200, headers, body: Buffer.concat(chunks) });
      }
      return true;
    },
  };
}

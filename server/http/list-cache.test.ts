// The strategies-list cache in front of tRPC's node adapter, on a real database and real
// sessions: a repeated list is served without running the procedure, and any write to the
// owner's strategies (through the services, raw SQL, deletes, a write landing while a list is
// being read) is seen by the very next request; nothing is ever served to another user.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategies } from '@/db/schema';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { createListCache } from '@/server/http/list-cache';
import { cookieHeaders } from '@/server/http/request-limits';
import { deleteStrategy, listGeneration, restoreStrategy } from '@/server/services/strategies';
import { signUp } from '@/server/testing/accounts';
import { useTestApi } from '@/server/testing/api';
import { insertStrategy } from '@/server/testing/strategies';

const api = useTestApi();
let server: http.Server;
let base = '';
let answered = 0;
/** Runs before the procedure on the next uncached request (a write racing the read). */
let beforeAnswer: (() => Promise<void>) | null = null;
const cache = createListCache({
  userOf: async (req) =>
    (await api.auth.api.getSession({ headers: cookieHeaders(req) }))?.user.id ?? null,
  generationOf: (ownerId) => listGeneration(api.db, ownerId),
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const procedures = decodeURIComponent((req.url ?? '').split('?')[0].slice('/api/trpc/'.length)); // prettier-ignore
    const answer = async () => {
      answered++;
      const racing = beforeAnswer;
      beforeAnswer = null;
      await racing?.();
      await nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: procedures,
        createContext: () => createContext({ headers: cookieHeaders(req), db: api.db, auth: api.auth }), // prettier-ignore
      });
    };
    void cache.serve(req, res, procedures, answer).then((kept) => (kept ? undefined : answer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const input = (search?: string) =>
  encodeURIComponent(JSON.stringify({ 0: { json: search ? { search } : {} } }));

async function list(cookie: string | null, opts: { search?: string; procedures?: string } = {}) {
  const before = answered;
  const procedures = opts.procedures ?? 'strategies.list';
  const count = procedures.split(',').length;
  const batchInput = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [i, { json: {} }])))); // prettier-ignore
  const res = await fetch(
    `${base}/api/trpc/${procedures}?batch=1&input=${opts.procedures ? batchInput : input(opts.search)}`,
    { headers: cookie ? { cookie } : {} },
  );
  const body = (await res.json()) as { result?: { data: { json: { name: string }[] } } }[];
  return {
    status: res.status,
    names: body[0].result?.data.json.map((s) => s.name).sort() ?? null,
    ran: answered > before,
    contentType: res.headers.get('content-type'),
  };
}

async function trader(email: string) {
  const headers = await signUp(api.auth, { email });
  const session = await api.auth.api.getSession({ headers });
  return { cookie: headers.get('cookie')!, id: session!.user.id };
}

describe('strategies list cache', () => {
  it('serves a repeated list without running the procedure, byte for byte', async () => {
    const a = await trader('cache-a@example.test');
    await insertStrategy(api.db, a.id, { name: 'Alpha' });
    const first = await list(a.cookie);
    expect(first).toMatchObject({ status: 200, names: ['Alpha'], ran: true });
    const again = await list(a.cookie);
    expect(again).toMatchObject({ status: 200, names: ['Alpha'], ran: false });
    expect(again.contentType).toBe(first.contentType);
    // Another search is another answer.
    expect(await list(a.cookie, { search: 'zzz' })).toMatchObject({ names: [], ran: true });
    expect(await list(a.cookie, { search: 'zzz' })).toMatchObject({ names: [], ran: false });
  });

  it('reads the list again after every kind of write to the owner’s strategies', async () => {
    const b = await trader('cache-b@example.test');
    const id = await insertStrategy(api.db, b.id, { name: 'One' });
    await list(b.cookie);
    expect((await list(b.cookie)).ran).toBe(false);

    const g0 = await listGeneration(api.db, b.id);
    await api.db.update(strategies).set({ name: 'One renamed' }).where(eq(strategies.id, id));
    expect(await listGeneration(api.db, b.id)).toBe(g0 + 1);
    expect(await list(b.cookie)).toMatchObject({ names: ['One renamed'], ran: true });

    await api.db.execute(sql`update strategies set name = 'Raw' where id = ${id}`);
    expect(await list(b.cookie)).toMatchObject({ names: ['Raw'], ran: true });

    await deleteStrategy(api.db, b.id, id);
    expect(await list(b.cookie)).toMatchObject({ names: [], ran: true });
    await restoreStrategy(api.db, b.id, id);
    expect(await list(b.cookie)).toMatchObject({ names: ['Raw'], ran: true });

    await insertStrategy(api.db, b.id, { name: 'Two' });
    expect(await list(b.cookie)).toMatchObject({ names: ['Raw', 'Two'], ran: true });
    await api.db.delete(strategies).where(eq(strategies.id, id));
    expect(await list(b.cookie)).toMatchObject({ names: ['Two'], ran: true });
    expect((await list(b.cookie)).ran).toBe(false);
  });

  it('never keeps a list read while a write was landing under the older generation', async () => {
    const c = await trader('cache-c@example.test');
    await insertStrategy(api.db, c.id, { name: 'Before' });
    // The generation is read, then the write commits, then the procedure reads the list.
    beforeAnswer = async () => {
      await insertStrategy(api.db, c.id, { name: 'During' });
    };
    expect(await list(c.cookie)).toMatchObject({ names: ['Before', 'During'], ran: true });
    // Kept under the generation read before the write: not served again.
    expect(await list(c.cookie)).toMatchObject({ names: ['Before', 'During'], ran: true });
    expect((await list(c.cookie)).ran).toBe(false);
  });

  it('serves each user their own list, and nothing to a visitor without a session', async () => {
    const d = await trader('cache-d@example.test');
    const e = await trader('cache-e@example.test');
    await insertStrategy(api.db, d.id, { name: 'Mine' });
    await list(d.cookie);
    expect(await list(e.cookie)).toMatchObject({ names: [], ran: true });
    expect(await list(d.cookie)).toMatchObject({ names: ['Mine'], ran: false });
    const anonymous = await list(null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.ran).toBe(true);
    const forged = await list(`${d.cookie.split('=')[0]}=forged.value`);
    expect(forged.status).toBe(401);
    expect(forged.ran).toBe(true);
  });

  it('keeps nothing of a batch that holds another procedure', async () => {
    const f = await trader('cache-f@example.test');
    await insertStrategy(api.db, f.id, { name: 'Batch' });
    const procedures = 'strategies.list,templates.list';
    expect((await list(f.cookie, { procedures })).ran).toBe(true);
    expect((await list(f.cookie, { procedures })).ran).toBe(true);
  });
});

// A failed query is logged with its SQL and reason, never with its parameters (user data, and a
// 5 MB graph made a 15 MB log line).
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '@/tests/setup/db';
import pino from 'pino';
import { REDACT_PATHS, createLogger } from './logger';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.close());

describe('the log', () => {
  it('keeps a failed query and its reason but not its parameters', async () => {
    const secret = `graph-${'z'.repeat(1_000_000)}`;
    let err: unknown;
    try {
      await t.db.execute(sql`select ${secret}::int`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger(sink);
    log.level = 'info';
    log.error({ err, path: 'strategies.save' }, 'tRPC procedure failed');
    const line = JSON.parse(out) as { err: { message: string; cause?: { message: string } } };
    expect(out.length).toBeLessThan(10_000);
    expect(out).not.toContain('graph-z');
    expect(line.err.message).toMatch(/Failed query: select \$1::int/);
    expect(JSON.stringify(line.err.cause)).toMatch(/invalid input syntax for type integer/);
  });
});

describe('logger redaction', () => {
  it('never writes broker secrets, at the top level or nested, whatever object is logged', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info(
      {
        credentials: 'v1:sealed',
        account: { apiSecret: 'kite-secret-1', label: 'main' },
        req: { headers: { authorization: 'token key:access-2' } },
        deribit: { params: { client_secret: 'deribit-secret-3' } },
        access_token: 'access-4',
      },
      'connecting',
    );
    const out = lines.join('');
    for (const s of ['v1:sealed', 'kite-secret-1', 'access-2', 'deribit-secret-3', 'access-4'])
      expect(out).not.toContain(s);
    expect(out).toContain('"label":"main"');
  });
});

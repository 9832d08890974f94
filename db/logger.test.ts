import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS } from './logger';

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

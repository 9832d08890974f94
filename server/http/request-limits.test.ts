// Bodies are judged by their declared size and the URL before any of them is read.
import { describe, expect, it } from 'vitest';
import { MB, judgeBody } from './request-limits';

describe('request body limits', () => {
  const len = (n: number) => ({ 'content-length': String(n) });

  it('lets small bodies and reads through', () => {
    expect(judgeBody('GET', '/api/trpc/strategies.list', {})).toEqual({
      ok: true,
      needsSession: false,
    });
    expect(judgeBody('POST', '/api/trpc/strategies.save', len(3 * MB))).toEqual({
      ok: true,
      needsSession: true,
    });
    expect(judgeBody('POST', '/api/auth/sign-in/email', len(200))).toEqual({
      ok: true,
      needsSession: false,
    });
  });

  it('refuses by declared size, per kind of request, before reading', () => {
    expect(judgeBody('POST', '/api/trpc/strategies.create', len(100 * MB))).toMatchObject({
      ok: false,
      status: 413,
      message: 'The request is too large: an API request may be at most 8 MB.',
    });
    expect(judgeBody('POST', '/api/auth/sign-up/email', len(65 * 1024))).toMatchObject({
      status: 413,
      message: 'The request is too large: a sign-in request may be at most 0.06 MB.',
    });
    // A backtest with its upload may be bigger, but only for someone signed in.
    expect(judgeBody('POST', '/api/trpc/backtests.create', len(40 * MB))).toEqual({
      ok: true,
      needsSession: true,
    });
    expect(judgeBody('POST', '/api/trpc/backtests.create', len(49 * MB))).toMatchObject({
      status: 413,
    });
    expect(judgeBody('POST', '/api/trpc/x', { 'transfer-encoding': 'chunked' })).toMatchObject({
      status: 411,
    });
    expect(judgeBody('POST', '/sign-in', len(2 * MB))).toMatchObject({ status: 413 });
  });
});

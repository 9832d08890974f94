import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('environment', () => {
  it('starts with no variables at all: embedded database, port 3000, data under .data', () => {
    const e = parseEnv({});
    expect(e).toMatchObject({ PORT: 3000, DATA_DIR: '.data' });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.REDIS_URL).toBeUndefined();
  });

  it('runs two tick evaluations at once per worker process unless told otherwise', () => {
    expect(parseEnv({}).EVALUATE_CONCURRENCY).toBe(2);
    expect(parseEnv({ EVALUATE_CONCURRENCY: '4' }).EVALUATE_CONCURRENCY).toBe(4);
  });

  it('treats a blank variable as unset', () => {
    expect(parseEnv({ PORT: '  ' }).PORT).toBe(3000);
  });

  it.each([
    [
      { PORT: 'abc' },
      /^Invalid environment variable PORT: must be a whole number from 1 to 65535 \(got "abc"\)$/,
    ],
    [{ PORT: '70000' }, /^Invalid environment variable PORT: /],
    [
      { DATABASE_URL: 'mysql://x' },
      /^Invalid environment variable DATABASE_URL: must look like postgres:\/\//,
    ],
    [
      { REDIS_URL: 'localhost:6379' },
      /^Invalid environment variable REDIS_URL: must look like redis:\/\/host:6379/,
    ],
    [
      { BETTER_AUTH_SECRET: 'short' },
      /^Invalid environment variable BETTER_AUTH_SECRET: must be at least 32 characters[^"]*$/,
    ],
    [{ LOG_LEVEL: 'loud' }, /^Invalid environment variable LOG_LEVEL: /],
    [
      { EVALUATE_CONCURRENCY: '0' },
      /^Invalid environment variable EVALUATE_CONCURRENCY: must be a whole number from 1 to 64 \(got "0"\)$/,
    ],
    [
      { TRUSTED_PROXIES: '10.0.0.1, proxy.internal' },
      /^Invalid environment variable TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR ranges/,
    ],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, /^Invalid environment variable TRUSTED_PROXIES: /],
    [{ BACKTEST_EXECUTION: 'fork' }, /^Invalid environment variable BACKTEST_EXECUTION: /],
    [
      { STRIKEFLOW_SECRET_KEY: 'abcd' },
      /^Invalid environment variable STRIKEFLOW_SECRET_KEY: must be 32 bytes as 64 hex digits or base64[^"]*$/,
    ],
    [
      { KITE_API_URL: 'api.kite.trade' },
      /^Invalid environment variable KITE_API_URL: must be a URL/,
    ],
    [
      { DERIBIT_WS_URL: 'https://test.deribit.com/ws/api/v2' },
      /^Invalid environment variable DERIBIT_WS_URL: must start with ws:\/\/ or wss:\/\//,
    ],
  ])('names the bad variable in one line: %j', (vars, message) => {
    const err = (() => {
      try {
        parseEnv(vars);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('never echoes a database password', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://u:hunter2@host/db' })).toThrow(
      /got "mysql:\/\/u:\*\*\*@host\/db"/,
    );
    expect(() => parseEnv({ DATABASE_URL: 'mysql://u:hunter2@host/db' })).not.toThrow(/hunter2/);
  });

  it('reads the trusted proxies and the backtest limits', () => {
    expect(parseEnv({ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).TRUSTED_PROXIES).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(parseEnv({})).toMatchObject({
      TRUSTED_PROXIES: [],
      BACKTEST_MAX_DAYS: 1830,
      BACKTEST_MAX_MINUTES: 30,
      BACKTEST_USER_CONCURRENCY: 2,
      BACKTEST_EXECUTION: 'thread',
      UPLOAD_QUOTA_MB: 512,
    });
  });
});

describe('broker settings', () => {
  it('defaults to the brokers own endpoints (Alpaca paper) and accepts a 32-byte key as hex or base64', () => {
    const e = parseEnv({});
    expect(e.KITE_API_URL).toBe('https://api.kite.trade');
    expect(e.ALPACA_API_URL).toBe('https://paper-api.alpaca.markets');
    expect(e.DERIBIT_WS_URL).toBe('wss://www.deribit.com/ws/api/v2');
    const key = Buffer.alloc(32, 7);
    expect(parseEnv({ STRIKEFLOW_SECRET_KEY: key.toString('hex') }).STRIKEFLOW_SECRET_KEY).toBe(
      key.toString('hex'),
    );
    expect(() => parseEnv({ STRIKEFLOW_SECRET_KEY: key.toString('base64') })).not.toThrow();
    expect(() => parseEnv({ STRIKEFLOW_SECRET_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /STRIKEFLOW_SECRET_KEY/,
    );
  });
});

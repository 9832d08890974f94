/** One structured logger (pino) for the server, the workers and the launcher. */
import pino from 'pino';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function level(): string {
  const l = process.env.LOG_LEVEL?.trim();
  return l && levels.includes(l) ? l : 'info';
}

const holder = globalThis as unknown as { __strikeflowLogger?: pino.Logger };

/**
 * Secrets never reach a log line, whatever object a caller logs: broker credentials and tokens
 * by their field names, at the top level and one or two levels down.
 */
const SECRET_FIELDS = [
  'credentials',
  'apiSecret',
  'api_secret',
  'accessToken',
  'access_token',
  'requestToken',
  'request_token',
  'refreshToken',
  'refresh_token',
  'secretKey',
  'secret_key',
  'clientSecret',
  'client_secret',
  'password',
  'authorization',
  'checksum',
  'APCA-API-SECRET-KEY',
];
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`;
  const dot = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${dot}`, `*.*${dot}`];
});

export const logger: pino.Logger = (holder.__strikeflowLogger ??= pino({
  name: 'strikeflow',
  level: level(),
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
}));

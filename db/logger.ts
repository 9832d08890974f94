/**
 * One structured logger (pino) for the server, the workers and the launcher. Errors are logged
 * without the parameters of a failed query (drizzle puts them in the message: a 5 MB graph made a
 * 15 MB log line, and parameters hold user data) and with every text capped.
 */
import pino from 'pino';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MAX_TEXT = 2_000;

function level(): string {
  const l = process.env.LOG_LEVEL?.trim();
  return l && levels.includes(l) ? l : 'info';
}

function scrub(text: string): string {
  // "Failed query: <sql>\nparams: <values>" up to the stack's first frame.
  const s = text
    .replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, '\nparams: (not logged)')
    // Postgres quotes the value it could not take (invalid input syntax ...: "<value>"); names
    // of columns and types are short and stay.
    .replace(/"[^"\n]{21,}"/g, (q) => `"…${q.length - 2} characters"`);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length} characters)` : s;
}

type LoggedError = {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: LoggedError;
};

/** An error as it may appear in the log: no query parameters, bounded size, causes followed a few deep. */
export function loggableError(err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error))
    return {
      type: typeof err,
      message: scrub(typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err))),
    };
  const e = err as Error & { code?: unknown; cause?: unknown; query?: unknown };
  const out: LoggedError = { type: e.name, message: scrub(e.message) };
  if (e.stack) out.stack = scrub(e.stack);
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.query === 'string') out.message = scrub(`Failed query: ${e.query}`);
  if (e.cause !== undefined && depth < 3) out.cause = loggableError(e.cause, depth + 1);
  return out;
}

export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name: 'strikeflow',
    level: level(),
    serializers: { err: loggableError, error: loggableError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
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

export const logger: pino.Logger = (holder.__strikeflowLogger ??= createLogger());

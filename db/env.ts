/**
 * The process environment, validated once with zod so a bad variable stops start-up with one
 * line naming it instead of failing later somewhere deep in a request.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) =>
    v === undefined || v === '' ? undefined : v === '1' || v === 'true' || v === 'yes',
  );

/** 32 bytes as 64 hex digits or base64 (44 characters with padding). */
export function decodeSecretKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    const b = Buffer.from(value, 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}

const secretKey = z
  .string()
  .refine((v) => decodeSecretKey(v) !== null, {
    message: 'must be 32 bytes as 64 hex digits or base64 (try: openssl rand -hex 32)',
  })
  .optional();

function endpoint(protocols: string[], example: string) {
  return z
    .url(`must be a URL like ${example}`)
    .refine((v) => !URL.canParse(v) || protocols.includes(new URL(v).protocol), {
      message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (like ${example})`,
    });
}
const httpUrl = (example: string) => endpoint(['http:', 'https:'], example).default(example);
const wsUrl = (example: string) => endpoint(['ws:', 'wss:'], example).default(example);

function wholeNumber(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** An IPv4/IPv6 address, optionally with a /prefix. */
export function isAddressOrRange(v: string): boolean {
  const [addr, prefix, ...rest] = v.split('/');
  if (rest.length) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d+$/.test(prefix) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: wholeNumber(1, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must look like postgres://user:password@host:5432/database')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must look like redis://host:6379')
    .optional(),
  BETTER_AUTH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (try: openssl rand -hex 32)')
    .optional(),
  BETTER_AUTH_URL: z
    .url('must be the public URL of the app, like http://localhost:3000')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: flag,
  WORKER_PROCESSES: wholeNumber(0, 64).default(1),
  WORKER_CONCURRENCY: wholeNumber(1, 256).default(4),
  /**
   * Tick evaluations one worker process runs at once (at most WORKER_CONCURRENCY). Each already
   * evaluates its deployments in two batches at a time, so more of them on a machine's cores only
   * share the same CPU and wait on each other's locks (bench/live: with 4, two processes were
   * three times slower to fill a tick than with 2). Split over the shard queues the process
   * serves (one each when it holds both leases).
   */
  EVALUATE_CONCURRENCY: wholeNumber(1, 64).default(2),
  HEARTBEAT_INTERVAL_MS: wholeNumber(200, 600_000).default(5_000),
  /** Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs). */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isAddressOrRange), {
      error:
        'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8',
    }),
  /** Longest simulator range a backtest may ask for, in days at 60 s snapshots. */
  BACKTEST_MAX_DAYS: wholeNumber(1, 36_600).default(1_830),
  /** A backtest still running after this many minutes is stopped and failed. */
  BACKTEST_MAX_MINUTES: wholeNumber(1, 10_080).default(30),
  /** Backtests one user may have running at once (0: no limit, the old behaviour). */
  BACKTEST_USER_CONCURRENCY: wholeNumber(0, 256).default(2),
  /** thread: backtests compute on worker threads; inline: on the worker's event loop (measuring only). */
  BACKTEST_EXECUTION: z.enum(['thread', 'inline']).default('thread'),
  /** Space one user's uploaded data files may take, in megabytes. */
  UPLOAD_QUOTA_MB: wholeNumber(1, 1_000_000).default(512),
  /** Encrypts broker credentials at rest; generated into DATA_DIR/secret-key when unset. */
  STRIKEFLOW_SECRET_KEY: secretKey,
  KITE_API_URL: httpUrl('https://api.kite.trade'),
  KITE_WS_URL: wsUrl('wss://ws.kite.trade'),
  KITE_LOGIN_URL: httpUrl('https://kite.zerodha.com/connect/login'),
  // Alpaca's paper endpoints by default: live keys fail there loudly instead of trading by surprise.
  ALPACA_API_URL: httpUrl('https://paper-api.alpaca.markets'),
  ALPACA_STREAM_URL: wsUrl('wss://paper-api.alpaca.markets/stream'),
  ALPACA_DATA_URL: httpUrl('https://data.alpaca.markets'),
  ALPACA_DATA_STREAM_URL: wsUrl('wss://stream.data.alpaca.markets/v1beta1'),
  DERIBIT_WS_URL: wsUrl('wss://www.deribit.com/ws/api/v2'),
  /** Telegram Bot API base URL (alerts: POST <url>/bot<token>/sendMessage). */
  TELEGRAM_API_URL: httpUrl('https://api.telegram.org'),
  /** allow: alert webhooks may target loopback and private networks (local tools, tests). */
  ALERT_WEBHOOK_PRIVATE: z.enum(['deny', 'allow']).default('deny'),
});

export type Env = z.infer<typeof envSchema>;

/** Raised with a one-line message naming the variable and what it must be. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

// Blank values count as unset: `PORT= npm start` should mean the default, not "invalid".
function withoutBlanks(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source))
    if (v !== undefined && v.trim() !== '') out[k] = v.trim();
  return out;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(withoutBlanks(source));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0] ?? 'environment');
  const got = source[name];
  const shown = name.includes('SECRET') || got === undefined ? '' : ` (got "${redact(got)}")`;
  throw new EnvError(`Invalid environment variable ${name}: ${issue.message}${shown}`);
}

// Never print a password that was pasted into a connection URL.
function redact(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

const cache = globalThis as unknown as { __strikeflowEnv?: Env };

/** The validated environment of this process; parsed on first use and then fixed. */
export function env(): Env {
  cache.__strikeflowEnv ??= parseEnv();
  return cache.__strikeflowEnv;
}

/** Forget the cached environment, for the launcher after it fills in REDIS_URL or a secret. */
export function resetEnv(): void {
  cache.__strikeflowEnv = undefined;
}

/** True when the app keeps its data in the embedded PGlite database under DATA_DIR. */
export function isEmbedded(e: Env = env()): boolean {
  return e.DATABASE_URL === undefined;
}

/** Whether HOST keeps the app to this machine (only then may the demo account, with its published password, exist). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

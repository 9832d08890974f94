/**
 * The database schema (drizzle). One schema serves PGlite and Postgres; drizzle-kit turns it into
 * the SQL migrations in db/migrations. better-auth's four tables keep the property names its
 * drizzle adapter looks up (`emailVerified`, `userId`, ...), with snake_case columns.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).defaultNow().notNull();
const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .defaultNow()
    .$onUpdate(() => new Date())
    .notNull();

// ---- better-auth -------------------------------------------------------------------------

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').default(false).notNull(),
  image: text('image'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const session = pgTable(
  'session',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    token: text('token').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
  },
  (t) => [index('session_user_id_idx').on(t.userId)],
);

export const account = pgTable(
  'account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('account_user_id_idx').on(t.userId)],
);

export const verification = pgTable(
  'verification',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('verification_identifier_idx').on(t.identifier)],
);

/**
 * Failed sign-ins per account and per (account, client address), so guessing is slowed down for
 * the guesser while the account's owner keeps signing in (server/auth-guard.ts). Keys are hashes,
 * never the email typed.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
});

// ---- strategies ----------------------------------------------------------------------------

/**
 * A user's editable strategy. `dsl` is the validated strategy document, `graph` the canvas
 * layout; `version` increases on every save so two tabs cannot overwrite each other silently.
 */
export const strategies = pgTable(
  'strategies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** The compiled strategy while the graph compiles; null while the draft has problems. */
    dsl: jsonb('dsl').$type<Record<string, unknown>>(),
    graph: jsonb('graph').$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull().default(1),
    forkedFromTemplateId: uuid('forked_from_template_id').references(
      (): AnyPgColumn => templates.id,
      {
        onDelete: 'set null',
      },
    ),
    /** The template version a fork was taken from, so a newer published version can be offered. */
    forkedFromTemplateVersion: integer('forked_from_template_version'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Soft delete, so "Undo" after a delete can bring the strategy back. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('strategies_owner_updated_idx').on(t.ownerId, t.updatedAt),
    // My strategies: the live ones of one owner, newest first, without touching graphs.
    index('strategies_owner_live_idx')
      .on(t.ownerId, t.updatedAt.desc())
      .where(sql`${t.deletedAt} is null`),
    check('strategies_version_positive', sql`${t.version} >= 1`),
  ],
);

/**
 * An immutable snapshot of a strategy as it was when backtested or published. It outlives the
 * strategy (strategy_id becomes null) because templates and backtest reports point at it.
 */
export const strategyVersions = pgTable(
  'strategy_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    strategyId: uuid('strategy_id').references(() => strategies.id, { onDelete: 'set null' }),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    dsl: jsonb('dsl').$type<Record<string, unknown>>().notNull(),
    graph: jsonb('graph').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('strategy_versions_strategy_version_uq').on(t.strategyId, t.version)],
);

// ---- templates -----------------------------------------------------------------------------

/** A published strategy version others can browse and fork; lineage via forked_from_template_id. */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    strategyVersionId: uuid('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id, { onDelete: 'restrict' }),
    authorId: text('author_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    isPublic: boolean('is_public').notNull().default(false),
    forkCount: integer('fork_count').notNull().default(0),
    forkedFromTemplateId: uuid('forked_from_template_id').references(
      (): AnyPgColumn => templates.id,
      {
        onDelete: 'set null',
      },
    ),
    /** The latest published version number; strategy_version_id is that version's snapshot. */
    version: integer('version').notNull().default(1),
    /** The author's strategy new versions are published from (null for seeded examples). */
    sourceStrategyId: uuid('source_strategy_id').references((): AnyPgColumn => strategies.id, {
      onDelete: 'set null',
    }),
    /** Set for the gallery's built-in examples, so seeding them again finds them instead of duplicating. */
    exampleKey: text('example_key').unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('templates_public_created_idx').on(t.isPublic, t.createdAt),
    index('templates_author_idx').on(t.authorId),
    check('templates_fork_count_nonnegative', sql`${t.forkCount} >= 0`),
  ],
);

/** Every published version of a template, oldest first; forks compare their version with the latest. */
export const templateVersions = pgTable(
  'template_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    strategyVersionId: uuid('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id, { onDelete: 'restrict' }),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('template_versions_template_version_uq').on(t.templateId, t.version)],
);

// ---- backtests -----------------------------------------------------------------------------

export const backtestStatus = pgEnum('backtest_status', [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);

/**
 * One backtest run of a strategy version. `dataSource` says which chains were replayed
 * (uploaded file, simulator seed, ...), `settings` the fill model and costs used, `report` the
 * public backtest report JSON once it succeeded, `error` the user-facing reason when it failed.
 */
export const backtests = pgTable(
  'backtests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    strategyVersionId: uuid('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id, { onDelete: 'cascade' }),
    dataSource: jsonb('data_source').$type<Record<string, unknown>>().notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    status: backtestStatus('status').notNull().default('queued'),
    progress: real('progress').notNull().default(0),
    report: jsonb('report').$type<Record<string, unknown>>(),
    error: text('error'),
    /** How many times a worker started this run: more than one means it was restarted after a crash. */
    attempts: integer('attempts').notNull().default(0),
    /** What the user should know about how the run went (restarts), shown with the results. */
    notes: jsonb('notes')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('backtests_owner_created_idx').on(t.ownerId, t.createdAt),
    // The sweep and the per-user concurrency check read the unfinished runs only.
    index('backtests_unfinished_idx')
      .on(t.ownerId, t.status)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('backtests_strategy_version_idx').on(t.strategyVersionId),
    check('backtests_progress_range', sql`${t.progress} >= 0 and ${t.progress} <= 1`),
  ],
);

// ---- broker accounts -----------------------------------------------------------------------

export const brokerKind = pgEnum('broker_kind', ['kite', 'alpaca', 'deribit']);

/**
 * connected: the last check reached the broker with these credentials. login_required: Kite's
 * daily session has ended (06:00 IST) or was never opened. error: the last check failed (the
 * message is in last_error). checking: a check is queued.
 */
export const brokerAccountStatus = pgEnum('broker_account_status', [
  'checking',
  'connected',
  'login_required',
  'error',
]);

/**
 * A trader's connection to a broker. `credentials` is sealed JSON (db/secret-box: AES-256-GCM,
 * bound to this row) holding the API key and secret, access token or client secret; it never
 * leaves the server. `profile` holds what may be shown: a masked key, the broker's user id.
 * Never name this `account`: better-auth owns that table.
 */
export const brokerAccounts = pgTable(
  'broker_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    broker: brokerKind('broker').notNull(),
    label: text('label').notNull(),
    status: brokerAccountStatus('status').notNull().default('checking'),
    credentials: text('credentials').notNull(),
    profile: jsonb('profile').$type<Record<string, string>>().notNull().default({}),
    /** When the broker session ends (Kite: the next 06:00 IST after login); null when it does not. */
    sessionExpiresAt: timestamp('session_expires_at', { withTimezone: true }),
    /** The nonce of a Kite login in progress (checked on the redirect back). */
    loginState: text('login_state'),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('broker_accounts_owner_idx').on(t.ownerId),
    uniqueIndex('broker_accounts_owner_label_uq').on(t.ownerId, t.label),
    uniqueIndex('broker_accounts_login_state_uq').on(t.loginState),
  ],
);

export type User = typeof user.$inferSelect;
export type Strategy = typeof strategies.$inferSelect;
export type NewStrategy = typeof strategies.$inferInsert;
export type StrategyVersion = typeof strategyVersions.$inferSelect;
export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
export type Backtest = typeof backtests.$inferSelect;
export type BacktestStatus = (typeof backtestStatus.enumValues)[number];
export type BrokerAccount = typeof brokerAccounts.$inferSelect;
export type BrokerKind = (typeof brokerKind.enumValues)[number];
export type BrokerAccountStatus = (typeof brokerAccountStatus.enumValues)[number];

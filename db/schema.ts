/**
 * The database schema (drizzle). One schema serves PGlite and Postgres; drizzle-kit turns it into
 * the SQL migrations in db/migrations. better-auth's four tables keep the property names its
 * drizzle adapter looks up (`emailVerified`, `userId`, ...), with snake_case columns.
 */
import { sql } from 'drizzle-orm';
import type { BacktestReport } from '@/engine/backtest/backtest';
import type { DslDocument } from '@/engine/dsl/basket';
import type { BacktestOverridesInput, RiskLimitsInput } from '@/engine/backtest/settings';
import type { OrderRequest, CancelRequest, RuntimeInput } from '@/engine/runtime/types';
import type { SweepSpec } from '@/engine/sweep/grid';
import type { CombinationResult, SweepAnalysis } from '@/engine/sweep/analysis';
import type { PortfolioLimits } from '@/engine/analysis/portfolio';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
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
    /** The compiled strategy while the graph compiles; null while the draft has problems. The
     * graph is the editor's draft as typed, problems and all (a draft is never lost), so it stays
     * untyped JSON; documents written here are validated, and readers parse them again anyway
     * (an older typeVersion is migrated on read). */
    dsl: jsonb('dsl').$type<DslDocument>(),
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
 * A counter per owner, raised by a trigger (migration 0012) in the same transaction as every
 * insert, update or delete of that owner's strategies. The API keeps a served strategies list
 * with the counter it was read under, and serves it again only while the counter is unchanged:
 * one indexed read instead of the list query, its mapping and its serialisation, and never a
 * list older than a committed write, whichever process or path wrote it. No foreign key: the row
 * may outlive its user for a moment during the cascade that deletes them, and is harmless after.
 */
export const strategyListGenerations = pgTable('strategy_list_generations', {
  ownerId: text('owner_id').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
});

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
    dsl: jsonb('dsl').$type<DslDocument>().notNull(),
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
    /**
     * The backtest the author chose to publish with this version: a run of this very DSL on the
     * simulator or a shared dataset (never a private upload). The gallery shows this one only.
     */
    backtestId: uuid('backtest_id').references((): AnyPgColumn => backtests.id, {
      onDelete: 'set null',
    }),
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
    settings: jsonb('settings').$type<BacktestOverridesInput>().notNull(),
    status: backtestStatus('status').notNull().default('queued'),
    progress: real('progress').notNull().default(0),
    report: jsonb('report').$type<BacktestReport>(),
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

/**
 * A parameter sweep: one strategy version backtested once per combination of a grid of values
 * (`spec`), on the worker fleet. `results` fill in as combinations finish (the heat map);
 * `analysis` is the in-sample choice and the overfitting warnings, written with the results.
 */
export const sweeps = pgTable(
  'sweeps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    strategyVersionId: uuid('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id, { onDelete: 'cascade' }),
    dataSource: jsonb('data_source').$type<Record<string, unknown>>().notNull(),
    settings: jsonb('settings').$type<BacktestOverridesInput>().notNull(),
    spec: jsonb('spec').$type<SweepSpec>().notNull(),
    combinations: integer('combinations').notNull(),
    status: backtestStatus('status').notNull().default('queued'),
    progress: real('progress').notNull().default(0),
    results: jsonb('results')
      .$type<CombinationResult[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    analysis: jsonb('analysis').$type<SweepAnalysis>(),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('sweeps_owner_created_idx').on(t.ownerId, t.createdAt),
    index('sweeps_unfinished_idx')
      .on(t.ownerId, t.status)
      .where(sql`${t.status} in ('queued', 'running')`),
    check('sweeps_progress_range', sql`${t.progress} >= 0 and ${t.progress} <= 1`),
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

// ---- deployments (the live flow: paper and live) -------------------------------------------

/** Bytes (a gzip-compressed chain snapshot): Postgres bytea, a Buffer in Node. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const deploymentMode = pgEnum('deployment_mode', ['paper', 'live']);

/**
 * running: evaluated on every tick of its feed (entries follow the strategy's schedule);
 * paused: exits only (the trader's pause); stopped: the trader stopped it (nothing open);
 * killed: kill switch (everything closed, halted); failed: a fault it cannot recover from
 * (the reason is in `status_reason`); completed: its simulated session or recorded feed ended.
 */
export const deploymentStatus = pgEnum('deployment_status', [
  'running',
  'paused',
  'stopped',
  'killed',
  'failed',
  'completed',
]);

/**
 * What the last reconciliation of a live deployment found: the broker's net position in each
 * contract the deployment trades (what other deployments on the account hold taken out), and our
 * orders the broker did not know. `error` says why it could not run (the broker unreachable).
 */
export type ReconciliationRecord = {
  checkedAt: string;
  error: string | null;
  broker: { contract: string; qty: number }[];
  ordersChecked: number;
  ordersUnknown: string[];
};

/**
 * A strategy version running on paper or live. `mode` is fixed at creation: a paper deployment
 * can never reach a live broker (workers/brokers/deployment-kind.ts). `feed` names the market
 * data it trades on: the real-time simulator on the exchange calendar, a simulated session with
 * its own clock (outside market hours, labelled simulated), a recorded file, or a broker feed.
 */
export const deployments = pgTable(
  'deployments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    strategyId: uuid('strategy_id')
      .notNull()
      .references(() => strategies.id, { onDelete: 'cascade' }),
    strategyVersionId: uuid('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    mode: deploymentMode('mode').notNull(),
    brokerAccountId: uuid('broker_account_id').references(() => brokerAccounts.id, {
      onDelete: 'restrict',
    }),
    status: deploymentStatus('status').notNull().default('running'),
    statusReason: text('status_reason'),
    /** Mirrors the runtime's ACTIVE / REDUCING / HALTED for lists and the UI. */
    tradingState: text('trading_state').notNull().default('ACTIVE'),
    riskLimits: jsonb('risk_limits').$type<RiskLimitsInput>().notNull().default({}),
    /** Where its ticks come from: `{kind:'market'|'session'|'recorded'|'broker', ...}`. */
    feed: jsonb('feed').$type<Record<string, unknown>>().notNull(),
    /** The feed id its evaluate jobs run under (shared by deployments on one market feed). */
    feedId: text('feed_id').notNull(),
    underlyings: text('underlyings').array().notNull(),
    /** Paper account funds (null: unlimited) and the fill model's settings. */
    paper: jsonb('paper').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The deployment this one took over from when the trader switched paper <-> live: a switch
     * never changes `mode` in place (a trigger refuses it), it starts a successor of the other kind.
     */
    /** The last reconciliation with the broker (live deployments; workers/deployments/reconcile.ts). */
    reconciliation: jsonb('reconciliation').$type<ReconciliationRecord>(),
    predecessorId: uuid('predecessor_id').references((): AnyPgColumn => deployments.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
  },
  (t) => [
    index('deployments_owner_idx').on(t.ownerId, t.createdAt),
    uniqueIndex('deployments_predecessor_idx').on(t.predecessorId),
    index('deployments_feed_status_idx').on(t.feedId, t.status),
    check(
      'deployments_live_has_account',
      sql`${t.mode} = 'paper' or ${t.brokerAccountId} is not null`,
    ),
  ],
);

/**
 * The runtime state of a deployment (engine/runtime/state-codec JSON) and the step it is at.
 * `version` is the optimistic lock: a writer updates `where version = <read>`.
 */
export const deploymentState = pgTable('deployment_state', {
  deploymentId: uuid('deployment_id')
    .primaryKey()
    .references(() => deployments.id, { onDelete: 'cascade' }),
  state: text('state').notNull(),
  /** Paper venue state (engine/broker/paper PaperState) for a paper deployment. */
  venue: text('venue'),
  steps: integer('steps').notNull().default(0),
  /** Net P&L, gross and costs after the last step, for lists. */
  pnl: jsonb('pnl').$type<{ gross: number; costs: number; net: number; day: number }>(),
  version: integer('version').notNull().default(0),
  updatedAt: updatedAt(),
});

/**
 * A deployment's closed legs of the day, stored apart from its state (engine/runtime/state-codec
 * `encodeStateApart`): the state names each by its strategy and position, and a leg is written
 * once, when it closes, instead of with every step of the day after. Rewritten in the same
 * transaction as the state when a new day's legs take a position over.
 */
export const deploymentClosedLegs = pgTable(
  'deployment_closed_legs',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    strategyId: text('strategy_id').notNull(),
    /** The leg's position among its strategy's legs. */
    position: integer('position').notNull(),
    leg: text('leg').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.strategyId, t.position] })],
);

/**
 * Every input a deployment received, in order (its inbox and its record for replay). The order
 * router and the API append broker reports and commands (`applied_at` null); the evaluator applies
 * them in id order, then appends the ticks it evaluated (snapshots by reference to feed_snapshots).
 */
export const deploymentInputs = pgTable(
  'deployment_inputs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** The input itself; a snapshot input holds `{underlying, ts}` and is read from feed_snapshots. */
    input: jsonb('input')
      .$type<RuntimeInput | { kind: 'snapshot'; underlying: string; ts: string }>()
      .notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    /** The order the evaluator applied inputs in (its step count): what replay follows. */
    appliedSeq: integer('applied_seq'),
    /** How many newer ticks the evaluator had to skip to reach this one (it takes the newest). */
    skipped: integer('skipped').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('deployment_inputs_pending_idx')
      .on(t.deploymentId, t.id)
      .where(sql`${t.appliedAt} is null`),
    index('deployment_inputs_deployment_idx').on(t.deploymentId, t.id),
  ],
);

/** The chain snapshots a feed published, once per tick (gzip JSON): what replay feeds back. */
export const feedSnapshots = pgTable(
  'feed_snapshots',
  {
    feedId: text('feed_id').notNull(),
    underlying: text('underlying').notNull(),
    ts: text('ts').notNull(),
    body: bytea('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.feedId, t.underlying, t.ts] })],
);

/** Daily closes of a feed's underlyings (IV rank, VIX rank, HV facts read them). */
export const feedCloses = pgTable(
  'feed_closes',
  {
    feedId: text('feed_id').notNull(),
    underlying: text('underlying').notNull(),
    day: text('day').notNull(),
    spot: real('spot').notNull(),
    vix: real('vix'),
    atmIv: real('atm_iv'),
  },
  (t) => [primaryKey({ columns: [t.feedId, t.underlying, t.day] })],
);

export const intentStatus = pgEnum('intent_status', ['pending', 'sending', 'sent', 'failed']);

/**
 * The outbox: every order and cancel a step decided, written in the same transaction as the
 * state that decided it. The id is the order id (deterministic), so a repeated step cannot add a
 * second row; the order router sends a row once (its status, not Redis, decides) and a retry
 * looks the order up at the broker before placing it again.
 */
export const orderIntents = pgTable(
  'order_intents',
  {
    id: text('id').primaryKey(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<OrderRequest | CancelRequest>().notNull(),
    status: intentStatus('status').notNull().default('pending'),
    brokerOrderId: text('broker_order_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('order_intents_deployment_idx').on(t.deploymentId, t.createdAt),
    index('order_intents_unsent_idx')
      .on(t.status, t.createdAt)
      .where(sql`${t.status} in ('pending', 'sending')`),
    // A deployment's rows waiting to be sent: what the paper router locks on every tick it trades.
    // The deployment index alone walks every order of the day to find the few pending.
    index('order_intents_deployment_unsent_idx')
      .on(t.deploymentId)
      .where(sql`${t.status} in ('pending', 'sending')`),
    uniqueIndex('order_intents_broker_order_uq').on(t.brokerOrderId),
  ],
);

/** Orders as the broker reports them (one row per order id), for the deployment page. */
export const orders = pgTable(
  'orders',
  {
    id: text('id').primaryKey(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    intentId: text('intent_id').notNull(),
    legId: text('leg_id').notNull(),
    side: text('side').notNull(),
    contract: text('contract').notNull(),
    qty: integer('qty').notNull(),
    filledQty: integer('filled_qty').notNull().default(0),
    averagePrice: real('average_price'),
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    brokerOrderId: text('broker_order_id'),
    message: text('message'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('orders_deployment_idx').on(t.deploymentId, t.createdAt)],
);

/** Fills, one per execution: the venue's trade id is unique, so a repeated report adds nothing. */
export const fills = pgTable(
  'fills',
  {
    executionId: text('execution_id').primaryKey(),
    orderId: text('order_id').notNull(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    ts: text('ts').notNull(),
    qty: integer('qty').notNull(),
    price: real('price').notNull(),
    costs: real('costs').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('fills_deployment_idx').on(t.deploymentId, t.ts)],
);

/** The decision trace of a deployment, numbered per deployment (the SSE stream resumes by seq). */
export const deploymentEvents = pgTable(
  'deployment_events',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    ts: text('ts').notNull(),
    type: text('type').notNull(),
    strategyId: text('strategy_id'),
    legId: text('leg_id'),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, string | number | boolean | null>>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.seq] })],
);

/** Net P&L after each tick: the deployment's streamed chart, and cli paper's equity curve. */
export const deploymentPnl = pgTable(
  'deployment_pnl',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    ts: text('ts').notNull(),
    net: real('net').notNull(),
    gross: real('gross').notNull(),
    costs: real('costs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.ts] })],
);

/** Who did what to money: deploys, pauses, square-offs, kills, mode changes, and when. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    deploymentId: uuid('deployment_id').references(() => deployments.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [index('audit_log_user_idx').on(t.userId, t.at)],
);

/**
 * A trader's portfolio limits (engine/analysis/portfolio): crossing one pauses new entries of the
 * trader's running deployments of that mode; exits keep working.
 */
export const portfolioLimits = pgTable('portfolio_limits', {
  ownerId: text('owner_id')
    .primaryKey()
    .references(() => user.id, { onDelete: 'cascade' }),
  limits: jsonb('limits').$type<PortfolioLimits>().notNull(),
  updatedAt: updatedAt(),
});

// ---- alerts (in-app notifications, Telegram and webhook messages) ----------------------------

export const alertChannelKind = pgEnum('alert_channel_kind', ['telegram', 'webhook']);

/**
 * Where a trader's alerts go besides the app: a Telegram bot chat or a webhook URL. The secret
 * part (the bot token; the whole webhook URL, which often carries a token) is sealed with
 * db/secret-box bound to the row, never sent back to the browser; `hint` is what the page shows.
 */
export const alertChannels = pgTable(
  'alert_channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    kind: alertChannelKind('kind').notNull(),
    label: text('label').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Sealed: `{botToken, chatId}` for Telegram, `{url}` for a webhook. */
    secret: text('secret').notNull(),
    /** A masked description for the page (chat id, webhook host). */
    hint: text('hint').notNull(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('alert_channels_owner_idx').on(t.ownerId),
    uniqueIndex('alert_channels_owner_label_uq').on(t.ownerId, t.label),
  ],
);

/**
 * An alert the app raised for a trader: written by the evaluator in the same transaction as the
 * deployment event it reports (`key` = deployment and event seq), so each event alerts once.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    deploymentId: uuid('deployment_id').references(() => deployments.id, { onDelete: 'cascade' }),
    /** `<deployment id>:<event seq>`: one notification per event. */
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    /** When the delivery job for the channels was queued (null: the sweep queues it). */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_key_uq').on(t.key),
    index('notifications_user_idx').on(t.userId, t.id),
  ],
);

export const alertDeliveryStatus = pgEnum('alert_delivery_status', [
  'sending',
  'sent',
  'retrying',
  'failed',
]);

/**
 * One message of one notification on one channel. The unique (notification, channel) row is
 * claimed before the message goes out, so a retried job never sends it twice.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: bigint('notification_id', { mode: 'number' })
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => alertChannels.id, { onDelete: 'cascade' }),
    status: alertDeliveryStatus('status').notNull().default('sending'),
    attempts: integer('attempts').notNull().default(0),
    /** Telegram's message_id or the webhook's HTTP status. */
    response: text('response'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('alert_deliveries_once_uq').on(t.notificationId, t.channelId),
    index('alert_deliveries_channel_idx').on(t.channelId, t.id),
  ],
);

export type User = typeof user.$inferSelect;
export type Strategy = typeof strategies.$inferSelect;
export type NewStrategy = typeof strategies.$inferInsert;
export type StrategyVersion = typeof strategyVersions.$inferSelect;
export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
export type Backtest = typeof backtests.$inferSelect;
export type Sweep = typeof sweeps.$inferSelect;
export type BacktestStatus = (typeof backtestStatus.enumValues)[number];
export type BrokerAccount = typeof brokerAccounts.$inferSelect;
export type BrokerKind = (typeof brokerKind.enumValues)[number];
export type BrokerAccountStatus = (typeof brokerAccountStatus.enumValues)[number];
export type Deployment = typeof deployments.$inferSelect;
export type DeploymentStatus = (typeof deploymentStatus.enumValues)[number];
export type AlertChannel = typeof alertChannels.$inferSelect;
export type Notification = typeof notifications.$inferSelect;

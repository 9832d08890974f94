/**
 * The live flow as it runs in production on Postgres, for fault tests and bench/live: a private
 * migrated database, a private redis-server (supervised: killed, it comes back empty on the same
 * port, the harshest Redis restart), `npm run workers` processes that can be SIGKILLed and
 * restarted, and paper deployments trading a shared recorded feed that this process publishes.
 * After the run, `auditDeployment` checks what a trader would: no order twice, none lost, the
 * positions of the state equal to the sum of the fills, and replay identical.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { closeClient, migrateDb, openClient, schema, wrap, type Db, type DbClient } from '@/db/client'; // prettier-ignore
import { resetEnv } from '@/db/env';
import type { DslDocument } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { pnlOf } from '@/engine/runtime/runtime';
import { readState } from '@/db/closed-legs';
import { createDeployment } from '@/server/services/deployments';
import type { LiveFlowDeps } from '@/workers/deployments';
import { replayDeployment, type ReplayResult } from '@/workers/deployments/replay';
import { closeQueues, createConnection } from '@/workers/queues';
import { startRedisServer, type PrivateRedis } from '@/workers/redis-server';

const root = path.resolve(import.meta.dirname, '..', '..');

/** A database of its own on the Postgres server at `baseUrl`, migrated; dropped by `drop`. */
export async function privatePostgresDatabase(baseUrl: string, prefix = 'strikeflow_live') {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const target = new URL(baseUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  const client = await openClient({ databaseUrl: url });
  await migrateDb(client);
  return {
    url,
    client,
    db: wrap(client),
    drop: async () => {
      await closeClient(client);
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export type WorkerProcess = {
  pid: number;
  startedAt: number;
  /** Resolves when the process has started its BullMQ workers. */
  ready: Promise<void>;
  isReady: () => boolean;
  exited: Promise<void>;
  output: () => string;
};

/** `npm run workers` processes on one database and Redis. */
export class WorkerPool {
  readonly live = new Set<WorkerProcess>();
  started = 0;
  killed = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly concurrency = 4,
  ) {}

  spawn(): WorkerProcess {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        // LIVE_PROFILE_DIR: each worker process writes a V8 CPU profile there when it exits.
        ...(process.env.LIVE_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LIVE_PROFILE_DIR}`] : []), // prettier-ignore
        '--import',
        'tsx',
        path.join(root, 'scripts', 'workers.ts'),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          ...this.env,
          // debug: the line "workers started" says the process is serving.
          LOG_LEVEL: 'debug',
          WORKER_CONCURRENCY: String(this.concurrency),
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let ready = false;
    let onReady!: () => void;
    const readyP = new Promise<void>((r) => (onReady = r));
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-20_000);
      if (!ready && out.includes('"workers started"')) {
        ready = true;
        onReady();
      }
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const w: WorkerProcess = {
      pid: child.pid!,
      startedAt: Date.now(),
      ready: Promise.race([
        readyP,
        exited.then(() => {
          if (!ready) throw new Error(`worker ${child.pid} exited before it was ready:\n${out}`);
        }),
      ]),
      isReady: () => ready,
      exited,
      output: () => out,
    };
    w.ready.catch(() => {});
    this.live.add(w);
    void exited.then(() => this.live.delete(w));
    this.started++;
    return w;
  }

  /** SIGKILL: no drain, no goodbye; the process's jobs are left active in Redis. */
  async kill(w: WorkerProcess): Promise<void> {
    try {
      process.kill(w.pid, 'SIGKILL');
    } catch {
      // gone already
    }
    this.killed++;
    await w.exited;
  }

  readyOnes(): WorkerProcess[] {
    return [...this.live].filter((w) => w.isReady());
  }

  /** Like Ctrl-C: each drains its running jobs and exits (SIGKILL after `ms`). */
  async stopAll(ms = 20_000): Promise<void> {
    await Promise.all(
      [...this.live].map(async (w) => {
        try {
          process.kill(w.pid, 'SIGTERM');
        } catch {
          return;
        }
        const t = setTimeout(() => {
          try {
            process.kill(w.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }, ms);
        await w.exited;
        clearTimeout(t);
      }),
    );
  }
}

export type LiveWorld = {
  db: Db;
  client: DbClient;
  databaseUrl: string;
  redis: PrivateRedis;
  deps: LiveFlowDeps;
  workers: WorkerPool;
  dataDir: string;
  close: () => Promise<void>;
};

/** A private database on `postgresUrl`, a private Redis, and a pool of worker processes (none started). */
export async function startLiveWorld(
  postgresUrl: string,
  opts: { concurrency?: number } = {},
): Promise<LiveWorld> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-live-'));
  const database = await privatePostgresDatabase(postgresUrl);
  const redis = await startRedisServer({
    dataDir: path.join(dataDir, 'redis'),
    persist: false,
    password: null,
    supervise: true,
  });
  // This process publishes ticks and reads queues: it must use the private Redis too.
  process.env.REDIS_URL = redis.url;
  resetEnv();
  const client = createConnection('client', redis.url);
  const workers = new WorkerPool(
    { DATABASE_URL: database.url, REDIS_URL: redis.url, DATA_DIR: dataDir },
    opts.concurrency,
  );
  return {
    db: database.db,
    client: database.client,
    databaseUrl: database.url,
    redis,
    deps: { db: async () => database.db, redis: client },
    workers,
    dataDir,
    close: async () => {
      await workers.stopAll();
      client.disconnect();
      await closeQueues();
      await redis.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function exampleDocument(name: string): DslDocument {
  return JSON.parse(
    readFileSync(path.join(root, 'engine/dsl/examples', `${name}.json`), 'utf8'),
  ) as DslDocument;
}

/** A user who owns the deployments of a run. */
export async function createTrader(db: Db, id: string): Promise<string> {
  await db.insert(schema.user).values({ id, name: id, email: `${id}@localhost`, emailVerified: false, createdAt: new Date(), updatedAt: new Date() }); // prettier-ignore
  return id;
}

/**
 * A paper deployment on a recorded feed shared with others (as every deployment on one market
 * shares its feed): `cli paper` gives each recorded run a feed of its own, so the id is set here.
 */
export async function recordedDeployment(
  db: Db,
  ownerId: string,
  doc: DslDocument,
  feedId: string,
): Promise<string> {
  const [strategy] = await db
    .insert(schema.strategies)
    .values({ ownerId, name: doc.basket.name, dsl: doc, graph: decompile(doc) })
    .returning();
  const dep = await createDeployment(db, ownerId, {
    strategyId: strategy.id,
    mode: 'paper',
    feed: 'recorded',
    source: feedId,
  });
  await db.update(schema.deployments).set({ feedId }).where(eq(schema.deployments.id, dep.id));
  return dep.id;
}

export type Audit = {
  deploymentId: string;
  intents: number;
  fills: number;
  problems: string[];
  replay: ReplayResult;
};

const FINAL = new Set(['FILLED', 'REJECTED', 'CANCELLED', 'EXPIRED']);

/**
 * What must hold for a deployment after any crash: every intent sent once and answered (final),
 * no order filled beyond its quantity or twice by one execution, broker order ids unique, the
 * positions of the state equal to the sum of the fills per contract, the P&L of a flat book equal
 * to the fills' cash, and the replay of its inputs identical. `flat`: the session ended.
 */
export async function auditDeployment(
  db: Db,
  id: string,
  opts: { flat?: boolean } = {},
): Promise<Audit> {
  const problems: string[] = [];
  const intents = await db.select().from(schema.orderIntents).where(eq(schema.orderIntents.deploymentId, id)); // prettier-ignore
  for (const i of intents) if (i.status !== 'sent') problems.push(`intent ${i.id} is ${i.status}`);
  const orderRows = await db.select().from(schema.orders).where(eq(schema.orders.deploymentId, id)); // prettier-ignore
  const fillRows = await db.select().from(schema.fills).where(eq(schema.fills.deploymentId, id));
  const places = intents.filter((i) => i.kind === 'place').map((i) => i.id);
  const orderIds = new Set(orderRows.map((o) => o.id));
  for (const p of places) if (!orderIds.has(p)) problems.push(`intent ${p} has no order row`);
  const byOrder = new Map<string, number>();
  for (const f of fillRows) byOrder.set(f.orderId, (byOrder.get(f.orderId) ?? 0) + f.qty);
  const brokerIds = new Map<string, string>();
  const position = new Map<string, number>();
  let cash = 0;
  for (const o of orderRows) {
    if (!FINAL.has(o.status)) problems.push(`order ${o.id} is ${o.status}`);
    const filled = byOrder.get(o.id) ?? 0;
    if (filled > o.qty) problems.push(`order ${o.id} filled ${filled} of ${o.qty}`);
    if (filled !== o.filledQty) problems.push(`order ${o.id}: fills add to ${filled}, the order says ${o.filledQty}`); // prettier-ignore
    if (o.brokerOrderId) {
      const other = brokerIds.get(o.brokerOrderId);
      if (other) problems.push(`orders ${other} and ${o.id} share broker order id ${o.brokerOrderId}`); // prettier-ignore
      brokerIds.set(o.brokerOrderId, o.id);
    }
    const sign = o.side === 'BUY' ? 1 : -1;
    position.set(o.contract, (position.get(o.contract) ?? 0) + sign * filled);
  }
  for (const f of fillRows) {
    const o = orderRows.find((r) => r.id === f.orderId);
    if (!o) problems.push(`fill ${f.executionId} of unknown order ${f.orderId}`);
    else cash += (o.side === 'BUY' ? -1 : 1) * f.qty * f.price;
  }
  const [st] = await db.select().from(schema.deploymentState).where(eq(schema.deploymentState.deploymentId, id)); // prettier-ignore
  const state = await readState(db, id, st.state);
  if (Object.keys(state.orders).length > 0) problems.push(`orders still working in the state: ${Object.keys(state.orders).join(', ')}`); // prettier-ignore
  const held = new Map<string, number>();
  for (const s of Object.values(state.strategies))
    for (const l of s.legs) {
      if (l.held === 0) continue;
      const contract =
        l.instrument === 'future' ? `${l.expiry} FUT` : `${l.expiry} ${l.strike} ${l.right}`;
      held.set(contract, (held.get(contract) ?? 0) + (l.side === 'BUY' ? 1 : -1) * l.held);
    }
  // orders.contract is "<underlying> <expiry> <strike> <right>"; compare without the underlying.
  const fromFills = new Map<string, number>();
  for (const [c, q] of position) if (q !== 0) fromFills.set(c.split(' ').slice(1).join(' '), q);
  const a = JSON.stringify([...held].sort());
  const b = JSON.stringify([...fromFills].sort());
  if (a !== b) problems.push(`positions of the state ${a} differ from the fills ${b}`);
  if (opts.flat) {
    if (held.size > 0) problems.push(`still holding ${a} after the session`);
    const gross = pnlOf(state).gross;
    if (Math.abs(gross - cash) > 0.01 + 1e-9 * Math.abs(cash))
      problems.push(`gross P&L ${gross} differs from the fills' cash ${cash}`);
  }
  const pending = await db.select({ id: schema.deploymentInputs.id, appliedAt: schema.deploymentInputs.appliedAt }).from(schema.deploymentInputs).where(eq(schema.deploymentInputs.deploymentId, id)); // prettier-ignore
  const unapplied = pending.filter((p) => p.appliedAt === null).length;
  if (unapplied) problems.push(`${unapplied} inputs never applied`);
  const replay = await replayDeployment(db, id);
  if (!replay.identical) problems.push(`replay differs: ${JSON.stringify(replay).slice(0, 400)}`);
  return { deploymentId: id, intents: intents.length, fills: fillRows.length, problems, replay };
}

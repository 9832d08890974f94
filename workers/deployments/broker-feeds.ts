/**
 * Broker feeds of the live flow: a broker account's market-data streams, one per underlying,
 * shared by every deployment on the account (feed id `broker:<account id>`), published through
 * the same feed store as the simulator's ticks. A stream lives in one worker process at a time,
 * under a Redis lease its process renews while deployments still use it.
 *
 * The feed's scheduled check (any worker) opens the streams nobody holds, and tells the
 * deployments when the account cannot stream at all. The holder watches its own streams: one
 * down for `downAfterMs` is an outage the deployments hear about once (the account and the fix),
 * one down for `restartAfterMs` is closed and opened again. While a stream is down no tick
 * arrives, so nothing enters; exits (kill, square-off, exit times on the minute clock) keep going
 * out, and the first tick after the outage shows the gap (FEED_GAP).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { brokerAccounts, deployments, type BrokerAccount } from '@/db/schema';
import { formatTimestamp } from '@/engine/market/calendar';
import { getInstrument } from '@/engine/market/instruments';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import type { ChainFeed } from '../brokers/feeds/feed';
import { FEED_DOWN, type FeedDownEvent } from './feed-gap';
import {
  brokerFeedName,
  chainFeedFor,
  whyNoStream,
  type ChainFeedTuning,
} from '../brokers/feeds/for-account';

export type BrokerFeedDeps = {
  db: () => Promise<Db>;
  redis: Redis;
  now?: () => number;
  /** Records a tick and fans it out to the evaluators (false: already recorded). */
  publish: (feedId: string, s: ChainSnapshot) => Promise<boolean>;
  /** Writes the event on each deployment (in its evaluation's transaction). */
  notify: (deploymentIds: string[], event: FeedDownEvent) => Promise<void>;
};

export type BrokerFeedsOptions = {
  tuning?: ChainFeedTuning;
  leaseMs?: number;
  downAfterMs?: number;
  restartAfterMs?: number;
  /** Builds the account's chain feed (the default: its broker's adapter from the environment). */
  feedFor?: (account: BrokerAccount) => ChainFeed;
};

type Stream = {
  key: string;
  feedId: string;
  account: BrokerAccount;
  underlying: string;
  feed: ChainFeed;
  downSince: number | null;
  downAt: number;
  next: ChainSnapshot | null;
  busy: boolean;
  timer: NodeJS.Timeout;
  checks: number;
};

const leaseKey = (key: string) => `strikeflow:broker-feed:${key}`;
const outageKey = (key: string) => `strikeflow:broker-feed-down:${key}`;

/** Takes the lease when free, renews it when ours; false when another process holds it. */
const HOLD = `local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class BrokerFeeds {
  private readonly streams = new Map<string, Stream>();
  private readonly opening = new Set<string>();
  private readonly retry = new Map<string, { at: number; afterMs: number }>();
  private readonly token = randomUUID();
  private deps: BrokerFeedDeps | null = null;
  private readonly leaseMs: number;
  private readonly downAfterMs: number;
  private readonly restartAfterMs: number;

  constructor(private readonly o: BrokerFeedsOptions = {}) {
    this.leaseMs = o.leaseMs ?? 10_000;
    this.downAfterMs = o.downAfterMs ?? 5_000;
    this.restartAfterMs = o.restartAfterMs ?? 15_000;
  }

  private now(): number {
    return (this.deps?.now ?? Date.now)();
  }

  private async hold(key: string): Promise<boolean> {
    const r = await this.deps!.redis.eval(HOLD, 1, leaseKey(key), this.token, String(this.leaseMs)); // prettier-ignore
    return r === 1;
  }

  /** The feed's scheduled check: opens the streams of its underlyings that no process holds. */
  async check(deps: BrokerFeedDeps, feedId: string): Promise<string> {
    this.deps = deps;
    const db = await deps.db();
    const accountId = feedId.slice('broker:'.length);
    const users = await usersOf(db, feedId);
    if (users.length === 0) {
      await this.release(feedId);
      return 'no deployment uses this feed any more';
    }
    const [account] = await db.select().from(brokerAccounts).where(eq(brokerAccounts.id, accountId)); // prettier-ignore
    const underlyings = [...new Set(users.flatMap((u) => u.underlyings))].sort();
    const why = account ? whyNoStream(account, this.now()) : 'The broker account of this feed was removed: switch the deployment to paper or deploy it on another account.'; // prettier-ignore
    if (why) {
      await this.release(feedId);
      for (const u of underlyings) await this.outage(feedId, `${accountId}|${u}`, u, why, this.now()); // prettier-ignore
      return why;
    }
    const said: string[] = [];
    for (const u of underlyings) {
      const key = `${account.id}|${u}`;
      if (this.streams.has(key) || this.opening.has(key)) {
        said.push(`${u}: streamed here`);
        continue;
      }
      const wait = this.retry.get(key);
      if (wait && Date.now() < wait.at) {
        said.push(`${u}: opening again in ${Math.ceil((wait.at - Date.now()) / 1000)} s`);
        continue;
      }
      if (!(await this.hold(key))) {
        said.push(`${u}: streamed by another worker`);
        continue;
      }
      this.opening.add(key);
      try {
        await this.open(feedId, account, u);
        this.retry.delete(key);
        said.push(`${u}: stream opened`);
      } catch (e) {
        // A stream that will not open (a session ended, the venue down) is tried again with
        // backoff, not every check: opening a Kite stream downloads the instrument dump.
        const after = Math.min(300_000, (wait?.afterMs ?? 5_000) * 2);
        this.retry.set(key, { at: Date.now() + after, afterMs: after });
        await deps.redis.eval(RELEASE, 1, leaseKey(key), this.token).catch(() => {});
        const msg = `${brokerFeedName(account)} could not stream ${u} (${(e as Error).message}): it is tried again in ${after / 1000} s; test the account under Brokers (a Kite session ends at 06:00 IST and needs a new login).`; // prettier-ignore
        await this.outage(feedId, key, u, msg, this.now());
        said.push(msg);
      } finally {
        this.opening.delete(key);
      }
    }
    return said.join('; ');
  }

  private async open(feedId: string, account: BrokerAccount, underlying: string): Promise<void> {
    const feed = (this.o.feedFor ?? ((a) => chainFeedFor(a, this.o.tuning)))(account);
    const key = `${account.id}|${underlying}`;
    const s: Stream = { key, feedId, account, underlying, feed, downSince: null, downAt: 0, next: null, busy: false, checks: 0, timer: setInterval(() => void this.watch(s).catch((e: unknown) => logger.warn({ err: (e as Error).message, key }, 'broker feed watch failed')), Math.max(200, Math.floor(this.leaseMs / 3))) }; // prettier-ignore
    s.timer.unref();
    this.streams.set(key, s);
    try {
      await feed.start(underlying, (snap) => {
        s.next = snap;
        void this.drain(s);
      });
    } catch (e) {
      clearInterval(s.timer);
      this.streams.delete(key);
      await feed.stop().catch(() => {});
      throw e;
    }
    await this.recovered(s);
  }

  /** Publishes the newest snapshot; ones that came while a publish ran are passed over. */
  private async drain(s: Stream): Promise<void> {
    if (s.busy || !this.deps) return;
    s.busy = true;
    try {
      while (s.next) {
        const snap = s.next;
        s.next = null;
        await this.deps.publish(s.feedId, snap).catch((e: unknown) => logger.warn({ err: (e as Error).message, feedId: s.feedId }, 'broker feed: tick not published')); // prettier-ignore
      }
    } finally {
      s.busy = false;
    }
  }

  /** The holder's own watch of a stream: lease, health, and whether anyone still uses it. */
  private async watch(s: Stream): Promise<void> {
    if (this.streams.get(s.key) !== s) return;
    if (!(await this.hold(s.key))) return this.stop(s.key);
    // About every lease period: is the stream still used by a running deployment?
    if (++s.checks % 3 === 0) {
      const users = await usersOf(await this.deps!.db(), s.feedId);
      if (!users.some((u) => u.underlyings.includes(s.underlying))) return this.stop(s.key, true);
    }
    // How long a stream is down is real time; when it went down is said on the deployments' clock.
    if (s.feed.connected) {
      s.downSince = null;
      return this.recovered(s);
    }
    if (s.downSince === null) {
      s.downSince = Date.now();
      s.downAt = this.now();
    }
    const down = Date.now() - s.downSince;
    if (down >= this.downAfterMs)
      await this.outage(s.feedId, s.key, s.underlying, `The ${s.underlying} market-data stream of ${brokerFeedName(s.account)} is down: it is being reconnected; if it stays down, test the account under Brokers (a Kite session ends at 06:00 IST and needs a new login).`, s.downAt); // prettier-ignore
    if (down >= this.restartAfterMs) await this.stop(s.key, true);
  }

  /** Tells the deployments of the stream once per outage that their ticks stopped. */
  private async outage(
    feedId: string,
    key: string,
    underlying: string,
    message: string,
    since: number,
  ): Promise<void> {
    const deps = this.deps!;
    const first = await deps.redis.set(outageKey(key), String(since), 'EX', 86_400, 'NX').catch(() => 'OK'); // prettier-ignore
    if (first !== 'OK') return;
    const ids = (await usersOf(await deps.db(), feedId)).filter((u) => u.underlyings.includes(underlying)).map((u) => u.id); // prettier-ignore
    const tz = getInstrument(underlying).timezone;
    const ts = formatTimestamp(Math.floor(this.now() / 1000) * 1000, tz);
    logger.warn({ feedId, underlying }, 'broker feed down');
    await deps.notify(ids, {
      ts,
      type: FEED_DOWN,
      message: `No ${underlying} ticks: ${message} New entries wait for fresh ticks; exits still go out.`,
      data: { underlying, accountId: feedId.slice('broker:'.length), since: formatTimestamp(Math.floor(since / 1000) * 1000, tz) }, // prettier-ignore
    });
  }

  private async recovered(s: Stream): Promise<void> {
    await this.deps?.redis.del(outageKey(s.key)).catch(() => {});
  }

  private async stop(key: string, release = false): Promise<void> {
    const s = this.streams.get(key);
    if (!s) return;
    this.streams.delete(key);
    clearInterval(s.timer);
    await s.feed.stop().catch(() => {});
    if (release) await this.deps?.redis.eval(RELEASE, 1, leaseKey(key), this.token).catch(() => {}); // prettier-ignore
  }

  /** Closes this process's streams of a feed (nobody uses it, or its account cannot stream). */
  async release(feedId: string): Promise<void> {
    for (const s of [...this.streams.values()]) if (s.feedId === feedId) await this.stop(s.key, true); // prettier-ignore
  }

  /** Closes every stream of this process (the worker is shutting down). */
  async close(): Promise<void> {
    for (const key of [...this.streams.keys()]) await this.stop(key, true);
  }

  /** Streams this process holds, for tests and the worker's health. */
  get held(): string[] {
    return [...this.streams.keys()];
  }
}

async function usersOf(db: Db, feedId: string) {
  return db
    .select({ id: deployments.id, underlyings: deployments.underlyings })
    .from(deployments)
    .where(and(eq(deployments.feedId, feedId), inArray(deployments.status, ['running', 'paused'])));
}

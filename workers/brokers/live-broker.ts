/**
 * The live broker: the kernel's Broker interface over one venue. Every money rule of live
 * trading is here, once for all venues:
 *  - `place` looks the order up by our id before sending it, on every attempt, so a retry after
 *    a timeout, a crash or a restart never places it twice;
 *  - only transient failures (timeouts, dropped connections, 429, 5xx) are retried, with backoff;
 *    a refusal is final and becomes a `rejected` report with our reject code;
 *  - a circuit breaker opens after repeated failures: new entries are refused while it is open,
 *    orders with `closing` set (exits, square-off, kill) keep being tried;
 *  - order updates from the venue's stream only say "this order changed": the broker re-reads
 *    the order and its executions and reports what is new, so duplicate and out-of-order
 *    updates change nothing, and while the stream is down it re-reads open orders on its own.
 */
import type {
  Broker,
  BrokerOrder,
  BrokerPosition,
  ExecutionReport,
  OrderRequest,
  RejectCode,
} from '@/engine/broker/broker';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { logger } from '@/db/logger';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { isTransient, VenueRefusal, VenueUnavailable } from './errors';
import { RateLimiter, realClock, type Clock, type RateWindow } from './rate-limit';
import type { Venue, VenueChange, VenueOrder } from './venue';

export type LiveBrokerOptions = {
  /** Order placement limit (Kite: 10 a second, 400 a minute). */
  orderRate: RateWindow[];
  /** Attempts for a new entry before `place` gives up (it then throws; the job retries later). */
  entryAttempts: number;
  /** Attempts for a closing order: exits try longer. */
  exitAttempts: number;
  /** First backoff; doubles per attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  breaker: { threshold: number; cooldownMs: number };
  /** Open orders are re-read at least this often when the stream is down. */
  refreshMs: number;
  clock?: Clock;
};

export const DEFAULT_LIVE_OPTIONS: LiveBrokerOptions = {
  orderRate: [{ max: 8, perMs: 1_000 }],
  entryAttempts: 3,
  exitAttempts: 8,
  backoffMs: 250,
  maxBackoffMs: 5_000,
  breaker: { threshold: 5, cooldownMs: 30_000 },
  refreshMs: 2_000,
};

type Tracked = {
  orderId: string;
  venueOrderId: string;
  accepted: boolean;
  executions: Set<string>;
  filled: number;
  done: boolean;
  last?: VenueOrder;
};

const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);

export type LiveBrokerHealth = {
  venue: string;
  breaker: BreakerState;
  streaming: boolean;
  openOrders: number;
  lastError: string | null;
};

export class LiveBroker implements Broker {
  readonly mode = 'live' as const;
  private readonly opts: LiveBrokerOptions;
  private readonly clock: Clock;
  readonly breaker: CircuitBreaker;
  private readonly orderLimiter: RateLimiter;
  private readonly byId = new Map<string, Tracked>();
  private readonly byVenueId = new Map<string, Tracked>();
  private readonly changed = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly pending: ExecutionReport[] = [];
  private readonly spot = new Map<string, number>();
  private lastRefresh = 0;
  private lastError: string | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private started: Promise<void> | null = null;

  constructor(
    private readonly venue: Venue,
    options: Partial<LiveBrokerOptions> = {},
  ) {
    this.opts = { ...DEFAULT_LIVE_OPTIONS, ...options };
    this.clock = this.opts.clock ?? realClock;
    this.breaker = new CircuitBreaker(this.opts.breaker, this.clock);
    this.orderLimiter = new RateLimiter(this.opts.orderRate, this.clock);
  }

  get name(): string {
    return this.venue.name;
  }

  health(): LiveBrokerHealth {
    return {
      venue: this.venue.name,
      breaker: this.breaker.status,
      streaming: this.venue.streaming(),
      openOrders: [...this.byId.values()].filter((t) => !t.done).length,
      lastError: this.lastError,
    };
  }

  /** Opens the update stream once; a stream that fails to open is retried by the venue, orders still work. */
  private ensureStarted(): Promise<void> {
    this.started ??= this.venue
      .start((c: VenueChange) => this.changed.add(c.venueOrderId))
      .catch((e) => {
        this.lastError = `update stream: ${(e as Error).message}`;
        logger.warn({ venue: this.venue.name, err: (e as Error).message }, 'update stream failed');
      });
    return this.started;
  }

  // One operation at a time: place, cancel, poll and order never interleave their bookkeeping.
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  place(order: OrderRequest): Promise<ExecutionReport[]> {
    return this.serial(async () => {
      await this.ensureStarted();
      if (this.byId.has(order.id)) return [];
      const prepared = await this.venue.prepare(order);
      if (!prepared.ok) return [this.rejected(order.id, order.ts, prepared.code, prepared.reason)];
      const attempts = order.closing ? this.opts.exitAttempts : this.opts.entryAttempts;
      let sent = false;
      let lastFailure: VenueUnavailable | null = null;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        // Nothing was sent yet: an open breaker refuses a new entry outright.
        const block = !order.closing && !sent ? this.breaker.entryBlock() : null;
        if (block) return [this.rejected(order.id, order.ts, 'OTHER', block)];
        try {
          const existing = await this.call(() => this.venue.find(order.id));
          if (existing) return this.report(this.track(order.id, existing.venueOrderId), existing);
          await this.orderLimiter.take();
          sent = true;
          const venueOrderId = await this.call(() => this.venue.submit(order, prepared.ticket));
          const t = this.track(order.id, venueOrderId);
          t.accepted = true;
          this.dirty.add(order.id);
          return [
            { kind: 'accepted', orderId: order.id, ts: order.ts, brokerOrderId: venueOrderId },
          ];
        } catch (e) {
          if (e instanceof VenueRefusal)
            return [this.rejected(order.id, order.ts, e.code, `${this.venue.name}: ${e.message}`)];
          if (!isTransient(e)) throw e;
          lastFailure = e;
          if (attempt < attempts) await this.clock.sleep(this.backoff(attempt, e));
        }
      }
      throw new VenueUnavailable(
        lastFailure?.kind ?? 'network',
        `${this.venue.name}: order ${order.id} not confirmed after ${attempts} attempts (${lastFailure?.message}); it will be looked up before any new attempt`,
      );
    });
  }

  cancel(orderId: string): Promise<ExecutionReport[]> {
    return this.serial(async () => {
      const t = this.byId.get(orderId) ?? (await this.lookup(orderId));
      if (!t || t.done) return [];
      for (let attempt = 1; ; attempt++) {
        try {
          await this.call(() => this.venue.cancel(t.venueOrderId));
          break;
        } catch (e) {
          // A refusal means the order is no longer open (filled or gone): its state says which.
          if (e instanceof VenueRefusal) break;
          if (!isTransient(e) || attempt >= this.opts.exitAttempts) throw e;
          await this.clock.sleep(this.backoff(attempt, e));
        }
      }
      return this.refresh(t);
    });
  }

  order(orderId: string): Promise<BrokerOrder | null> {
    return this.serial(async () => {
      const known = this.byId.get(orderId);
      const vo = known
        ? await this.retrying(() => this.venue.state(known.venueOrderId))
        : await this.retrying(() => this.venue.find(orderId));
      if (!vo) return null;
      const t = known ?? this.track(orderId, vo.venueOrderId);
      if (!t.done) this.dirty.add(orderId);
      return {
        orderId,
        brokerOrderId: vo.venueOrderId,
        status: vo.status,
        qty: vo.qty,
        filledQty: vo.filledQty,
        averagePrice: vo.averagePrice,
        executions: vo.executions.map(({ executionId, ts, qty, price }) => ({
          executionId,
          ts,
          qty,
          price,
        })),
        ...(vo.reason ? { reason: vo.reason } : {}),
      };
    });
  }

  positions(): Promise<BrokerPosition[]> {
    return this.serial(() => this.retrying(() => this.venue.positions()));
  }

  poll(): Promise<ExecutionReport[]> {
    return this.serial(async () => {
      await this.ensureStarted();
      for (const venueOrderId of this.changed) {
        const t = this.byVenueId.get(venueOrderId);
        if (t && !t.done) this.dirty.add(t.orderId);
      }
      this.changed.clear();
      // Without a stream, open orders are re-read every refreshMs; with one, now and then anyway,
      // because a stream can lose a message without dropping the connection.
      const now = this.clock.now();
      const every = this.venue.streaming() ? this.opts.refreshMs * 5 : this.opts.refreshMs;
      if (now - this.lastRefresh >= every) {
        for (const t of this.byId.values()) if (!t.done) this.dirty.add(t.orderId);
        this.lastRefresh = now;
      }
      const out = this.pending.splice(0);
      for (const orderId of [...this.dirty]) {
        const t = this.byId.get(orderId);
        if (!t || t.done) {
          this.dirty.delete(orderId);
          continue;
        }
        try {
          out.push(...(await this.refresh(t)));
        } catch (e) {
          if (!isTransient(e)) throw e;
          this.lastError = e.message;
        }
      }
      return out;
    });
  }

  async onSnapshot(snapshot: ChainSnapshot): Promise<void> {
    this.spot.set(snapshot.underlying, snapshot.spot);
  }

  async close(): Promise<void> {
    await this.serial(() => this.venue.close());
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private track(orderId: string, venueOrderId: string): Tracked {
    let t = this.byId.get(orderId);
    if (!t) {
      t = {
        orderId,
        venueOrderId,
        accepted: false,
        executions: new Set(),
        filled: 0,
        done: false,
      };
      this.byId.set(orderId, t);
      this.byVenueId.set(venueOrderId, t);
    }
    return t;
  }

  private async lookup(orderId: string): Promise<Tracked | null> {
    const vo = await this.retrying(() => this.venue.find(orderId));
    return vo ? this.track(orderId, vo.venueOrderId) : null;
  }

  /** Re-reads one order and reports what is new; keeps it dirty until its reports are complete. */
  private async refresh(t: Tracked): Promise<ExecutionReport[]> {
    const vo = await this.call(() => this.venue.state(t.venueOrderId));
    const reports = this.report(t, vo);
    if (t.done) this.dirty.delete(t.orderId);
    return reports;
  }

  /** The reports a venue order state adds to what was already reported for it. */
  private report(t: Tracked, vo: VenueOrder): ExecutionReport[] {
    t.last = vo;
    const out: ExecutionReport[] = [];
    if (!t.accepted && vo.status !== 'REJECTED') {
      t.accepted = true;
      out.push({ kind: 'accepted', orderId: t.orderId, ts: vo.ts, brokerOrderId: vo.venueOrderId });
    }
    const fresh = vo.executions
      .filter((e) => !t.executions.has(e.executionId))
      .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    for (const e of fresh) {
      t.executions.add(e.executionId);
      t.filled += e.qty;
      out.push({
        kind: 'fill',
        orderId: t.orderId,
        ts: e.ts,
        executionId: e.executionId,
        qty: e.qty,
        price: e.price,
        costs: e.fee ?? this.venue.costOf(vo, e, this.spot.get(vo.underlying)),
        brokerOrderId: vo.venueOrderId,
      });
    }
    // A terminal state is reported once every execution it counts has been reported.
    if (TERMINAL.has(vo.status) && t.filled >= vo.filledQty) {
      t.done = true;
      if (vo.status === 'REJECTED')
        out.push(
          this.rejected(
            t.orderId,
            vo.ts,
            vo.rejectCode ?? 'OTHER',
            `${this.venue.name}: ${vo.reason ?? 'rejected'}`,
          ),
        );
      else if (vo.status === 'CANCELLED' || vo.status === 'EXPIRED')
        out.push({
          kind: vo.status === 'CANCELLED' ? 'cancelled' : 'expired',
          orderId: t.orderId,
          ts: vo.ts,
          filledQty: t.filled,
          reason: `${this.venue.name}: ${vo.reason ?? (vo.status === 'CANCELLED' ? 'cancelled' : 'expired')}`,
        });
    }
    return out;
  }

  private rejected(orderId: string, ts: string, code: RejectCode, reason: string): ExecutionReport {
    const t = this.byId.get(orderId);
    if (t) t.done = true;
    return { kind: 'rejected', orderId, ts, reason, code };
  }

  /** One venue call, counted by the breaker: transient failures open it, any answer closes it. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const r = await fn();
      this.breaker.success();
      return r;
    } catch (e) {
      if (isTransient(e)) {
        this.breaker.failure(e.message);
        this.lastError = e.message;
      } else if (e instanceof VenueRefusal) this.breaker.success();
      throw e;
    }
  }

  /** Reads (never places) retried on transient failures. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(fn);
      } catch (e) {
        if (!isTransient(e) || attempt >= this.opts.exitAttempts) throw e;
        await this.clock.sleep(this.backoff(attempt, e));
      }
    }
  }

  private backoff(attempt: number, e: VenueUnavailable): number {
    const base = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (attempt - 1));
    const asked = e.retryAfterS ? e.retryAfterS * 1000 : 0;
    // Jitter keeps several deployments that failed together from retrying in lockstep.
    return Math.max(asked, base * (0.75 + Math.random() * 0.5));
  }
}

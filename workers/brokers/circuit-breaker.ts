/**
 * The circuit breaker in front of a venue. After `threshold` transient failures in a row it
 * opens: new entries are refused at once (a strategy must not pile up positions at a venue
 * that is failing), while exits keep being tried, because an exit that waits is a loss that
 * grows. After `cooldownMs` it lets calls through again (half-open); one success closes it.
 */
import { realClock, type Clock } from './rate-limit';

export type BreakerState =
  | { state: 'closed'; failures: number }
  | { state: 'open'; failures: number; since: number; until: number; reason: string }
  | { state: 'half-open'; failures: number; reason: string };

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private lastReason = '';

  constructor(
    private readonly opts: { threshold: number; cooldownMs: number },
    private readonly clock: Clock = realClock,
  ) {}

  get status(): BreakerState {
    if (this.openedAt === null) return { state: 'closed', failures: this.failures };
    const until = this.openedAt + this.opts.cooldownMs;
    if (this.clock.now() < until)
      return {
        state: 'open',
        failures: this.failures,
        since: this.openedAt,
        until,
        reason: this.lastReason,
      };
    return { state: 'half-open', failures: this.failures, reason: this.lastReason };
  }

  /** Why a new entry may not be sent now, or null when it may. Exits never ask. */
  entryBlock(): string | null {
    const s = this.status;
    if (s.state !== 'open') return null;
    return `entries are halted: the venue failed ${s.failures} times in a row (last: ${s.reason}); trying again after ${new Date(s.until).toISOString()}`;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
  }

  failure(reason: string): void {
    this.failures++;
    this.lastReason = reason;
    const s = this.status;
    // A failure while half-open re-opens at once; while closed it opens at the threshold.
    if (s.state === 'half-open' || (s.state === 'closed' && this.failures >= this.opts.threshold))
      this.openedAt = this.clock.now();
  }
}

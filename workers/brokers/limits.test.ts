// The rate limiter and the circuit breaker on a controlled clock: Kite's 10 orders a second and
// 400 a minute are never exceeded, and the breaker opens, refuses entries, and closes again.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';
import { RateLimiter, type Clock } from './rate-limit';

function manualClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

describe('rate limiter', () => {
  it('spreads 900 orders so no second holds more than 10 and no minute more than 400', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(
      [
        { max: 10, perMs: 1_000 },
        { max: 400, perMs: 60_000 },
      ],
      clock,
    );
    const stamps: number[] = [];
    for (let i = 0; i < 900; i++) {
      await limiter.take();
      stamps.push(clock.t);
    }
    const most = (window: number) => {
      let worst = 0;
      for (let i = 0, j = 0; i < stamps.length; i++) {
        while (stamps[i] - stamps[j] >= window) j++;
        worst = Math.max(worst, i - j + 1);
      }
      return worst;
    };
    expect(most(1_000)).toBe(10);
    expect(most(60_000)).toBe(400);
    // Two full minutes of 400, then the last 100 at 10 a second: done before 130 s, not later.
    expect(clock.t).toBeGreaterThanOrEqual(120_000);
    expect(clock.t).toBeLessThan(130_000);
  });

  it('serves callers in the order they asked', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter([{ max: 1, perMs: 100 }], clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => limiter.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, refuses entries while open, lets a trial through after the cooldown', () => {
    const clock = manualClock();
    const b = new CircuitBreaker({ threshold: 3, cooldownMs: 30_000 }, clock);
    b.failure('timeout');
    b.failure('timeout');
    expect(b.entryBlock()).toBeNull();
    b.failure('HTTP 503');
    expect(b.status.state).toBe('open');
    expect(b.entryBlock()).toMatch(
      /entries are halted: the venue failed 3 times in a row \(last: HTTP 503\)/,
    );
    clock.t += 30_000;
    expect(b.status.state).toBe('half-open');
    expect(b.entryBlock()).toBeNull();
    b.failure('timeout'); // the trial failed: open again at once
    expect(b.status.state).toBe('open');
    clock.t += 30_000;
    b.success();
    expect(b.status).toEqual({ state: 'closed', failures: 0 });
  });
});

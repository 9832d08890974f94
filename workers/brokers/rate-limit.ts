/**
 * Client-side rate limits, kept below the venue's published ones so the venue never has to
 * refuse us (a refused exit is a missed exit). Several windows at once (Kite: 10 orders a
 * second and 400 a minute); `take` waits until every window has room, first come first served.
 */

export type RateWindow = { max: number; perMs: number };

export type Clock = { now(): number; sleep(ms: number): Promise<void> };

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class RateLimiter {
  private readonly stamps: number[][];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly windows: readonly RateWindow[],
    private readonly clock: Clock = realClock,
  ) {
    for (const w of windows)
      if (!(w.max >= 1 && w.perMs > 0)) throw new Error(`bad rate window ${JSON.stringify(w)}`);
    this.stamps = windows.map(() => []);
  }

  /** Resolves when one more call fits in every window, and counts it. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let delay = 0;
      this.windows.forEach((w, i) => {
        const s = this.stamps[i];
        while (s.length > 0 && s[0] <= now - w.perMs) s.shift();
        if (s.length >= w.max) delay = Math.max(delay, s[0] + w.perMs - now);
      });
      if (delay <= 0) {
        for (const s of this.stamps) s.push(now);
        return;
      }
      await this.clock.sleep(delay);
    }
  }
}

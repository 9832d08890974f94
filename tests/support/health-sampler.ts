/**
 * Asks GET /api/health every `everyMs` while something else happens, and keeps how long each
 * answer took. A request the app cannot even accept because it is down on purpose (killed and
 * restarting) is counted apart; a slow or missing answer from an app that is up counts as its
 * whole timeout. Figures: answered count, p50/p99/max latency.
 */
export type HealthSample = {
  at: number;
  ms: number;
  status: number | 'timeout' | 'down';
  /** What the suite was doing (the last `mark`). */
  phase: string;
};

export class HealthSampler {
  readonly samples: HealthSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private phase = 'start';

  constructor(
    private readonly base: string,
    private readonly opts: { everyMs?: number; timeoutMs?: number } = {},
  ) {}

  /** Labels the samples from now on, so slow answers can be traced to what was going on. */
  mark(phase: string): void {
    this.phase = phase;
  }

  start(): this {
    const every = this.opts.everyMs ?? 200;
    this.timer = setInterval(() => void this.sample(), every);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async sample(): Promise<void> {
    const timeoutMs = this.opts.timeoutMs ?? 5_000;
    const at = Date.now();
    const phase = this.phase;
    this.inFlight++;
    try {
      const res = await fetch(`${this.base}/api/health`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
      this.samples.push({ at, ms: Date.now() - at, status: res.status, phase });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const refused =
        cause === 'ECONNREFUSED' || cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET';
      this.samples.push({
        at,
        ms: refused ? 0 : timeoutMs,
        status: refused ? 'down' : 'timeout',
        phase,
      });
    } finally {
      this.inFlight--;
    }
  }

  /** Latency figures over the answers of an app that was up (refused connections left out). */
  /** The slowest answers, for a report. */
  slowest(n = 5): HealthSample[] {
    return this.samples
      .filter((s) => s.status !== 'down')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n);
  }

  figures(since = 0): { answered: number; down: number; p50: number; p99: number; max: number } {
    const up = this.samples.filter((s) => s.at >= since && s.status !== 'down');
    const ms = up.map((s) => s.ms).sort((a, b) => a - b);
    const pct = (p: number) =>
      ms.length ? ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)] : 0;
    return {
      answered: up.filter((s) => s.status !== 'timeout').length,
      down: this.samples.filter((s) => s.at >= since && s.status === 'down').length,
      p50: pct(0.5),
      p99: pct(0.99),
      max: ms.length ? ms[ms.length - 1] : 0,
    };
  }
}

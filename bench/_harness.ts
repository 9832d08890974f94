/**
 * The measuring rules every bench follows, in one place so none can drift: CPU time of this
 * process (user + system, every thread: a worker pool or DuckDB's thread counts), never wall
 * time, decides pass/fail; the product and its reference run in the same process, in
 * interleaved rounds whose order rotates, after warm-up rounds that are thrown away; figures
 * are medians, and ratios are taken between medians of the same run.
 */
import os from 'node:os';

export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export type Contender = { name: string; run: () => unknown };

export type Timing = {
  medianCpuSeconds: number;
  minCpuSeconds: number;
  medianWallSeconds: number;
  rounds: number;
};

/** One call of fn: CPU and wall seconds. */
export async function timeOnce(fn: () => unknown): Promise<{ cpu: number; wall: number }> {
  const c0 = cpuSeconds();
  const w0 = performance.now();
  await fn();
  return { cpu: cpuSeconds() - c0, wall: (performance.now() - w0) / 1000 };
}

/**
 * Runs every contender once per round, rotating who goes first, `warmup` rounds unrecorded
 * then `rounds` recorded; returns each one's medians.
 */
export async function interleaved(
  contenders: readonly Contender[],
  opts: { rounds: number; warmup: number },
): Promise<Record<string, Timing>> {
  const cpu = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const wall = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < opts.warmup + opts.rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      const t = await timeOnce(c.run);
      if (r < opts.warmup) continue;
      cpu.get(c.name)!.push(t.cpu);
      wall.get(c.name)!.push(t.wall);
    }
  }
  return Object.fromEntries(
    contenders.map((c) => [
      c.name,
      {
        medianCpuSeconds: round(median(cpu.get(c.name)!), 6),
        minCpuSeconds: round(Math.min(...cpu.get(c.name)!), 6),
        medianWallSeconds: round(median(wall.get(c.name)!), 6),
        rounds: opts.rounds,
      },
    ]),
  );
}

/** What every bench prints beside its figures: where and under what load it ran. */
export function machine() {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    // A load above the core count means other work shared the CPU; CPU-time figures hold anyway.
    loadAverage1m: round(os.loadavg()[0], 2),
  };
}

/** Peak resident memory of this process so far, in MB (Linux reports it in kB). */
export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

export function emit(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...result, machine: machine() }, null, 2) + '\n');
}

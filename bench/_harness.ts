/**
 * The measuring rules every bench follows, in one place so none can drift: CPU time of this
 * process (user + system, every thread: a worker pool or DuckDB's thread counts), never wall
 * time, decides pass/fail; the product and its reference run in the same process, in
 * interleaved rounds whose order rotates, after warm-up rounds that are thrown away; figures
 * are medians, and ratios are taken between medians of the same run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * CPU seconds another process has used so far (user + system, every thread), from Linux's
 * /proc/<pid>/stat in clock ticks of 1/100 s. `reaped`: with its children that ended (a server's
 * backends come and go). Throws when the process is gone.
 */
export function processCpuSeconds(pid: number, reaped = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which may itself hold spaces and parentheses.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0)) / 100;
}

/** The child processes of `pid` now (those of every thread), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`))
    for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(/\s+/))
      if (c) out.push(Number(c));
  return out;
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

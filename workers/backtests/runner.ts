/**
 * Where a backtest's computation runs. On a worker thread by default, so a year of snapshots
 * never blocks the event loop that serves pages, health checks, BullMQ lock renewals and (in the
 * embedded default) the database; `inline` runs it on the calling thread, the old behaviour,
 * kept for measuring the difference (bench/abuse.bench.ts) and for debugging.
 */
import { Worker } from 'node:worker_threads';
import type { BacktestReport } from '@/engine/backtest/backtest';
import { BacktestCancelled } from '@/engine/backtest/backtest';
import { compute, type BacktestInput, type ComputeKind, type Computed } from './compute';

export type Execution = 'thread' | 'inline';

/** What the backtest thread is given: the run, and whether it computes a report or a day range's part. */
export type ThreadInput = { input: BacktestInput; kind: ComputeKind };

/** Messages from the backtest thread to the worker that started it. */
export type ThreadMessage =
  | { kind: 'progress'; fraction: number; snapshots: number }
  | { kind: 'done'; result: Computed<ComputeKind> }
  | { kind: 'failed'; message: string; cancelled: boolean };

export type Running<T> = {
  /** The result; rejects with the run's error, or BacktestCancelled after `stop()`. */
  result: Promise<T>;
  /** Stops the run now (a thread is terminated mid-computation). */
  stop: () => Promise<void>;
};
export type RunningBacktest = Running<BacktestReport>;

/** Heap of one backtest thread: a runaway upload fails its run, not the whole server. */
const THREAD_HEAP_MB = 1536;

function assertNever(x: never): never {
  throw new Error(`unexpected message from the backtest thread: ${JSON.stringify(x)}`);
}

export function startBacktest(
  input: BacktestInput,
  onProgress: (fraction: number, snapshots: number) => void,
  execution: Execution = 'thread',
): RunningBacktest {
  return startCompute(input, 'report', onProgress, execution);
}

/** A computation of either kind, on a thread or inline. */
export function startCompute<K extends ComputeKind>(
  input: BacktestInput,
  kind: K,
  onProgress: (fraction: number, snapshots: number) => void,
  execution: Execution = 'thread',
): Running<Computed<K>> {
  return execution === 'thread'
    ? onThread(input, kind, onProgress)
    : inline(input, kind, onProgress);
}

function onThread<K extends ComputeKind>(
  input: BacktestInput,
  kind: K,
  onProgress: (fraction: number, snapshots: number) => void,
): Running<Computed<K>> {
  const thread = new Worker(new URL('./thread-entry.mjs', import.meta.url), {
    workerData: { input, kind } satisfies ThreadInput,
    resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    stdout: false,
    stderr: false,
  });
  let stopped = false;
  const result = new Promise<Computed<K>>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    thread.on('message', (m: ThreadMessage) => {
      switch (m.kind) {
        case 'progress':
          onProgress(m.fraction, m.snapshots);
          return;
        case 'done':
          settle(() => resolve(m.result as Computed<K>));
          void thread.terminate();
          return;
        case 'failed':
          settle(() => reject(m.cancelled ? new BacktestCancelled(0) : new Error(m.message)));
          void thread.terminate();
          return;
        default:
          assertNever(m);
      }
    });
    thread.on('error', (err: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new Error(
                `the backtest ran out of memory (over ${THREAD_HEAP_MB} MB): backtest a shorter range or a smaller file`,
              )
            : err,
        ),
      ),
    );
    thread.on('exit', (code) =>
      settle(() =>
        reject(
          stopped
            ? new BacktestCancelled(0)
            : new Error(`the backtest thread stopped unexpectedly (exit code ${code})`),
        ),
      ),
    );
  });
  return {
    result,
    stop: async () => {
      stopped = true;
      await thread.terminate();
    },
  };
}

function inline<K extends ComputeKind>(
  input: BacktestInput,
  kind: K,
  onProgress: (fraction: number, snapshots: number) => void,
): Running<Computed<K>> {
  const controller = new AbortController();
  const result = compute(
    input,
    { onProgress, signal: controller.signal, yieldToEventLoop: true },
    kind,
  );
  return {
    result,
    stop: async () => {
      controller.abort();
      await result.catch(() => {});
    },
  };
}

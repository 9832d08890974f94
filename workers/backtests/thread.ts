/** A backtest on its own worker thread: input from workerData, progress and the result as messages. */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestCancelled } from '@/engine/backtest/backtest';
import { compute } from './compute';
import type { ThreadInput, ThreadMessage } from './runner';

/**
 * A backtest thread yields the CPU to the thread that serves pages and health checks: on Linux a
 * nice value is per thread, so this thread alone runs at 10 (the launcher's stays at 0).
 */
function yieldToTheServer(): void {
  try {
    const tid = Number(path.basename(readlinkSync('/proc/thread-self')));
    if (tid > 0) os.setPriority(tid, 10);
  } catch {
    // not Linux, or not allowed: the thread still runs, at normal priority
  }
}

yieldToTheServer();
const port = parentPort;
if (!port) throw new Error('workers/backtests/thread.ts runs only as a worker thread');
const post = (m: ThreadMessage) => port.postMessage(m);

try {
  const { input, kind } = workerData as ThreadInput;
  const result = await compute(
    input,
    { onProgress: (fraction, snapshots) => post({ kind: 'progress', fraction, snapshots }) },
    kind,
  );
  post({ kind: 'done', result });
} catch (err) {
  post({
    kind: 'failed',
    message: err instanceof Error ? err.message : String(err),
    cancelled: err instanceof BacktestCancelled,
  });
}

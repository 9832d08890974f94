/** A backtest on its own worker thread: input from workerData, progress and the result as messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestCancelled } from '@/engine/backtest/backtest';
import { computeBacktest, type BacktestInput } from './compute';
import type { ThreadMessage } from './runner';

const port = parentPort;
if (!port) throw new Error('workers/backtests/thread.ts runs only as a worker thread');
const post = (m: ThreadMessage) => port.postMessage(m);

try {
  const report = await computeBacktest(workerData as BacktestInput, {
    onProgress: (fraction, snapshots) => post({ kind: 'progress', fraction, snapshots }),
  });
  post({ kind: 'done', report });
} catch (err) {
  post({
    kind: 'failed',
    message: err instanceof Error ? err.message : String(err),
    cancelled: err instanceof BacktestCancelled,
  });
}

'use client';
/** A running backtest's live progress bar, fed by the server's SSE subscription, with cancel. */
import { useMutation } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';

export type ProgressEvent = {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  error: string | null;
};

export function BacktestProgress({
  id,
  onDone,
}: {
  id: string;
  onDone?: (e: ProgressEvent) => void;
}) {
  const trpc = useTRPC();
  // Kept here, not read from sub.data: the hook clears its data when the server ends the stream,
  // which is exactly when the final "succeeded" event has arrived.
  const [e, setLast] = useState<ProgressEvent | undefined>();
  const sub = useSubscription(
    trpc.backtests.progress.subscriptionOptions(
      { id },
      { onData: (d) => setLast(d.data as ProgressEvent) },
    ),
  );
  const cancel = useMutation(trpc.backtests.cancel.mutationOptions());
  const terminal =
    e && (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled');
  useEffect(() => {
    if (e && terminal) onDone?.(e);
  }, [e, terminal, onDone]);

  const pct = Math.round((e?.progress ?? 0) * 100);
  return (
    <div
      className="space-y-1 text-xs"
      data-testid="backtest-progress"
      data-status={e?.status ?? 'connecting'}
    >
      <div className="flex items-center justify-between text-zinc-400">
        <span>
          {e
            ? e.status === 'queued'
              ? 'Queued…'
              : e.status === 'running'
                ? 'Running…'
                : e.status === 'succeeded'
                  ? 'Done'
                  : e.status === 'cancelled'
                    ? 'Cancelled'
                    : 'Failed'
            : 'Connecting…'}
        </span>
        <span className="font-mono">{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="Backtest progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 w-full overflow-hidden rounded bg-zinc-800"
      >
        <div
          className={`h-full transition-all ${e?.status === 'failed' ? 'bg-rose-500' : e?.status === 'cancelled' ? 'bg-zinc-500' : 'bg-sky-500'}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      {e?.error && (
        <p role="alert" className="text-rose-400">
          {e.error}
        </p>
      )}
      {sub.error && (
        <p role="alert" className="text-rose-400">
          {errorMessage(sub.error)}
        </p>
      )}
      {cancel.error && (
        <p role="alert" className="text-rose-400">
          {errorMessage(cancel.error)}
        </p>
      )}
      {!terminal && (
        <button
          type="button"
          className="text-zinc-400 underline hover:text-zinc-200 disabled:opacity-50"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ id })}
        >
          Cancel backtest
        </button>
      )}
    </div>
  );
}

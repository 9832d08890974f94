'use client';
/** Every backtest of mine, newest first, with status, data and headline figures. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { formatMoney, formatPct } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const STATUS_STYLE: Record<string, string> = {
  queued: 'text-zinc-400',
  running: 'text-sky-300',
  succeeded: 'text-emerald-400',
  failed: 'text-rose-400',
  cancelled: 'text-zinc-500',
};

function dataLabel(s: Record<string, unknown>): string {
  if (s.kind === 'simulator')
    return `sim ${String(s.underlying)} ${String(s.from)}→${String(s.to)} #${String(s.seed)}`;
  if (s.kind === 'dataset') return String(s.path);
  if (s.kind === 'store') return `stored ${String(s.underlying)} ${String(s.from)}→${String(s.to)}`;
  return `upload ${String(s.filename ?? '')}`;
}

/** Deletes a backtest and the file uploaded for it (uploads count against the user's quota). */
function DeleteButton({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const remove = useMutation(
    trpc.backtests.delete.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.backtests.pathKey() }),
    }),
  );
  return (
    <>
      <button
        type="button"
        aria-label={`Delete backtest of ${name}`}
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete this backtest of ${name}, with its report and uploaded file?`))
            remove.mutate({ id });
        }}
        className="text-zinc-500 hover:text-rose-400 disabled:opacity-50"
      >
        Delete
      </button>
      {remove.error && (
        <span role="alert" className="ml-2 text-rose-400">
          {errorMessage(remove.error)}
        </span>
      )}
    </>
  );
}

export function BacktestList() {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.backtests.list.queryOptions(),
    refetchInterval: (q) =>
      q.state.data?.some((b) => b.status === 'queued' || b.status === 'running') ? 2000 : false,
  });
  if (list.isPending) return <LoadingRows />;
  if (list.isError) return <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>;
  if (list.data.length === 0) {
    return (
      <EmptyState
        title="No backtests yet"
        action={
          <Link
            href="/strategies"
            className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
          >
            Pick a strategy
          </Link>
        }
      >
        Open a strategy in the builder and press Backtest to run it on the simulator, a real dataset
        or a file of your own; every run is kept here.
      </EmptyState>
    );
  }
  return (
    <div className="overflow-x-auto rounded border border-zinc-800">
      <table className="w-full text-left text-xs" data-testid="backtest-table">
        <thead className="bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="px-3 py-2 font-medium">Strategy</th>
            <th className="px-3 py-2 font-medium">Data</th>
            <th className="px-3 py-2 font-medium">Status</th>
            <th className="px-3 py-2 text-right font-medium">Net P&amp;L</th>
            <th className="px-3 py-2 text-right font-medium">Trades</th>
            <th className="px-3 py-2 text-right font-medium">Win rate</th>
            <th className="px-3 py-2 text-right font-medium">Started</th>
            <th className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/80">
          {list.data.map((b) => {
            const s = (b.summary ?? null) as {
              netPnl?: number;
              trades?: number;
              winRate?: number;
            } | null;
            return (
              <tr key={b.id} className="hover:bg-zinc-900/60">
                <td className="px-3 py-2 font-medium text-zinc-100">
                  <Link href={`/backtests/${b.id}`} className="hover:underline">
                    {b.strategyName}
                  </Link>
                </td>
                <td className="px-3 py-2 text-zinc-400">{dataLabel(b.dataSource)}</td>
                <td className={`px-3 py-2 ${STATUS_STYLE[b.status] ?? ''}`}>
                  {b.status}
                  {b.status === 'running' && ` ${Math.round(b.progress * 100)}%`}
                </td>
                <td
                  className={`px-3 py-2 text-right font-mono ${(s?.netPnl ?? 0) >= 0 ? 'text-emerald-400' : 'text-rose-400'}`}
                >
                  {s?.netPnl !== undefined ? formatMoney(s.netPnl, 2) : '—'}
                </td>
                <td className="px-3 py-2 text-right">{s?.trades ?? '—'}</td>
                <td className="px-3 py-2 text-right">
                  {s?.winRate !== undefined ? formatPct(s.winRate) : '—'}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right text-zinc-400">
                  {when.format(b.createdAt)}
                </td>
                <td className="px-3 py-2 text-right">
                  <DeleteButton id={b.id} name={b.strategyName} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

'use client';
/** Every backtest of mine, newest first, with status, data and headline figures; tick two or more to compare. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { MAX_COMPARED } from '@/components/backtest/backtest-compare';
import { formatMoney, formatPct } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';
import { formatExchangeDate } from '@/components/backtest/exchange-time';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const STATUS_STYLE: Record<string, string> = {
  queued: 'text-zinc-400',
  running: 'text-sky-300',
  succeeded: 'text-emerald-400',
  failed: 'text-rose-400',
  cancelled: 'text-zinc-400',
};

function dataLabel(s: Record<string, unknown>): string {
  if (s.kind === 'simulator')
    return `simulated ${String(s.underlying)} ${formatExchangeDate(String(s.from))} → ${formatExchangeDate(String(s.to))} · seed ${String(s.seed)}`;
  if (s.kind === 'dataset') return String(s.path);
  if (s.kind === 'store')
    return `stored ${String(s.underlying)} ${formatExchangeDate(String(s.from))} → ${formatExchangeDate(String(s.to))}`;
  return `your file ${String(s.filename ?? '')}`;
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
  const router = useRouter();
  const [picked, setPicked] = useState<string[]>([]);
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
    <div className="space-y-2">
      <div className="flex items-center gap-2 text-xs text-zinc-400">
        <button
          type="button"
          disabled={picked.length < 2}
          onClick={() => router.push(`/backtests/compare?ids=${picked.join(',')}`)}
          className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-600 disabled:opacity-40"
        >
          Compare selected ({picked.length})
        </button>
        <span>
          Tick two to {MAX_COMPARED} finished backtests to see their equity overlaid and their
          metrics side by side.
        </span>
      </div>
      <div className="overflow-x-auto rounded border border-zinc-800">
        <table className="w-full text-left text-xs" data-testid="backtest-table">
          <thead className="bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-400">
            <tr>
              <th className="px-3 py-2 font-medium">
                <span className="sr-only">Compare</span>
              </th>
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
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      className="accent-sky-500"
                      aria-label={`Compare ${b.strategyName}, run ${when.format(b.createdAt)}`}
                      disabled={
                        b.status !== 'succeeded' ||
                        (!picked.includes(b.id) && picked.length >= MAX_COMPARED)
                      }
                      checked={picked.includes(b.id)}
                      onChange={(e) =>
                        setPicked((p) =>
                          e.target.checked ? [...p, b.id] : p.filter((x) => x !== b.id),
                        )
                      }
                    />
                  </td>
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
    </div>
  );
}

'use client';
/** My sweeps, newest first: strategy, grid, status and how many combinations have finished. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function SweepList() {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.sweeps.list.queryOptions(),
    refetchInterval: (q) =>
      q.state.data?.some((s) => s.status === 'queued' || s.status === 'running') ? 2000 : false,
  });
  if (list.isPending) return <LoadingRows />;
  if (list.error) return <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>;
  if (list.data.length === 0)
    return (
      <EmptyState title="No sweeps yet">
        A sweep backtests a strategy once per combination of the values you choose (stop-loss %,
        entry time, strike offset, ...) on the worker fleet, and shows the results as a heat map
        with an out-of-sample check.
      </EmptyState>
    );
  return (
    <table className="w-full text-xs" data-testid="sweep-list">
      <thead className="text-left text-zinc-500">
        <tr>
          <th className="py-1 font-normal">Strategy</th>
          <th className="font-normal">Grid</th>
          <th className="font-normal">Status</th>
          <th className="font-normal">Started</th>
        </tr>
      </thead>
      <tbody>
        {list.data.map((s) => (
          <tr key={s.id} className="border-t border-zinc-800">
            <td className="py-1.5">
              <Link className="text-sky-300 hover:underline" href={`/sweeps/${s.id}`}>
                {s.strategyName}
              </Link>
            </td>
            <td className="text-zinc-300">
              {s.spec.axes.map((a) => `${a.field} (${a.values.length})`).join(' × ')}
            </td>
            <td className="text-zinc-300">
              {s.status} · {s.done}/{s.combinations}
            </td>
            <td className="text-zinc-400">{when.format(s.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

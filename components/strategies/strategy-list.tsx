'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';

const updatedFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function StrategyList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.strategies.list.queryOptions());

  if (list.isPending) return <LoadingRows />;
  if (list.isError) return <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>;
  if (list.data.length === 0) {
    return (
      <EmptyState
        title="No strategies yet"
        action={
          <Link
            href="/templates"
            className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-500"
          >
            Browse templates
          </Link>
        }
      >
        A strategy is a set of option legs with strike selection, stop-loss, target and re-entry
        rules. Fork a ready-made one from Templates to start; your strategies are listed here with
        their version and last edit.
      </EmptyState>
    );
  }

  return (
    <div className="overflow-x-auto rounded border border-zinc-800">
      <table className="w-full text-left text-xs" data-testid="strategy-table">
        <thead className="bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="px-3 py-2 font-medium">Name</th>
            <th className="px-3 py-2 font-medium">Description</th>
            <th className="px-3 py-2 text-right font-medium">Version</th>
            <th className="px-3 py-2 text-right font-medium">Last edited</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/80">
          {list.data.map((s) => (
            <tr key={s.id} className="hover:bg-zinc-900/60">
              <td className="whitespace-nowrap px-3 py-2 font-medium text-zinc-100">{s.name}</td>
              <td className="max-w-md truncate px-3 py-2 text-zinc-400" title={s.description}>
                {s.description || '—'}
              </td>
              <td className="px-3 py-2 text-right font-mono text-zinc-300">v{s.version}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right text-zinc-400">
                {updatedFormat.format(s.updatedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

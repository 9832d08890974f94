'use client';
/**
 * The Deployments list: status, mode, underlying, MTM and today's P&L of every deployment, kept
 * current over SSE (the server re-reads when one of them changes); the empty state when none.
 */
import { useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';
import { FeedBadge, ModeBadge, StatusBadge } from './badges';
import { money, pnlClass, started } from './format';
import type { DeploymentRow } from './types';

export function DeploymentList() {
  const trpc = useTRPC();
  const first = useQuery(trpc.deployments.list.queryOptions());
  const [live, setLive] = useState<DeploymentRow[] | null>(null);
  useSubscription(
    trpc.deployments.listStream.subscriptionOptions(undefined, {
      onData: (rows) => setLive(rows as DeploymentRow[]),
    }),
  );
  const rows = live ?? first.data;
  if (!rows && first.isError) return <ErrorNotice>{errorMessage(first.error)}</ErrorNotice>;
  if (!rows) return <LoadingRows rows={4} />;
  if (rows.length === 0)
    return (
      <EmptyState
        title="Nothing deployed"
        action={
          <Link
            href="/strategies"
            className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
          >
            Pick a strategy
          </Link>
        }
      >
        Deploy a backtested strategy in paper mode first to watch it trade on live prices without
        risking money; you can square off or kill a deployment at any time.
      </EmptyState>
    );
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="deployments-table">
        <caption className="sr-only">Your deployments</caption>
        <thead className="border-b border-zinc-800 text-zinc-400">
          <tr>
            <th className="py-1.5 pr-3 font-medium">Deployment</th>
            <th className="pr-3 font-medium">Status</th>
            <th className="pr-3 font-medium">Mode</th>
            <th className="pr-3 font-medium">Underlying</th>
            <th className="pr-3 text-right font-medium">MTM</th>
            <th className="pr-3 text-right font-medium">Today&apos;s P&amp;L</th>
            <th className="pr-3 font-medium">Market data</th>
            <th className="font-medium">Started</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} className="border-b border-zinc-900" data-testid="deployment-row">
              <td className="py-1.5 pr-3">
                <Link href={`/deployments/${d.id}`} className="text-sky-400 hover:underline">
                  {d.name}
                </Link>
              </td>
              <td className="pr-3">
                <StatusBadge status={d.status} />
              </td>
              <td className="pr-3">
                <ModeBadge mode={d.mode} />
              </td>
              <td className="pr-3 text-zinc-300">{d.underlyings.join(', ')}</td>
              <td
                className={`pr-3 text-right font-mono ${pnlClass(d.pnl?.net)}`}
                data-testid="deployment-mtm"
              >
                {money(d.pnl?.net)}
              </td>
              <td className={`pr-3 text-right font-mono ${pnlClass(d.pnl?.day)}`}>
                {money(d.pnl?.day)}
              </td>
              <td className="pr-3">
                <FeedBadge feed={d.feed} />
              </td>
              <td className="text-zinc-400">{started(d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Deployments' };

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader
        title="Deployments"
        description="Strategies running on paper or live, with their P&L, positions and orders."
      />
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
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Backtests' };

export default function BacktestsPage() {
  return (
    <>
      <PageHeader
        title="Backtests"
        description="Runs of your strategies on historical or simulated option chains."
      />
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
        Backtest a strategy from its page to see its equity curve, trades and metrics; every run is
        kept here.
      </EmptyState>
    </>
  );
}

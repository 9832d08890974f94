import type { Metadata } from 'next';
import { BacktestList } from '@/components/backtest/backtest-list';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Backtests' };

export default function BacktestsPage() {
  return (
    <>
      <PageHeader
        title="Backtests"
        description="Runs of your strategies on historical or simulated option chains."
      />
      <BacktestList />
    </>
  );
}

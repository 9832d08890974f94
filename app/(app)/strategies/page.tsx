import type { Metadata } from 'next';
import { StrategyList } from '@/components/strategies/strategy-list';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Strategies' };

export default function StrategiesPage() {
  return (
    <>
      <PageHeader
        title="Strategies"
        description="Your option strategies: build them as blocks, backtest them, deploy them."
      />
      <StrategyList />
    </>
  );
}

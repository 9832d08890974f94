import type { Metadata } from 'next';
import { SweepLauncher } from '@/components/sweep/sweep-launcher';
import { SweepList } from '@/components/sweep/sweep-list';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Sweeps' };

export default async function SweepsPage({
  searchParams,
}: {
  searchParams: Promise<{ strategy?: string }>;
}) {
  const { strategy } = await searchParams;
  return (
    <>
      <PageHeader
        title="Parameter sweeps"
        description="Backtest a strategy over a grid of parameters on the worker fleet; judge the best in-sample choice on sessions it never saw."
      />
      <div className="space-y-6">
        <SweepLauncher strategyId={strategy} />
        <SweepList />
      </div>
    </>
  );
}

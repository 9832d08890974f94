import type { Metadata } from 'next';
import { DatasetsView } from '@/components/datasets/datasets-view';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Datasets' };

export default function DatasetsPage() {
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Option chains stored on this server, imported once and read by backtests and the payoff panel."
      />
      <DatasetsView />
    </>
  );
}

import type { Metadata } from 'next';
import { DeploymentList } from '@/components/deployments/deployment-list';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Deployments' };

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader
        title="Deployments"
        description="Strategies running on paper or live, with their P&L, positions and orders."
      />
      <DeploymentList />
    </>
  );
}

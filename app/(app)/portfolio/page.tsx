import type { Metadata } from 'next';
import { PortfolioRisk } from '@/components/portfolio/portfolio-risk';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Portfolio risk' };

export default function PortfolioPage() {
  return (
    <>
      <PageHeader
        title="Portfolio risk"
        description="Greeks, mark-to-market and margin of everything your running deployments hold, live and paper apart, per underlying and per expiry; and your limits."
      />
      <PortfolioRisk />
    </>
  );
}

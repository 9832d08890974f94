import type { Metadata } from 'next';
import { DeploymentScenarios } from '@/components/portfolio/deployment-scenarios';
import { ErrorNotice, PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Scenarios' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function PortfolioScenariosPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const p = await searchParams;
  const deployment = one(p.deployment);
  const mode = one(p.mode);
  const currency = one(p.currency);
  if (deployment && UUID.test(deployment))
    return <DeploymentScenarios pick={{ kind: 'deployment', deploymentId: deployment }} />;
  if ((mode === 'paper' || mode === 'live') && currency && /^[A-Z]{3}$/.test(currency))
    return <DeploymentScenarios pick={{ kind: 'portfolio', mode, currency }} />;
  return (
    <>
      <PageHeader title="Scenarios" />
      <ErrorNotice>
        Open scenarios from the Portfolio page: this address needs ?deployment=&lt;deployment id&gt;
        or ?mode=paper|live&amp;currency=INR.
      </ErrorNotice>
    </>
  );
}

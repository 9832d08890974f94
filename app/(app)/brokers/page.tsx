import type { Metadata } from 'next';
import { BrokerAccounts } from '@/components/brokers/broker-accounts';
import { PageHeader } from '@/components/ui/page';
import { resolveOrigins } from '@/server/auth';

export const metadata: Metadata = { title: 'Brokers' };
export const dynamic = 'force-dynamic';

const NOTICES: Record<string, string> = {
  connected: 'Kite login complete: today’s session is open until 06:00 IST tomorrow.',
  failed: 'The Kite login did not complete.',
};

export default async function BrokersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const q = await searchParams;
  const notice = q.kite ? `${NOTICES[q.kite] ?? ''} ${q.message ?? ''}`.trim() : undefined;
  return (
    <>
      <PageHeader
        title="Brokers"
        description="Settings: the broker accounts live deployments trade through. Keys are encrypted at rest and never shown again."
      />
      <BrokerAccounts
        callbackUrl={`${resolveOrigins().baseURL}/api/brokers/kite/callback`}
        notice={notice}
      />
    </>
  );
}

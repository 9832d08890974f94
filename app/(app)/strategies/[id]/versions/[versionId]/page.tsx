import type { Metadata } from 'next';
import { VersionView } from '@/components/strategies/version-view';

export const metadata: Metadata = { title: 'Version' };

export default async function StrategyVersionPage({
  params,
}: {
  params: Promise<{ id: string; versionId: string }>;
}) {
  const { id, versionId } = await params;
  // Like the builder, the read-only canvas takes the whole area under the header.
  return (
    <div className="-mx-4 -my-4 h-[calc(100vh-2.75rem)] min-h-[560px] lg:-mx-6">
      <VersionView strategyId={id} versionId={versionId} />
    </div>
  );
}

import type { Metadata } from 'next';
import { RegimeView } from '@/components/analysis/regime-view';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Regimes' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function RegimePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const p = await searchParams;
  return (
    <>
      <PageHeader
        title="Regimes"
        description="The market regime that conditions and regime sizing read, snapshot by snapshot, with the facts behind it."
      />
      <RegimeView initial={{ dataset: one(p.dataset), underlying: one(p.underlying) }} />
    </>
  );
}

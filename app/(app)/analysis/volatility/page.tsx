import type { Metadata } from 'next';
import { VolLab } from '@/components/analysis/vol-lab';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Vol lab' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function VolLabPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const p = await searchParams;
  return (
    <>
      <PageHeader
        title="Volatility lab"
        description="Smile, term structure, surface, skew, IV rank, realised vs implied and positioning of a stored option-chain snapshot."
      />
      <VolLab initial={{ dataset: one(p.dataset), underlying: one(p.underlying), at: one(p.at) }} />
    </>
  );
}

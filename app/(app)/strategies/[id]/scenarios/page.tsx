import type { Metadata } from 'next';
import { StrategyScenarios } from '@/components/analysis/strategy-scenarios';

export const metadata: Metadata = { title: 'Scenarios' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function StrategyScenariosPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const p = await searchParams;
  return (
    <StrategyScenarios
      id={id}
      initial={{ dataset: one(p.dataset), underlying: one(p.underlying), at: one(p.at) }}
    />
  );
}

import type { Metadata } from 'next';
import { SweepResults } from '@/components/sweep/sweep-results';

export const metadata: Metadata = { title: 'Sweep' };

export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SweepResults id={id} />;
}

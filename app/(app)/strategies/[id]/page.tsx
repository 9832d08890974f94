import type { Metadata } from 'next';
import { StrategyEditor } from '@/components/strategies/strategy-editor';

export const metadata: Metadata = { title: 'Builder' };

export default async function StrategyBuilderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The builder needs the whole area under the header; undo the shell's page padding.
  return (
    <div className="-mx-4 -my-4 h-[calc(100vh-2.75rem)] min-h-[560px] lg:-mx-6">
      <StrategyEditor id={id} />
    </div>
  );
}

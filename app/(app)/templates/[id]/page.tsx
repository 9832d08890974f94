import type { Metadata } from 'next';
import { TemplateView } from '@/components/templates/template-view';

export const metadata: Metadata = { title: 'Template' };

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="-mx-4 -my-4 h-[calc(100vh-2.75rem)] min-h-[560px] lg:-mx-6">
      <TemplateView id={id} />
    </div>
  );
}

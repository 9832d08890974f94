import type { Metadata } from 'next';
import { TemplateGallery } from '@/components/templates/template-gallery';
import { PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Templates' };

export default function TemplatesPage() {
  return (
    <>
      <PageHeader
        title="Templates"
        description="Strategies published by traders and the built-in examples, ready to fork and adapt."
      />
      <TemplateGallery />
    </>
  );
}

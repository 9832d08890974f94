import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/ui/page';

export const metadata: Metadata = { title: 'Templates' };

export default function TemplatesPage() {
  return (
    <>
      <PageHeader
        title="Templates"
        description="Strategies published by traders, ready to fork and adapt."
      />
      <EmptyState
        title="No templates published yet"
        action={
          <Link
            href="/strategies"
            className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
          >
            Go to your strategies
          </Link>
        }
      >
        Publish one of your strategies as a template to share it; everyone can then fork it into
        their own list.
      </EmptyState>
    </>
  );
}

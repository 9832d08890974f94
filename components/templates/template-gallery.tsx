'use client';
/** The gallery: published templates first, then the DSL's examples; search, open read-only, fork. */
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';

const btn =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 focus:outline-none focus:ring-1 focus:ring-sky-500 disabled:opacity-40';

export function TemplateGallery() {
  const trpc = useTRPC();
  const router = useRouter();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const list = useQuery(trpc.templates.list.queryOptions(deferred ? { search: deferred } : undefined));
  const [error, setError] = useState<string | null>(null);
  const fork = useMutation(
    trpc.templates.fork.mutationOptions({
      onSuccess: (s) => router.push(`/strategies/${s.id}`),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const items = list.data ?? [];
  return (
    <div className="space-y-4">
      <PageHeader title="Templates" description="Strategies published by traders, and Strikeflow's examples, ready to fork and adapt." />
      <div>
        <label htmlFor="template-search" className="sr-only">
          Search templates
        </label>
        <input
          id="template-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search by title, tag, underlying or author"
          className="w-full rounded border border-zinc-700 bg-zinc-900 px-3 py-1.5 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none"
        />
      </div>
      {error ? <ErrorNotice>{error}</ErrorNotice> : null}
      {list.isError ? (
        <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>
      ) : list.isPending ? (
        <LoadingRows />
      ) : items.length === 0 ? (
        <EmptyState title={`No template matches “${deferred}”`}>Try another word, or clear the search.</EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid="template-gallery">
          {items.map((t) => (
            <li key={t.id} className="flex flex-col rounded border border-zinc-800 bg-zinc-900/40 p-3" data-testid={`template-${t.id}`}>
              <div className="flex items-start justify-between gap-2">
                <Link href={`/templates/${t.id}`} className="text-sm font-medium text-zinc-100 hover:text-sky-300">
                  {t.title}
                </Link>
                <span className="shrink-0 font-mono text-[11px] text-zinc-500">v{t.version}</span>
              </div>
              <p className="mt-1 line-clamp-3 flex-1 text-xs text-zinc-400">{t.description || 'No description.'}</p>
              <div className="mt-2 flex flex-wrap gap-1">
                {t.tags.map((tag) => (
                  <span key={tag} className="rounded bg-zinc-800 px-1.5 text-[10px] text-zinc-300">
                    {tag}
                  </span>
                ))}
              </div>
              <div className="mt-2 text-[11px] text-zinc-500">
                {t.author}
                {t.mine ? ' (you)' : ''} · {t.underlyings.join(', ')} · {t.legs} leg{t.legs === 1 ? '' : 's'} · {t.forkCount} fork
                {t.forkCount === 1 ? '' : 's'}
              </div>
              <div className="mt-2 flex gap-2">
                <Link href={`/templates/${t.id}`} className={btn}>
                  View
                </Link>
                <button type="button" className={`${btn} border-sky-700`} disabled={fork.isPending} onClick={() => fork.mutate({ id: t.id })} aria-label={`Fork ${t.title}`}>
                  Fork
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

'use client';
/** The template gallery: search, tags and sort (newest, most forked, best published backtest) over every template the user can see, as cards with their legs in words and published figures. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { PayoffThumbnail } from '@/components/payoff/payoff-thumbnail';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';
import { BacktestFigures } from '@/components/templates/backtest-figures';
import { legLabels } from '@/engine/dsl/describe';
import type { DslDocument } from '@/engine/dsl';

type Sort = 'newest' | 'forks' | 'best';
const SORTS: [Sort, string][] = [
  ['newest', 'Newest'],
  ['forks', 'Most forked'],
  ['best', 'Best published backtest'],
];

/** "SELL ATM CE · SELL ATM PE" from the template's DSL, or "" when it cannot be read. */
function legsInWords(dsl: Record<string, unknown>): string {
  try {
    return [...legLabels((dsl as unknown as DslDocument).basket).values()].join(' · ');
  } catch {
    return '';
  }
}

const published = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function TemplateGallery() {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>('newest');
  const q = useDeferredValue(search);
  const list = useQuery(trpc.templates.list.queryOptions({ search: q || undefined, tag, sort }));
  const all = useQuery(trpc.templates.list.queryOptions());
  const tags = [...new Set((all.data ?? []).flatMap((t) => t.tags))].sort();

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2 text-xs text-zinc-400">
          <span>Search</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="straddle, NIFTY, condor…"
            className="w-64 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm text-zinc-100"
          />
        </label>
        <label className="flex items-center gap-2 text-xs text-zinc-400">
          <span>Sort by</span>
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value as Sort)}
            className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100"
          >
            {SORTS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-wrap gap-1" role="group" aria-label="Filter by tag">
          <button
            type="button"
            onClick={() => setTag(undefined)}
            aria-pressed={tag === undefined}
            className={chip(tag === undefined)}
          >
            all
          </button>
          {tags.map((t) => (
            <button
              key={t}
              type="button"
              onClick={() => setTag(t === tag ? undefined : t)}
              aria-pressed={t === tag}
              className={chip(t === tag)}
            >
              {t}
            </button>
          ))}
        </div>
      </div>
      {list.isPending ? (
        <LoadingRows rows={4} />
      ) : list.isError ? (
        <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>
      ) : list.data.length === 0 ? (
        <EmptyState title="No templates match">
          Try another search or tag, or publish one of your strategies from the builder.
        </EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid="template-gallery">
          {list.data.map((t) => (
            <li key={t.id}>
              <Link
                href={`/templates/${t.id}`}
                className="flex h-full flex-col gap-2 rounded border border-zinc-800 bg-zinc-900/50 p-3 hover:border-zinc-600"
                data-testid="template-card"
              >
                <div className="flex items-start justify-between gap-2">
                  <h2 className="text-sm font-medium text-zinc-100">{t.title}</h2>
                  <span className="shrink-0 font-mono text-[11px] text-zinc-400">v{t.version}</span>
                </div>
                <PayoffThumbnail dsl={t.dsl} />
                <p className="text-[11px] font-medium text-zinc-300" data-testid="card-legs">
                  {legsInWords(t.dsl)}
                </p>
                <p className="line-clamp-2 text-xs text-zinc-400">
                  {t.description || 'No description.'}
                </p>
                {t.backtest ? (
                  <div className="rounded bg-zinc-950/60 p-1.5 text-[11px]">
                    <BacktestFigures b={t.backtest} compact />
                  </div>
                ) : (
                  <p className="text-[11px] text-zinc-400">
                    No backtest published with this version.
                  </p>
                )}
                <div className="mt-auto flex flex-wrap items-center gap-1 text-[11px]">
                  {t.tags.map((x) => (
                    <span key={x} className="rounded bg-zinc-800 px-1.5 py-0.5 text-zinc-300">
                      {x}
                    </span>
                  ))}
                </div>
                <div className="text-[11px] text-zinc-400">
                  by {t.isMine ? 'you' : t.authorName}
                  {!t.isPublic && ' · unpublished'} · {t.forkCount} fork
                  {t.forkCount === 1 ? '' : 's'} · published {published.format(t.createdAt)}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function chip(active: boolean) {
  return `rounded-full border px-2 py-0.5 text-[11px] ${active ? 'border-sky-500 bg-sky-950 text-sky-200' : 'border-zinc-700 text-zinc-400 hover:border-zinc-500'}`;
}

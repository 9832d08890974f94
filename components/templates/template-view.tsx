'use client';
/** One template, read-only on the canvas, with its compiled DSL and a fork button. */
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Builder } from '@/components/builder/builder';
import { readSavedGraph } from '@/components/builder/catalog';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice } from '@/components/ui/page';

export function TemplateView({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery(trpc.templates.byId.queryOptions({ id }));
  const [error, setError] = useState<string | null>(null);
  const fork = useMutation(
    trpc.templates.fork.mutationOptions({
      onSuccess: (s) => router.push(`/strategies/${s.id}`),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  if (q.isPending) return <p className="p-6 text-sm text-zinc-500">Loading template…</p>;
  if (q.isError)
    return (
      <div className="space-y-2 p-6">
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
        <Link href="/templates" className="text-sm text-sky-300 underline">
          Back to templates
        </Link>
      </div>
    );
  const t = q.data;
  const read = readSavedGraph(t.graph);
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-800 px-3 py-2">
        <Link href="/templates" className="text-xs text-zinc-400 hover:text-zinc-200">
          ← Templates
        </Link>
        <h1 className="text-sm font-semibold text-zinc-100">{t.title}</h1>
        <span className="text-xs text-zinc-500">
          v{t.version} · {t.author} · {t.forkCount} fork{t.forkCount === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          className="ml-auto rounded border border-sky-700 bg-sky-900/40 px-3 py-1 text-xs text-sky-100 hover:bg-sky-900"
          disabled={fork.isPending}
          onClick={() => fork.mutate({ id })}
        >
          {fork.isPending ? 'Forking…' : 'Fork into my strategies'}
        </button>
      </div>
      {t.description ? <p className="border-b border-zinc-800 px-3 py-1.5 text-xs text-zinc-400">{t.description}</p> : null}
      {error ? <ErrorNotice>{error}</ErrorNotice> : null}
      <div className="min-h-0 flex-1">
        {read.ok ? (
          <Builder initialDoc={read.doc} readOnly exportName={t.title.replace(/[^\w.-]+/g, '-')} />
        ) : (
          <ErrorNotice>This template's graph cannot be drawn: {read.errors.map((e) => `${e.path} ${e.message}`).join('; ')}</ErrorNotice>
        )}
      </div>
    </div>
  );
}

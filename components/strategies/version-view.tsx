'use client';
/** One saved version, read-only: the same canvas and leg table as the builder, nothing editable, and a way to restore it. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Builder } from '@/components/builder/builder';
import { readSavedGraph } from '@/components/builder/catalog';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function VersionView({ strategyId, versionId }: { strategyId: string; versionId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.strategies.getVersion.queryOptions({ id: versionId }));
  if (q.isPending)
    return (
      <div className="p-6">
        <LoadingRows rows={4} />
      </div>
    );
  if (q.isError)
    return (
      <div className="space-y-2 p-6">
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
        <Link href={`/strategies/${strategyId}`} className="text-sm text-sky-300 underline">
          Back to the builder
        </Link>
      </div>
    );
  const v = q.data;
  const read = readSavedGraph(v.graph);
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="version-view">
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-800 px-3 py-2">
        <Link
          href={`/strategies/${strategyId}`}
          className="text-xs text-zinc-400 hover:text-zinc-200"
        >
          ← Back to the builder
        </Link>
        <h1 className="text-sm font-semibold text-zinc-100">
          v{v.version} · {v.name}
        </h1>
        <span className="text-xs text-zinc-400">saved {when.format(v.createdAt)} · read-only</span>
        <Link
          href={`/strategies/${strategyId}?restore=${v.id}`}
          className="ml-auto rounded border border-amber-700 px-2 py-0.5 text-xs text-amber-200 hover:bg-amber-950"
        >
          Restore this version as the draft
        </Link>
      </div>
      {read.ok ? (
        <div className="min-h-0 flex-1">
          <Builder initialDoc={read.doc} readOnly exportName={`${v.name}-v${v.version}`} />
        </div>
      ) : (
        <ErrorNotice>
          This version&apos;s graph cannot be drawn; its DSL is still valid.
        </ErrorNotice>
      )}
    </div>
  );
}

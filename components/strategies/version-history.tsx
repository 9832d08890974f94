'use client';
/**
 * The history panel: every saved version with its name, time and what changed in its DSL, a
 * read-only view of any of them, and "Restore" that puts a version back on the canvas as the
 * draft (one undo step; the versions themselves never change).
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';
import { DslChanges } from '@/components/strategies/dsl-changes';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function VersionHistory(props: {
  strategyId: string;
  onRestore: (versionId: string, label: string) => Promise<void>;
}) {
  const trpc = useTRPC();
  const q = useQuery(trpc.strategies.history.queryOptions({ id: props.strategyId }));
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (q.isPending) return <LoadingRows rows={4} />;
  if (q.isError) return <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>;
  const { versions, draft } = q.data;
  return (
    <section
      className="space-y-3 p-3 text-xs"
      aria-labelledby="history-title"
      data-testid="history"
    >
      <header>
        <h2 id="history-title" className="text-sm font-semibold text-zinc-100">
          Versions
        </h2>
        <p className="text-zinc-400">
          Autosave keeps your draft; a version is a snapshot you make with “Save version” (and every
          backtest of a changed draft). Restoring puts a version back as the draft.
        </p>
        <p className="mt-1 text-zinc-300" data-testid="draft-status">
          {draft === null
            ? 'The draft has problems: it matches no version until it compiles.'
            : versions.length === 0
              ? 'No versions yet.'
              : draft.changeCount === 0
                ? `The draft is v${versions[0].version}, unchanged.`
                : `The draft has ${draft.changeCount} change${draft.changeCount === 1 ? '' : 's'} since v${versions[0].version}.`}
        </p>
        {draft && draft.changeCount > 0 ? (
          <details className="mt-1">
            <summary className="cursor-pointer text-sky-400">What changed in the draft</summary>
            <DslChanges changes={draft.changes} total={draft.changeCount} />
          </details>
        ) : null}
      </header>
      {error ? <ErrorNotice>{error}</ErrorNotice> : null}
      <ol className="space-y-2" data-testid="version-list">
        {versions.map((v) => (
          <li
            key={v.id}
            className="rounded border border-zinc-800 bg-zinc-900/40 p-2"
            data-testid="version"
          >
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="font-mono text-zinc-100">v{v.version}</span>
              <span className="font-medium text-zinc-200">{v.name}</span>
              <time className="text-zinc-400" dateTime={v.createdAt.toISOString()}>
                {when.format(v.createdAt)}
              </time>
            </div>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <button
                type="button"
                className="text-sky-400 underline"
                aria-expanded={open === v.id}
                onClick={() => setOpen(open === v.id ? null : v.id)}
              >
                {v.changeCount === 0
                  ? v.version === versions[versions.length - 1]?.version
                    ? 'First version'
                    : 'No DSL change'
                  : `${v.changeCount} change${v.changeCount === 1 ? '' : 's'} since the version before`}
              </button>
              <Link
                href={`/strategies/${props.strategyId}/versions/${v.id}`}
                className="rounded border border-zinc-700 px-2 py-0.5 text-zinc-200 hover:border-zinc-500"
              >
                View v{v.version}
              </Link>
              <button
                type="button"
                disabled={busy !== null}
                className="rounded border border-amber-700 px-2 py-0.5 text-amber-200 hover:bg-amber-950 disabled:opacity-40"
                onClick={async () => {
                  setError(null);
                  setBusy(v.id);
                  try {
                    await props.onRestore(v.id, `v${v.version} (${v.name})`);
                  } catch (e) {
                    setError(errorMessage(e));
                  } finally {
                    setBusy(null);
                  }
                }}
              >
                {busy === v.id ? 'Restoring…' : `Restore v${v.version}`}
              </button>
            </div>
            {open === v.id && v.changeCount > 0 ? (
              <DslChanges changes={v.changes} total={v.changeCount} />
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

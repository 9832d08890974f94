'use client';
/** Shown on a forked strategy: where it came from and, when the author published more, the DSL diff and an update button. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function ForkStatusBanner({
  strategyId,
  strategyVersion,
  onUpdated,
}: {
  strategyId: string;
  strategyVersion: number;
  onUpdated?: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [showDiff, setShowDiff] = useState(false);
  const status = useQuery(trpc.templates.forkStatus.queryOptions({ strategyId }));
  const update = useMutation(
    trpc.templates.updateFork.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.templates.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.strategies.pathKey() }),
        ]);
        onUpdated?.();
      },
    }),
  );
  const s = status.data;
  if (!s || !s.forked) return null;
  if (!s.available)
    return (
      <div className="border-b border-zinc-800 bg-zinc-900 px-3 py-1 text-xs text-zinc-400">
        Forked from a template that is no longer published.
      </div>
    );
  return (
    <div
      className="border-b border-zinc-800 bg-zinc-900 px-3 py-1.5 text-xs"
      data-testid="fork-status"
    >
      <span className="text-zinc-400">
        Forked from{' '}
        <Link href={`/templates/${s.templateId}`} className="text-sky-400 hover:underline">
          {s.templateTitle}
        </Link>{' '}
        v{s.forkedVersion}.
      </span>
      {s.newVersionAvailable && (
        <>
          <span className="ml-2 rounded bg-amber-900/60 px-1.5 py-0.5 text-amber-200" role="status">
            New version available: v{s.latestVersion}
          </span>
          <button
            type="button"
            className="ml-2 text-sky-400 hover:underline"
            aria-expanded={showDiff}
            onClick={() => setShowDiff(!showDiff)}
          >
            {showDiff
              ? 'Hide changes'
              : `Show ${s.changes.length} change${s.changes.length === 1 ? '' : 's'}`}
          </button>
          <button
            type="button"
            className="ml-2 rounded border border-zinc-700 px-2 py-0.5 text-zinc-200 hover:border-zinc-500 disabled:opacity-50"
            disabled={update.isPending}
            onClick={() => {
              if (
                window.confirm(
                  `Replace this strategy with v${s.latestVersion} of the template? Your own edits to it are overwritten (export it first to keep them).`,
                )
              ) {
                update.mutate({ strategyId, expectedVersion: strategyVersion });
              }
            }}
          >
            Update to v{s.latestVersion}
          </button>
          {update.error && (
            <span role="alert" className="ml-2 text-rose-400">
              {errorMessage(update.error)}
            </span>
          )}
          {showDiff && (
            <div className="mt-1.5 space-y-1">
              {s.notes.map((n) => (
                <p key={n} className="text-zinc-400">
                  {n}
                </p>
              ))}
              <table className="w-full font-mono text-[11px]" data-testid="fork-diff">
                <tbody>
                  {s.changes.map((c) => (
                    <tr key={`${c.kind}${c.path}`} className="align-top">
                      <td
                        className={`pr-2 ${c.kind === 'added' ? 'text-emerald-400' : c.kind === 'removed' ? 'text-rose-400' : 'text-amber-300'}`}
                      >
                        {c.kind}
                      </td>
                      <td className="pr-2 text-zinc-300">{c.path}</td>
                      <td className="break-all text-zinc-400">
                        {c.kind === 'changed'
                          ? `${show(c.before)} → ${show(c.after)}`
                          : c.kind === 'added'
                            ? show(c.after)
                            : show(c.before)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

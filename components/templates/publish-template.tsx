'use client';
/** "Publish as template" for one of my strategies: title, description and tags, then a link to the new template. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { BacktestChoice } from '@/components/templates/backtest-choice';

export function PublishTemplateButton({
  strategyId,
  defaultTitle = '',
  defaultDescription = '',
}: {
  strategyId: string;
  defaultTitle?: string;
  defaultDescription?: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState(defaultTitle);
  const [description, setDescription] = useState(defaultDescription);
  const [tags, setTags] = useState('');
  const [backtest, setBacktest] = useState('');
  const ids = useId();
  const publish = useMutation(
    trpc.templates.publish.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.templates.pathKey() }),
    }),
  );
  const fieldErrors =
    (publish.error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } } | null)
      ?.data?.zodError?.fieldErrors ?? {};

  return (
    <div className="relative">
      <button
        type="button"
        className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
          if (!open) setTitle((t) => t || defaultTitle);
        }}
      >
        Publish as template
      </button>
      {open && (
        <form
          role="dialog"
          aria-label="Publish as template"
          className="absolute right-0 z-20 mt-1 w-80 space-y-2 rounded border border-zinc-700 bg-zinc-900 p-3 text-xs shadow-xl"
          onSubmit={(e) => {
            e.preventDefault();
            publish.mutate({
              strategyId,
              title,
              description,
              tags: tags
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
              backtestId: backtest && backtest !== 'none' ? backtest : null,
            });
          }}
        >
          <label htmlFor={`${ids}-title`} className="block text-zinc-400">
            Title
          </label>
          <input
            id={`${ids}-title`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
          />
          {fieldErrors.title && <p className="text-rose-400">{fieldErrors.title[0]}</p>}
          <label htmlFor={`${ids}-desc`} className="block text-zinc-400">
            Description
          </label>
          <textarea
            id={`${ids}-desc`}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
          />
          <label htmlFor={`${ids}-tags`} className="block text-zinc-400">
            Tags (comma separated)
          </label>
          <input
            id={`${ids}-tags`}
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            placeholder="straddle, nifty, weekly"
            className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
          />
          <BacktestChoice
            id={`${ids}-backtest`}
            strategyId={strategyId}
            value={backtest}
            onChange={setBacktest}
          />
          {publish.error && !fieldErrors.title && (
            <p role="alert" className="text-rose-400">
              {errorMessage(publish.error)}
            </p>
          )}
          {publish.isSuccess ? (
            <p role="status" className="text-emerald-400">
              Published.{' '}
              <Link href={`/templates/${publish.data.id}`} className="text-sky-400 underline">
                Open the template
              </Link>
            </p>
          ) : (
            <div className="flex justify-end gap-2">
              <button
                type="button"
                className="px-2 py-1 text-zinc-400"
                onClick={() => setOpen(false)}
              >
                Cancel
              </button>
              <button
                type="submit"
                disabled={publish.isPending}
                className="rounded bg-sky-600 px-3 py-1 font-medium text-white hover:bg-sky-500 disabled:opacity-50"
              >
                {publish.isPending ? 'Publishing…' : 'Publish'}
              </button>
            </div>
          )}
        </form>
      )}
    </div>
  );
}

'use client';
/** Publishing from the builder: title, description and tags; publishing again releases a new version of the same template. */
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';

const input = 'w-full rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100 focus:border-sky-500 focus:outline-none';

export function PublishPanel(props: { strategyId: string; defaultTitle: string; defaultDescription: string; beforePublish: () => Promise<boolean>; onClose: () => void }) {
  const trpc = useTRPC();
  const [title, setTitle] = useState(props.defaultTitle);
  const [description, setDescription] = useState(props.defaultDescription);
  const [tags, setTags] = useState('');
  const [result, setResult] = useState<{ id: string; version: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const publish = useMutation(trpc.templates.publish.mutationOptions());
  return (
    <form
      aria-label="Publish as template"
      className="grid gap-2 border-b border-zinc-800 bg-zinc-900/60 px-3 py-2 md:grid-cols-[1fr_2fr_1fr_auto]"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        if (!(await props.beforePublish())) return;
        try {
          const t = await publish.mutateAsync({
            strategyId: props.strategyId,
            title,
            description,
            tags: tags.split(',').map((x) => x.trim()).filter(Boolean),
          });
          setResult({ id: t.id, version: t.version });
        } catch (err) {
          setError(errorMessage(err));
        }
      }}
    >
      <div>
        <label htmlFor="template-title" className="mb-0.5 block text-[11px] text-zinc-400">
          Template title
        </label>
        <input id="template-title" value={title} onChange={(e) => setTitle(e.target.value)} className={input} />
      </div>
      <div>
        <label htmlFor="template-description" className="mb-0.5 block text-[11px] text-zinc-400">
          Description
        </label>
        <input id="template-description" value={description} onChange={(e) => setDescription(e.target.value)} className={input} />
      </div>
      <div>
        <label htmlFor="template-tags" className="mb-0.5 block text-[11px] text-zinc-400">
          Tags (comma separated)
        </label>
        <input id="template-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="nifty, straddle" className={input} />
      </div>
      <div className="flex items-end gap-2">
        <button type="submit" disabled={publish.isPending} className="rounded border border-emerald-700 px-2 py-1 text-xs text-emerald-200 hover:bg-emerald-950">
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" onClick={props.onClose} className="rounded border border-zinc-700 px-2 py-1 text-xs text-zinc-300">
          Close
        </button>
      </div>
      {result ? (
        <p role="status" className="text-xs text-emerald-300 md:col-span-4">
          Published version {result.version}.{' '}
          <Link href={`/templates/${result.id}`} className="underline">
            Open the template
          </Link>
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-rose-300 md:col-span-4">
          {error}
        </p>
      ) : null}
    </form>
  );
}

type Change = { path: string; before: unknown; after: unknown };

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** Shown on a fork when its template has a newer version: what changed in the DSL since the fork. */
export function UpstreamBanner(props: {
  upstream: { templateId: string; title: string; forkedVersion: number | null; latestVersion: number; newVersionAvailable: boolean; changes: Change[] };
}) {
  const { upstream: u } = props;
  const [open, setOpen] = useState(false);
  if (!u.newVersionAvailable) return null;
  return (
    <div role="status" data-testid="new-version" className="border-b border-sky-900 bg-sky-950/40 px-3 py-2 text-xs text-sky-100">
      <div className="flex flex-wrap items-center gap-3">
        <span>
          New version available: “{u.title}” is at v{u.latestVersion}; you forked v{u.forkedVersion ?? '?'}.
        </span>
        <button type="button" className="underline" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide changes' : `Show ${u.changes.length} change${u.changes.length === 1 ? '' : 's'}`}
        </button>
        <Link href={`/templates/${u.templateId}`} className="underline">
          Open the template
        </Link>
      </div>
      {open ? (
        <table className="mt-2 w-full text-left font-mono text-[11px]" data-testid="dsl-diff">
          <thead className="text-sky-300/70">
            <tr>
              <th className="pr-3 font-normal">DSL path</th>
              <th className="pr-3 font-normal">your version</th>
              <th className="font-normal">newer version</th>
            </tr>
          </thead>
          <tbody>
            {u.changes.map((c) => (
              <tr key={c.path}>
                <td className="pr-3 text-sky-200">{c.path}</td>
                <td className="pr-3 text-rose-300">{show(c.before)}</td>
                <td className="text-emerald-300">{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

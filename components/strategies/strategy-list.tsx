'use client';
/** My strategies: search, create, duplicate, delete with undo, import a DSL or graph file, open in the builder. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useDeferredValue, useRef, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { UNDERLYING_SYMBOLS } from '@/engine/dsl';

type ImportErrors = { file: string; kind: string; errors: { path: string; message: string }[] };

const updatedFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

const btn =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 focus:outline-none focus:ring-1 focus:ring-sky-500 disabled:opacity-40';

export function StrategyList() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const list = useQuery(
    trpc.strategies.list.queryOptions(deferred ? { search: deferred } : undefined),
  );
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.strategies.list.queryKey() });
  const [notice, setNotice] = useState<{ text: string; undoId?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importErrors, setImportErrors] = useState<ImportErrors | null>(null);
  const [newName, setNewName] = useState('');
  const [newUnderlying, setNewUnderlying] = useState('NIFTY');
  const [nameError, setNameError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const create = useMutation(
    trpc.strategies.create.mutationOptions({
      onSuccess: (s) => router.push(`/strategies/${s.id}`),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const duplicate = useMutation(
    trpc.strategies.duplicate.mutationOptions({
      onSuccess: (s) => {
        setNotice({ text: `Created “${s.name}”.` });
        void invalidate();
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const restore = useMutation(
    trpc.strategies.restore.mutationOptions({
      onSuccess: (s) => {
        setNotice({ text: `Restored “${s.name}”.` });
        void invalidate();
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const remove = useMutation(
    trpc.strategies.delete.mutationOptions({
      onSuccess: (s) => {
        setNotice({ text: `Deleted “${s.name}”.`, undoId: s.id });
        void invalidate();
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const importFile = useMutation(trpc.strategies.import.mutationOptions());

  async function onImport(file: File) {
    setImportErrors(null);
    setError(null);
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch (e) {
      setImportErrors({
        file: file.name,
        kind: 'JSON',
        errors: [{ path: '', message: `not JSON: ${(e as Error).message}` }],
      });
      return;
    }
    try {
      const res = await importFile.mutateAsync({
        name: file.name.replace(/(\.dsl|\.graph)?\.json$/i, ''),
        document,
      });
      if (!res.ok) {
        setImportErrors({
          file: file.name,
          kind: res.kind === 'unknown' ? 'strategy (DSL) or graph' : res.kind.toUpperCase(),
          errors: res.errors,
        });
        return;
      }
      void invalidate();
      router.push(`/strategies/${res.strategy.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const items = list.data ?? [];
  return (
    <div className="space-y-4">
      <PageHeader
        title="Strategies"
        description="Your option strategies: build them as blocks, backtest them, deploy them. Import a DSL or graph JSON file, or duplicate one to try a variation."
        actions={
          <div className="flex items-end gap-2">
            <form
              className="flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                setError(null);
                if (!newName.trim()) {
                  setNameError(
                    'Give the strategy a name: it names its basket, backtests and reports.',
                  );
                  return;
                }
                setNameError(null);
                create.mutate({ name: newName.trim(), underlying: newUnderlying });
              }}
            >
              <div className="relative">
                <label htmlFor="new-strategy-name" className="mb-1 block text-xs text-zinc-400">
                  New strategy name
                </label>
                <input
                  id="new-strategy-name"
                  value={newName}
                  aria-invalid={nameError !== null}
                  aria-describedby={nameError ? 'new-strategy-name-error' : undefined}
                  onChange={(e) => {
                    setNewName(e.target.value);
                    if (e.target.value.trim()) setNameError(null);
                  }}
                  placeholder="Short straddle"
                  className="w-48 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none aria-[invalid=true]:border-rose-500"
                />
                {nameError ? (
                  <p
                    id="new-strategy-name-error"
                    role="alert"
                    className="absolute left-0 top-full mt-1 w-72 text-xs text-rose-400"
                  >
                    {nameError}
                  </p>
                ) : null}
              </div>
              <div>
                <label
                  htmlFor="new-strategy-underlying"
                  className="mb-1 block text-xs text-zinc-400"
                >
                  Underlying
                </label>
                <select
                  id="new-strategy-underlying"
                  value={newUnderlying}
                  onChange={(e) => setNewUnderlying(e.target.value)}
                  className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none"
                >
                  {UNDERLYING_SYMBOLS.map((u) => (
                    <option key={u}>{u}</option>
                  ))}
                </select>
              </div>
              <button
                type="submit"
                className={`${btn} border-sky-700 bg-sky-900/40`}
                disabled={create.isPending}
              >
                {create.isPending ? 'Creating…' : 'New strategy'}
              </button>
            </form>
            <button
              type="button"
              className={btn}
              onClick={() => fileRef.current?.click()}
              disabled={importFile.isPending}
            >
              {importFile.isPending ? 'Importing…' : 'Import JSON…'}
            </button>
            <input
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              aria-label="Import a strategy DSL or graph JSON file"
              data-testid="import-file"
              className="hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void onImport(f);
              }}
            />
          </div>
        }
      />

      <div>
        <label htmlFor="strategy-search" className="sr-only">
          Search strategies
        </label>
        <input
          id="strategy-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search by name or description"
          className="w-full rounded border border-zinc-700 bg-zinc-900 px-3 py-1.5 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none"
        />
      </div>

      {notice ? (
        <div
          role="status"
          className="flex items-center justify-between rounded border border-zinc-700 bg-zinc-900 px-3 py-2 text-sm text-zinc-200"
        >
          <span>{notice.text}</span>
          <span className="flex gap-3">
            {notice.undoId ? (
              <button
                type="button"
                className="text-sky-300 underline"
                onClick={() => restore.mutate({ id: notice.undoId! })}
              >
                Undo
              </button>
            ) : null}
            <button
              type="button"
              className="text-zinc-400 underline"
              onClick={() => setNotice(null)}
            >
              Dismiss
            </button>
          </span>
        </div>
      ) : null}
      {error ? <ErrorNotice>{error}</ErrorNotice> : null}
      {importErrors ? (
        <div
          role="alert"
          className="rounded border border-rose-900 bg-rose-950/40 px-3 py-2 text-sm text-rose-200"
          data-testid="import-errors"
        >
          <div className="flex justify-between">
            <strong>
              {importErrors.file} is not a valid {importErrors.kind} document (
              {importErrors.errors.length} error
              {importErrors.errors.length === 1 ? '' : 's'})
            </strong>
            <button
              type="button"
              className="text-xs underline"
              onClick={() => setImportErrors(null)}
            >
              Dismiss
            </button>
          </div>
          <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto text-xs">
            {importErrors.errors.map((e, i) => (
              <li key={i}>
                <code className="text-rose-300">{e.path || '(document)'}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {list.isError ? (
        <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>
      ) : list.isPending ? (
        <LoadingRows />
      ) : items.length === 0 ? (
        deferred ? (
          <EmptyState title={`No strategy matches “${deferred}”`}>
            Try another word, or clear the search to see all your strategies.
          </EmptyState>
        ) : (
          <EmptyState
            title="No strategies yet"
            action={
              <Link
                href="/templates"
                className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-500"
              >
                Browse templates
              </Link>
            }
          >
            A strategy is a set of option legs with strike selection, stop-loss, target and re-entry
            rules. Create one with “New strategy”, import a DSL or graph JSON file, or fork a
            ready-made one from Templates.
          </EmptyState>
        )
      ) : (
        <div className="overflow-x-auto rounded border border-zinc-800">
          <table className="w-full text-left text-xs" data-testid="strategy-table">
            <thead className="bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-400">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">Description</th>
                <th className="px-3 py-2 text-right font-medium">Version</th>
                <th className="px-3 py-2 text-right font-medium">Last edited</th>
                <th className="px-3 py-2 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800/80">
              {items.map((s) => (
                <tr key={s.id} className="hover:bg-zinc-900/60">
                  <td className="whitespace-nowrap px-3 py-2 font-medium text-zinc-100">
                    <Link
                      href={`/strategies/${s.id}`}
                      className="hover:text-sky-300 focus:outline-none focus:ring-1 focus:ring-sky-500"
                    >
                      {s.name}
                    </Link>
                    {s.valid ? null : (
                      <span
                        className="ml-2 rounded bg-amber-950 px-1 text-[10px] font-normal text-amber-300"
                        title="The graph has problems to fix in the builder"
                      >
                        draft
                      </span>
                    )}
                  </td>
                  <td className="max-w-md truncate px-3 py-2 text-zinc-400" title={s.description}>
                    {s.description || '—'}
                  </td>
                  <td className="px-3 py-2 text-right font-mono text-zinc-300">v{s.version}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right text-zinc-400">
                    {updatedFormat.format(s.updatedAt)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right">
                    <span className="inline-flex gap-2">
                      <Link href={`/strategies/${s.id}`} className={btn}>
                        Open
                      </Link>
                      <button
                        type="button"
                        className={btn}
                        onClick={() => duplicate.mutate({ id: s.id })}
                        aria-label={`Duplicate ${s.name}`}
                      >
                        Duplicate
                      </button>
                      <button
                        type="button"
                        className={`${btn} hover:border-rose-600 hover:text-rose-300`}
                        onClick={() => remove.mutate({ id: s.id })}
                        aria-label={`Delete ${s.name}`}
                      >
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

'use client';
/**
 * The builder page's data side: loads a strategy, autosaves every edit of the draft with the
 * row version it was based on (a save from another tab becomes a visible conflict), keeps one
 * name for the strategy, its basket and its reports, and makes versions only when asked.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Builder,
  downloadJson,
  type BuilderController,
  type SideTab,
} from '@/components/builder/builder';
import { readSavedGraph, type Compiled } from '@/components/builder/catalog';
import type { GraphDoc } from '@/components/builder/graph-types';
import type { GraphChange } from '@/components/builder/leg-model';
import { PayoffPanel } from '@/components/payoff/payoff-panel';
import { VersionHistory } from '@/components/strategies/version-history';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ForkStatusBanner, StrategyToolbarActions } from '@/components/templates/strategy-extras';

type SaveState =
  | { kind: 'saved'; at: Date | null }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'error'; message: string }
  | { kind: 'conflict'; message: string };

const AUTOSAVE_DELAY_MS = 600;

function isConflict(e: unknown): boolean {
  return (e as { data?: { code?: string } })?.data?.code === 'CONFLICT';
}

export function StrategyEditor({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const query = useQuery({
    ...trpc.strategies.byId.queryOptions({ id }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  // Remounting the builder (after "Reload latest") starts a fresh editor from the server's graph.
  const [mountKey, setMountKey] = useState(0);

  if (query.isPending) return <p className="p-6 text-sm text-zinc-400">Loading strategy…</p>;
  if (query.isError)
    return (
      <div className="space-y-2 p-6">
        <p role="alert" className="text-sm text-rose-300">
          {errorMessage(query.error)}
        </p>
        <Link href="/strategies" className="text-sm text-sky-300 underline">
          Back to my strategies
        </Link>
      </div>
    );
  const read = readSavedGraph(query.data.graph);
  if (!read.ok)
    return (
      <div role="alert" className="space-y-2 p-6 text-sm text-rose-300">
        <p>This strategy's saved graph cannot be opened on the canvas:</p>
        <ul className="font-mono text-xs">
          {read.errors.map((e, i) => (
            <li key={i}>
              {e.path || '(document)'} {e.message}
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="underline"
          onClick={() => downloadJson(`${query.data.name}.graph.json`, query.data.graph)}
        >
          Download it as JSON
        </button>
      </div>
    );
  const doc = read.doc;
  return (
    <EditorSession
      key={`${query.data.id}:${mountKey}`}
      strategy={{ ...query.data, graph: doc }}
      onReload={async () => {
        await qc.invalidateQueries({ queryKey: trpc.strategies.byId.queryKey({ id }) });
        await query.refetch();
        setMountKey((k) => k + 1);
      }}
    />
  );
}

function EditorSession(props: {
  strategy: { id: string; name: string; description: string; version: number; graph: GraphDoc };
  onReload: () => Promise<void>;
}) {
  const { strategy } = props;
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const search = useSearchParams();
  const save = useMutation(trpc.strategies.save.mutationOptions());
  const saveVersion = useMutation(trpc.strategies.saveVersion.mutationOptions());
  const history = useQuery(trpc.strategies.history.queryOptions({ id: strategy.id }));
  const builder = useRef<BuilderController>(null);

  const [state, setState] = useState<SaveState>({ kind: 'saved', at: null });
  const [name, setName] = useState(strategy.name);
  const [nameError, setNameError] = useState<string | null>(null);
  const [compiled, setCompiled] = useState<Compiled | null>(null);
  const [versionName, setVersionName] = useState('');
  const [versionNote, setVersionNote] = useState<string | null>(null);

  const version = useRef(strategy.version);
  const latestDoc = useRef<GraphDoc>(strategy.graph);
  const pending = useRef<{ graph?: GraphDoc; name?: string } | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const blocked = useRef(false);
  const nameRef = useRef(strategy.name);

  const refreshHistory = useCallback(
    () => qc.invalidateQueries({ queryKey: trpc.strategies.history.queryKey({ id: strategy.id }) }),
    [qc, trpc, strategy.id],
  );

  const flush = useCallback(async (): Promise<void> => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (inFlight.current) await inFlight.current;
    const work = pending.current;
    if (!work || blocked.current) return;
    pending.current = null;
    setState({ kind: 'saving' });
    const run = (async () => {
      try {
        const saved = await save.mutateAsync({
          id: strategy.id,
          expectedVersion: version.current,
          ...work,
        });
        version.current = saved.version;
        qc.setQueryData(trpc.strategies.byId.queryKey({ id: strategy.id }), saved);
        void qc.invalidateQueries({ queryKey: trpc.strategies.list.queryKey() });
        void refreshHistory();
        setState(pending.current ? { kind: 'dirty' } : { kind: 'saved', at: new Date() });
      } catch (e) {
        if (isConflict(e)) {
          blocked.current = true;
          pending.current = { ...work, ...pending.current };
          setState({ kind: 'conflict', message: errorMessage(e) });
        } else {
          // Keep the edit queued so the next change (or Retry) sends it again.
          pending.current = { ...work, ...pending.current };
          setState({ kind: 'error', message: errorMessage(e) });
        }
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
    if (pending.current && !blocked.current) schedule();
  }, [strategy.id]);

  const schedule = useCallback(() => {
    if (blocked.current) return;
    setState((s) => (s.kind === 'conflict' ? s : { kind: 'dirty' }));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
  }, [flush]);

  const onDocChange = useCallback(
    (doc: GraphDoc) => {
      latestDoc.current = doc;
      pending.current = { ...pending.current, graph: doc };
      // One name: renaming the basket in the inspector renames the strategy everywhere.
      const basketName = basketNameOf(doc);
      if (basketName && basketName !== nameRef.current) {
        nameRef.current = basketName;
        setName(basketName);
        setNameError(null);
        pending.current = { ...pending.current, name: basketName };
      }
      schedule();
    },
    [schedule],
  );

  function rename(next: string) {
    setName(next);
    const trimmed = next.trim();
    if (!trimmed) {
      setNameError(
        'Give the strategy a name: it names the basket, its backtests and its reports. Nothing is saved until it has one.',
      );
      return;
    }
    if (trimmed.length > 120) {
      setNameError('Keep the name under 120 characters.');
      return;
    }
    setNameError(null);
    nameRef.current = trimmed;
    pending.current = { ...pending.current, name: trimmed };
    const change = renameChange(builder.current?.doc(), trimmed);
    if (change) builder.current?.apply(change, 'rename');
    else schedule();
  }

  const restore = useCallback(
    async (versionId: string, label?: string) => {
      const v = await qc.fetchQuery({
        ...trpc.strategies.getVersion.queryOptions({ id: versionId }),
        staleTime: 0,
      });
      const read = readSavedGraph(v.graph);
      if (!read.ok) throw new Error(`Version ${v.version} cannot be opened on the canvas.`);
      builder.current?.replace(read.doc);
      builder.current?.show('legs');
      builder.current?.announce(
        `Restored ${label ?? `v${v.version}`} as the draft. Ctrl+Z takes the draft back.`,
      );
      setVersionNote(
        `Restored ${label ?? `v${v.version} (${v.name})`} as the draft. It autosaves; Undo (Ctrl+Z) brings back what you had.`,
      );
    },
    [qc, trpc],
  );

  // "Restore" from a version's read-only page arrives as ?restore=<versionId>.
  const restoreParam = search.get('restore');
  const restored = useRef<string | null>(null);
  useEffect(() => {
    if (!restoreParam || restored.current === restoreParam) return;
    restored.current = restoreParam;
    void restore(restoreParam)
      .catch((e) => setVersionNote(errorMessage(e)))
      .finally(() => router.replace(`/strategies/${strategy.id}`));
  }, [restoreParam, restore, router, strategy.id]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (pending.current || inFlight.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  async function keepMine() {
    // An explicit choice after seeing the conflict: save this tab's graph over the newer one.
    const fresh = await qc.fetchQuery({
      ...trpc.strategies.byId.queryOptions({ id: strategy.id }),
      staleTime: 0,
    });
    version.current = fresh.version;
    blocked.current = false;
    pending.current = { ...pending.current, graph: latestDoc.current };
    await flush();
  }

  async function onSaveVersion(e: React.FormEvent) {
    e.preventDefault();
    setVersionNote(null);
    await flush();
    if (blocked.current) return;
    try {
      const v = await saveVersion.mutateAsync({
        id: strategy.id,
        name: versionName.trim() || undefined,
      });
      setVersionName('');
      setVersionNote(`Saved version ${v.version}: ${v.name}`);
      void refreshHistory();
    } catch (err) {
      setVersionNote(errorMessage(err));
    }
  }

  const problemCount = compiled?.problems.length;
  const latest = history.data?.versions[0];
  const draft = history.data?.draft;
  const status = (
    <span
      data-testid="save-status"
      data-state={state.kind}
      // The draft's row version (optimistic locking), for tests; never shown as a "version".
      data-row-version={version.current}
      className="text-xs text-zinc-400"
    >
      {state.kind === 'saved'
        ? state.at
          ? `Draft autosaved ${clock.format(state.at)}`
          : 'Draft saved'
        : state.kind === 'saving'
          ? 'Saving draft…'
          : state.kind === 'dirty'
            ? 'Unsaved changes'
            : state.kind === 'error'
              ? 'Not saved'
              : 'Conflict'}
    </span>
  );
  const versionChip = (
    <button
      type="button"
      data-testid="version-chip"
      onClick={() => builder.current?.show('history')}
      className="rounded border border-zinc-800 px-1.5 py-0.5 text-[11px] text-zinc-300 hover:border-zinc-600"
      title="Open the version history"
    >
      {!history.data
        ? 'Versions…'
        : !latest
          ? 'No version saved yet'
          : draft === null
            ? `v${latest.version} · draft has problems`
            : draft && draft.changeCount > 0
              ? `v${latest.version} + ${draft.changeCount} unsaved change${draft.changeCount === 1 ? '' : 's'}`
              : `v${latest.version} · up to date`}
    </button>
  );

  const sideTabs: SideTab[] = [
    {
      id: 'payoff',
      label: 'Payoff',
      content: (
        <div className="p-3">
          <PayoffPanel dsl={compiled?.problems.length ? null : (compiled?.dsl ?? null)} />
        </div>
      ),
    },
    {
      id: 'history',
      label: `History${history.data?.versions.length ? ` (${history.data.versions.length})` : ''}`,
      content: <VersionHistory strategyId={strategy.id} onRestore={restore} />,
    },
  ];

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-800 px-3 py-1.5">
        <Link href="/strategies" className="text-xs text-zinc-400 hover:text-zinc-200">
          ← My strategies
        </Link>
        <h1 className="sr-only">Builder: {name || 'unnamed strategy'}</h1>
        <label htmlFor="strategy-name" className="sr-only">
          Strategy name
        </label>
        <input
          id="strategy-name"
          value={name}
          aria-invalid={nameError !== null}
          aria-describedby={nameError ? 'strategy-name-error' : undefined}
          onChange={(e) => rename(e.target.value)}
          className="w-52 rounded border border-transparent bg-transparent px-1 py-0.5 text-sm font-semibold text-zinc-100 hover:border-zinc-700 focus:border-sky-500 focus:outline-none aria-[invalid=true]:border-rose-500"
        />
        {status}
        {versionChip}
        <form onSubmit={onSaveVersion} className="ml-auto flex items-center gap-1.5">
          <label htmlFor="version-name" className="sr-only">
            Version name
          </label>
          <input
            id="version-name"
            value={versionName}
            onChange={(e) => setVersionName(e.target.value)}
            placeholder={`Name v${(latest?.version ?? 0) + 1} (optional)`}
            className="w-40 rounded border border-zinc-700 bg-zinc-900 px-2 py-0.5 text-xs text-zinc-100 focus:border-sky-500 focus:outline-none"
          />
          <button
            type="submit"
            disabled={saveVersion.isPending || !!problemCount || nameError !== null}
            title={
              problemCount
                ? `Fix the ${problemCount} problem(s) first: a version must be a strategy that runs`
                : 'Save an immutable snapshot of the draft as the next version'
            }
            className="rounded border border-emerald-700 px-2 py-0.5 text-xs text-emerald-200 hover:bg-emerald-950 disabled:opacity-40"
          >
            Save version
          </button>
        </form>
        <StrategyToolbarActions
          strategyId={strategy.id}
          name={name}
          dsl={compiled?.dsl ?? null}
          beforeStart={flush}
        />
      </div>
      {nameError ? (
        <p
          id="strategy-name-error"
          role="alert"
          className="border-b border-rose-900 bg-rose-950/50 px-3 py-1 text-xs text-rose-200"
        >
          {nameError}
        </p>
      ) : null}
      <ForkStatusBanner
        strategyId={strategy.id}
        strategyVersion={version.current}
        onUpdated={() => void props.onReload()}
      />
      {versionNote ? (
        <p role="status" className="border-b border-zinc-800 px-3 py-1 text-xs text-zinc-300">
          {versionNote}
        </p>
      ) : null}
      {state.kind === 'conflict' ? (
        <div
          role="alert"
          data-testid="conflict"
          className="flex flex-wrap items-center gap-3 border-b border-amber-800 bg-amber-950/50 px-3 py-2 text-sm text-amber-100"
        >
          <span className="flex-1">{state.message}</span>
          <button
            type="button"
            className="rounded border border-amber-600 px-2 py-0.5 text-xs"
            onClick={() => void props.onReload()}
          >
            Reload latest
          </button>
          <button
            type="button"
            className="rounded border border-amber-600 px-2 py-0.5 text-xs"
            onClick={() => downloadJson(`${name}.graph.json`, latestDoc.current)}
          >
            Export my graph
          </button>
          <button
            type="button"
            className="rounded border border-rose-600 px-2 py-0.5 text-xs text-rose-200"
            onClick={() => void keepMine()}
          >
            Keep mine (overwrite theirs)
          </button>
        </div>
      ) : null}
      {state.kind === 'error' ? (
        <div
          role="alert"
          className="flex items-center gap-3 border-b border-rose-900 bg-rose-950/50 px-3 py-2 text-sm text-rose-200"
        >
          <span className="flex-1">Your last change was not saved: {state.message}</span>
          <button
            type="button"
            className="rounded border border-rose-600 px-2 py-0.5 text-xs"
            onClick={() => void flush()}
          >
            Retry
          </button>
        </div>
      ) : null}
      <div className="min-h-0 flex-1">
        <Builder
          controllerRef={builder}
          initialDoc={strategy.graph}
          onDocChange={onDocChange}
          onCompile={setCompiled}
          exportName={name.replace(/[^\w.-]+/g, '-') || 'strategy'}
          sideTabs={sideTabs}
        />
      </div>
    </div>
  );
}

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

function basketNameOf(doc: GraphDoc): string | null {
  const b = doc.nodes.find((n) => n.type === 'basket');
  const v = b?.data.name;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/**
 * The rename as a graph edit: the basket takes the name, and so does the strategy block of a
 * one-strategy basket (its only strategy is the strategy), so reports and backtests use it too.
 */
function renameChange(doc: GraphDoc | undefined, name: string): GraphChange | null {
  if (!doc) return null;
  const basket = doc.nodes.find((n) => n.type === 'basket');
  if (!basket) return null;
  const strategies = doc.nodes.filter((n) => n.type === 'strategy');
  const updates = [{ id: basket.id, data: { ...basket.data, name } }];
  if (strategies.length === 1)
    updates.push({ id: strategies[0].id, data: { ...strategies[0].data, name } });
  return { updateData: updates };
}

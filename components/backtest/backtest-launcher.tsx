'use client';
/**
 * "Backtest" from the builder: pick the data (simulator with seed and dates, days of the chain
 * store, a real dataset on this server, or an uploaded file), start the job, watch its
 * progress, open the results.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useId, useState } from 'react';
import { BacktestProgress, type ProgressEvent } from '@/components/backtest/backtest-progress';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { UNDERLYING_SYMBOLS } from '@/engine/dsl';

type Kind = 'simulator' | 'store' | 'dataset' | 'upload';
const KIND_LABEL: Record<Kind, string> = {
  simulator: 'Simulator',
  store: 'Stored chains',
  dataset: 'Real dataset',
  upload: 'Upload a file',
};
const input = 'rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100';

function isoDaysAgo(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function BacktestLauncher({
  strategyId,
  prepare,
  underlying = 'NIFTY',
  onStarted,
  beforeStart,
}: {
  /** The strategy as it is now; or `prepare` names a saved version (a template's, for one). */
  strategyId?: string;
  prepare?: () => Promise<{ strategyVersionId: string }>;
  underlying?: string;
  onStarted?: (id: string) => void;
  /** Runs first, e.g. the builder's autosave flush, so the job backtests what is on screen. */
  beforeStart?: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ids = useId();
  const [kind, setKind] = useState<Kind>('simulator');
  const [sim, setSim] = useState({
    underlying,
    from: isoDaysAgo(7),
    to: isoDaysAgo(1),
    seed: 7,
    intervalSeconds: 60,
  });
  const [dataset, setDataset] = useState('');
  const [file, setFile] = useState<{ filename: string; content: string } | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [done, setDone] = useState<ProgressEvent | null>(null);
  const datasets = useQuery(trpc.market.datasets.queryOptions());
  const stored = useQuery(trpc.datasets.stored.queryOptions());
  const [store, setStore] = useState({ underlying: '', from: '', to: '' });
  // Until the user picks, the stored underlying of the strategy (else the first) and all its days.
  const storeChoice = (() => {
    const list = stored.data ?? [];
    const s =
      list.find((x) => x.underlying === (store.underlying || underlying)) ?? list[0] ?? null;
    if (!s) return null;
    return { underlying: s.underlying, from: store.from || s.first, to: store.to || s.last, s };
  })();
  const create = useMutation(
    trpc.backtests.create.mutationOptions({
      onSuccess: (row) => {
        setRunning(row.id);
        setDone(null);
        onStarted?.(row.id);
        return qc.invalidateQueries({ queryKey: trpc.backtests.pathKey() });
      },
    }),
  );
  const onDone = useCallback(
    (e: ProgressEvent) => {
      setDone(e);
      void qc.invalidateQueries({ queryKey: trpc.backtests.pathKey() });
    },
    [qc, trpc],
  );
  const fieldErrors =
    (create.error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } } | null)
      ?.data?.zodError?.fieldErrors ?? {};

  const [prepareError, setPrepareError] = useState<string | null>(null);
  const start = async () => {
    setPrepareError(null);
    if (beforeStart) await beforeStart();
    const dataSource =
      kind === 'simulator'
        ? { kind: 'simulator' as const, ...sim }
        : kind === 'store'
          ? {
              kind: 'store' as const,
              underlying: storeChoice?.underlying ?? '',
              from: storeChoice?.from ?? '',
              to: storeChoice?.to ?? '',
            }
          : kind === 'dataset'
            ? { kind: 'dataset' as const, path: dataset }
            : {
                kind: 'upload' as const,
                filename: file?.filename ?? '',
                content: file?.content ?? '',
              };
    if (prepare) {
      try {
        const { strategyVersionId } = await prepare();
        create.mutate({ strategyVersionId, dataSource });
      } catch (e) {
        setPrepareError(errorMessage(e));
      }
      return;
    }
    create.mutate({ strategyId, dataSource });
  };
  const ready =
    kind === 'simulator'
      ? sim.from <= sim.to
      : kind === 'store'
        ? storeChoice !== null && storeChoice.from <= storeChoice.to
        : kind === 'dataset'
          ? dataset !== ''
          : file !== null;

  return (
    <div className="space-y-3 text-xs" data-testid="backtest-launcher">
      <fieldset className="flex gap-3">
        <legend className="mb-1 text-zinc-400">Data</legend>
        {(['simulator', 'store', 'dataset', 'upload'] as const).map((k) => (
          <label key={k} className="flex items-center gap-1 text-zinc-300">
            <input
              type="radio"
              name={`${ids}-kind`}
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
            />
            {KIND_LABEL[k]}
          </label>
        ))}
      </fieldset>
      {kind === 'simulator' && (
        <div className="grid grid-cols-2 gap-2">
          <label className="flex flex-col gap-1 text-zinc-400">
            Underlying
            <select
              className={input}
              value={sim.underlying}
              onChange={(e) => setSim({ ...sim, underlying: e.target.value })}
            >
              {UNDERLYING_SYMBOLS.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            Seed
            <input
              className={input}
              type="number"
              min={0}
              value={sim.seed}
              onChange={(e) => setSim({ ...sim, seed: Math.floor(Number(e.target.value) || 0) })}
            />
          </label>
          <label className="col-span-2 flex flex-col gap-1 text-zinc-400">
            Snapshot every
            <select
              className={input}
              value={sim.intervalSeconds}
              onChange={(e) => setSim({ ...sim, intervalSeconds: Number(e.target.value) })}
            >
              <option value={60}>1 minute (most detail)</option>
              <option value={300}>5 minutes (months run in seconds)</option>
              <option value={900}>15 minutes</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            From
            <input
              className={input}
              type="date"
              value={sim.from}
              onChange={(e) => setSim({ ...sim, from: e.target.value })}
            />
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            To
            <input
              className={input}
              type="date"
              value={sim.to}
              onChange={(e) => setSim({ ...sim, to: e.target.value })}
            />
          </label>
          {sim.from > sim.to && (
            <p className="col-span-2 text-rose-400">
              &quot;To&quot; must not be before &quot;From&quot;.
            </p>
          )}
        </div>
      )}
      {kind === 'store' &&
        (storeChoice ? (
          <div className="grid grid-cols-3 gap-2">
            <label className="flex flex-col gap-1 text-zinc-400">
              Underlying
              <select
                className={input}
                value={storeChoice.underlying}
                onChange={(e) => setStore({ underlying: e.target.value, from: '', to: '' })}
              >
                {(stored.data ?? []).map((d) => (
                  <option key={d.underlying} value={d.underlying}>
                    {d.underlying} ({d.days} days)
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-zinc-400">
              From
              <input
                className={input}
                type="date"
                min={storeChoice.s.first}
                max={storeChoice.s.last}
                value={storeChoice.from}
                onChange={(e) =>
                  setStore({ ...store, underlying: storeChoice.underlying, from: e.target.value })
                }
              />
            </label>
            <label className="flex flex-col gap-1 text-zinc-400">
              To
              <input
                className={input}
                type="date"
                min={storeChoice.s.first}
                max={storeChoice.s.last}
                value={storeChoice.to}
                onChange={(e) =>
                  setStore({ ...store, underlying: storeChoice.underlying, to: e.target.value })
                }
              />
            </label>
          </div>
        ) : (
          <p className="text-zinc-400">
            No chains are stored on this server yet: import some on the{' '}
            <Link href="/datasets" className="text-sky-400 underline">
              Datasets
            </Link>{' '}
            page.
          </p>
        ))}
      {kind === 'dataset' && (
        <label className="flex flex-col gap-1 text-zinc-400">
          Dataset
          <select className={input} value={dataset} onChange={(e) => setDataset(e.target.value)}>
            <option value="">
              {datasets.data?.length ? 'Pick a dataset…' : 'No datasets on this server'}
            </option>
            {(datasets.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'upload' && (
        <label className="flex flex-col gap-1 text-zinc-400">
          Chain snapshots (NDJSON, long CSV or a saved NSE option-chain JSON)
          <input
            type="file"
            accept=".ndjson,.jsonl,.csv,.json"
            className="text-zinc-300"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              setFile(f ? { filename: f.name, content: await f.text() } : null);
            }}
          />
        </label>
      )}
      {Object.entries(fieldErrors).map(([k, v]) => (
        <p key={k} className="text-rose-400">
          {k}: {v[0]}
        </p>
      ))}
      {prepareError && (
        <p role="alert" className="text-rose-400">
          {prepareError}
        </p>
      )}
      {create.error && Object.keys(fieldErrors).length === 0 && (
        <p role="alert" className="text-rose-400">
          {errorMessage(create.error)}
        </p>
      )}
      <button
        type="button"
        disabled={!ready || create.isPending || (running !== null && !done)}
        onClick={() => void start()}
        className="rounded bg-sky-600 px-3 py-1.5 font-medium text-white hover:bg-sky-500 disabled:opacity-50"
      >
        {create.isPending ? 'Starting…' : 'Run backtest'}
      </button>
      {running && <BacktestProgress key={running} id={running} onDone={onDone} />}
      {running && done?.status === 'succeeded' && (
        <Link
          href={`/backtests/${running}`}
          className="inline-block text-sky-400 underline"
          data-testid="open-results"
        >
          Open the results
        </Link>
      )}
    </div>
  );
}

/** The builder's (and a template's) "Backtest" button: opens the launcher in a panel. */
export function BacktestButton({
  strategyId,
  prepare,
  underlying,
  beforeStart,
  primary = false,
}: {
  strategyId?: string;
  prepare?: () => Promise<{ strategyVersionId: string }>;
  underlying?: string;
  beforeStart?: () => Promise<void>;
  primary?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className={
          primary
            ? 'rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-500'
            : 'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500'
        }
      >
        Backtest
      </button>
      {open && (
        <div
          role="dialog"
          aria-label="Backtest"
          className="absolute right-0 z-20 mt-1 w-96 rounded border border-zinc-700 bg-zinc-900 p-3 shadow-xl"
        >
          <BacktestLauncher
            strategyId={strategyId}
            prepare={prepare}
            underlying={underlying}
            beforeStart={beforeStart}
          />
        </div>
      )}
    </div>
  );
}

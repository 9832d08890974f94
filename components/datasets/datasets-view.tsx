'use client';
/**
 * The chain store of this server: what is stored per underlying, which days (open one to see
 * them), how big, and imports with their progress, including starting one from the shared
 * datasets folder.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';

const count = new Intl.NumberFormat();
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const cell = 'px-3 py-2';
const head = 'bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-500';

export function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(0)} kB`;
  return `${b} B`;
}

function Days({ underlying }: { underlying: string }) {
  const trpc = useTRPC();
  const days = useQuery(trpc.datasets.days.queryOptions({ underlying }));
  if (days.isPending) return <LoadingRows rows={2} />;
  if (days.isError) return <ErrorNotice>{errorMessage(days.error)}</ErrorNotice>;
  return (
    <table className="w-full text-left text-xs" data-testid={`days-${underlying}`}>
      <thead className={head}>
        <tr>
          <th className={cell}>Day</th>
          <th className={cell}>Session</th>
          <th className={`${cell} text-right`}>Snapshots</th>
          <th className={`${cell} text-right`}>Options</th>
          <th className={cell}>Expiries</th>
          <th className={`${cell} text-right`}>Size</th>
          <th className={cell}>Imported from</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-800/80">
        {days.data.map((d) => (
          <tr key={d.day}>
            <td className={`${cell} font-mono text-zinc-100`}>{d.day}</td>
            <td className={`${cell} font-mono text-zinc-400`}>
              {d.from.slice(11, 16)}–{d.to.slice(11, 16)}
            </td>
            <td className={`${cell} text-right font-mono`}>{count.format(d.snapshots)}</td>
            <td className={`${cell} text-right font-mono`}>{count.format(d.options)}</td>
            <td className={`${cell} text-zinc-400`} title={d.expiries.join(', ')}>
              {d.expiries.length} ({d.expiries[0]} … {d.expiries[d.expiries.length - 1]})
            </td>
            <td className={`${cell} text-right font-mono`}>{formatBytes(d.bytes)}</td>
            <td className={`${cell} text-zinc-400`}>
              {d.source} · {when.format(new Date(d.importedAt))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Stored() {
  const trpc = useTRPC();
  const stored = useQuery(trpc.datasets.stored.queryOptions());
  const [open, setOpen] = useState<string | null>(null);
  if (stored.isPending) return <LoadingRows />;
  if (stored.isError) return <ErrorNotice>{errorMessage(stored.error)}</ErrorNotice>;
  if (stored.data.length === 0)
    return (
      <EmptyState title="No option chains stored yet">
        Import a dataset below, or from a terminal with{' '}
        <code className="text-zinc-300">npm run -s cli -- import FILE</code> (NDJSON, long CSV, NSE
        JSON, NSE 1-minute CSV or parquet, Deribit, Yahoo). Each day is stored once, compressed, and
        backtests then read only the expiries and strikes a strategy can touch.
      </EmptyState>
    );
  return (
    <div className="overflow-x-auto rounded border border-zinc-800">
      <table className="w-full text-left text-xs" data-testid="stored-table">
        <thead className={head}>
          <tr>
            <th className={cell}>Underlying</th>
            <th className={cell}>Days</th>
            <th className={`${cell} text-right`}>Snapshots</th>
            <th className={`${cell} text-right`}>Options</th>
            <th className={`${cell} text-right`}>Size</th>
            <th className={cell} />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/80">
          {stored.data.map((s) => (
            <FragmentRow
              key={s.underlying}
              open={open === s.underlying}
              onToggle={() => setOpen(open === s.underlying ? null : s.underlying)}
              row={
                <>
                  <td className={`${cell} font-medium text-zinc-100`}>{s.underlying}</td>
                  <td className={`${cell} text-zinc-300`}>
                    {s.days} ({s.first} → {s.last})
                  </td>
                  <td className={`${cell} text-right font-mono`}>{count.format(s.snapshots)}</td>
                  <td className={`${cell} text-right font-mono`}>{count.format(s.options)}</td>
                  <td className={`${cell} text-right font-mono`}>{formatBytes(s.bytes)}</td>
                </>
              }
              detail={<Days underlying={s.underlying} />}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FragmentRow({
  row,
  detail,
  open,
  onToggle,
}: {
  row: React.ReactNode;
  detail: React.ReactNode;
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <>
      <tr className="hover:bg-zinc-900/60">
        {row}
        <td className={`${cell} text-right`}>
          <button
            type="button"
            onClick={onToggle}
            className="rounded border border-zinc-700 px-2 py-0.5 text-zinc-300 hover:border-zinc-500"
          >
            {open ? 'Hide days' : 'Show days'}
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6} className="bg-zinc-950 p-2">
            {detail}
          </td>
        </tr>
      )}
    </>
  );
}

function Imports() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const shared = useQuery(trpc.market.datasets.queryOptions());
  const [pick, setPick] = useState('');
  const imports = useQuery({
    ...trpc.datasets.imports.queryOptions(),
    refetchInterval: (q) =>
      q.state.data?.some((i) => i.state === 'running' && !i.interrupted) ? 1000 : false,
  });
  const start = useMutation(
    trpc.datasets.importShared.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );
  const running = imports.data?.some((i) => i.state === 'running' && !i.interrupted);
  // A finished import changes what is stored: refresh the tables above when one ends.
  useEffect(() => {
    if (!running) void qc.invalidateQueries({ queryKey: trpc.datasets.stored.queryKey() });
  }, [running, qc, trpc]);
  return (
    <section className="mt-6 space-y-2">
      <h2 className="text-sm font-medium text-zinc-200">Imports</h2>
      <div className="flex flex-wrap items-end gap-2 text-xs">
        <label className="flex flex-col gap-1 text-zinc-400">
          Shared dataset on this server
          <select
            className="min-w-80 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            value={pick}
            onChange={(e) => setPick(e.target.value)}
            data-testid="import-pick"
          >
            <option value="">
              {shared.data?.length ? 'Pick a file or folder…' : 'No shared datasets on this server'}
            </option>
            {shared.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!pick || start.isPending || running}
          onClick={() => start.mutate({ dataset: pick })}
          className="rounded bg-sky-600 px-3 py-1.5 text-white disabled:opacity-40"
        >
          Import into the store
        </button>
      </div>
      {start.isError && <ErrorNotice>{errorMessage(start.error)}</ErrorNotice>}
      {imports.isError && <ErrorNotice>{errorMessage(imports.error)}</ErrorNotice>}
      {imports.data && imports.data.length > 0 && (
        <div className="overflow-x-auto rounded border border-zinc-800">
          <table className="w-full text-left text-xs" data-testid="imports-table">
            <thead className={head}>
              <tr>
                <th className={cell}>Source</th>
                <th className={cell}>State</th>
                <th className={`${cell} text-right`}>Days</th>
                <th className={`${cell} text-right`}>Snapshots</th>
                <th className={`${cell} text-right`}>Written</th>
                <th className={cell}>Last day</th>
                <th className={`${cell} text-right`}>Bad rows</th>
                <th className={cell}>Started</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800/80">
              {imports.data.map((i) => (
                <tr key={i.id}>
                  <td className={`${cell} text-zinc-100`}>{i.source}</td>
                  <td
                    className={`${cell} ${i.state === 'failed' || i.interrupted ? 'text-rose-400' : i.state === 'running' ? 'text-sky-300' : 'text-emerald-400'}`}
                    title={i.error ?? undefined}
                  >
                    {i.interrupted ? 'interrupted' : i.state}
                    {i.error && `: ${i.error}`}
                  </td>
                  <td className={`${cell} text-right font-mono`}>{i.days}</td>
                  <td className={`${cell} text-right font-mono`}>{count.format(i.snapshots)}</td>
                  <td className={`${cell} text-right font-mono`}>{formatBytes(i.bytes)}</td>
                  <td className={`${cell} font-mono text-zinc-400`}>{i.lastDay ?? '—'}</td>
                  <td className={`${cell} text-right font-mono`}>{count.format(i.badRows)}</td>
                  <td className={`${cell} text-zinc-400`}>{when.format(new Date(i.startedAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DatasetsView() {
  return (
    <div data-testid="datasets-view">
      <Stored />
      <Imports />
    </div>
  );
}

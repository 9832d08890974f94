'use client';
/**
 * One sweep: its progress while the fleet runs it (the heat map fills in as combinations finish),
 * then a heat map of net P&L, drawdown or Sharpe per combination over the whole range, the
 * in-sample sessions or the out-of-sample ones, the in-sample choice beside how it did out of
 * sample, and the overfitting warnings.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatMoney } from '@/components/templates/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import {
  colourOf,
  heatMap,
  rangeOf,
  valueOf,
  type Metric,
  type SweepCell,
  type WindowName,
} from './heatmap';

const METRICS: { id: Metric; label: string }[] = [
  { id: 'netPnl', label: 'Net P&L' },
  { id: 'maxDrawdown', label: 'Max drawdown' },
  { id: 'sharpe', label: 'Sharpe' },
];
const WINDOWS: { id: WindowName; label: string }[] = [
  { id: 'whole', label: 'Whole range' },
  { id: 'inSample', label: 'In sample' },
  { id: 'outOfSample', label: 'Out of sample' },
];
const LIVE = new Set(['queued', 'running']);
const show = (v: number | null, metric: Metric) =>
  v === null ? '—' : metric === 'sharpe' ? v.toFixed(2) : formatMoney(v);

export function SweepResults({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const sweep = useQuery({
    ...trpc.sweeps.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && LIVE.has(q.state.data.status) ? 1000 : false),
  });
  const fields = useQuery(trpc.sweeps.fields.queryOptions());
  const cancel = useMutation(
    trpc.sweeps.cancel.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.sweeps.pathKey() }),
    }),
  );
  const [metric, setMetric] = useState<Metric>('netPnl');
  const [window, setWindow] = useState<WindowName>('whole');
  const [slice, setSlice] = useState<string | null>(null);

  if (sweep.isPending) return <LoadingRows />;
  if (sweep.error) return <ErrorNotice>{errorMessage(sweep.error)}</ErrorNotice>;
  const s = sweep.data;
  const labelOf = (field: string) => fields.data?.fields.find((f) => f.field === field)?.label ?? field; // prettier-ignore
  const axes = s.spec.axes;
  const third = axes[2];
  const sliceValue = third ? (third.values.find((v) => String(v) === slice) ?? third.values[0]) : undefined; // prettier-ignore
  const map = heatMap(axes, s.results as SweepCell[], sliceValue);
  const range = rangeOf(map, metric, window);
  const chosen = s.analysis?.chosen ? s.results.find((r) => r.index === s.analysis!.chosen!.index) : undefined; // prettier-ignore
  const pct = Math.round(s.progress * 100);

  return (
    <div className="space-y-4 text-xs" data-testid="sweep-results">
      <PageHeader
        title={`Sweep of ${s.combinations} combinations`}
        description={`${axes.map((a) => `${labelOf(a.field)} (${a.values.length})`).join(' × ')} · last ${s.spec.outOfSamplePct} % of sessions out of sample`}
        actions={
          LIVE.has(s.status) && (
            <button
              type="button"
              className="rounded border border-zinc-700 px-2 py-1 text-zinc-300 hover:border-rose-500"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ id })}
            >
              Cancel sweep
            </button>
          )
        }
      />
      <div className="space-y-1">
        <div className="flex justify-between text-zinc-400">
          <span data-testid="sweep-status">
            {s.status === 'running'
              ? `Running on the worker fleet: ${s.results.length} of ${s.combinations} combinations done`
              : s.status === 'queued'
                ? 'Queued'
                : s.status === 'succeeded'
                  ? `Finished: ${s.results.length} combinations`
                  : s.status}
          </span>
          <span>{pct} %</span>
        </div>
        <div
          role="progressbar"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label="Sweep progress"
          className="h-1.5 rounded bg-zinc-800"
        >
          <div className="h-1.5 rounded bg-sky-500" style={{ width: `${pct}%` }} />
        </div>
        {s.error && <ErrorNotice>{s.error}</ErrorNotice>}
        {cancel.error && <ErrorNotice>{errorMessage(cancel.error)}</ErrorNotice>}
      </div>

      {s.analysis && s.analysis.warnings.length > 0 && (
        <div
          role="note"
          data-testid="overfitting-warning"
          className="rounded border border-amber-700/60 bg-amber-950/30 p-3 text-amber-200"
        >
          <p className="font-medium">Before you trust the best cell: overfitting</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-4">
            {s.analysis.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}

      {chosen && (
        <div className="rounded border border-zinc-800 p-3" data-testid="walk-forward">
          <p className="text-zinc-300">
            Chosen on the in-sample sessions: <strong>{s.analysis!.chosen!.label}</strong>
          </p>
          <table className="mt-2">
            <thead className="text-zinc-500">
              <tr>
                <th className="pr-4 text-left font-normal">Sessions</th>
                <th className="pr-4 text-right font-normal">Net P&L</th>
                <th className="pr-4 text-right font-normal">Max drawdown</th>
                <th className="pr-4 text-right font-normal">Sharpe</th>
                <th className="text-right font-normal">Trades</th>
              </tr>
            </thead>
            <tbody className="text-zinc-200">
              {(['inSample', 'outOfSample'] as const).map((w) => (
                <tr key={w}>
                  <td className="pr-4">
                    {w === 'inSample' ? 'In sample' : 'Out of sample'} ({chosen[w].days}:{' '}
                    {chosen[w].from} → {chosen[w].to})
                  </td>
                  <td className="pr-4 text-right">{formatMoney(chosen[w].netPnl)}</td>
                  <td className="pr-4 text-right">{formatMoney(chosen[w].maxDrawdown)}</td>
                  <td className="pr-4 text-right">{show(chosen[w].sharpe, 'sharpe')}</td>
                  <td className="text-right">{chosen[w].trades}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.analysis!.rankCorrelation !== null && (
            <p className="mt-2 text-zinc-400">
              Rank correlation of in-sample and out-of-sample net P&L over all combinations:{' '}
              {s.analysis!.rankCorrelation}
            </p>
          )}
        </div>
      )}

      <div className="flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1 text-zinc-400">
          Metric
          <select
            className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            value={metric}
            onChange={(e) => setMetric(e.target.value as Metric)}
          >
            {METRICS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-zinc-400">
          Sessions
          <select
            className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
            value={window}
            onChange={(e) => setWindow(e.target.value as WindowName)}
          >
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        {third && (
          <label className="flex flex-col gap-1 text-zinc-400">
            {labelOf(third.field)}
            <select
              className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
              value={String(sliceValue)}
              onChange={(e) => setSlice(e.target.value)}
            >
              {third.values.map((v) => (
                <option key={String(v)}>{String(v)}</option>
              ))}
            </select>
          </label>
        )}
      </div>

      <div className="overflow-x-auto">
        <table className="border-separate border-spacing-0.5" data-testid="sweep-heatmap">
          <caption className="mb-1 text-left text-zinc-400">
            {METRICS.find((m) => m.id === metric)!.label},{' '}
            {WINDOWS.find((w) => w.id === window)!.label.toLowerCase()}: rows{' '}
            {labelOf(axes[0].field)}
            {axes[1] ? `, columns ${labelOf(axes[1].field)}` : ''}
          </caption>
          <thead>
            <tr>
              <th />
              {map.columns.map((c) => (
                <th key={String(c)} scope="col" className="px-2 font-normal text-zinc-400">
                  {axes[1] ? String(c) : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {map.rows.map((r, i) => (
              <tr key={String(r)}>
                <th scope="row" className="pr-2 text-right font-normal text-zinc-400">
                  {String(r)}
                </th>
                {map.cells[i].map((cell, j) => {
                  const v = cell ? valueOf(cell, metric, window) : null;
                  const isChosen = cell && cell.index === s.analysis?.chosen?.index;
                  return (
                    <td
                      key={j}
                      data-testid="heatmap-cell"
                      title={cell ? `${String(r)} / ${String(map.columns[j])}` : 'not finished yet'}
                      className={`min-w-20 px-2 py-1.5 text-right tabular-nums text-zinc-50 ${isChosen ? 'outline outline-2 outline-sky-400' : ''}`}
                      style={{ background: colourOf(v, metric, range) }}
                    >
                      {cell ? show(v, metric) : '…'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

'use client';
/**
 * A new parameter sweep: the strategy, the data (simulated market or days of the chain store),
 * up to three fields with their values, and the share of sessions kept out of sample. The
 * server checks the grid (its size, every combination a valid strategy) and says what to change.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice } from '@/components/ui/page';
import { UNDERLYING_SYMBOLS } from '@/engine/dsl';

const input = 'rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100';
type Axis = { field: string; values: string };

/** "20, 30, 40" as values: numbers where they are numbers, times as HH:MM. */
export function parseValues(text: string): (number | string)[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
}

export function SweepLauncher({ strategyId: initial }: { strategyId?: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const strategies = useQuery(trpc.strategies.list.queryOptions());
  const fields = useQuery(trpc.sweeps.fields.queryOptions());
  const stored = useQuery(trpc.datasets.stored.queryOptions());
  const [strategyId, setStrategyId] = useState(initial ?? '');
  const [kind, setKind] = useState<'simulator' | 'store'>('simulator');
  const [sim, setSim] = useState({ underlying: 'NIFTY', from: '2026-10-05', to: '2026-10-30', seed: 7, intervalSeconds: 300 }); // prettier-ignore
  const [store, setStore] = useState({ underlying: '', from: '', to: '' });
  const [axes, setAxes] = useState<Axis[]>([
    { field: 'stopLossPct', values: '20, 30, 40, 50' },
    { field: 'entryTime', values: '09:20, 09:45, 10:15' },
  ]);
  const [oos, setOos] = useState(30);
  const create = useMutation(
    trpc.sweeps.create.mutationOptions({
      onSuccess: async (row) => {
        await qc.invalidateQueries({ queryKey: trpc.sweeps.pathKey() });
        router.push(`/sweeps/${row.id}`);
      },
    }),
  );
  const chosenStrategy = strategyId || strategies.data?.[0]?.id || '';
  const storeChoice = (() => {
    const s =
      (stored.data ?? []).find((x) => x.underlying === store.underlying) ?? stored.data?.[0];
    return s ? { underlying: s.underlying, from: store.from || s.first, to: store.to || s.last } : null; // prettier-ignore
  })();
  const count = axes.reduce((n, a) => n * Math.max(1, parseValues(a.values).length), 1);
  const start = () =>
    create.mutate({
      strategyId: chosenStrategy,
      dataSource:
        kind === 'simulator'
          ? { kind: 'simulator', ...sim }
          : { kind: 'store', underlying: storeChoice?.underlying ?? '', from: storeChoice?.from ?? '', to: storeChoice?.to ?? '' }, // prettier-ignore
      spec: {
        axes: axes.map((a) => ({ field: a.field, values: parseValues(a.values) })),
        outOfSamplePct: oos,
      },
    });
  const max = fields.data?.maxCombinations ?? 400;

  return (
    <form
      className="max-w-2xl space-y-3 rounded border border-zinc-800 p-3 text-xs"
      data-testid="sweep-launcher"
      onSubmit={(e) => {
        e.preventDefault();
        start();
      }}
    >
      <label className="flex flex-col gap-1 text-zinc-400">
        Strategy
        <select
          className={input}
          value={chosenStrategy}
          onChange={(e) => setStrategyId(e.target.value)}
        >
          {(strategies.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="flex gap-3">
        <legend className="mb-1 text-zinc-400">Data</legend>
        {(['simulator', 'store'] as const).map((k) => (
          <label key={k} className="flex items-center gap-1 text-zinc-300">
            <input
              type="radio"
              name="sweep-kind"
              checked={kind === k}
              onChange={() => setKind(k)}
            />
            {k === 'simulator' ? 'Simulator' : 'Stored chains'}
          </label>
        ))}
      </fieldset>
      {kind === 'simulator' ? (
        <div className="grid grid-cols-4 gap-2">
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
          <label className="flex flex-col gap-1 text-zinc-400">
            Seed
            <input
              className={input}
              type="number"
              value={sim.seed}
              onChange={(e) => setSim({ ...sim, seed: Math.floor(Number(e.target.value) || 0) })}
            />
          </label>
        </div>
      ) : storeChoice ? (
        <div className="grid grid-cols-3 gap-2">
          <label className="flex flex-col gap-1 text-zinc-400">
            Underlying
            <select
              className={input}
              value={storeChoice.underlying}
              onChange={(e) => setStore({ underlying: e.target.value, from: '', to: '' })}
            >
              {(stored.data ?? []).map((d) => (
                <option key={d.underlying}>{d.underlying}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            From
            <input
              className={input}
              type="date"
              value={storeChoice.from}
              onChange={(e) => setStore({ ...storeChoice, from: e.target.value })}
            />
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            To
            <input
              className={input}
              type="date"
              value={storeChoice.to}
              onChange={(e) => setStore({ ...storeChoice, to: e.target.value })}
            />
          </label>
        </div>
      ) : (
        <p className="text-zinc-400">
          No chains are stored on this server yet: import some on the Datasets page.
        </p>
      )}
      <fieldset className="space-y-2">
        <legend className="mb-1 text-zinc-400">
          Fields to sweep (values separated by commas; at most {fields.data?.maxFields ?? 3} fields,{' '}
          {max} combinations)
        </legend>
        {axes.map((a, i) => (
          <div key={i} className="flex items-end gap-2">
            <label className="flex flex-col gap-1 text-zinc-400">
              Field {i + 1}
              <select
                className={input}
                value={a.field}
                onChange={(e) =>
                  setAxes(axes.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)))
                }
              >
                {(fields.data?.fields ?? []).map((f) => (
                  <option key={f.field} value={f.field} title={f.describe}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-1 flex-col gap-1 text-zinc-400">
              Values
              <input
                className={input}
                aria-label={`Values of field ${i + 1}`}
                value={a.values}
                onChange={(e) =>
                  setAxes(axes.map((x, j) => (j === i ? { ...x, values: e.target.value } : x)))
                }
              />
            </label>
            <button
              type="button"
              className="px-1 text-zinc-500 hover:text-rose-400"
              onClick={() => setAxes(axes.filter((_, j) => j !== i))}
              disabled={axes.length === 1}
            >
              Remove
            </button>
          </div>
        ))}
        {axes.length < (fields.data?.maxFields ?? 3) && (
          <button
            type="button"
            className="text-sky-300"
            onClick={() => setAxes([...axes, { field: 'lots', values: '1, 2' }])}
          >
            Add a field
          </button>
        )}
      </fieldset>
      <label className="flex items-center gap-2 text-zinc-400">
        Out of sample: the last
        <input
          className={`${input} w-16`}
          type="number"
          min={10}
          max={50}
          value={oos}
          onChange={(e) => setOos(Math.round(Number(e.target.value) || 30))}
        />
        % of sessions (the choice is made on the rest, then judged on these)
      </label>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          className="rounded bg-sky-600 px-3 py-1.5 text-white disabled:opacity-50"
          disabled={create.isPending || !chosenStrategy}
        >
          Run {count} combinations on the fleet
        </button>
        {count > max && (
          <span className="text-amber-300">over the limit of {max}: drop values or a field</span>
        )}
      </div>
      {create.error && <ErrorNotice>{errorMessage(create.error)}</ErrorNotice>}
    </form>
  );
}

'use client';
/**
 * "Publish with a backtest": the author picks which finished run of exactly this strategy the
 * template shows. Runs on a private upload or on an earlier version are listed but cannot be
 * picked, and say why.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { formatMoney } from '@/components/templates/format';
import { useTRPC } from '@/components/trpc/react';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function BacktestChoice({
  id,
  strategyId,
  value,
  onChange,
}: {
  id: string;
  strategyId: string;
  value: string;
  onChange: (backtestId: string) => void;
}) {
  const trpc = useTRPC();
  const q = useQuery(trpc.templates.publishableBacktests.queryOptions({ strategyId }));
  const eligible = (q.data ?? []).filter((b) => b.refused === null);
  // The newest run of exactly this strategy is the natural one to show; the author can pick none.
  useEffect(() => {
    if (value === '' && eligible[0]) onChange(eligible[0].id);
  }, [q.data]);
  return (
    <div>
      <label htmlFor={id} className="block text-zinc-400">
        Publish with a backtest
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-help`}
        className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
      >
        <option value="none">None: show no figures</option>
        {(q.data ?? []).map((b) => (
          <option key={b.id} value={b.id} disabled={b.refused !== null}>
            {when.format(b.createdAt)} · {b.data}
            {b.netPnl !== null ? ` · net ${formatMoney(b.netPnl)}` : ''}
            {b.refused ? ` (cannot: ${b.refused.split(';')[0]})` : ''}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="mt-0.5 text-[11px] text-zinc-400">
        {q.isPending
          ? 'Looking for your runs of this strategy…'
          : eligible.length
            ? 'Others see only this run’s figures, never the run itself; later runs change nothing.'
            : 'No run of this exact strategy on the simulator or a shared dataset yet: backtest it first to publish figures with it.'}
      </p>
    </div>
  );
}

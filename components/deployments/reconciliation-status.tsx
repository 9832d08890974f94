'use client';
/**
 * A live deployment's reconciliation with its broker: when it was last checked, whether the
 * broker's positions match our book contract by contract, and, when they differ, that new
 * entries are stopped (exits keep working) until the trader has looked and resumes. Paper
 * deployments have no broker and show nothing.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, useTRPC } from '@/components/trpc/react';

const button =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 disabled:opacity-50';

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

export function ReconciliationStatus({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const dep = useQuery({
    ...trpc.deployments.get.queryOptions({ id: deploymentId }),
    refetchInterval: 15_000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.deployments.get.queryKey({ id: deploymentId }) }); // prettier-ignore
  const check = useMutation(
    trpc.deployments.reconcileNow.mutationOptions({
      // The workers answer within a few seconds; the page re-reads then.
      onSuccess: () => setTimeout(() => void refresh(), 3_000),
    }),
  );
  const resume = useMutation(trpc.deployments.resume.mutationOptions({ onSuccess: refresh }));
  if (!dep.data) return null;
  const r = dep.data.reconciliation;
  if (r.kind === 'paper') return null;
  const active = dep.data.status === 'running' || dep.data.status === 'paused';

  const headline =
    r.kind === 'pending'
      ? { text: 'Waiting for the first check with the broker', style: 'text-zinc-400' }
      : r.status === 'matched'
        ? { text: 'Positions match the broker', style: 'text-emerald-400' }
        : r.status === 'mismatch'
          ? { text: 'Positions differ from the broker: new entries stopped', style: 'text-rose-400' } // prettier-ignore
          : { text: 'Could not check with the broker', style: 'text-amber-300' };

  return (
    <section
      aria-label="Reconciliation with the broker"
      className="space-y-2 rounded border border-zinc-800 bg-zinc-900/40 p-3 text-xs"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-sm font-medium text-zinc-200">Reconciliation</h2>
          <p role="status" className={headline.style}>
            {headline.text}
            {r.kind === 'checked' && (
              <span className="text-zinc-500"> · checked {ago(r.checkedAt)}</span>
            )}
          </p>
        </div>
        <div className="flex gap-2">
          {r.kind === 'checked' && r.entriesHalted && active && (
            <button
              type="button"
              className={button}
              disabled={resume.isPending}
              onClick={() => resume.mutate({ id: deploymentId })}
              title="Lifts the stop on new entries; a new difference stops them again"
            >
              Resume entries
            </button>
          )}
          {active && (
            <button
              type="button"
              className={button}
              disabled={check.isPending}
              onClick={() => check.mutate({ id: deploymentId })}
            >
              {check.isPending ? 'Asking…' : 'Check now'}
            </button>
          )}
        </div>
      </div>
      {r.kind === 'checked' && r.error && <p className="text-amber-300">{r.error}</p>}
      {r.kind === 'checked' && r.reason && (
        <p className="text-zinc-300">{r.reason}. Exits and square-offs still go to the broker.</p>
      )}
      {r.kind === 'checked' && r.rows.length > 0 && (
        <table className="w-full text-left tabular-nums">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1 font-normal">Contract</th>
              <th className="py-1 text-right font-normal">Our book (now)</th>
              <th className="py-1 text-right font-normal">Broker (at the check)</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr key={row.contract} className={row.differs ? 'text-rose-300' : 'text-zinc-300'}>
                <td className="py-0.5">{row.contract}</td>
                <td className="py-0.5 text-right">{signed(row.ours)}</td>
                <td className="py-0.5 text-right">
                  {signed(row.broker)}
                  {row.differs && <span className="sr-only"> (differs)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.kind === 'checked' && r.rows.length === 0 && !r.error && (
        <p className="text-zinc-500">No open positions here or at the broker.</p>
      )}
      {r.kind === 'checked' && r.ordersUnknown.length > 0 && (
        <p className="text-amber-300">
          The broker does not know {r.ordersUnknown.length} of our orders (
          {r.ordersUnknown.slice(0, 3).join(', ')}
          {r.ordersUnknown.length > 3 ? ', …' : ''}): check its order book.
        </p>
      )}
      {(check.error || resume.error) && (
        <p role="alert" className="text-rose-400">
          {errorMessage(check.error ?? resume.error)}
        </p>
      )}
    </section>
  );
}

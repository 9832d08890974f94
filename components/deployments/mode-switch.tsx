'use client';
/**
 * The paper/live toggle of one deployment, as a dialog. Going live names the broker account,
 * shows the risk limits that will apply to real orders, and asks for the strategy's name typed
 * out (the server checks it too). Going back to paper asks what happens to the positions open at
 * the broker: square them off there, or hand them over (they stay open at the broker, no longer
 * managed there, and the paper deployment carries them on). Either way a new deployment of the
 * other kind takes over; this one stops.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';

const button =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 disabled:opacity-50';

const LIMIT_LABELS: Record<string, string> = {
  maxLotsPerOrder: 'Max lots per order',
  maxOpenLegs: 'Max open legs',
  maxPremiumPerOrder: 'Max premium per order',
  maxNotionalPerOrder: 'Max notional per order',
  maxOrdersPerMinute: 'Max orders per minute',
  priceBandPct: 'Price band (% from the mark)',
};

export function ModeSwitch({
  deploymentId,
  mode,
}: {
  deploymentId: string;
  mode: 'paper' | 'live';
}) {
  const [open, setOpen] = useState(false);
  const to = mode === 'paper' ? 'live' : 'paper';
  return (
    <div className="relative">
      <button
        type="button"
        className={
          to === 'live'
            ? `${button} border-amber-700 text-amber-200 hover:border-amber-500`
            : button
        }
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {to === 'live' ? 'Switch to live…' : 'Switch to paper…'}
      </button>
      {open && <SwitchDialog deploymentId={deploymentId} onClose={() => setOpen(false)} />}
    </div>
  );
}

function SwitchDialog({ deploymentId, onClose }: { deploymentId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ids = useId();
  const preview = useQuery(trpc.deployments.modeSwitchPreview.queryOptions({ id: deploymentId }));
  const [accountId, setAccountId] = useState('');
  const [positions, setPositions] = useState<'square_off' | 'hand_over'>('square_off');
  const [typed, setTyped] = useState('');
  const switchMode = useMutation(
    trpc.deployments.switchMode.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
    }),
  );
  const p = preview.data;
  const usable = p?.brokerAccounts.filter((a) => a.usable) ?? [];
  const account = accountId || usable[0]?.id || '';
  const nameOk = !!p && typed.trim() === p.strategyName.trim();
  const limits = Object.entries(p?.riskLimits ?? {}).filter(([, v]) => v !== undefined);
  const ready =
    !!p &&
    p.blockers.length === 0 &&
    nameOk &&
    (p.to === 'live' ? !!account : positions === 'square_off' || p.canHandOver);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!p || !ready) return;
    switchMode.mutate(
      p.to === 'live'
        ? { id: deploymentId, to: 'live', brokerAccountId: account, confirmName: typed }
        : { id: deploymentId, to: 'paper', positions, confirmName: typed },
    );
  };

  return (
    <form
      role="dialog"
      aria-modal="true"
      aria-label={p ? `Switch to ${p.to}` : 'Switch between paper and live'}
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      className="absolute right-0 z-30 mt-1 w-96 space-y-3 rounded border border-zinc-700 bg-zinc-900 p-3 text-xs shadow-xl"
    >
      {preview.isLoading && <p className="text-zinc-400">Reading the deployment…</p>}
      {preview.error && (
        <p role="alert" className="text-rose-400">
          {errorMessage(preview.error)}
        </p>
      )}
      {p && (
        <>
          <h2 className="text-sm font-medium text-zinc-100">
            {p.to === 'live' ? 'Trade this deployment live' : 'Take this deployment back to paper'}
          </h2>
          {p.blockers.map((b) => (
            <p key={b} className="text-amber-300">
              {b}
            </p>
          ))}
          {p.to === 'live' ? (
            <>
              <p className="text-zinc-300">
                Real orders go to your broker from the strategy&apos;s next entry. The paper
                deployment is killed
                {p.openPositions.length > 0
                  ? ` and its ${p.openPositions.length} open paper positions are squared off on paper`
                  : ''}
                ; the live one starts flat.
              </p>
              <label htmlFor={`${ids}-account`} className="block text-zinc-400">
                Broker account
              </label>
              <select
                id={`${ids}-account`}
                value={account}
                onChange={(e) => setAccountId(e.target.value)}
                className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
              >
                {p.brokerAccounts.map((a) => (
                  <option key={a.id} value={a.id} disabled={!a.usable}>
                    {a.label} ({a.broker}){a.why ? `: ${a.why}` : ''}
                  </option>
                ))}
              </select>
              <p className="text-zinc-400">
                Live trades on the account&apos;s own market data: ticks come from the broker, not
                the simulator.
              </p>
              {p.brokerAccounts.length === 0 && (
                <p className="text-zinc-400">
                  No broker account yet.{' '}
                  <Link href="/brokers" className="text-sky-400 underline">
                    Connect one
                  </Link>
                </p>
              )}
            </>
          ) : (
            <fieldset className="space-y-1">
              <legend className="text-zinc-400">
                {p.openPositions.length} open positions at the broker
              </legend>
              <label className="flex items-start gap-2 text-zinc-200">
                <input
                  type="radio"
                  name={`${ids}-positions`}
                  checked={positions === 'square_off'}
                  onChange={() => setPositions('square_off')}
                />
                <span>Square them off at the broker now, then continue on paper from flat.</span>
              </label>
              <label className="flex items-start gap-2 text-zinc-200">
                <input
                  type="radio"
                  name={`${ids}-positions`}
                  checked={positions === 'hand_over'}
                  disabled={!p.canHandOver}
                  onChange={() => setPositions('hand_over')}
                />
                <span>
                  Hand them over: they stay open at the broker and are no longer managed there; the
                  paper deployment carries them on.
                  {!p.canHandOver &&
                    ` Not while ${p.workingOrders} orders are working at the broker.`}
                </span>
              </label>
            </fieldset>
          )}
          {p.openPositions.length > 0 && (
            <ul className="space-y-0.5 text-zinc-300" aria-label="Open positions">
              {p.openPositions.map((o) => (
                <li key={`${o.contract}-${o.side}-${o.label}`}>
                  {o.side} {o.qty} {o.contract}
                </li>
              ))}
            </ul>
          )}
          <div>
            <p className="text-zinc-400">Risk limits {p.to === 'live' ? 'on real orders' : ''}</p>
            <dl className="grid grid-cols-2 gap-x-2 text-zinc-200 tabular-nums">
              {limits.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-zinc-400">{LIMIT_LABELS[k] ?? k}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
              {p.basketLimits.map((l) => (
                <div key={l.label} className="contents">
                  <dt className="text-zinc-400">{l.label}</dt>
                  <dd>{l.value}</dd>
                </div>
              ))}
            </dl>
            {limits.length === 0 && (
              <p className="text-amber-300">
                No order limits are set on this deployment: only the strategy&apos;s own apply.
              </p>
            )}
          </div>
          <label htmlFor={`${ids}-name`} className="block text-zinc-400">
            Type the strategy name <span className="text-zinc-100">{p.strategyName}</span> to
            confirm
          </label>
          <input
            id={`${ids}-name`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className="w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-zinc-100"
          />
          {switchMode.error && (
            <p role="alert" className="text-rose-400">
              {errorMessage(switchMode.error)}
            </p>
          )}
          {switchMode.isSuccess ? (
            <p role="status" className="text-emerald-400">
              Switched to {switchMode.data.mode}.{' '}
              <Link
                href={`/deployments/${switchMode.data.successorId}`}
                className="text-sky-400 underline"
              >
                Open the {switchMode.data.mode} deployment
              </Link>
            </p>
          ) : (
            <div className="flex justify-end gap-2">
              <button type="button" className="px-2 py-1 text-zinc-400" onClick={onClose}>
                Cancel
              </button>
              <button
                type="submit"
                disabled={!ready || switchMode.isPending}
                className={
                  p.to === 'live'
                    ? 'rounded bg-amber-600 px-2.5 py-1 text-xs font-medium text-zinc-950 disabled:opacity-50'
                    : button
                }
              >
                {switchMode.isPending
                  ? 'Switching…'
                  : p.to === 'live'
                    ? 'Go live'
                    : 'Switch to paper'}
              </button>
            </div>
          )}
        </>
      )}
    </form>
  );
}

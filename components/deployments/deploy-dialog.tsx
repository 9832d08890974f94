'use client';
/**
 * "Deploy on paper" (the builder, a backtest's results, a template): a dialog with the feed
 * (the simulated live market in exchange hours, or a simulated session on its own clock, which is
 * what a closed market offers), the risk limits the order gate enforces, and paper funds; on
 * success it opens the deployment's page.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { marketOpen } from '@/engine/session/feeds';

/** What to deploy: the strategy as it is now, or one saved version of it. */
export type DeployTarget = { strategyId: string } | { strategyVersionId: string };

const LIMITS = [
  { key: 'maxLotsPerOrder', label: 'Max lots per order', step: 1 },
  { key: 'maxOpenLegs', label: 'Max open legs', step: 1 },
  { key: 'maxPremiumPerOrder', label: 'Max premium per order', step: 100 },
  { key: 'maxNotionalPerOrder', label: 'Max notional per order', step: 10_000 },
  { key: 'maxOrdersPerMinute', label: 'Max orders per minute', step: 1 },
  { key: 'priceBandPct', label: 'Price band (%)', step: 0.5 },
] as const;
type LimitKey = (typeof LIMITS)[number]['key'];

const input =
  'w-full rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100 focus:outline-none focus:ring-1 focus:ring-sky-500';

export function DeployDialog({
  resolve,
  underlying = 'NIFTY',
  note,
  onClose,
}: {
  /** Called on Deploy: saves or forks what is needed and names what to deploy. */
  resolve: () => Promise<DeployTarget>;
  underlying?: string;
  /** A line under the title (e.g. that a template is forked first). */
  note?: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const ids = useId();
  const box = useRef<HTMLDivElement>(null);
  const [open] = useState(() => marketOpen(underlying, Date.now()));
  const [feed, setFeed] = useState<'market' | 'session'>(open ? 'market' : 'session');
  const [speed, setSpeed] = useState(30);
  const [limits, setLimits] = useState<Partial<Record<LimitKey, string>>>({});
  const [funds, setFunds] = useState('');
  const [name, setName] = useState('');
  const [prepError, setPrepError] = useState<string | null>(null);
  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        router.push(`/deployments/${r.id}`);
      },
    }),
  );
  useEffect(() => {
    box.current?.querySelector<HTMLElement>('input, select, button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const fieldErrors =
    (create.error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } } | null)
      ?.data?.zodError?.fieldErrors ?? {};
  const badLimit = LIMITS.find((l) => {
    const v = limits[l.key];
    return v !== undefined && v !== '' && !(Number(v) > 0);
  });

  const deploy = async () => {
    setPrepError(null);
    let target: DeployTarget;
    try {
      target = await resolve();
    } catch (e) {
      setPrepError(errorMessage(e));
      return;
    }
    const riskLimits: Partial<Record<LimitKey, number>> = {};
    for (const l of LIMITS) {
      const v = limits[l.key];
      if (v !== undefined && v !== '') riskLimits[l.key] = Number(v);
    }
    create.mutate({
      ...target,
      mode: 'paper',
      feed,
      ...(feed === 'session' ? { speed } : {}),
      riskLimits,
      paperFunds: funds === '' ? null : Number(funds),
      ...(name.trim() ? { name: name.trim() } : {}),
    });
  };

  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center p-4 pt-16">
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        className="w-full max-w-lg space-y-3 rounded border border-zinc-700 bg-zinc-900 p-4 text-xs shadow-2xl shadow-black ring-1 ring-zinc-600"
      >
        <div>
          <h2 id={`${ids}-title`} className="text-sm font-semibold text-zinc-100">
            Deploy on paper
          </h2>
          <p className="mt-0.5 text-zinc-400">
            Paper trading fills on the market&apos;s quotes with the strategy&apos;s slippage and
            costs; no order reaches a broker.{note ? ` ${note}` : ''}
          </p>
        </div>
        <fieldset className="space-y-1.5">
          <legend className="mb-1 font-medium text-zinc-300">Market data</legend>
          <label className="flex items-start gap-2 text-zinc-300">
            <input
              type="radio"
              name={`${ids}-feed`}
              checked={feed === 'market'}
              onChange={() => setFeed('market')}
            />
            <span>
              Live market (simulated {underlying} in real time, exchange hours)
              {!open && (
                <span className="block text-amber-300">
                  The market is closed now: this deployment waits for the next session to trade.
                </span>
              )}
            </span>
          </label>
          <label className="flex items-start gap-2 text-zinc-300">
            <input
              type="radio"
              name={`${ids}-feed`}
              checked={feed === 'session'}
              onChange={() => setFeed('session')}
            />
            <span>
              Simulated session starting now, on its own clock
              <span className="block text-zinc-400">
                A whole trading day of simulated prices, faster than real time; labelled simulated
                everywhere it shows.
              </span>
            </span>
          </label>
          {feed === 'session' && (
            <label className="ml-5 flex items-center gap-2 text-zinc-400">
              Clock speed
              <select
                className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
                value={speed}
                onChange={(e) => setSpeed(Number(e.target.value))}
              >
                <option value={10}>10× (a session in about 38 minutes)</option>
                <option value={30}>30× (about 12 minutes)</option>
                <option value={60}>60× (about 6 minutes)</option>
              </select>
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend className="mb-1 font-medium text-zinc-300">
            Risk limits <span className="font-normal text-zinc-400">(empty: no limit)</span>
          </legend>
          <div className="grid grid-cols-2 gap-2">
            {LIMITS.map((l) => (
              <label key={l.key} className="flex flex-col gap-1 text-zinc-400">
                {l.label}
                <input
                  className={input}
                  type="number"
                  min={0}
                  step={l.step}
                  inputMode="decimal"
                  value={limits[l.key] ?? ''}
                  onChange={(e) => setLimits({ ...limits, [l.key]: e.target.value })}
                />
              </label>
            ))}
          </div>
          {badLimit && (
            <p className="mt-1 text-rose-400">{badLimit.label} must be a number above 0.</p>
          )}
        </fieldset>
        <div className="grid grid-cols-2 gap-2">
          <label className="flex flex-col gap-1 text-zinc-400">
            Paper funds <span className="text-zinc-400">(empty: unlimited)</span>
            <input
              className={input}
              type="number"
              min={0}
              step={10_000}
              value={funds}
              onChange={(e) => setFunds(e.target.value)}
            />
          </label>
          <label className="flex flex-col gap-1 text-zinc-400">
            Name <span className="text-zinc-400">(empty: the strategy&apos;s)</span>
            <input
              className={input}
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
        </div>
        {Object.entries(fieldErrors).map(([k, v]) => (
          <p key={k} role="alert" className="text-rose-400">
            {k}: {v[0]}
          </p>
        ))}
        {(prepError || (create.error && Object.keys(fieldErrors).length === 0)) && (
          <p role="alert" className="text-rose-400">
            {prepError ?? errorMessage(create.error)}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            className="rounded border border-zinc-700 px-3 py-1.5 text-zinc-200 hover:border-zinc-500"
          >
            Cancel
          </button>
          <button
            type="button"
            disabled={create.isPending || !!badLimit || (funds !== '' && !(Number(funds) > 0))}
            onClick={() => void deploy()}
            className="rounded bg-emerald-700 px-3 py-1.5 font-medium text-white hover:bg-emerald-600 disabled:opacity-50"
          >
            {create.isPending ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The button that opens the dialog. */
export function DeployButton({
  resolve,
  underlying,
  note,
  primary = false,
}: {
  resolve: () => Promise<DeployTarget>;
  underlying?: string;
  note?: string;
  primary?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        className={
          primary
            ? 'rounded bg-emerald-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-emerald-600'
            : 'rounded border border-emerald-800 px-2.5 py-1 text-xs text-emerald-300 hover:border-emerald-600'
        }
      >
        Deploy on paper
      </button>
      {open && (
        <DeployDialog
          resolve={resolve}
          underlying={underlying}
          note={note}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

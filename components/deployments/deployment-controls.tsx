'use client';
/**
 * The trader's commands on one deployment: pause / resume, square off everything, kill (after a
 * confirmation). Commands go to the deployment's inbox; the stream shows what they did.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

const btn = 'rounded border px-3 py-1.5 text-xs disabled:opacity-50';

export function DeploymentControls({
  id,
  name,
  status,
  onSent,
}: {
  id: string;
  name: string;
  status: string;
  /** What to tell the trader once a command is in the inbox. */
  onSent: (message: string) => void;
}) {
  const trpc = useTRPC();
  const [confirmKill, setConfirmKill] = useState(false);
  const pause = useMutation(trpc.deployments.pause.mutationOptions({ onSuccess: () => onSent('Paused: no new entries; exits keep working.') })); // prettier-ignore
  const resume = useMutation(trpc.deployments.resume.mutationOptions({ onSuccess: () => onSent('Resumed.') })); // prettier-ignore
  const squareAll = useMutation(trpc.deployments.squareOff.mutationOptions({ onSuccess: () => onSent('Square-off of every open leg sent.') })); // prettier-ignore
  const kill = useMutation(
    trpc.deployments.kill.mutationOptions({
      onSuccess: () => {
        setConfirmKill(false);
        onSent('Kill sent: open legs are being closed and the deployment is halted.');
      },
    }),
  );
  const active = status === 'running' || status === 'paused';
  const error = pause.error ?? resume.error ?? squareAll.error;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="deployment-controls">
      {status === 'paused' ? (
        <button
          type="button"
          disabled={resume.isPending}
          onClick={() => resume.mutate({ id })}
          className={`${btn} border-emerald-800 text-emerald-200 hover:border-emerald-600`}
        >
          Resume
        </button>
      ) : (
        <button
          type="button"
          disabled={!active || pause.isPending}
          onClick={() => pause.mutate({ id })}
          className={`${btn} border-zinc-700 text-zinc-200 hover:border-zinc-500`}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        disabled={!active || squareAll.isPending}
        onClick={() => squareAll.mutate({ id })}
        className={`${btn} border-amber-800 text-amber-200 hover:border-amber-600`}
      >
        Square off all
      </button>
      <button
        type="button"
        disabled={!active}
        onClick={() => setConfirmKill(true)}
        className={`${btn} border-rose-800 bg-rose-950/50 font-medium text-rose-200 hover:border-rose-600`}
      >
        Kill
      </button>
      {error && (
        <p role="alert" className="w-full text-xs text-rose-400">
          {errorMessage(error)}
        </p>
      )}
      {confirmKill && (
        <ConfirmDialog
          title={`Kill "${name}"?`}
          confirmLabel="Kill deployment"
          busy={kill.isPending}
          error={kill.error ? errorMessage(kill.error) : null}
          onConfirm={() => kill.mutate({ id })}
          onCancel={() => setConfirmKill(false)}
        >
          Every open leg is squared off at market, waiting entries are cancelled, and the deployment
          stops for good. This cannot be undone.
        </ConfirmDialog>
      )}
    </div>
  );
}

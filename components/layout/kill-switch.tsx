'use client';
/** The account-wide kill switch in the header: after a confirmation, kills every running or paused deployment and says how many. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

export function KillSwitch() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const killAll = useMutation(
    trpc.deployments.killAll.mutationOptions({
      onSuccess: async (r) => {
        setAsking(false);
        setResult(r.killed === 0 ? 'Nothing was running.' : `Killed ${r.killed} deployment${r.killed === 1 ? '' : 's'}.`); // prettier-ignore
        await qc.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
      },
    }),
  );
  return (
    <div className="flex items-center gap-2">
      {result && (
        <span role="status" className="text-xs text-rose-300" data-testid="kill-switch-result">
          {result}
        </span>
      )}
      <button
        type="button"
        onClick={() => {
          setResult(null);
          setAsking(true);
        }}
        className="rounded border border-rose-800 bg-rose-950/60 px-2 py-0.5 text-xs font-medium text-rose-200 hover:border-rose-600"
      >
        Kill switch
      </button>
      {asking && (
        <ConfirmDialog
          title="Kill every deployment?"
          confirmLabel="Kill all deployments"
          busy={killAll.isPending}
          error={killAll.error ? errorMessage(killAll.error) : null}
          onConfirm={() => killAll.mutate()}
          onCancel={() => setAsking(false)}
        >
          Every running or paused deployment of your account, paper and live, squares off its open
          legs at market and stops for good.
        </ConfirmDialog>
      )}
    </div>
  );
}
